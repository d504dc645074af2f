/** The board's own state file: the only file it writes, atomically, and read again at start. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createBoard } from './server.ts';
import { STATE_TEXT } from './state.ts';
import { closeAll, post, STANDING, startBoard, stateOf, temporaryFolder } from './testing.ts';

afterEach(closeAll);

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

describe('the state file', () => {
  test('reloaded at start: the same code and the same rows; why: a board restarted mid-workshop keeps the room', async () => {
    const folder = temporaryFolder();
    const first = await startBoard({ code: undefined }, folder);
    await post(first.origin, { ...STANDING, code: first.board.code }, {});
    await first.board.close();
    const again = await startBoard({ code: undefined }, folder);
    expect(again.board.code).toBe(first.board.code);
    expect(again.board.code).toMatch(/^[A-HJKMNP-Z]{6}$/);
    const rows = (await stateOf(again.origin)).rows;
    expect(rows.map((row) => [row.name, row.runner, row.passed])).toEqual([
      [STANDING.name, STANDING.runner, STANDING.passed],
    ]);
  });

  test('nothing but .board/state.json is written, and no temporary file is left; why: the board leaves the disk as it found it', async () => {
    const { origin, folder } = await startBoard();
    for (let i = 0; i < 3; i++) await post(origin, { ...STANDING, passed: i });
    expect(filesUnder(folder)).toEqual([path.join('.board', 'state.json')]);
    const saved = JSON.parse(readFileSync(path.join(folder, '.board', 'state.json'), 'utf8'));
    expect(saved.pairs[0].standing.passed).toBe(2);
  });

  test('written atomically: with the temporary file blocked, the old file stays whole and the board goes on; why: a crash mid-write never loses the room', async () => {
    const { origin, board, logged } = await startBoard();
    await post(origin, STANDING);
    const file = board.stateFile;
    const before = readFileSync(file, 'utf8');
    // the temporary file the write goes through, taken by a folder: the write fails there
    mkdirSync(`${file}.${process.pid}.tmp`);
    expect((await post(origin, { ...STANDING, passed: 5 })).status).toBe(204);
    expect((await post(origin, { ...STANDING, passed: 6 })).status).toBe(204);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(logged.filter((line) => line.includes('could not be written'))).toHaveLength(1);
    expect((await stateOf(origin)).rows[0]?.passed).toBe(6);
  });

  test('a state file that is not one: the board starts empty and says so; why: a broken file never stops the workshop', () => {
    const folder = temporaryFolder();
    const file = path.join(folder, 'state.json');
    writeFileSync(file, '{"version": 1, "pairs": [');
    const logged: string[] = [];
    const board = createBoard({ stateFile: file, log: (text) => void logged.push(text) });
    expect(board.view().rows).toEqual([]);
    expect(logged[0]).toMatch(STATE_TEXT.unreadable(file, '').slice(0, 40));
    void board.close();
  });
});
