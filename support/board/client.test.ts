/** The runner's posting module: it never makes the runner wait, and says once what changed. */
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LOOPBACK, listen, within } from '../harness/index.ts';
import { type BoardReport, createBoardClient } from './client.ts';
import { createBoard } from './server.ts';
import { fitTitle, nameProblem } from './standing.ts';
import { CODE, closeAll, RUNNER_STANDING, startBoard, stateOf } from './testing.ts';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await closeAll();
});

/** A server that accepts every connection and never answers. */
async function silentBoard(): Promise<string> {
  const server = net.createServer((socket) => void sockets.push(socket));
  servers.push(server);
  return `http://${LOOPBACK}:${await listen(server)}`;
}

describe('createBoardClient', () => {
  test('a board that accepts and never answers: post returns at once, unreachable said once; why: the runner never waits on the board', async () => {
    const url = await silentBoard();
    const reports: BoardReport[] = [];
    const client = createBoardClient({
      url,
      code: CODE,
      name: 'Ada',
      timeoutMs: 100,
      onReport: (r) => void reports.push(r),
    });
    const started = performance.now();
    for (let i = 0; i < 5; i++) client.post({ ...RUNNER_STANDING, passed: i });
    expect(performance.now() - started).toBeLessThan(50);
    // the first post and its retry time out, then the latest standing and its retry: 4 × 100 ms
    await within(client.idle(), 'the client never gave up on a silent board', 1_500);
    client.post(RUNNER_STANDING);
    await within(client.idle(), 'the client never gave up again', 1_000);
    expect(reports).toEqual([{ kind: 'unreachable', reason: 'no answer within 100 ms' }]);
    client.close();
  });

  test('the latest standing wins: posts made while one is in flight collapse into one; why: nothing queues without bound', async () => {
    const { origin } = await startBoard();
    const client = createBoardClient({ url: origin, code: CODE, name: 'Grace', runner: 'grace' });
    for (let i = 0; i < 50; i++) client.post({ ...RUNNER_STANDING, passed: i });
    await within(client.idle(), 'the client never finished posting');
    const rows = (await stateOf(origin)).rows;
    expect(rows.map((row) => [row.runner, row.name, row.passed])).toEqual([['grace', 'Grace', 49]]);
    client.close();
  });

  test('a long or multi-line spec title and fractional seconds are made to fit; why: any real title is posted, never refused', async () => {
    const { origin } = await startBoard();
    const reports: BoardReport[] = [];
    const client = createBoardClient({
      url: origin,
      code: CODE,
      name: 'Ada',
      onReport: (r) => void reports.push(r),
    });
    const title = `RFC 9112 §3 > request-line\n\t${'é'.repeat(400)}`;
    client.post({
      ...RUNNER_STANDING,
      firstFailing: title,
      secondsOnKata: 12.6,
      secondsSinceChange: 0.4,
    });
    await within(client.idle(), 'the post never ended');
    expect(reports).toEqual([]);
    const [row] = (await stateOf(origin)).rows;
    expect(row?.firstFailing).toBe(fitTitle(title));
    expect([...(row?.firstFailing ?? '')]).toHaveLength(300);
    expect(row?.firstFailing).toMatch(/^RFC 9112 §3 > request-line é+…$/);
    expect([row?.secondsOnKata, row?.secondsSinceChange]).toEqual([13, 0]);
    expect(nameProblem('x'.repeat(61))).toContain('"name"');
    expect(nameProblem('Ada & Linus')).toBeUndefined();
    client.close();
  });

  test('a board that goes away and comes back: unreachable once, reachable once; why: the watch screen says it quietly', async () => {
    const { origin, board, folder } = await startBoard();
    const port = Number(new URL(origin).port);
    const reports: BoardReport[] = [];
    const client = createBoardClient({
      url: origin,
      code: CODE,
      name: 'Ada',
      timeoutMs: 200,
      onReport: (report) => void reports.push(report),
    });
    const postAndSettle = async (what: string) => {
      client.post(RUNNER_STANDING);
      await within(client.idle(), what);
    };
    await postAndSettle('the first post never ended');
    await board.close();
    await postAndSettle('the post to a closed board never ended');
    await postAndSettle('the second post to a closed board never ended');
    expect(reports).toEqual([{ kind: 'unreachable', reason: 'ECONNREFUSED' }]);
    const back = createBoard({
      code: CODE,
      stateFile: path.join(folder, 'again.json'),
      log: () => {},
    });
    servers.push(back.server);
    await within(
      new Promise<void>((resolve) => back.server.listen(port, LOOPBACK, resolve)),
      'the board never listened again on its port',
    );
    await postAndSettle('the post to the board back never ended');
    await postAndSettle('the next post never ended');
    expect(reports.map((report) => report.kind)).toEqual(['unreachable', 'reachable']);
    client.close();
    await back.close();
  });

  test('a flood refused with 429: nothing said, the next standing goes; why: a slowed board is not an unreachable one', async () => {
    const { origin, clock } = await startBoard({ rateLimit: { max: 1, windowMs: 10_000 } });
    const reports: BoardReport[] = [];
    const client = createBoardClient({
      url: origin,
      code: CODE,
      name: 'Ada',
      runner: 'ada',
      onReport: (report) => void reports.push(report),
    });
    for (const passed of [1, 2]) {
      client.post({ ...RUNNER_STANDING, passed });
      await within(client.idle(), 'a post never ended');
    }
    expect((await stateOf(origin)).rows.map((row) => row.passed)).toEqual([1]);
    clock.now += 10_000;
    client.post({ ...RUNNER_STANDING, passed: 3 });
    await within(client.idle(), 'the post after the window never ended');
    expect(reports).toEqual([]);
    expect((await stateOf(origin)).rows.map((row) => row.passed)).toEqual([3]);
    client.close();
  });

  test("a wrong code: refused said once, with the board's reason; why: the pair learns why the board shows nothing", async () => {
    const { origin } = await startBoard();
    const reports: BoardReport[] = [];
    const client = createBoardClient({
      url: origin,
      code: 'NOPE',
      name: 'Ada',
      onReport: (r) => void reports.push(r),
    });
    client.post(RUNNER_STANDING);
    await within(client.idle(), 'the refused post never ended');
    client.post(RUNNER_STANDING);
    await within(client.idle(), 'the second refused post never ended');
    expect(reports).toEqual([
      { kind: 'refused', status: 403, reason: 'Unknown join code: use the one the board printed.' },
    ]);
    client.close();
  });
});
