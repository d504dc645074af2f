/**
 * The lock rules. Kata N is unlocked when every kata before it has passed on the
 * learner's current code: a recorded pass whose hash matches the files now.
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

export type Access =
  | { readonly kind: 'unknown'; readonly number: number }
  | { readonly kind: 'unlocked'; readonly kata: Kata }
  | { readonly kind: 'forced'; readonly kata: Kata }
  | { readonly kind: 'locked'; readonly kata: Kata; readonly first: Kata };

export function access(
  number: number,
  standings: ReadonlyMap<number, Standing>,
  force: boolean,
): Access {
  const kata = KATAS.find((k) => k.number === number);
  if (!kata) return { kind: 'unknown', number };
  const first = KATAS.find((k) => k.number < number && standings.get(k.number) !== 'done');
  if (!first) return { kind: 'unlocked', kata };
  return force ? { kind: 'forced', kata } : { kind: 'locked', kata, first };
}

/** The first kata not done, or undefined when every kata is. */
export function nextPending(standings: ReadonlyMap<number, Standing>): Kata | undefined {
  return KATAS.find((kata) => standings.get(kata.number) !== 'done');
}

/** The katas a learner may open now: every done one and the first pending one. */
export function unlocked(standings: ReadonlyMap<number, Standing>, all: boolean): Kata[] {
  if (all) return [...KATAS];
  const next = nextPending(standings);
  return KATAS.filter((kata) => !next || kata.number <= next.number);
}
