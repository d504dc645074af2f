/**
 * Kata 14 · Worker threads: CPU-heavy answers computed off the event loop.
 *
 * `HASH rounds text` is answered with SHA-256 applied `rounds` times: seconds of CPU for a large
 * `rounds`. Computed in the callback that read the line, it would freeze every other connection
 * for as long; here a bounded pool of worker threads computes it, and the event loop goes on
 * answering `PING`. The lines themselves are served by kata 13's serveLines().
 */
import type net from 'node:net';
import { availableParallelism } from 'node:os';
import { type MessagePort, Worker } from 'node:worker_threads';
import { KataTodo } from '../../support/kata-todo.ts';

export const PING = 'PING';
export const PONG = 'PONG';
export const HASH = 'HASH';

/** The most rounds one request may ask for: a bound on the CPU one line can cost. */
export const MAX_ROUNDS = 1_000_000;

/** A reply in RESP's shape, as in kata 13: "+" and the text, or "-ERR " and why. */
export const OK_PREFIX = '+';
export const ERROR_PREFIX = '-ERR ';

/** Why a line got an error reply, in the words the client reads. */
export const REASONS = {
  unknownCommand: 'unknown command',
  wrongArgumentCount: 'wrong number of arguments',
  badRounds: `rounds is not a whole number from 1 to ${MAX_ROUNDS}`,
  badText: 'text is not visible ASCII',
  workerFailed: 'hash worker failed',
} as const;
export type Reason = keyof typeof REASONS;

/** One core for the event loop, the others for hashing; at least one worker. */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);

export interface HashServerOptions {
  /** The most worker threads hashing at once; more jobs wait in a queue. */
  readonly workers?: number;
}

/**
 * Starts a worker thread that loads `module` (a TypeScript file) and calls its export `entry`
 * with the thread's `parentPort`. Written for you: it is not a task.
 *
 * Why it exists: Node 20 cannot start a worker from a .ts file. `new Worker(url)` fails with
 * "Unknown file extension .ts", even with `execArgv: ['--import', 'tsx']`. So the worker runs
 * these few lines of JavaScript instead, which load the module with tsx's `tsImport()` (about
 * 0.4 s per thread). From Node 22.18, which strips types itself, `new Worker(module)` would do,
 * for a module written in erasable TypeScript only (no enums, no parameter properties).
 */
export function startWorker(module: URL, entry: string): Worker {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const href = JSON.stringify(module.href);
  return new Worker(
    `const { parentPort } = require('node:worker_threads');
import(${tsx})
  .then(({ tsImport }) => tsImport(${href}, ${href}))
  .then((loaded) => loaded[${JSON.stringify(entry)}](parentPort));`,
    { eval: true },
  );
}

/**
 * The worker thread's side, called by startWorker() in each new thread with its `parentPort`:
 * for each job the main thread posts (you choose its shape: the text and the rounds), compute
 * SHA-256 applied `rounds` times (the first to the text's octets, each next one to the 32-octet
 * digest before it) with `node:crypto`, and post the result back (the digest in lowercase hex).
 * One job at a time: while it hashes, this thread does nothing else, and that is fine.
 */
export function hashWorker(port: MessagePort): void {
  throw new KataTodo('hashWorker');
}

/**
 * A hash server, not yet listening: the specs (and `npm run kata 14 -- --serve`) call listen().
 * Each connection is served with kata 13's serveLines(); each line is answered by the rule in
 * the lesson: `PING` gets `+PONG`, `HASH rounds text` gets `+` and the hex digest, computed in a
 * pool of at most `workers` worker threads (started with startWorker(), kept for the next job;
 * jobs beyond them wait in a queue), anything else `-ERR ` and one of the REASONS. A job whose
 * worker dies gets `-ERR hash worker failed`. On the server's 'close' event, every worker is
 * terminated.
 */
export function createHashServer(options: HashServerOptions = {}): net.Server {
  throw new KataTodo('createHashServer');
}
