/**
 * The runner's view of progress: the records in PROGRESS.md set against the
 * learner's files as they are now, and the furthest kata reached.
 */
import { KATAS } from '../katas.ts';
import { TRACKS, type TrackName } from '../tracks.ts';
import { PROGRESS_FILE } from './paths.ts';
import {
  formatProgress,
  hashKata,
  type KataRecord,
  type Progress,
  readProgress,
  writeAtomically,
} from './progress.ts';
import { type KataRun, passed, passedCount } from './session.ts';
import { furthest, isDone, type Reach, type Standing, standing, unlocked } from './unlock.ts';

export interface Ledger extends Reach {
  readonly progress: Progress;
}

/** A kata's standing as the learner sees it: a kata not reached yet is locked. */
export type Label = Standing | 'locked';

/** The progress recorded, set against the hashes of the learner's files now. */
function ledgerOf(progress: Progress, recorded: number, name: TrackName): Ledger {
  const standings = new Map(
    KATAS.map((kata) => [kata.number, standing(kata, progress, hashKata(kata))]),
  );
  const track = TRACKS[name];
  return { progress, standings, reached: furthest(standings, recorded, track), track };
}

export function readLedger(file = PROGRESS_FILE): Ledger {
  const { progress, reached, track } = readProgress(file);
  return ledgerOf(progress, reached, track);
}

/** The katas behind the learner: passed, or filled for the track. */
export function doneCount(ledger: Ledger): number {
  return [...ledger.standings.values()].filter(isDone).length;
}

/** Follows another track from now on: recorded in PROGRESS.md. */
export function followTrack(name: TrackName, file = PROGRESS_FILE): Ledger {
  const before = readProgress(file);
  const ledger = ledgerOf(before.progress, before.reached, name);
  writeAtomically(file, formatProgress({ ...ledger, track: name }, labels(ledger)));
  return ledger;
}

/** Every kata's label: its standing once reached, else locked. */
export function labels(ledger: Ledger): ReadonlyMap<number, Label> {
  const open = new Set(unlocked(ledger, false).map((kata) => kata.number));
  return new Map(
    KATAS.map((kata) => [
      kata.number,
      open.has(kata.number) ? (ledger.standings.get(kata.number) ?? 'not-run') : 'locked',
    ]),
  );
}

function recordOf(run: KataRun, filled: boolean, at = new Date()): KataRecord {
  const status = passed(run) ? (filled ? 'filled' : 'passed') : 'failing';
  return {
    number: run.kata.number,
    status,
    passed: passedCount(run),
    total: run.specs.length,
    at: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    hash: hashKata(run.kata),
  };
}

/**
 * Records the runs (as `filled` when they ran on reference modules copied in for a track),
 * then rewrites PROGRESS.md atomically. Returns the new ledger.
 */
export function record(
  runs: readonly KataRun[],
  file = PROGRESS_FILE,
  { filled = false }: { readonly filled?: boolean } = {},
): Ledger {
  const before = readProgress(file);
  const progress = new Map(before.progress);
  for (const run of runs) progress.set(run.kata.number, recordOf(run, filled));
  const ledger = ledgerOf(progress, before.reached, before.track);
  writeAtomically(file, formatProgress({ ...ledger, track: before.track }, labels(ledger)));
  return ledger;
}
