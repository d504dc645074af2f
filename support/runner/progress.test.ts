import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KATAS } from '../katas.ts';
import {
  formatProgress,
  hashKata,
  type KataRecord,
  parseProgress,
  pristineProgress,
  readProgress,
  writeAtomically,
} from './progress.ts';

const dirs: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'progress-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const records: KataRecord[] = KATAS.slice(0, 2).map((kata, i) => ({
  number: kata.number,
  status: i === 0 ? 'passed' : 'failing',
  passed: 7 - i,
  total: 7,
  at: '2026-11-23T19:40:00Z',
  hash: `${i}`.repeat(16),
}));

describe('PROGRESS.md is the state file: a table the runner writes and reads back', () => {
  test('what it writes, it reads back record for record, with the furthest kata reached', () => {
    const file = {
      progress: new Map(records.map((r) => [r.number, r])),
      reached: 7,
      track: 'all' as const,
    };
    expect(parseProgress(formatProgress(file, new Map()))).toEqual(file);
  });

  test('a track other than all is written and read back, and a filled record with it', () => {
    const filled = { ...records[0], status: 'filled' } as KataRecord;
    const file = {
      progress: new Map([[filled.number, filled]]),
      reached: 3,
      track: 'workshop' as const,
    };
    const text = formatProgress(file, new Map());
    expect(text).toContain('Track: workshop');
    expect(parseProgress(text)).toEqual(file);
    expect(formatProgress({ ...file, track: 'all' }, new Map())).not.toContain('Track:');
  });

  test('it lists every kata of the manifest, recorded or not', () => {
    const text = formatProgress({ progress: new Map(), reached: 1, track: 'all' }, new Map());
    for (const kata of KATAS) expect(text).toContain(kata.title);
  });

  test('a hand-mangled row is ignored, not fatal; a lost reached line means the first kata', () => {
    const file = parseProgress('| 01 | x | y | passed | seven | now | zz |\nrandom text');
    expect(file).toEqual({ progress: new Map(), reached: KATAS[0]?.number, track: 'all' });
  });

  test('a missing file is no progress', () => {
    expect(readProgress(path.join(temporary(), 'PROGRESS.md')).progress.size).toBe(0);
  });

  test('the pristine table: no record, the first kata to do, the others locked', () => {
    const text = pristineProgress();
    expect(parseProgress(text)).toEqual({
      progress: new Map(),
      reached: KATAS[0]?.number,
      track: 'all',
    });
    expect(text.match(/🔒 locked/g)).toHaveLength(KATAS.length - 1);
  });

  test('writes are atomic: the new text replaces the old, and no temporary file is left', () => {
    const dir = temporary();
    const file = path.join(dir, 'PROGRESS.md');
    writeFileSync(file, 'old');
    writeAtomically(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['PROGRESS.md']);
  });
});

describe('the hash of a kata covers its modules', () => {
  const kata = KATAS[0];
  if (!kata) throw new Error('no kata');
  test('an edit changes it; the same text gives the same hash', () => {
    const dir = temporary();
    for (const module of kata.modules) writeFileSync(path.join(dir, module), 'one');
    const before = hashKata(kata, dir);
    expect(hashKata(kata, dir)).toBe(before);
    for (const module of kata.modules) writeFileSync(path.join(dir, module), 'two');
    expect(hashKata(kata, dir)).not.toBe(before);
  });
  test('a missing module hashes differently from an empty one', () => {
    const dir = temporary();
    const missing = hashKata(kata, dir);
    for (const module of kata.modules) writeFileSync(path.join(dir, module), '');
    expect(existsSync(path.join(dir, kata.modules[0] ?? ''))).toBe(true);
    expect(hashKata(kata, dir)).not.toBe(missing);
  });
});
