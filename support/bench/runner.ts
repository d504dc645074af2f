/**
 * npm run bench:runner — the runner's speed budgets (DESIGN.md, "Budgets"),
 * measured side by side in one run, in a temporary copy of the repository:
 *
 * - the first result of `npm run kata 1 -- --once` against a bare `vitest run`
 *   of the same kata (budget: ≤ 1.0 s and ≤ 1.3 × bare vitest);
 * - the delay from a save to the new result in watch mode (budget: ≤ 0.5 s).
 *
 * Medians of several rounds. A benchmark, not a test: it prints, it never fails.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { folderOf, KATAS } from '../katas.ts';
import { ROOT } from '../runner/paths.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
const SAVES = Number(process.env.BENCH_SAVES) || 8;
const FIRST_RESULT_BUDGET_S = 1.0;
const RATIO_BUDGET = 1.3;
const SAVE_BUDGET_S = 0.5;
const RESULT = /(FAIL|PASS) \d{2}-|Tests +\d+ (failed|passed)|specs fail|specs pass/;
/** The runner clears the screen before each one it draws. */
const CLEAR_SCREEN = '\x1b[2J';

const first = KATAS[0];
if (!first) throw new Error('no kata to measure');
const kata = first;

const copy = mkdtempSync(path.join(os.tmpdir(), 'kata-bench-'));
for (const entry of ['katas', 'support', 'package.json', 'vitest.config.ts', 'tsconfig.json']) {
  cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
}
symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', KATA_UNLOCK: 'all' };
const bin = (name: string) => path.join(copy, 'node_modules', '.bin', name);

/** Seconds from spawning the command to the first line that shows a result. */
function firstResult(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let seen: number | undefined;
    const onData = (piece: Buffer) => {
      output += piece.toString();
      if (seen === undefined && RESULT.test(output)) seen = (performance.now() - started) / 1000;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () =>
      seen === undefined ? reject(new Error(`no result in:\n${output}`)) : resolve(seen),
    );
  });
}

async function saveLatencies(): Promise<number[]> {
  const file = path.join(copy, 'katas', folderOf(kata), kata.modules[0] ?? '');
  const original = readFileSync(file, 'utf8');
  const child = spawn(process.execPath, ['support/runner/launch.mjs', String(kata.number)], {
    cwd: copy,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let waiting: ((at: number) => void) | undefined;
  child.stdout.on('data', (piece: Buffer) => {
    screen += piece.toString();
    // The last screen drawn, and only a finished run's: verdicts shown while the run goes on
    // ("running… 3 specs so far") are not yet the save's result.
    const last = screen.slice(screen.lastIndexOf(CLEAR_SCREEN));
    if (waiting && /specs (fail|pass)/.test(last) && !last.includes('so far')) {
      const done = waiting;
      waiting = undefined;
      done(performance.now());
    }
  });
  const nextResult = () => new Promise<number>((resolve) => (waiting = resolve));
  await nextResult();
  const latencies: number[] = [];
  for (let i = 0; i < SAVES; i++) {
    screen = '';
    const result = nextResult();
    const saved = performance.now();
    writeFileSync(file, `${original}\n// save ${i}\n`);
    latencies.push(((await result) - saved) / 1000);
  }
  child.stdin.write('q');
  await new Promise((resolve) => child.once('exit', resolve));
  writeFileSync(file, original);
  return latencies;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fmt = (s: number) => `${s.toFixed(2)} s`;

try {
  const filter = `katas/${folderOf(kata)}/`;
  const bare: number[] = [];
  const runner: number[] = [];
  const viaNpm: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await firstResult(bin('vitest'), ['run', '--project', 'katas', filter]));
    runner.push(
      await firstResult(process.execPath, [
        'support/runner/launch.mjs',
        String(kata.number),
        '--once',
      ]),
    );
    viaNpm.push(
      await firstResult('npm', ['run', '--silent', 'kata', String(kata.number), '--', '--once']),
    );
  }
  const saves = await saveLatencies();
  const ratio = median(runner) / median(bare);
  const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
  process.stdout.write(
    [
      `kata ${folderOf(kata)}, ${ROUNDS} rounds, medians, ${os.cpus().length} cores, Node ${process.version}`,
      `bare vitest run, first result:            ${fmt(median(bare))}`,
      `runner (node launch.mjs --once), first result: ${fmt(median(runner))}  (${ratio.toFixed(2)} × bare; budget ≤ ${RATIO_BUDGET} ×: ${verdict(ratio <= RATIO_BUDGET)})`,
      `npm run kata 1 -- --once, first result:   ${fmt(median(viaNpm))}  (budget ≤ ${FIRST_RESULT_BUDGET_S} s: ${verdict(median(viaNpm) <= FIRST_RESULT_BUDGET_S)})`,
      `watch mode, save to new result:           ${fmt(median(saves))} median, ${fmt(Math.max(...saves))} max over ${SAVES} saves (budget ≤ ${SAVE_BUDGET_S} s: ${verdict(median(saves) <= SAVE_BUDGET_S)})`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
