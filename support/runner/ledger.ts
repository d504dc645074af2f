/**
 * The runner's view of progress: the records in PROGRESS.md set against the
 * learner's files as they are now, and the furthest kata reached.
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
import { furthest, type Reach, type Standing, standing, unlocked } from './unlock.ts';

export interface Ledger extends Reach {
  readonly progress: Progress;
}

/** A kata's standing as the learner sees it: a kata not reached yet is locked. */
export type Label = Standing | 'locked';

/** The progress recorded, set against the hashes of the learner's files now. */
function ledgerOf(progress: Progress, recorded: number): Ledger {
  const standings = new Map(
    KATAS.map((kata) => [kata.number, standing(kata, progress, hashKata(kata))]),
  );
  return { progress, standings, reached: furthest(standings, recorded) };
}

export function readLedger(file = PROGRESS_FILE): Ledger {
  const { progress, reached } = readProgress(file);
  return ledgerOf(progress, reached);
}

export function doneCount(ledger: Ledger): number {
  return [...ledger.standings.values()].filter((s) => s === 'done').length;
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
  const before = readProgress(file);
  const progress = new Map(before.progress);
  for (const run of runs) progress.set(run.kata.number, recordOf(run));
  const ledger = ledgerOf(progress, before.reached);
  writeAtomically(file, formatProgress(ledger, labels(ledger)));
  return ledger;
}
