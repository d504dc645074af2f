/** The board's rules of the room: who looks stuck, who is offline, how the room spreads. */
import { describe, expect, test } from 'vitest';
import { DEFAULT_RULES, observe, type Pair, statusOf, viewOf } from './room.ts';
import { STANDING } from './testing.ts';

const MINUTE = 60_000;
const T0 = 1_000_000;

/** The posts of one runner, each `step` ms after the one before, from T0. */
function posts(changes: readonly Partial<typeof STANDING>[], step = 30_000): Pair {
  let pair: Pair | undefined;
  changes.forEach((change, i) => {
    pair = observe(pair, { ...STANDING, ...change }, T0 + i * step);
  });
  return pair as Pair;
}

/** One post a minute for `minutes` minutes, from T0, each with `change`; the last at T0 + minutes. */
const everyMinute = (minutes: number, change: Partial<typeof STANDING> = {}) =>
  posts(
    Array.from({ length: minutes + 1 }, () => change),
    MINUTE,
  );

describe('stuck, by each rule, and offline', () => {
  test('no new passing spec for N minutes (10): stuck; why: the pair has gone nowhere for a while', () => {
    // a different failing spec each time: only the first rule can see it
    let pair = observe(undefined, STANDING, T0);
    for (let minute = 1; minute <= 10; minute++) {
      const change = { passed: minute % 2 === 0 ? 3 : 2, firstFailing: `spec ${minute}` };
      pair = observe(pair, { ...STANDING, ...change }, T0 + minute * MINUTE);
    }
    expect(statusOf(pair, DEFAULT_RULES, T0 + 10 * MINUTE - 1).kind).toBe('working');
    expect(statusOf(pair, DEFAULT_RULES, T0 + 10 * MINUTE)).toEqual({
      kind: 'stuck',
      why: 'no new passing spec for 10 min',
    });
  });

  test('a new passing spec starts the N minutes again; why: progress is what the rule looks for', () => {
    const before = everyMinute(8, { firstFailing: null, passed: 3 });
    let pair = observe(before, { ...STANDING, firstFailing: null, passed: 4 }, T0 + 8 * MINUTE);
    for (let minute = 9; minute <= 18; minute++) {
      pair = observe(pair, { ...STANDING, firstFailing: null, passed: 4 }, T0 + minute * MINUTE);
    }
    expect(statusOf(pair, DEFAULT_RULES, T0 + 18 * MINUTE - 1).kind).toBe('working');
    expect(statusOf(pair, DEFAULT_RULES, T0 + 18 * MINUTE).kind).toBe('stuck');
  });

  test('a new kata starts the count again; why: moving on is progress too', () => {
    const before = everyMinute(9, { firstFailing: null, passed: 9 });
    const moved = { firstFailing: null, passed: 1, kata: { number: 18, slug: 'header-fields' } };
    const pair = observe(before, { ...STANDING, ...moved }, T0 + 9 * MINUTE);
    expect(statusOf(before, DEFAULT_RULES, T0 + 10 * MINUTE).kind).toBe('stuck');
    expect(statusOf(pair, DEFAULT_RULES, T0 + 10 * MINUTE).kind).toBe('working');
  });

  test('the same first failing spec across M saves (5): stuck; why: the pair keeps trying one thing', () => {
    const same = { firstFailing: 'the same spec', passed: 3 };
    const four = posts([same, same, same, same], 1000);
    expect(statusOf(four, DEFAULT_RULES, T0 + 5000).kind).toBe('working');
    const five = posts([same, same, same, same, same], 1000);
    expect(statusOf(five, DEFAULT_RULES, T0 + 5000)).toEqual({
      kind: 'stuck',
      why: 'the same first failing spec across 5 saves',
    });
    const broken = posts([same, same, { firstFailing: 'another' }, same, same, same], 1000);
    expect(statusOf(broken, DEFAULT_RULES, T0 + 6000).kind).toBe('working');
  });

  test('no failing spec is never stuck; why: a pair reading the next lesson needs no one', () => {
    const pair = everyMinute(60, { failed: 0, firstFailing: null, passed: 7 });
    expect(statusOf(pair, DEFAULT_RULES, T0 + 60 * MINUTE).kind).toBe('passing');
  });

  test('no post for T seconds (120): offline, before any stuck; why: a closed laptop is not stuck', () => {
    const pair = posts([{}]);
    expect(statusOf(pair, DEFAULT_RULES, T0 + 119_999).kind).toBe('working');
    expect(statusOf(pair, DEFAULT_RULES, T0 + 120_000)).toEqual({
      kind: 'offline',
      why: 'no post for 120 s or more',
    });
  });

  test('the rules are options and the page states them; why: the facilitator knows what the marks mean', () => {
    const rules = { stuckMinutes: 3, stuckSaves: 2, offlineSeconds: 30 };
    const view = viewOf([posts([{}])], rules, T0 + 3 * MINUTE - 1);
    expect(view.rules).toEqual({
      stuck:
        'Looks stuck: no new passing spec for 3 min, or the same first failing spec across 2 saves.',
      offline: 'Offline: no post for 30 s.',
    });
  });
});

describe('the view', () => {
  test('stuck rows first, and the distribution counts the pairs in the room; why: the walk starts at the top', () => {
    const working = observe(undefined, { ...STANDING, runner: 'a', name: 'Grace' }, T0 + 100_000);
    const kata19 = { number: 19, slug: 'message-body' };
    const stuck = posts(
      Array.from({ length: 5 }, () => ({ runner: 'b', name: 'Edsger', kata: kata19 })),
    );
    const gone = observe(undefined, { ...STANDING, runner: 'c', name: 'Barbara' }, T0 - 5 * MINUTE);
    const view = viewOf([working, stuck, gone], DEFAULT_RULES, T0 + 4 * 30_000);
    expect(view.rows.map((row) => [row.name, row.status.kind])).toEqual([
      ['Edsger', 'stuck'],
      ['Grace', 'working'],
      ['Barbara', 'offline'],
    ]);
    expect(view.distribution).toEqual([
      { kata: { number: 17, slug: 'parse-a-request-line' }, pairs: 1, stuck: 0 },
      { kata: { number: 19, slug: 'message-body' }, pairs: 1, stuck: 1 },
    ]);
  });
});
