/**
 * The lock rules. Kata N opens when every kata before it has passed on the learner's
 * current code (a recorded pass whose hash matches the files now). Reaching a kata is
 * never taken back: the furthest kata reached is recorded, and an edit or a reset of an
 * earlier kata makes that kata "changed" without locking the katas after it.
 */
import { KATAS, type Kata } from '../katas.ts';
import type { Progress } from './progress.ts';

export type Standing = 'done' | 'changed' | 'failing' | 'not-run';

/** Where one kata stands, given the recorded progress and the hashes of its files now. */
export function standing(kata: Kata, progress: Progress, currentHash: string): Standing {
  const record = progress.get(kata.number);
  if (!record) return 'not-run';
  if (record.hash !== currentHash) return 'changed';
  return record.status === 'passed' ? 'done' : 'failing';
}

/** Where the learner has got to: the standings, and the furthest kata ever reached. */
export interface Reach {
  readonly standings: ReadonlyMap<number, Standing>;
  readonly reached: number;
}

/** The furthest kata open now: the recorded one, or the first not done if that is further. */
export function furthest(standings: ReadonlyMap<number, Standing>, recorded: number): number {
  const first = KATAS.find((kata) => standings.get(kata.number) !== 'done');
  return Math.max(recorded, first?.number ?? KATAS.at(-1)?.number ?? 0);
}

export type Access =
  | { readonly kind: 'unknown'; readonly number: number }
  | { readonly kind: 'unlocked'; readonly kata: Kata }
  | { readonly kind: 'forced'; readonly kata: Kata }
  | { readonly kind: 'locked'; readonly kata: Kata; readonly first: Kata };

export function access(number: number, reach: Reach, force: boolean): Access {
  const kata = KATAS.find((k) => k.number === number);
  if (!kata) return { kind: 'unknown', number };
  if (number <= reach.reached) return { kind: 'unlocked', kata };
  const first = KATAS.find((k) => k.number < number && reach.standings.get(k.number) !== 'done');
  if (!first) return { kind: 'unlocked', kata };
  return force ? { kind: 'forced', kata } : { kind: 'locked', kata, first };
}

/**
 * The kata to open by default: the first not done from the furthest reached on (the
 * learner's front), else the first not done before it (one that no longer passes), else
 * none: every kata is done.
 */
export function nextPending(reach: Reach): Kata | undefined {
  const pending = (kata: Kata) => reach.standings.get(kata.number) !== 'done';
  return KATAS.find((kata) => kata.number >= reach.reached && pending(kata)) ?? KATAS.find(pending);
}

/** The katas a learner may open now: every kata up to the furthest reached. */
export function unlocked(reach: Reach, all: boolean): Kata[] {
  return all ? [...KATAS] : KATAS.filter((kata) => kata.number <= reach.reached);
}
