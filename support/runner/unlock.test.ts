import { describe, expect, test } from 'vitest';
import { KATAS } from '../katas.ts';
import type { KataRecord } from './progress.ts';
import { access, furthest, nextPending, type Standing, standing, unlocked } from './unlock.ts';

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

const reach = (done: readonly number[], reached = 1) => {
  const map = standings(done);
  return { standings: map, reached: furthest(map, reached) };
};

describe('lock rules: kata N opens when every kata before it is done, and stays open', () => {
  test('the first kata is always open', () => {
    expect(access(first.number, reach([]), false).kind).toBe('unlocked');
  });
  test('a kata after an unfinished one is locked, naming the first unfinished kata', () => {
    const gate = access(third.number, reach([first.number]), false);
    expect(gate).toMatchObject({ kind: 'locked', first: second });
  });
  test('--force opens a locked kata', () => {
    expect(access(third.number, reach([]), true).kind).toBe('forced');
  });
  test('an unknown number is unknown, even with --force', () => {
    expect(access(999, reach([]), true).kind).toBe('unknown');
  });
  test('the furthest kata reached is the first not done, or the recorded one if further', () => {
    expect(furthest(standings([first.number]), 1)).toBe(second.number);
    expect(furthest(standings([]), third.number)).toBe(third.number);
  });
  test('reaching is never taken back: an earlier kata changed or reset locks nothing after it', () => {
    const changed = standings([second.number]);
    changed.set(first.number, 'changed');
    expect(access(third.number, { standings: changed, reached: third.number }, false).kind).toBe(
      'unlocked',
    );
  });
});

describe('the kata opened by default', () => {
  test('on a fresh clone it is the first kata', () => {
    expect(nextPending(reach([]))).toBe(first);
  });
  test('it is the first kata not done, in manifest order', () => {
    expect(nextPending(reach([first.number]))).toBe(second);
  });
  test('a kata changed behind the front does not pull the learner back', () => {
    const map = standings([second.number]);
    map.set(first.number, 'changed');
    expect(nextPending({ standings: map, reached: third.number })).toBe(third);
  });
  test('with the front done, it is an earlier kata that no longer passes', () => {
    const all = KATAS.map((k) => k.number);
    const map = standings(all);
    map.set(first.number, 'failing');
    expect(nextPending({ standings: map, reached: KATAS.at(-1)?.number ?? 0 })).toBe(first);
  });
  test('when every kata is done there is none', () => {
    expect(nextPending(reach(KATAS.map((k) => k.number)))).toBeUndefined();
  });
  test('the unlocked katas are every kata up to the furthest reached', () => {
    expect(unlocked(reach([first.number]), false)).toEqual([first, second]);
    expect(unlocked(reach([], third.number), false)).toEqual([first, second, third]);
    expect(unlocked(reach([]), true)).toEqual([...KATAS]);
  });
});

describe('tracks: the lock rules run over the track, and a filled kata counts as behind the learner', () => {
  // A two-stop track over the manifest's first and third katas: the second is off it.
  const track = {
    name: 'workshop' as const,
    title: 'a test track',
    stops: [{ kata: first.number }, { kata: third.number }],
  };
  const filledSecond = (done: readonly number[]) => {
    const map = standings(done);
    map.set(second.number, 'filled');
    return map;
  };

  test('a filled record with the same hash stands filled, not done', () => {
    expect(standing(first, new Map([[first.number, record('filled', 'abc')]]), 'abc')).toBe(
      'filled',
    );
  });
  test('the kata after the first on the track opens once the first passed: the kata off it does not block', () => {
    const reach = { standings: standings([first.number]), reached: first.number, track };
    expect(access(third.number, reach, false).kind).toBe('unlocked');
  });
  test('the next pending kata is the next on the track, not the next in the manifest', () => {
    const reach = { standings: standings([first.number]), reached: first.number, track };
    expect(nextPending(reach)).toBe(third);
  });
  test('furthest reached runs over the track, and a filled kata counts as done', () => {
    expect(furthest(filledSecond([first.number]), first.number, track)).toBe(third.number);
    expect(furthest(filledSecond([first.number]), first.number)).toBe(third.number);
  });
  test('without a track, a kata not done blocks the ones after it', () => {
    const reach = { standings: standings([first.number]), reached: first.number };
    expect(access(third.number, reach, false)).toMatchObject({ kind: 'locked', first: second });
  });
});
