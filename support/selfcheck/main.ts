/**
 * npm test: the repository checks itself, in six parts (DESIGN.md, "Self-check"):
 * type-check; lint and format; every spec passes on the reference solutions;
 * every single spec fails on the pristine stubs, fast and for a readable reason;
 * the manifest agrees with the folders; the runner's own unit and end-to-end
 * tests. It closes with the line "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../runner/paths.ts';

/** A stub's spec must fail well under a second: a learner never waits on an unwritten function. */
export const STUB_FAILURE_BUDGET_MS = 1_000;

interface Check {
  readonly name: string;
  readonly passed: number;
  readonly failures: readonly string[];
  readonly seconds: number;
}

interface JsonReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly message?: string;
    readonly assertionResults: readonly {
      readonly fullName: string;
      readonly status: string;
      readonly duration?: number | null;
      readonly failureMessages: readonly string[];
    }[];
  }[];
}

const BIN = path.join(ROOT, 'node_modules', '.bin');

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const started = performance.now();
  const result = spawnSync(path.join(BIN, command), args, {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/** A tool that answers with its exit code counts as one check. */
function tool(name: string, command: string, args: readonly string[]): Check {
  const result = run(command, args);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return {
    name,
    passed: result.status === 0 ? 1 : 0,
    failures:
      result.status === 0
        ? []
        : [output.split('\n').slice(0, 40).join('\n') || `exit ${result.status}`],
    seconds: result.seconds,
  };
}

function vitest(project: string, env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'selfcheck-'));
  const file = path.join(dir, 'report.json');
  try {
    const result = run(
      'vitest',
      ['run', '--project', project, '--reporter=json', `--outputFile=${file}`],
      env,
    );
    let report: JsonReport | undefined;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
    } catch {
      report = undefined;
    }
    return {
      report,
      output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
      seconds: result.seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const short = (text: string | undefined) => (text ?? '').split('\n').slice(0, 6).join('\n    ');

type AssertionResult = JsonReport['testResults'][number]['assertionResults'][number];

/** Runs a vitest project and judges each spec: undefined when it is as it must be, else why not. */
function judge(
  name: string,
  project: string,
  env: NodeJS.ProcessEnv,
  verdict: (test: AssertionResult) => string | undefined,
): Check {
  const { report, output, seconds } = vitest(project, env);
  if (!report) {
    return {
      name,
      passed: 0,
      failures: [`vitest wrote no report:\n${output.slice(-3000)}`],
      seconds,
    };
  }
  let passed = 0;
  const failures: string[] = [];
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0)
      failures.push(`${path.relative(ROOT, file.name)}: no spec ran. ${short(file.message)}`);
    for (const test of file.assertionResults) {
      const failure = verdict(test);
      if (failure === undefined) passed++;
      else failures.push(`${test.fullName}: ${failure}`);
    }
  }
  return { name, passed, failures, seconds };
}

/** Every spec of a project passes. */
function allPass(name: string, project: string, env: NodeJS.ProcessEnv): Check {
  return judge(name, project, env, (test) =>
    test.status === 'passed' ? undefined : `${test.status}\n    ${short(test.failureMessages[0])}`,
  );
}

/** Every single spec fails on the pristine stubs, fast, for a reason a learner can read. */
function stubsFail(): Check {
  return judge(
    'every spec fails on the pristine stubs',
    'katas',
    { KATA_TARGET: 'learner' },
    (test) => {
      const reason = test.failureMessages[0] ?? '';
      if (test.status !== 'failed') return `${test.status} on the stub (it must fail)`;
      if (/Test timed out|Hook timed out/.test(reason)) return 'fails on the stub by timeout';
      if ((test.duration ?? 0) > STUB_FAILURE_BUDGET_MS)
        return `took ${test.duration} ms to fail on the stub (budget ${STUB_FAILURE_BUDGET_MS} ms)`;
      if (reason.trim() === '') return 'fails on the stub with no message';
      return undefined;
    },
  );
}

function print(check: Check): void {
  const mark = check.failures.length === 0 ? '✓' : '✗';
  process.stdout.write(
    `${mark} ${check.name}: ${check.passed} passed, ${check.failures.length} failed (${check.seconds.toFixed(1)} s)\n`,
  );
  for (const failure of check.failures.slice(0, 30)) process.stdout.write(`  ✗ ${failure}\n`);
  if (check.failures.length > 30)
    process.stdout.write(`  … and ${check.failures.length - 30} more\n`);
}

const checks: Check[] = [];
for (const step of [
  () => tool('type-check (tsc)', 'tsc', ['-p', '.']),
  () => tool('lint and format (biome)', 'biome', ['check', '--error-on-warnings', '.']),
  () =>
    allPass('every spec passes on the reference solutions', 'katas', { KATA_TARGET: 'reference' }),
  () => stubsFail(),
  () =>
    allPass('manifest, folders and the runner (unit and end-to-end)', 'support', {
      KATA_TARGET: 'learner',
    }),
]) {
  const check = step();
  print(check);
  checks.push(check);
}
const passed = checks.reduce((sum, c) => sum + c.passed, 0);
const failed = checks.reduce((sum, c) => sum + c.failures.length, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
