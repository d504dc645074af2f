import { describe, expect, test } from 'vitest';
import { KATAS } from '../katas.ts';
import type { KataRecord } from './progress.ts';
import { access, nextPending, type Standing, standing, unlocked } from './unlock.ts';

const [first, second, third] = KATAS;
if (!first || !second || !third)
  throw new Error('the manifest needs at least three katas for these tests');

const standings = (done: readonly number[], other: Standing = 'not-run') =>
  new Map(KATAS.map((k) => [k.number, done.includes(k.number) ? 'done' : other] as const));

const record = (status: KataRecord['status'], hash: string): KataRecord => ({
  number: first.number,
  status,
  passed: 1,
  total: 1,
  at: '2026-01-01T00:00:00Z',
  hash,
});

describe('standing: a recorded pass counts only for the files it was recorded with', () => {
  test('no record: not run', () => {
    expect(standing(first, new Map(), 'abc')).toBe('not-run');
  });
  test('a pass with the same hash: done', () => {
    expect(standing(first, new Map([[first.number, record('passed', 'abc')]]), 'abc')).toBe('done');
  });
  test('a pass with another hash: changed (an edit makes it pending again)', () => {
    expect(standing(first, new Map([[first.number, record('passed', 'abc')]]), 'def')).toBe(
      'changed',
    );
  });
  test('a failing run: failing', () => {
    expect(standing(first, new Map([[first.number, record('failing', 'abc')]]), 'abc')).toBe(
      'failing',
    );
  });
});

describe('lock rules: kata N is unlocked when every kata before it is done', () => {
  test('the first kata is always open', () => {
    expect(access(first.number, standings([]), false).kind).toBe('unlocked');
  });
  test('a kata after an unfinished one is locked, naming the first unfinished kata', () => {
    const gate = access(third.number, standings([first.number]), false);
    expect(gate).toMatchObject({ kind: 'locked', first: second });
  });
  test('--force opens a locked kata', () => {
    expect(access(third.number, standings([]), true).kind).toBe('forced');
  });
  test('an unknown number is unknown, even with --force', () => {
    expect(access(999, standings([]), true).kind).toBe('unknown');
  });
  test('a kata changed since it passed locks the ones after it again', () => {
    const changed = standings([first.number, second.number]);
    changed.set(first.number, 'changed');
    expect(access(third.number, changed, false)).toMatchObject({ kind: 'locked', first });
  });
});

describe('the next pending kata', () => {
  test('on a fresh clone it is the first kata', () => {
    expect(nextPending(standings([]))).toBe(first);
  });
  test('it is the first kata not done, in manifest order', () => {
    expect(nextPending(standings([first.number]))).toBe(second);
  });
  test('when every kata is done there is none', () => {
    expect(nextPending(standings(KATAS.map((k) => k.number)))).toBeUndefined();
  });
  test('the unlocked katas are the done ones and the next pending one', () => {
    expect(unlocked(standings([first.number]), false)).toEqual([first, second]);
    expect(unlocked(standings([]), true)).toEqual([...KATAS]);
  });
});
