/**
 * The only places the runner writes a learner's files: --reset and --catch-up.
 * A file about to be replaced is first copied to .kata/backups/<time>/, unless it
 * is the pristine stub or already the file being written. Writes are atomic.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { folderOf, type Kata } from '../katas.ts';
import { BACKUPS_DIR, kataDir, shown, solutionDir, stubDir } from './paths.ts';
import { writeAtomically } from './progress.ts';

export interface Replaced {
  readonly file: string;
  /** Where the learner's version was kept, when there was something to keep. */
  readonly backup?: string;
}

const same = (a: string, b: string) =>
  existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

function replace(kata: Kata, module: string, source: string, now: Date): Replaced {
  const target = path.join(kataDir(kata), module);
  let backup: string | undefined;
  const keep =
    existsSync(target) && !same(target, source) && !same(target, path.join(stubDir(kata), module));
  if (keep) {
    backup = path.join(BACKUPS_DIR, stamp(now), folderOf(kata), module);
    mkdirSync(path.dirname(backup), { recursive: true });
    copyFileSync(target, backup);
  }
  writeAtomically(target, readFileSync(source, 'utf8'));
  return { file: shown(target), backup: backup && shown(backup) };
}

/** Puts the pristine stub of every module of the kata back. */
export function resetKata(kata: Kata, now = new Date()): Replaced[] {
  return kata.modules.map((module) => replace(kata, module, path.join(stubDir(kata), module), now));
}

/** Copies the reference modules of the given katas into place. */
export function copyReference(katas: readonly Kata[], now = new Date()): Replaced[] {
  return katas.flatMap((kata) =>
    kata.modules.map((module) => replace(kata, module, path.join(solutionDir(kata), module), now)),
  );
}
