/**
 * The learner's progress: PROGRESS.md, a table written atomically (a temporary
 * file, then a rename), so a crash mid-write never loses it. It is also the
 * state file: each verified kata's last result and the hash of its files then, and
 * the furthest kata reached (never taken back). The repository ships it pristine:
 * every kata to do, kata 01 reached. Everything in it but the furthest kata reached
 * can be re-created by `npm run progress`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { folderOf, KATAS, type Kata } from '../katas.ts';
import { TRACK_NAMES, type TrackName } from '../tracks.ts';
import { kataDir } from './paths.ts';
import type { Standing } from './unlock.ts';

/** `filled`: the reference modules were copied in for a track, and passed (not the learner's). */
export type RunStatus = 'passed' | 'failing' | 'filled';

export interface KataRecord {
  readonly number: number;
  readonly status: RunStatus;
  readonly passed: number;
  readonly total: number;
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly hash: string;
}

export type Progress = ReadonlyMap<number, KataRecord>;

/** What PROGRESS.md holds: the records, the furthest kata reached, and the track followed. */
export interface ProgressFile {
  readonly progress: Progress;
  readonly reached: number;
  readonly track: TrackName;
}

/** A hash of the learner's files of one kata: an edit makes a recorded pass stale. */
export function hashKata(kata: Kata, dir = kataDir(kata)): string {
  const hash = createHash('sha256');
  for (const module of [...kata.modules].sort()) {
    const file = path.join(dir, module);
    hash.update(module).update('\0');
    hash.update(existsSync(file) ? readFileSync(file) : 'missing').update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const HEADER = [
  '# Progress',
  '',
  'Written by `npm run kata` and `npm run progress`: do not edit by hand.',
  'If it is lost or looks wrong, `npm run progress` verifies every kata and writes it anew.',
  '',
  '| Kata | Title | Status | Last run | Specs | Verified at | Files hash |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];

export const STANDING_LABELS: Readonly<Record<Standing | 'locked', string>> = {
  done: '✅ done',
  changed: '✏️ changed since verified',
  filled: '📦 filled (the reference, for the track)',
  failing: '❌ failing',
  'not-run': '▶️ to do',
  locked: '🔒 locked',
};

const REACHED = (number: number) =>
  `Furthest kata reached: ${String(number).padStart(2, '0')} (it and every kata before it stay open).`;
const REACHED_LINE = /^Furthest kata reached: (\d+)/m;
const TRACK = (name: TrackName) =>
  `Track: ${name} (npm run kata -- --track all follows every kata again).`;
const TRACK_LINE = /^Track: (\S+)/m;

const ROW =
  /^\|\s*(\d+)\s*\|[^|]*\|[^|]*\|\s*(passed|failing|filled)\s*\|\s*(\d+)\/(\d+)\s*\|\s*(\S+)\s*\|\s*([0-9a-f]{16})\s*\|\s*$/;

/**
 * Reads the records back; a row it cannot read is ignored (it is re-created on the next
 * run). With no readable line of the furthest kata reached, it is the first kata.
 */
export function parseProgress(text: string): ProgressFile {
  const records = new Map<number, KataRecord>();
  for (const line of text.split(/\r?\n/)) {
    const match = ROW.exec(line);
    if (!match) continue;
    const [, number, status, passed, total, at, hash] = match;
    records.set(Number(number), {
      number: Number(number),
      status: status as RunStatus,
      passed: Number(passed),
      total: Number(total),
      at: at ?? '',
      hash: hash ?? '',
    });
  }
  const reached = Number(REACHED_LINE.exec(text)?.[1] ?? KATAS[0]?.number ?? 1);
  const named = TRACK_LINE.exec(text)?.[1];
  const track = TRACK_NAMES.find((name) => name === named) ?? 'all';
  return { progress: records, reached, track };
}

export function formatProgress(
  { progress, reached, track }: ProgressFile,
  labels: ReadonlyMap<number, Standing | 'locked'>,
): string {
  const rows = KATAS.map((kata) => {
    const record = progress.get(kata.number);
    const label = STANDING_LABELS[labels.get(kata.number) ?? 'not-run'];
    const cells = record
      ? [record.status, `${record.passed}/${record.total}`, record.at, record.hash]
      : ['—', '', '', ''];
    return `| ${folderOf(kata).slice(0, 2)} | ${kata.title} | ${label} | ${cells.join(' | ')} |`;
  });
  const footer = track === 'all' ? [REACHED(reached)] : [REACHED(reached), TRACK(track)];
  return `${[...HEADER, ...rows, '', ...footer].join('\n')}\n`;
}

/** The table a fresh clone ships: no record, the first kata to do, every other one locked. */
export function pristineProgress(): string {
  const first = KATAS[0]?.number ?? 1;
  const labels = new Map(
    KATAS.map((kata) => [kata.number, kata.number === first ? 'not-run' : 'locked'] as const),
  );
  return formatProgress({ progress: new Map(), reached: first, track: 'all' }, labels);
}

export function readProgress(file: string): ProgressFile {
  return existsSync(file)
    ? parseProgress(readFileSync(file, 'utf8'))
    : { progress: new Map(), reached: KATAS[0]?.number ?? 1, track: 'all' };
}

/** Writes the whole file to a temporary name, then renames it into place. */
export function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
