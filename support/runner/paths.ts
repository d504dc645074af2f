/** Where things live, relative to the repository root this runner belongs to. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderOf, type Kata } from '../katas.ts';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const PROGRESS_FILE = path.join(ROOT, 'PROGRESS.md');
export const BACKUPS_DIR = path.join(ROOT, '.kata', 'backups');

export const kataDir = (kata: Kata) => path.join(ROOT, 'katas', folderOf(kata));
export const lessonPath = (kata: Kata) => path.join(kataDir(kata), 'README.md');
export const solutionDir = (kata: Kata) => path.join(ROOT, 'support', 'solutions', folderOf(kata));
/** The pristine stubs, kept for `--reset`; the self-check proves katas/ ships them unchanged. */
export const stubDir = (kata: Kata) => path.join(ROOT, 'support', 'stubs', folderOf(kata));

/** A path as the learner sees it: relative to the repository root, with forward slashes. */
export const shown = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
