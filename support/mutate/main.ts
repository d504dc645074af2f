/**
 * npm run mutate -- N [N …] | --all [--incremental]
 *
 * Runs Stryker over the reference solution of each kata named, with that kata's own
 * specs only (vitest.config.ts beside this file), one kata at a time, and rewrites the
 * report, support/mutate/REPORT.md, from support/mutate/results.json (both committed).
 * Every kata must reach MIN_SCORE: each surviving mutant is either killed by a spec that
 * states a real behaviour, or judged in support/mutate/equivalents/NN-slug.ts
 * (judgement.ts says how). The survivors left are printed, ready to copy into a judgement.
 *
 * --incremental reuses the last run's results for code and specs that did not change:
 * a re-run after one new spec takes seconds. It never re-runs static survivors
 * (stryker-js #4372), so publish figures from a run without it.
 *
 * Runs from several shells are serialized by a lock file: a second run waits.
 * What was learned making Stryker work here (TypeScript 7, threads and TZ, seeds):
 * see the comments below and in vitest.config.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LogLevel } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { folderOf, KATAS, type Kata } from '../katas.ts';
import { ROOT, solutionDir } from '../runner/paths.ts';
import { writeAtomically } from '../runner/progress.ts';
import { IGNORER } from './ignore-error-classes.ts';
import type { Judgement } from './judgement.ts';
import { type Mutant, type Standing, standing } from './score.ts';

export const MIN_SCORE = 90;

const HERE = path.join(ROOT, 'support', 'mutate');
const RESULTS = path.join(HERE, 'results.json');
const REPORT = path.join(HERE, 'REPORT.md');
const LOCK = path.join(os.tmpdir(), 'http-bottom-up-mutate.lock');
const POLL_MS = 2_000;

const USAGE = 'usage: npm run mutate -- N [N …] | --all [--incremental]';
const UNKNOWN_KATA = (arg: string) => `${arg} is not a kata number (01–${KATAS.length}). ${USAGE}`;
const WAITING = (pid: string) => `Another mutation run (pid ${pid}) holds ${LOCK}: waiting for it.`;

interface Row extends Standing {
  readonly kata: string;
  readonly date: string;
}

function parseArgs(args: readonly string[]): { katas: Kata[]; incremental: boolean } {
  const incremental = args.includes('--incremental');
  const rest = args.filter((a) => a !== '--incremental');
  if (rest.includes('--all')) return { katas: [...KATAS], incremental };
  if (rest.length === 0) throw new Error(USAGE);
  const katas = rest.map((arg) => {
    const kata = /^\d+$/.test(arg) ? KATAS.find((k) => k.number === Number(arg)) : undefined;
    if (!kata) throw new Error(UNKNOWN_KATA(arg));
    return kata;
  });
  return { katas, incremental };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One mutation run at a time on this machine: Stryker wants both cores. */
