/**
 * Self-check part 4: the manifest and the folders agree. Each kata has its
 * lesson (with tasks and hints), its stub (kept pristine in support/stubs), its
 * spec and property spec, and a reference solution with the same exports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { folderOf, KATAS } from '../katas.ts';
import { hasTasks, parseHints } from '../runner/hints.ts';
import { kataDir, lessonPath, PROGRESS_FILE, ROOT, solutionDir, stubDir } from '../runner/paths.ts';
import { pristineProgress } from '../runner/progress.ts';

const LESSON_SECTIONS = ['## The protocol', '## Tasks', '## Hints', '## References'] as const;

describe('the manifest, support/katas.ts, is the one list of katas', () => {
  test('numbers strictly increase, from 1', () => {
    expect(KATAS[0]?.number).toBe(1);
    for (const [i, kata] of KATAS.entries()) {
      if (i > 0) expect(kata.number).toBeGreaterThan(KATAS[i - 1]?.number ?? 0);
    }
  });

  test('every folder in katas/ is in the manifest, and every kata has its folder', () => {
    const folders = readdirSync(path.join(ROOT, 'katas')).sort();
    expect(folders).toEqual(KATAS.map(folderOf).sort());
  });

  test('every folder in support/solutions and support/stubs belongs to a kata', () => {
    for (const dir of ['solutions', 'stubs']) {
      expect(readdirSync(path.join(ROOT, 'support', dir)).sort(), `support/${dir}`).toEqual(
        KATAS.map(folderOf).sort(),
      );
    }
  });
});

describe.each(KATAS.map((kata) => [folderOf(kata), kata] as const))('%s', (_, kata) => {
  test('has a lesson with the sections in order, numbered tasks and at least two hints', () => {
    const lesson = readFileSync(lessonPath(kata), 'utf8');
    expect(
      lesson.startsWith(`# ${folderOf(kata).slice(0, 2)} · `),
      'the title line "# NN · Title"',
    ).toBe(true);
    const at = LESSON_SECTIONS.map((heading) => lesson.search(new RegExp(`^${heading}\\s*$`, 'm')));
    expect(
      at.every((i) => i >= 0),
      `sections ${LESSON_SECTIONS.join(', ')}`,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(hasTasks(lesson)).toBe(true);
    expect(parseHints(lesson).length).toBeGreaterThanOrEqual(2);
  });

  test('has example specs and property specs', () => {
    const files = readdirSync(kataDir(kata));
    expect(
      files.some((f) => f.endsWith('.spec.ts') && !f.endsWith('.prop.spec.ts')),
      'a *.spec.ts',
    ).toBe(true);
    expect(
      files.some((f) => f.endsWith('.prop.spec.ts')),
      'a *.prop.spec.ts',
    ).toBe(true);
  });

  test.each(kata.modules)(
    'module %s: the shipped stub is the pristine one, and throws KataTodo',
    (module) => {
      const shipped = path.join(kataDir(kata), module);
      const pristine = path.join(stubDir(kata), module);
      expect(existsSync(pristine), `${pristine} exists`).toBe(true);
      expect(readFileSync(shipped, 'utf8')).toBe(readFileSync(pristine, 'utf8'));
      expect(readFileSync(pristine, 'utf8')).toContain('throw new KataTodo(');
    },
  );

  test.each(kata.modules)(
    'module %s: the reference solution has the same exports as the stub',
    async (module) => {
      // The shipped stub (identical to the pristine copy, above); support/stubs is data, never imported.
      const stub = (await import(path.join(kataDir(kata), module))) as Record<string, unknown>;
      const solution = (await import(path.join(solutionDir(kata), module))) as Record<
        string,
        unknown
      >;
      expect(Object.keys(solution).sort()).toEqual(Object.keys(stub).sort());
    },
  );

  const { serve } = kata;
  if (serve) {
    test(`its server factory, ${serve.factory}(), is exported by ${serve.module}`, async () => {
      expect(kata.modules).toContain(serve.module);
      const solution = (await import(path.join(solutionDir(kata), serve.module))) as Record<
        string,
        unknown
      >;
      expect(typeof solution[serve.factory]).toBe('function');
    });
  }

  const { measure } = kata;
  if (measure) {
    test(`its measuring module, ${measure}, is given (not a task) and exports main()`, async () => {
      expect(kata.modules).not.toContain(measure);
      const given = (await import(path.join(kataDir(kata), measure))) as Record<string, unknown>;
      expect(typeof given.main).toBe('function');
    });
  }
});

describe('PROGRESS.md ships pristine, so that nobody commits their own progress', () => {
  test('the committed PROGRESS.md is the pristine table: every kata to do, kata 01 reached', () => {
    // What a commit holds is git's index; outside a git checkout, the file itself.
    const staged = spawnSync('git', ['show', ':PROGRESS.md'], { cwd: ROOT, encoding: 'utf8' });
    const shipped = staged.status === 0 ? staged.stdout : readFileSync(PROGRESS_FILE, 'utf8');
    expect(shipped, 'PROGRESS.md: run `git checkout PROGRESS.md` before committing').toBe(
      pristineProgress(),
    );
  });
});
