/**
 * GIVEN, not a task: nothing here is yours to write, and no spec runs it.
 *
 *   npx tsx katas/44-measure-your-server/measure.ts [seconds]
 *
 * Measures your chapter 5 server (kata 31's `createServer` running kata 27's `hello`, from
 * your own files) against node:http answering the same greeting, with your `loadTest` of
 * this kata, and prints both reports and the ratio. `seconds` is the length of each
 * measured run (default 3); there are three rounds, the two servers in alternating order,
 * so that a machine that slows down midway slows both, and each figure is the median round.
 *
 * Each server runs in a process of its own, so that the load generator never shares its
 * event loop: this file, bundled by esbuild (as a deployment compiles TypeScript: under
 * tsx every closure pays a defineProperty call for its name, a cost no production build
 * has) and started with `--serve kata` or `--serve node:http`. The load generator runs
 * here, bundled the same way. A benchmark, not a test: it prints, it never fails on a slow
 * figure.
 *
 * `KATA_TARGET=reference` measures the reference solutions instead of your files, as the
 * specs' own switch does: every import of katas/NN-slug/x.ts is bundled from
 * support/solutions/NN-slug/x.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hello } from '../27-hello-server/hello-server.ts';
import { createServer } from '../31-persistent-connections/connection.ts';
import type {
  formatReport as FormatReport,
  LoadReport,
  loadTest as LoadTest,
} from './load-test.ts';

const SERVERS = ['kata', 'node:http'] as const;
type ServerName = (typeof SERVERS)[number];

const ROUNDS = 3;
const DEFAULT_SECONDS = 3;
const WARM_UP_SECONDS = 1;
/** As `npm run bench:server`: enough connections to keep a server busy. */
const CONNECTIONS = 64;
/** DESIGN.md, "Budgets": the reference server serves at least 0.8 × node:http. */
const BUDGET = 0.8;
/** What kata 27's `hello` answers to `GET /`. */
const GREETING = 'Hello world!\n';

const NAMES: Record<ServerName, string> = {
  kata: 'your server (kata 31 running kata 27’s hello)',
  'node:http': 'node:http answering the same greeting',
};
const USAGE = 'usage: npx tsx katas/44-measure-your-server/measure.ts [seconds]';
const CANNOT_MEASURE =
  'Nothing measured: this needs your kata 31 server, kata 27’s hello and this kata’s loadTest and formatReport, all written.';

/** node:http answering `GET /` with the fields and body kata 27's `hello` sends. */
function nodeHello(): http.Server {
  return http.createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(GREETING),
    });
    response.end(GREETING);
  });
}

