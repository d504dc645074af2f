/**
 * The runner end to end, as a learner runs it: `npm run kata` in a temporary
 * copy of the repository (node_modules linked, not copied), checking exit codes,
 * messages, PROGRESS.md, --reset, --catch-up, and a hang in watch mode.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { folderOf, KATAS } from '../katas.ts';
import { MESSAGES } from './messages.ts';
import { ROOT } from './paths.ts';

const [first, second, third] = KATAS;
if (!first || !second || !third) throw new Error('the end-to-end tests need three katas');

let copy = '';
const inCopy = (...parts: string[]) => path.join(copy, ...parts);
const module = (kata = first) => inCopy('katas', folderOf(kata), kata.modules[0] ?? '');
const reference = (kata = first) =>
  path.join(ROOT, 'support', 'solutions', folderOf(kata), kata.modules[0] ?? '');
/** What npm run kata runs. */
const LAUNCH = 'support/runner/launch.mjs';
const ENV = { ...process.env, KATA_UNLOCK: '', KATA_TARGET: '', NO_COLOR: '1', CI: '1' };

function kata(...args: string[]) {
  const result = spawnSync(process.execPath, [LAUNCH, ...args], {
    cwd: copy,
    env: ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
const progress = () => readFileSync(inCopy('PROGRESS.md'), 'utf8');
const row = (k = first) =>
  progress()
    .split('\n')
    .find((line) => line.startsWith(`| ${folderOf(k).slice(0, 2)} |`)) ?? '';

beforeAll(() => {
  copy = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-'));
  for (const entry of ['katas', 'support', 'package.json', 'vitest.config.ts', 'tsconfig.json']) {
    cpSync(path.join(ROOT, entry), inCopy(entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), inCopy('node_modules'), 'dir');
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run kata, in order, as a learner meets it', { timeout: 60_000 }, () => {
  test('the pristine first kata fails with exit 1, says what to write, and is recorded as failing', () => {
    const { code, out } = kata(String(first.number), '--once');
    expect(code, out).toBe(1);
    expect(out).toContain(`katas/${folderOf(first)}/${first.modules[0]}`);
    expect(out).toContain('Write ');
    expect(row()).toContain('failing');
  });

  test('a locked kata exits 2 and names the kata to finish first', () => {
    const { code, err } = kata(String(third.number), '--once');
    expect(code).toBe(2);
    expect(err).toContain(MESSAGES.locked(third, first));
  });

  test('an unknown kata exits 2 with the reason', () => {
    const { code, err } = kata('99', '--once');
    expect(code).toBe(2);
    expect(err).toContain('There is no kata 99');
  });

  test('--force opens a locked kata: it runs, and fails on its stub', () => {
    expect(kata(String(third.number), '--once', '--force').code).toBe(1);
  });

  test('with the reference in place the kata passes (exit 0) and PROGRESS.md shows it done', () => {
    writeFileSync(module(), readFileSync(reference()));
    const { code, out } = kata(String(first.number), '--once');
    expect(code, out).toBe(0);
    expect(out).toContain(MESSAGES.passedOnce(first, Number(/all (\d+) specs/.exec(out)?.[1]), 0));
    expect(row()).toContain('done');
  });

  test('then the next kata is open (exit 1 on its stub) and the one after is locked (exit 2)', () => {
    expect(kata(String(second.number), '--once').code).toBe(1);
    const { code, err } = kata(String(third.number), '--once');
    expect(code).toBe(2);
    expect(err).toContain(MESSAGES.locked(third, second));
  });

  test('an edit to a passed kata makes it changed, and the kata reached after it stays open', () => {
    writeFileSync(module(), `${readFileSync(reference(), 'utf8')}\n// an edit\n`);
    const { code, out } = kata(String(second.number), '--once');
    expect(code, out).toBe(1);
    expect(row(first)).toContain('changed');
  });

  test("--reset puts the stub back and keeps the learner's file as a backup", () => {
    const mine = readFileSync(module(), 'utf8');
    const { code, out } = kata(String(first.number), '--reset');
    expect(code, out).toBe(0);
    expect(readFileSync(module(), 'utf8')).toBe(
      readFileSync(
        path.join(ROOT, 'support', 'stubs', folderOf(first), first.modules[0] ?? ''),
        'utf8',
      ),
    );
    const backup = /kept in (\S+)/.exec(out)?.[1] ?? '';
    expect(existsSync(inCopy(backup)), out).toBe(true);
    expect(readFileSync(inCopy(backup), 'utf8')).toBe(mine);
    expect(kata(String(second.number), '--once').code, 'a reset locks nothing reached').toBe(1);
  });

  test('--catch-up N copies the reference of every kata before N, verifies them, and unlocks N', () => {
    const { code, out } = kata('--catch-up', String(third.number));
    expect(code, out).toBe(0);
    expect(row(first)).toContain('done');
    expect(row(second)).toContain('done');
    expect(kata(String(third.number), '--once').code).toBe(1);
  });

  test('--catch-up to a kata that does not exist is refused like npm run kata 99', () => {
    const { code, err } = kata('--catch-up', '99');
    expect(code).toBe(2);
    expect(err).toContain('There is no kata 99');
  });

  test('npm run progress -- --json reports every kata; one not reached is locked, not failing', () => {
    const { code, out, err } = kata('--progress', '--json');
    expect(code).toBe(0);
    expect(err).toContain('Verifying katas');
    const report = JSON.parse(out) as {
      done: number;
      katas: { number: number; standing: string; unlocked: boolean }[];
    };
    expect(report.katas).toHaveLength(KATAS.length);
    expect(report.done).toBe(2);
    const after = report.katas.filter((k) => k.number > third.number);
    expect(after.every((k) => k.standing === 'locked' && !k.unlocked)).toBe(true);
    expect(progress()).not.toMatch(
      new RegExp(`\\| ${folderOf(KATAS.at(-1) ?? third).slice(0, 2)} .*failing`),
    );
  });

  test('a backup folder keeps every replaced file', () => {
    expect(readdirSync(inCopy('.kata', 'backups')).length).toBeGreaterThan(0);
  });
});

describe("watch mode: a learner's infinite loop, then the keys", { timeout: 60_000 }, () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  test('a run that never ends is reported with its time bound, the next save runs again, h shows a hint, n opens the next kata, an edit behind it is verified again, q quits', async () => {
    const stub = readFileSync(
      path.join(ROOT, 'support', 'stubs', folderOf(first), first.modules[0] ?? ''),
      'utf8',
    );
    writeFileSync(module(), stub.replace(/throw new KataTodo\([^)]*\);/, 'for (;;) {}'));
    const started = spawn(process.execPath, [LAUNCH, String(first.number)], {
      cwd: copy,
      env: { ...ENV, KATA_HANG_SECONDS: '3' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child = started;
    let screen = '';
    let errors = '';
    started.stderr?.on('data', (piece: Buffer) => {
      errors += piece.toString();
    });
    const seen = (text: string) => {
      let timer: NodeJS.Timeout | undefined;
      return new Promise<void>((resolve, reject) => {
        const check = () => screen.includes(text) && resolve();
        started.stdout?.on('data', (piece: Buffer) => {
          screen += piece.toString();
          check();
        });
        started.once('exit', (code) =>
          reject(
            new Error(`the runner exited (${code}) before showing "${text}":\n${screen}${errors}`),
          ),
        );
        timer = setTimeout(
          () =>
            reject(new Error(`the runner never showed "${text}" within 20 s:\n${screen}${errors}`)),
          20_000,
        );
        check();
      }).finally(() => clearTimeout(timer));
    };
    await seen(MESSAGES.hung(3));
    screen = '';
    writeFileSync(module(), readFileSync(reference()));
    await seen('specs pass');
    started.stdin?.write('h');
    await seen('Hint 1 of');
    started.stdin?.write('n');
    await seen(`${folderOf(second).slice(0, 2)} · ${second.title}`);
    // An edit to the kata left behind is verified again, without a key, while the next is open.
    writeFileSync(module(), `${readFileSync(reference(), 'utf8')}\n// an edit\n`);
    await seen(MESSAGES.reverified({ kind: 'passes', kata: first }));
    expect(row(first)).toContain('done');
    screen = '';
    writeFileSync(module(), stub);
    await seen(`${folderOf(first)} changed since it passed and no longer passes`);
    expect(row(first)).toContain('failing');
    screen = '';
    writeFileSync(module(), stub.replace(/throw new KataTodo\([^)]*\);/, 'for (;;) {}'));
    await seen(MESSAGES.reverified({ kind: 'unfinished', kata: first }));
    started.stdin?.write('q');
    const code = await new Promise((resolve) => started.once('exit', resolve));
    expect(code).toBe(0);
  });
});

describe('npm run ui: the current kata, then the next once it passes', { timeout: 60_000 }, () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  test('serves the UI at the URL it prints, over the current kata, and moves on to the next when it passes', async () => {
    const fourth = KATAS[3];
    if (!fourth) throw new Error('this test needs four katas');
    const started = spawn(process.execPath, [LAUNCH, '--ui'], {
      cwd: copy,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let out = '';
    started.stdout?.on('data', (piece: Buffer) => {
      out += piece.toString();
    });
    started.stderr?.on('data', (piece: Buffer) => {
      out += piece.toString();
    });
    const seen = async (text: string) => {
      for (const bound = Date.now() + 20_000; !out.includes(text); ) {
        if (Date.now() > bound) throw new Error(`npm run ui never said "${text}":\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await seen(MESSAGES.uiOver([third]));
    await seen(`✗ ${folderOf(third)}`);
    const url = /http:\/\/127\.0\.0\.1:\d+\/__vitest__\//.exec(out)?.[0] ?? '';
    expect((await fetch(url)).status, out).toBe(200);
    writeFileSync(module(third), readFileSync(reference(third)));
    await seen(MESSAGES.uiNext(fourth));
    await seen(MESSAGES.uiOver([fourth]));
    await seen(`✗ ${folderOf(fourth)}`);
    expect((await fetch(url)).status, 'the next kata is served at the same URL').toBe(200);
  });
});

describe('a track, as a workshop pair meets it: filled katas, locks over the track, a reset', {
  timeout: 60_000,
}, () => {
  // The workshop track starts at kata 03, then 05: 01, 02 and 04 are off it.
  const [one, two, three, four, five] = [1, 2, 3, 4, 5].map((n) =>
    KATAS.find((k) => k.number === n),
  );
  let before = '';
  beforeAll(() => {
    before = copy;
    copy = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-track-'));
    for (const entry of ['katas', 'support', 'package.json', 'vitest.config.ts', 'tsconfig.json']) {
      cpSync(path.join(ROOT, entry), inCopy(entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), inCopy('node_modules'), 'dir');
  });
  afterAll(() => {
    rmSync(copy, { recursive: true, force: true });
    copy = before;
  });

  test('--track workshop fills the katas off it before its first kata, and opens that one', () => {
    const { code, out } = kata('--track', 'workshop', '--once');
    expect(code, out).toBe(1);
    expect(out).toContain(MESSAGES.filling(2, 'workshop', []));
    expect(row(one)).toContain('filled');
    expect(row(two)).toContain('filled');
    expect(row(three)).toContain('failing');
    expect(progress()).toContain('Track: workshop');
    expect(readFileSync(module(one), 'utf8')).toBe(readFileSync(reference(one), 'utf8'));
  });

  test('once its kata passes, the next is the next on the track: the kata between is filled first', () => {
    writeFileSync(module(three), readFileSync(reference(three), 'utf8'));
    expect(kata(String(three?.number), '--once').code).toBe(0);
    const { code, out } = kata('--once');
    expect(code, out).toBe(1);
    expect(row(four)).toContain('filled');
    expect(row(five)).toContain('failing');
  });

  test("--reset gives a filled kata its stub back: it is the learner's from then on", () => {
    expect(kata(String(four?.number), '--reset').code).toBe(0);
    expect(kata(String(four?.number), '--once').code).toBe(1);
    expect(row(four)).toContain('failing');
    expect(kata('--once').code, 'it is not filled again').toBe(1);
    expect(row(four)).toContain('failing');
  });

  test('an unknown track is refused with the names of the tracks', () => {
    const { code, err } = kata('--track', 'nope');
    expect(code).toBe(2);
    expect(err).toContain('all, workshop');
  });
});
