/**
 * The runner's view of progress: the records in PROGRESS.md set against the
 * learner's files as they are now.
 */
import { KATAS } from '../katas.ts';
import { PROGRESS_FILE } from './paths.ts';
import {
  formatProgress,
  hashKata,
  type KataRecord,
  type Progress,
  readProgress,
  writeAtomically,
} from './progress.ts';
import { type KataRun, passed } from './session.ts';
import { type Standing, standing, unlocked } from './unlock.ts';

export interface Ledger {
  readonly progress: Progress;
  readonly standings: ReadonlyMap<number, Standing>;
}

/** The progress recorded, set against the hashes of the learner's files now. */
function ledgerOf(progress: Progress): Ledger {
  const standings = new Map(
    KATAS.map((kata) => [kata.number, standing(kata, progress, hashKata(kata))]),
  );
  return { progress, standings };
}

export function readLedger(file = PROGRESS_FILE): Ledger {
  return ledgerOf(readProgress(file));
}

export function doneCount(ledger: Ledger): number {
  return [...ledger.standings.values()].filter((s) => s === 'done').length;
}

function recordOf(run: KataRun, at = new Date()): KataRecord {
  return {
    number: run.kata.number,
    status: passed(run) ? 'passed' : 'failing',
    passed: run.specs.filter((s) => s.state === 'passed').length,
    total: run.specs.length,
    at: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    hash: hashKata(run.kata),
  };
}

/** Records the runs, then rewrites PROGRESS.md atomically. Returns the new ledger. */
export function record(runs: readonly KataRun[], file = PROGRESS_FILE): Ledger {
  const progress = new Map(readProgress(file));
  for (const run of runs) progress.set(run.kata.number, recordOf(run));
  const ledger = ledgerOf(progress);
  const { standings } = ledger;
  const open = new Set(unlocked(standings, false).map((kata) => kata.number));
  const labels = new Map(
    KATAS.map(
      (kata) =>
        [
          kata.number,
          open.has(kata.number) ? (standings.get(kata.number) ?? 'not-run') : 'locked',
        ] as const,
    ),
  );
  writeAtomically(file, formatProgress(progress, labels));
  return ledger;
}