/** The child's side: serve until killed, after printing the port. */
function serve(name: string): void {
  if (!(SERVERS as readonly string[]).includes(name)) {
    process.stderr.write(`measure: no server named ${JSON.stringify(name)}\n`);
    process.exit(2);
  }
  let server: net.Server;
  try {
    server = name === 'kata' ? createServer(hello) : nodeHello();
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts one server in its own process and waits for the port it prints. */
function start(bundle: string, name: ServerName): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, '--serve', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (piece: Buffer) => {
      output += piece.toString();
      const port = /^(\d+)\n/.exec(output)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}/` });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

/** With KATA_TARGET=reference: katas/NN-slug/x.ts is bundled from support/solutions. */
function toReference(katasDir: string): import('esbuild').Plugin {
  const solutionsDir = path.join(katasDir, '..', 'support', 'solutions');
  return {
    name: 'kata-target-reference',
    setup(build) {
      build.onResolve({ filter: /\.ts$/ }, ({ path: imported, resolveDir, kind }) => {
        if (kind === 'entry-point') return undefined;
        const inKata = path.relative(katasDir, path.resolve(resolveDir, imported));
        const solution = path.join(solutionsDir, inKata);
        const isModule = /^\d\d-[^/]+\/[^/]+\.ts$/.test(inKata) && existsSync(solution);
        return isModule ? { path: solution } : undefined;
      });
    },
  };
}

/**
 * One JavaScript file with your katas in it: this file (the servers), or, for the load
 * generator, `load-test.ts` alone. `source` is this file's path.
 */
async function bundle(
  dir: string,
  source: string,
  entry: 'servers' | 'generator',
): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(dir, `${entry}.mjs`);
  const katasDir = path.dirname(path.dirname(source));
  await build({
    ...(entry === 'servers'
      ? { entryPoints: [source] }
      : {
          stdin: {
            contents: "export { formatReport, loadTest } from './load-test.ts';",
            resolveDir: path.dirname(source),
            loader: 'ts',
          },
        }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['esbuild'],
    plugins: process.env.KATA_TARGET === 'reference' ? [toReference(katasDir)] : [],
    logLevel: 'warning',
  });
  return outfile;
}

const byRate = (a: LoadReport, b: LoadReport) => a.requestsPerSecond - b.requestsPerSecond;
const median = (reports: readonly LoadReport[]) => [...reports].sort(byRate)[reports.length >> 1];
const rate = (report: LoadReport) =>
  `${Math.round(report.requestsPerSecond).toLocaleString('en')} requests per second`;

/**
 * Measures both servers and prints the reports. `argv` is what follows the script's name:
 * `[seconds]`. `source` is the path of this file, bundled for the servers' processes: give
 * it when this module is itself part of a bundle (the runner's), where `import.meta.url`
 * is the bundle's. Resolves with the exit code: 0; 1 when a server or the generator failed
 * (a kata not written yet, say); 2 for a bad argument.
 */
export async function main(
  argv: readonly string[],
  source: string = fileURLToPath(import.meta.url),
): Promise<number> {
  const seconds = argv[0] === undefined ? DEFAULT_SECONDS : Number(argv[0]);
  if (!(seconds > 0)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'measure-your-server-'));
  const running: Started[] = [];
  const cleanUp = () => {
    for (const { child } of running) child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  try {
    const servers = await bundle(dir, source, 'servers');
    const generator = (await import(
      pathToFileURL(await bundle(dir, source, 'generator')).href
    )) as {
      readonly loadTest: typeof LoadTest;
      readonly formatReport: typeof FormatReport;
    };
    const { loadTest, formatReport } = generator;
    const started = new Map<ServerName, Started>();
    for (const name of SERVERS) {
      const server = await start(servers, name);
      running.push(server);
      started.set(name, server);
    }
    const url = (name: ServerName) => started.get(name)?.url ?? '';
    console.log(
      `Measuring for ${ROUNDS} rounds of ${seconds} s each, ${CONNECTIONS} keep-alive connections, after ${WARM_UP_SECONDS} s to warm up; ${os.availableParallelism()} cores, load average ${os.loadavg()[0]?.toFixed(2)}, Node ${process.version}.`,
    );
    for (const name of SERVERS) {
      await loadTest(url(name), { connections: CONNECTIONS, duration: WARM_UP_SECONDS });
    }
    const reports = new Map<ServerName, LoadReport[]>(SERVERS.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      for (const name of order) {
        const report = await loadTest(url(name), { connections: CONNECTIONS, duration: seconds });
        reports.get(name)?.push(report);
        console.log(`  round ${round + 1}, ${name}: ${rate(report)}`);
      }
    }
    const kata = median(reports.get('kata') ?? []);
    const node = median(reports.get('node:http') ?? []);
    if (kata === undefined || node === undefined) return 1;
    for (const [name, report] of [
      ['kata', kata],
      ['node:http', node],
    ] as const) {
      console.log(`\n${NAMES[name]}, the median round:\n${formatReport(report)}`);
    }
    const ratio = kata.requestsPerSecond / node.requestsPerSecond;
    console.log(
      `\nYour server answered ${ratio.toFixed(2)} × the requests per second of node:http (${rate(kata)} against ${rate(node)}); the course's budget for the reference is ${BUDGET} × or more: ${ratio >= BUDGET ? 'within it' : 'under it'}.`,
    );
    console.log(
      'These figures move from run to run and from machine to machine: compare the ratio, and only between runs on the same machine. The lesson says what makes the difference.',
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${CANNOT_MEASURE}\n  ${(error as Error).message}\n`);
    return 1;
  } finally {
    cleanUp();
    process.off('exit', cleanUp);
  }
}

const invoked =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invoked) {
  const at = process.argv.indexOf('--serve');
  if (at !== -1) serve(process.argv[at + 1] ?? '');
  else process.exitCode = await main(process.argv.slice(2));
}