async function lock(): Promise<void> {
  for (let told = false; ; ) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch {
      const holder = existsSync(LOCK) ? readFileSync(LOCK, 'utf8').trim() : '';
      if (holder === '' || !alive(Number(holder))) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (!told) console.error(WAITING(holder));
      told = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function unlock(): void {
  if (existsSync(LOCK) && readFileSync(LOCK, 'utf8').trim() === String(process.pid)) rmSync(LOCK);
}

async function judgementsOf(kata: Kata): Promise<readonly Judgement[]> {
  const file = path.join(HERE, 'equivalents', `${folderOf(kata)}.ts`);
  if (!existsSync(file)) return [];
  const module = (await import(pathToFileURL(file).href)) as { default: readonly Judgement[] };
  return module.default;
}

async function mutate(kata: Kata, incremental: boolean): Promise<readonly Mutant[]> {
  const folder = folderOf(kata);
  process.env.KATA_MUTATE = folder;
  const stryker = new Stryker({
    testRunner: 'vitest',
    vitest: { configFile: 'support/mutate/vitest.config.ts', related: false },
    mutate: [`support/solutions/${folder}/**/*.ts`],
    coverageAnalysis: 'perTest',
    concurrency: 2,
    // The timeouts seen were real infinite loops; 10 s leaves socket specs room.
    timeoutMS: 10_000,
    // TypeScript 7 has no compiler API, and Stryker reads a tsconfig through it
    // (`ts.parseConfigFileTextToJson is not a function`): point it at none.
    tsconfigFile: 'support/mutate/no-tsconfig.json',
    plugins: [
      '@stryker-mutator/vitest-runner',
      pathToFileURL(path.join(HERE, 'ignore-error-classes.ts')).href,
    ],
    ignorers: [IGNORER],
    reporters: [process.stderr.isTTY ? 'progress' : 'dots'],
    tempDirName: '.stryker-tmp',
    incremental,
    // Not under .stryker-tmp, which Stryker deletes after a run.
    incrementalFile: `node_modules/.cache/stryker-incremental/${folder}.json`,
    ignorePatterns: ['.kata', 'PROGRESS.md'],
    logLevel: 'warn' as LogLevel.Warning,
    fileLogLevel: 'off' as LogLevel.Off,
  });
  const results = await stryker.runMutationTest();
  const sources = new Map<string, string[]>();
  return results.map((result) => {
    const file = path.relative(solutionDir(kata), path.resolve(ROOT, result.fileName));
    let lines = sources.get(result.fileName);
    if (!lines) {
      lines = readFileSync(path.resolve(ROOT, result.fileName), 'utf8').split('\n');
      sources.set(result.fileName, lines);
    }
    const { start, end } = result.location;
    const original =
      start.line === end.line
        ? (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
        : [
            (lines[start.line - 1] ?? '').slice(start.column - 1),
            ...lines.slice(start.line, end.line - 1),
            (lines[end.line - 1] ?? '').slice(0, end.column - 1),
          ].join('\n');
    return {
      file,
      line: start.line,
      mutator: result.mutatorName,
      original,
      replacement: result.replacement ?? '',
      status: result.status,
    };
  });
}

const percent = (score: number | undefined) => (score === undefined ? '–' : `${score.toFixed(1)}%`);
const code = (text: string) => {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  const shown = oneLine.length > 120 ? `${oneLine.slice(0, 117)}…` : oneLine;
  return `\`${shown.replaceAll('`', 'ˋ')}\``;
};
const where = (m: Mutant) =>
  `${m.file}:${m.line} ${m.mutator}: ${code(m.original)} → ${code(m.replacement)}`;

function report(rows: readonly Row[]): string {
  const out = [
    '# Mutation report',
    '',
    `Written by \`npm run mutate\` (support/mutate/main.ts); do not edit by hand. Each kata's reference`,
    `is mutated by Stryker and tested with that kata's specs alone. The score counts only the mutants`,
    `that are neither equivalent nor out of Stryker's sight: killed / (killed + survived). Every kata`,
    `must reach ${MIN_SCORE}%. Judgements, with why, live in support/mutate/equivalents/NN-slug.ts.`,
    '',
    '| kata | mutants | killed | survived | equivalent | not measurable | score | date |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.kata} | ${r.mutants} | ${r.killed} | ${r.survived.length} | ${r.equivalent.length} | ${r.notMeasurable.length} | ${percent(r.score)} | ${r.date} |`,
    ),
  ];
  for (const r of rows) {
    const notes = [
      ...r.survived.map((m) => `- survived: ${where(m)}`),
      ...r.equivalent.map(({ mutant, why }) => `- equivalent: ${where(mutant)}. ${why}`),
      ...r.notMeasurable.map(({ mutant, why }) => `- not measurable: ${where(mutant)}. ${why}`),
      ...r.stale.map((j) => `- stale judgement (matches no mutant): ${JSON.stringify(j)}`),
      ...(r.errors > 0
        ? [`- ${r.errors} invalid mutants (they broke the module) not counted`]
        : []),
    ];
    if (notes.length > 0) out.push('', `## ${r.kata}`, '', ...notes);
  }
  return `${out.join('\n')}\n`;
}

function readRows(): Row[] {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Row[]) : [];
}

function save(row: Row): void {
  const rows = [...readRows().filter((r) => r.kata !== row.kata), row].sort((a, b) =>
    a.kata.localeCompare(b.kata),
  );
  writeAtomically(RESULTS, `${JSON.stringify(rows, null, 1)}\n`);
  writeAtomically(REPORT, report(rows));
}

async function main(): Promise<number> {
  const { katas, incremental } = parseArgs(process.argv.slice(2));
  // In a worker thread (the vitest runner forces pool 'threads') a spec's
  // `process.env.TZ = …` does not change the time zone: run the whole tree far from UTC,
  // so a spec that assumes UTC fails here as it would on a learner's machine.
  process.env.TZ = 'Pacific/Kiritimati';
  // Stryker's own child processes load the ignorer plugin, a .ts file: give them tsx.
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();
  mkdirSync(path.join(ROOT, '.stryker-tmp'), { recursive: true });
  await lock();
  let below = 0;
  try {
    for (const kata of katas) {
      const folder = folderOf(kata);
      console.log(`\n${folder}: mutating the reference, with the kata's own specs…`);
      const started = performance.now();
      const row: Row = {
        kata: folder,
        date: new Date().toISOString().slice(0, 10),
        ...standing(await mutate(kata, incremental), await judgementsOf(kata)),
      };
      save(row);
      const seconds = Math.round((performance.now() - started) / 1000);
      console.log(
        `${folder}: ${percent(row.score)} (${row.killed} killed, ${row.survived.length} survived, ${row.equivalent.length} equivalent, ${row.notMeasurable.length} not measurable) in ${seconds} s`,
      );
      for (const m of row.survived) console.log(`  survived: ${where(m)}`);
      for (const j of row.stale) console.log(`  stale judgement: ${JSON.stringify(j)}`);
      if ((row.score ?? 100) < MIN_SCORE) below++;
    }
  } finally {
    unlock();
  }
  console.log(`\nReport: ${path.relative(ROOT, REPORT)}`);
  return below === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    unlock();
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
