/**
 * The board's own state file: the join code and every runner's pair, so that a board
 * restarted in the middle of a workshop knows the room and its code again. Written atomically
 * (a temporary file, then a rename: a crash mid-write leaves the old file whole). Nothing else
 * of the board touches the disk.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeAtomically } from '../runner/progress.ts';
import type { Pair } from './room.ts';
import { parseStanding } from './standing.ts';

/** The state file of a board started in the working folder. */
export const DEFAULT_STATE_FILE = path.join('.board', 'state.json');

export const STATE_VERSION = 1;

export interface BoardState {
  readonly code: string | undefined;
  readonly pairs: readonly Pair[];
}

/** What reading the state file came to. */
export type Loaded =
  | { readonly kind: 'none' }
  | { readonly kind: 'loaded'; readonly state: BoardState }
  | { readonly kind: 'unreadable'; readonly problem: string };

export const STATE_TEXT = {
  notState: 'it is not a board state file of this version',
  unreadable: (file: string, problem: string) =>
    `The board's state file ${file} could not be read (${problem}); the board starts empty and writes it anew.\n`,
  unwritable: (file: string, problem: string) =>
    `The board's state file ${file} could not be written (${problem}); the room is kept in memory.\n`,
} as const;

/** Reads the file; a pair whose standing no longer passes the checks is left out. */
export function loadState(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', problem: (error as Error).message };
  }
  try {
    const data = JSON.parse(text) as { version?: unknown; code?: unknown; pairs?: unknown };
    if (data.version !== STATE_VERSION || !Array.isArray(data.pairs)) {
      return { kind: 'unreadable', problem: STATE_TEXT.notState };
    }
    const pairs = (data.pairs as unknown[]).filter(isPair);
    const code = typeof data.code === 'string' ? data.code : undefined;
    return { kind: 'loaded', state: { code, pairs } };
  } catch (error) {
    return { kind: 'unreadable', problem: (error as Error).message };
  }
}

function isPair(value: unknown): value is Pair {
  if (typeof value !== 'object' || value === null) return false;
  const pair = value as Record<string, unknown>;
  const failure = pair.failure as { title?: unknown; saves?: unknown } | null | undefined;
  return (
    parseStanding(pair.standing).kind === 'standing' &&
    Number.isFinite(pair.seenAt) &&
    Number.isFinite(pair.progressAt) &&
    Number.isInteger(pair.best) &&
    (failure === null ||
      (typeof failure === 'object' &&
        typeof failure.title === 'string' &&
        Number.isInteger(failure.saves)))
  );
}

/** Writes the whole state: a temporary file beside it, then a rename. @throws on a write error */
export function saveState(file: string, state: BoardState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const data = { version: STATE_VERSION, code: state.code, pairs: state.pairs };
  writeAtomically(file, `${JSON.stringify(data, null, 2)}\n`);
}
