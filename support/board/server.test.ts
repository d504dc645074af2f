/**
 * The board over HTTP, on kata 34's server: every refusal a named test, the event stream, and
 * the page that never carries a runner's text.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { connect, readToEnd, within } from '../harness/index.ts';
import { HEARTBEAT } from './events.ts';
import { REFUSALS } from './server.ts';
import { CODE_HEADER } from './standing.ts';
import { CODE, closeAll, openStream, post, STANDING, startBoard, stateOf } from './testing.ts';

afterEach(closeAll);

describe('POST /standing refuses what is not a standing, and the board goes on', () => {
  test('garbage: 400 naming the problem; why: a broken runner or a prank must not take the board down', async () => {
    const { origin, clock } = await startBoard();
    const cases: [body: unknown, problem: string][] = [
      ['{"name": "Ada", ', 'The body is not JSON'],
      ['[1, 2, 3]', 'The body is not a JSON object.'],
      [{ ...STANDING, passed: '3' }, 'The field "passed" must be a whole number from 0 to 100000.'],
      [{ ...STANDING, failed: -1 }, 'The field "failed"'],
      [{ ...STANDING, hintsOpened: 1.5 }, 'The field "hintsOpened"'],
      [
        { ...STANDING, name: 'x'.repeat(61) },
        'The field "name" must be text of 1 to 60 characters',
      ],
      [{ ...STANDING, name: 'Ada\nLinus' }, 'The field "name"'],
      [{ ...STANDING, kata: 17 }, 'The field "kata" must be an object'],
      [{ ...STANDING, firstFailing: 42 }, 'The field "firstFailing" must be null or text'],
      [{ ...STANDING, runner: '../etc' }, 'The field "runner"'],
      [
        { ...STANDING, source: 'export const x = 1' },
        'The field "source" is not part of a standing.',
      ],
      [(({ track, ...rest }) => rest)(STANDING), 'The field "track" is required.'],
    ];
    for (const [body, problem] of cases) {
      clock.now += 1_001; // not a flood
      const answer = await post(origin, body);
      expect([answer.status, answer.text]).toEqual([400, expect.stringContaining(problem)]);
    }
    // not HTTP at all: kata 27's reader answers 400 and closes; the board still serves
    const socket = await connect(Number(new URL(origin).port));
    socket.end('\x16\x03\x01\x02\x00garbage\r\n\r\n');
    expect((await readToEnd(socket)).toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    expect((await stateOf(origin)).rows).toEqual([]);
    clock.now += 10_000;
    expect((await post(origin, STANDING)).status).toBe(204);
  });

  test('oversized: 413 over 4 KiB, declared or chunked, the rest never read; why: the board bounds its memory, not the sender', async () => {
    const { origin } = await startBoard();
    const answer = await post(origin, { ...STANDING, firstFailing: 'x'.repeat(4200) });
    expect([answer.status, answer.text]).toEqual([413, 'The body is larger than 4096 bytes.']);
    // far past the bound: kata 34's own limit answers before the app is called
    expect((await post(origin, 'x'.repeat(100_000))).status).toBe(413);
    const socket = await connect(Number(new URL(origin).port));
    const chunk = 'x'.repeat(5000);
    socket.write(
      `POST /standing HTTP/1.1\r\nHost: b\r\n${CODE_HEADER}: ${CODE}\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect((await readToEnd(socket)).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
    expect((await post(origin, STANDING)).status).toBe(204);
  });

  test('flood: the 11th post in 10 s from one address is 429 with Retry-After; why: one runner in a loop must not drown the room', async () => {
    const { origin, clock } = await startBoard();
    for (let i = 0; i < 10; i++) expect((await post(origin, STANDING)).status).toBe(204);
    clock.now += 4_000;
    const refused = await post(origin, STANDING);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('6');
    expect(refused.text).toBe(REFUSALS.flood(6));
    clock.now += 6_000;
    expect((await post(origin, STANDING)).status).toBe(204);
  });

  test('at most maxPairs runners (200): a new one pushes out the longest silent; why: the room is bounded even with the code', async () => {
    const { origin, clock, board } = await startBoard({ maxPairs: 3 });
    for (let i = 0; i <= 3; i++) {
      clock.now += 1;
      expect((await post(origin, { ...STANDING, runner: `r${i}` })).status).toBe(204);
    }
    const runners = board.view().rows.map((row) => row.runner);
    expect(runners.sort()).toEqual(['r1', 'r2', 'r3']);
  });

  test('unknown code: 403, in the header or the body, and nothing kept; why: only the room posts to its board', async () => {
    const { origin } = await startBoard();
    const json = { 'Content-Type': 'application/json' };
    expect((await post(origin, STANDING, { [CODE_HEADER]: 'WRONGS' })).status).toBe(403);
    expect((await post(origin, { ...STANDING, code: 'WRONGS' }, {})).status).toBe(403);
    expect((await post(origin, STANDING, json)).status).toBe(403);
    expect((await post(origin, STANDING, { [CODE_HEADER]: '' })).status).toBe(403);
    expect((await stateOf(origin)).rows).toEqual([]);
    expect((await post(origin, { ...STANDING, code: CODE.toLowerCase() }, {})).status).toBe(204);
    expect((await stateOf(origin)).rows.map((row) => row.name)).toEqual([STANDING.name]);
  });
});

describe('the page and the event stream', () => {
  test('markup in a name stays data: the page is static and the name reaches it only as JSON; why: a name is never markup', async () => {
    const { origin } = await startBoard();
    const name = '<img src=x onerror=alert(1)>Ada & "Linus"';
    expect((await post(origin, { ...STANDING, name })).status).toBe(204);
    const page = await within(fetch(`${origin}/`), 'the board never sent its page');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toContain('Ada');
    expect(html).not.toContain('innerHTML');
    expect(html).not.toMatch(/<(link|img|iframe)\b|src=|href=/);
    const stream = await openStream(origin);
    await stream.until('the stream never sent its first view', () => stream.views().length > 0);
    expect(stream.views()[0]?.rows[0]?.name).toBe(name);
  });

  test('GET /events: a view at once, one per change, a heartbeat comment; why: the page is live without a reload', async () => {
    const { origin } = await startBoard({ heartbeatMs: 40 });
    const stream = await openStream(origin);
    await stream.until('no first view', () => stream.views().length === 1);
    expect(stream.text()).toMatch(/^retry: 2000\nevent: board\ndata: \{/);
    expect(stream.views()[0]?.rows).toEqual([]);
    await stream.until('no heartbeat', () => stream.text().includes(HEARTBEAT));
    await post(origin, STANDING);
    await stream.until('no view after the post', () => stream.views().length === 2);
    await post(origin, { ...STANDING, passed: 4 });
    await stream.until('no view after the second post', () => stream.views().length === 3);
    expect(stream.views().map((view) => view.rows[0]?.passed)).toEqual([undefined, 3, 4]);
  });

  test('offline after T seconds without a post, on the clock option; why: a runner that disappears is shown gone', async () => {
    const { origin, clock, board } = await startBoard({ rules: { offlineSeconds: 120 } });
    await post(origin, STANDING);
    const stream = await openStream(origin);
    await stream.until('no first view', () => stream.views().length === 1);
    clock.now += 119_000;
    board.refresh();
    expect((await stateOf(origin)).rows[0]?.status.kind).toBe('working');
    clock.now += 1_000;
    board.refresh();
    await stream.until('the page never heard of the runner going offline', () =>
      stream.views().some((view) => view.rows[0]?.status.kind === 'offline'),
    );
    expect((await stateOf(origin)).rows[0]?.status).toEqual({
      kind: 'offline',
      why: 'no post for 120 s or more',
    });
    expect((await stateOf(origin)).distribution).toEqual([]);
  });

  test('stuck reaches the page: 5 saves on the same failing spec; why: the facilitator sees it without a reload', async () => {
    const { origin } = await startBoard();
    const stream = await openStream(origin);
    for (let i = 0; i < 5; i++) await post(origin, STANDING);
    await stream.until('the page never saw the pair stuck', () =>
      stream.views().some((view) => view.rows[0]?.status.kind === 'stuck'),
    );
    expect((await stateOf(origin)).distribution).toEqual([
      { kata: STANDING.kata, pairs: 1, stuck: 1 },
    ]);
  });

  test('a page that goes away: kata 34 calls close() at the next write, the stream is let go; why: no stream outlives its page', async () => {
    const { origin, board } = await startBoard({ heartbeatMs: 30 });
    const stream = await openStream(origin);
    await stream.until('no first view', () => stream.views().length === 1);
    expect(board.watching()).toBe(1);
    stream.close();
    await within(
      (async () => {
        while (board.watching() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      'the stream of a page that went away was never closed',
      1_000,
    );
  });
});
