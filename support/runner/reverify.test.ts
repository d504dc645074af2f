import { describe, expect, test } from 'vitest';
import { folderOf, KATAS } from '../katas.ts';
import type { Ledger } from './ledger.ts';
import { moduleOwner, stale } from './reverify.ts';
import type { Standing } from './unlock.ts';

const [first, second, third] = KATAS;
if (!first || !second || !third)
  throw new Error('the manifest needs at least three katas for these tests');

const ledger = (reached: number, standing: ReadonlyMap<number, Standing>): Ledger => ({
  progress: new Map(),
  standings: standing,
  reached,
});

describe('which katas are run again behind the open one', () => {
  const changed = new Map<number, Standing>(
    KATAS.map((k) => [k.number, k === first || k === third ? 'changed' : 'done']),
  );
  test('a reached kata that stands changed, never the open one, never one not reached', () => {
    expect(stale(ledger(second.number, changed), second)).toEqual([first]);
    expect(stale(ledger(third.number, changed), first)).toEqual([third]);
  });
  test('a kata that is done, failing or not run is left alone', () => {
    const others = new Map<number, Standing>([
      [first.number, 'done'],
      [second.number, 'failing'],
      [third.number, 'not-run'],
    ]);
    expect(stale(ledger(third.number, others), third)).toEqual([]);
  });
});

describe('moduleOwner: only a kata module saved counts, not its specs or fixtures', () => {
  const folder = folderOf(first);
  const module = first.modules[0] ?? '';
  test('a module of a kata, with / or \\ as the separator', () => {
    expect(moduleOwner(`${folder}/${module}`)).toBe(first);
    expect(moduleOwner(`${folder}\\${module}`)).toBe(first);
  });
  test('a spec, a lesson, another folder: none', () => {
    expect(moduleOwner(`${folder}/${module.replace(/\.ts$/, '.spec.ts')}`)).toBeUndefined();
    expect(moduleOwner(`${folder}/LESSON.md`)).toBeUndefined();
    expect(moduleOwner(`${folderOf(second)}/${module}`)).toBeUndefined();
    expect(moduleOwner(folder)).toBeUndefined();
  });
});
