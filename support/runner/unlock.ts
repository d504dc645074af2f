/**
 * The lock rules. Kata N opens when every kata before it has passed on the learner's
 * current code (a recorded pass whose hash matches the files now). Reaching a kata is
 * never taken back: the furthest kata reached is recorded, and an edit or a reset of an
 * earlier kata makes that kata "changed" without locking the katas after it.
 */
import { KATAS, type Kata } from '../katas.ts';
import { TRACKS, type Track, trackKatas } from '../tracks.ts';
import type { Progress } from './progress.ts';

/** `filled`: passed on the reference modules a track copied in, not on the learner's own. */
export type Standing = 'done' | 'filled' | 'changed' | 'failing' | 'not-run';

/** A kata that counts as behind the learner: passed on their code, or filled for the track. */
export const isDone = (standing: Standing | undefined): boolean =>
  standing === 'done' || standing === 'filled';

/** Where one kata stands, given the recorded progress and the hashes of its files now. */
export function standing(kata: Kata, progress: Progress, currentHash: string): Standing {
  const record = progress.get(kata.number);
  if (!record) return 'not-run';
  if (record.hash !== currentHash) return 'changed';
  if (record.status === 'filled') return 'filled';
  return record.status === 'passed' ? 'done' : 'failing';
}

/** Where the learner has got to: the standings, and the furthest kata ever reached. */
export interface Reach {
  readonly standings: ReadonlyMap<number, Standing>;
  readonly reached: number;
  /** The path followed: the lock rules run over its katas. Every kata when left out. */
  readonly track?: Track;
}

/** The katas the lock rules run over. */
const pathOf = (reach: Pick<Reach, 'track'>): Kata[] => trackKatas(reach.track ?? TRACKS.all);

/**
 * The furthest kata open now: the recorded one, or the track's first not done if that is
 * further (every kata before it, on the track or not, is open too).
 */
export function furthest(
  standings: ReadonlyMap<number, Standing>,
  recorded: number,
  track: Track = TRACKS.all,
): number {
  const path = trackKatas(track);
  const first = path.find((kata) => !isDone(standings.get(kata.number)));
  return Math.max(recorded, first?.number ?? path.at(-1)?.number ?? 0);
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
  const first = pathOf(reach).find(
    (k) => k.number < number && !isDone(reach.standings.get(k.number)),
  );
  if (!first) return { kind: 'unlocked', kata };
  return force ? { kind: 'forced', kata } : { kind: 'locked', kata, first };
}

/**
 * The kata to open by default: the first not done from the furthest reached on (the
 * learner's front), else the first not done before it (one that no longer passes), else
 * none: every kata is done.
 */
export function nextPending(reach: Reach): Kata | undefined {
  const pending = (kata: Kata) => !isDone(reach.standings.get(kata.number));
  const path = pathOf(reach);
  return path.find((kata) => kata.number >= reach.reached && pending(kata)) ?? path.find(pending);
}

/** The kata after this one on the path followed. */
export function following(kata: Kata, reach: Pick<Reach, 'track'>): Kata | undefined {
  return pathOf(reach).find((k) => k.number > kata.number);
}

/** The katas a learner may open now: every kata up to the furthest reached. */
export function unlocked(reach: Reach, all: boolean): Kata[] {
  return all ? [...KATAS] : KATAS.filter((kata) => kata.number <= reach.reached);
}
