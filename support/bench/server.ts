/**
 * npm run bench:server: chapter 5's reference server (kata 31's persistent connections
 * running kata 27's hello handler) against node:http answering the same bytes, side by side
 * in one run, with autocannon as the load generator (DESIGN.md, "Budgets": ≥ 0.8 of
 * node:http's requests per second).
 *
 * Each server runs in a process of its own: serve-one.ts, bundled by esbuild as a deployment
 * compiles TypeScript (under tsx, keepNames gives every closure a defineProperty call, about a
 * fifth of the kata server's time per request, which no production build pays). autocannon
 * runs here. The rounds alternate the two servers so that a machine that slows down midway
 * slows both; the figure is the median of the rounds. Then one longer run against the kata's server checks that
 * nothing was lost or answered wrongly: no connection error, no timeout, no status but 200,
 * every body the greeting, and no request left unanswered but the ones in flight when the
 * run stopped.
 *
 * A benchmark, not a test: it prints, it never fails. BENCH_ROUNDS, BENCH_SECONDS and
 * BENCH_CONNECTIONS change the defaults.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { ROOT } from '../runner/paths.ts';
import { GREETING, SERVERS, type ServerName } from './hello-servers.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;
const SECONDS = Number(process.env.BENCH_SECONDS) || 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 64;
const WARM_UP_SECONDS = 1;
/** The soak run of issue 11: 64 connections for 10 s lose no request. */
const SOAK = { seconds: 10, connections: 64 } as const;
const RATIO_BUDGET = 0.8;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

/** serve-one.ts and what it imports, as one JavaScript file in a temporary folder. */
const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'bench-server-'));
/** The servers running now: a bench that crashes takes them, and the bundle, with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill();
  rmSync(bundleDir, { recursive: true, force: true });
});
const bundle = path.join(bundleDir, 'serve-one.mjs');
await build({
  entryPoints: [path.join(ROOT, 'support/bench/serve-one.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});

/** Starts one server in its own process and waits for the port it prints. */
function start(name: ServerName): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, name], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let output = '';
    child.stdout?.on('data', (piece: Buffer) => {
      output += piece.toString();
      const port = /^(\d+)\n/.exec(output)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}/` });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

function stop({ child }: Started): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

function load(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  // autocannon's return value is a thenable with no .finally: a Promise of our own
  return new Promise((resolve, reject) => {
    autocannon({ url, duration: seconds, connections, expectBody: GREETING }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** Requests per second of one server: a warm-up, then the measured run. */
async function measure(name: ServerName): Promise<number> {
  const server = await start(name);
  try {
    await load(server.url, WARM_UP_SECONDS, CONNECTIONS);
    const result = await load(server.url, SECONDS, CONNECTIONS);
    return result.requests.total / result.duration;
  } finally {
    await stop(server);
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const rate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en')} req/s`;

const figures = new Map<ServerName, number[]>(SERVERS.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
  for (const name of order) figures.get(name)?.push(await measure(name));
}
const kata = median(figures.get('kata') ?? []);
const node = median(figures.get('node:http') ?? []);
const ratio = kata / node;

const soak = await start('kata');
const result = await load(soak.url, SOAK.seconds, SOAK.connections).finally(() => stop(soak));
const unanswered = result.requests.sent - result.requests.total;
const wrong = result.errors + result.timeouts + result.non2xx + result.mismatches;

console.log(
  [
    `hello world, ${CONNECTIONS} keep-alive connections, ${ROUNDS} rounds of ${SECONDS} s, medians, ${os.availableParallelism()} cores, Node ${process.version}`,
    `node:http:                          ${rate(node)}`,
    `kata 31 server, kata 27's handler:  ${rate(kata)}  (${ratio.toFixed(2)} × node:http; budget ≥ ${RATIO_BUDGET} ×: ${ratio >= RATIO_BUDGET ? 'within budget' : 'UNDER BUDGET'})`,
    `${SOAK.connections} connections for ${SOAK.seconds} s: ${result.requests.total.toLocaleString('en')} answered, ${wrong} wrong (errors ${result.errors}, timeouts ${result.timeouts}, non-200 ${result.non2xx}, other bodies ${result.mismatches}), ${unanswered} in flight when it stopped (at most ${SOAK.connections}: ${wrong === 0 && unanswered <= SOAK.connections ? 'nothing lost' : 'REQUESTS LOST'})`,
  ].join('\n'),
);
