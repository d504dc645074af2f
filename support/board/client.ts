/**
 * The runner's side of the board: `post(standing)` returns at once and never throws. One post
 * is in flight at a time, with a short timeout; a standing posted meanwhile waits in a single
 * slot, where a newer one replaces it (the latest standing wins, nothing queues). A post that
 * fails is tried once more in the background, unless a newer standing is waiting, which goes
 * instead. Changes of reachability are reported once each through `onReport`.
 */
import { randomUUID } from 'node:crypto';
import { CODE_HEADER, fitTitle, STANDING_PATH, type Standing } from './standing.ts';

/** What a runner says of itself; the client adds its name and its runner id. */
export type RunnerStanding = Omit<Standing, 'name' | 'runner'>;

/** Said once per change: the board stopped answering, answered again, or refused the posts. */
export type BoardReport =
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'reachable' }
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

export interface BoardClientOptions {
  /** The board's origin, `http://HOST:PORT`. */
  readonly url: string;
  readonly code: string;
  /** The pair's name, ≤ 60 characters, no control characters: check it with `nameProblem`. */
  readonly name: string;
  /** How long one post may take before it is given up; 1.5 s. */
  readonly timeoutMs?: number;
  /** The runner's id, the same across restarts where the runner keeps one; random when left out. */
  readonly runner?: string;
  readonly onReport?: (report: BoardReport) => void;
}

export interface BoardClient {
  /**
   * Sends the standing in the background; returns at once. The first failing spec's title is
   * made to fit (`fitTitle`), the seconds rounded to whole ones.
   */
  post(standing: RunnerStanding): void;
  /** Resolves once nothing is in flight or waiting (for tests, and a runner about to exit). */
  idle(): Promise<void>;
  /** Drops what waits and gives up the post in flight. */
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 1_500;

/** The reasons of the reports. */
export const REPORT_TEXT = {
  timeout: (ms: number) => `no answer within ${ms} ms`,
  status: (status: number) => `it answered ${status}`,
} as const;

type Outcome =
  | { readonly kind: 'ok' }
  /** 429: the board is there and asks for fewer posts; this standing is dropped, the next goes. */
  | { readonly kind: 'slowed' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

const TOO_MANY_REQUESTS = 429;
/** The longest refusal reason passed on: one line of the watch screen. */
const MAX_REASON = 200;
/** Statuses that say the board is there but wants no more of this: not worth a retry. */
const REFUSING = new Set([400, 403, 413, 415]);

export function createBoardClient(options: BoardClientOptions): BoardClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runner = options.runner ?? randomUUID();
  const target = new URL(STANDING_PATH, options.url);
  const report = (said: BoardReport) => {
    try {
      options.onReport?.(said);
    } catch {
      // the runner's own callback: its error must not become an unhandled rejection here
    }
  };
  let waiting: Standing | undefined;
  let flight: Promise<void> | undefined;
  let controller: AbortController | undefined;
  let reachable: boolean | undefined;
  let refusedWith: number | undefined;
  let closed = false;

  const send = async (standing: Standing): Promise<Outcome> => {
    controller = new AbortController();
    const timer = setTimeout(() => controller?.abort(), timeoutMs);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [CODE_HEADER]: options.code },
        body: JSON.stringify(standing),
        signal: controller.signal,
      });
      const text = await response.text();
      if (response.ok) return { kind: 'ok' };
      if (response.status === TOO_MANY_REQUESTS) return { kind: 'slowed' };
      if (REFUSING.has(response.status)) {
        const reason = text.trim().slice(0, MAX_REASON);
        return { kind: 'refused', status: response.status, reason };
      }
      return { kind: 'failed', reason: REPORT_TEXT.status(response.status) };
    } catch (error) {
      if (controller.signal.aborted)
        return { kind: 'failed', reason: REPORT_TEXT.timeout(timeoutMs) };
      // fetch's own message is "fetch failed"; the cause says what: ECONNREFUSED, ENOTFOUND, …
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'failed', reason: cause ?? (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };

  const settle = (outcome: Outcome) => {
    if (closed) return;
    if (outcome.kind === 'failed') {
      if (reachable !== false) report({ kind: 'unreachable', reason: outcome.reason });
      reachable = false;
      return;
    }
    if (reachable === false) report({ kind: 'reachable' });
    reachable = true;
    if (outcome.kind === 'slowed') return;
    if (outcome.kind === 'refused' && refusedWith !== outcome.status) {
      report({ kind: 'refused', status: outcome.status, reason: outcome.reason });
    }
    refusedWith = outcome.kind === 'refused' ? outcome.status : undefined;
  };

  const drain = async () => {
    while (waiting !== undefined && !closed) {
      const standing: Standing = waiting;
      waiting = undefined;
      let outcome = await send(standing);
      // one retry, unless a newer standing waits: that one goes instead
      if (outcome.kind === 'failed' && waiting === undefined && !closed) {
        outcome = await send(standing);
      }
      settle(outcome);
    }
    flight = undefined;
  };

  return {
    post(standing) {
      if (closed) return;
      waiting = {
        ...standing,
        // what a runner has at hand, made to fit the board's checks
        firstFailing: standing.firstFailing === null ? null : fitTitle(standing.firstFailing),
        secondsOnKata: Math.max(0, Math.round(standing.secondsOnKata)),
        secondsSinceChange: Math.max(0, Math.round(standing.secondsSinceChange)),
        name: options.name,
        runner,
      };
      flight ??= drain();
    },
    idle: async () => {
      await flight;
    },
    close() {
      closed = true;
      waiting = undefined;
      controller?.abort();
    },
  };
}
