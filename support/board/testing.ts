/**
 * What the board's tests share: a board on 127.0.0.1 with its state in a temporary folder and
 * a clock moved by hand, a standing to post, and an event stream read as it comes. Every
 * board and stream opened here is closed by `closeAll()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOOPBACK, listen, within } from '../harness/index.ts';
import type { RunnerStanding } from './client.ts';
import type { View } from './room.ts';
import { type Board, type BoardOptions, createBoard } from './server.ts';
import { CODE_HEADER, type Standing } from './standing.ts';

export const CODE = 'QWERTY';

export interface Started {
  readonly board: Board;
  readonly origin: string;
  readonly folder: string;
  readonly clock: { now: number };
  readonly logged: string[];
}

const opened: (() => Promise<void> | void)[] = [];

export async function closeAll(): Promise<void> {
  for (const close of opened.splice(0).reverse()) await close();
}

export function temporaryFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'board-'));
  opened.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A board listening on 127.0.0.1; the clock starts at a fixed moment and moves only by hand. */
export async function startBoard(
  options: BoardOptions = {},
  folder = temporaryFolder(),
): Promise<Started> {
  const clock = { now: Date.UTC(2026, 11, 1, 9, 0, 0) };
  const logged: string[] = [];
  const board = createBoard({
    code: CODE,
    stateFile: path.join(folder, '.board', 'state.json'),
    clock: () => clock.now,
    log: (text) => void logged.push(text),
    ...options,
  });
  opened.push(() => board.close());
  const port = await listen(board.server, LOOPBACK);
  return { board, origin: `http://${LOOPBACK}:${port}`, folder, clock, logged };
}

export const RUNNER_STANDING: RunnerStanding = {
  track: 'workshop',
  kata: { number: 17, slug: 'parse-a-request-line' },
  passed: 3,
  failed: 4,
  firstFailing: 'RFC 9112 §3: a request-line with two spaces is refused',
  hintsOpened: 1,
  secondsOnKata: 300,
  secondsSinceChange: 20,
};

export const STANDING: Standing = { ...RUNNER_STANDING, name: 'Ada & Linus', runner: 'runner-1' };

/** Posts a body (an object is sent as JSON) with the code in the header unless told otherwise. */
export async function post(
  origin: string,
  body: unknown,
  headers: Record<string, string> = { [CODE_HEADER]: CODE },
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await within(
    fetch(`${origin}/standing`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    'the board never answered the post',
  );
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export async function stateOf(origin: string): Promise<View> {
  const response = await within(fetch(`${origin}/state.json`), 'the board never sent its state');
  return (await response.json()) as View;
}

/** An event stream read as it comes: its text so far, and a wait for some text to arrive. */
export interface Stream {
  text(): string;
  /** The views received, in order. */
  views(): View[];
  until(what: string, test: (text: string) => boolean): Promise<void>;
  /** Goes away as a closed tab does. */
  close(): void;
}

export async function openStream(origin: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await within(
    fetch(`${origin}/events`, { signal: controller.signal }),
    'the board never answered GET /events',
  );
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted: the test closed the stream
    }
  })();
  const close = () => controller.abort();
  opened.push(close);
  return {
    text: () => text,
    views: () =>
      [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1] as string) as View),
    until: (what, test) =>
      within(
        new Promise<void>((resolve) => {
          const check = () => {
            if (!test(text)) return;
            waiters.delete(check);
            resolve();
          };
          waiters.add(check);
          check();
        }),
        what,
      ),
    close,
  };
}
