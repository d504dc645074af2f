/**
 * Kata 14 · Worker threads: CPU-heavy answers computed off the event loop.
 *
 * `HASH rounds text` is answered with SHA-256 applied `rounds` times: seconds of CPU for a large
 * `rounds`. Computed in the callback that read the line, it would freeze every other connection
 * for as long; here a bounded pool of worker threads computes it, and the event loop goes on
 * answering `PING`. The lines themselves are served by kata 13's serveLines().
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { type MessagePort, Worker } from 'node:worker_threads';
import { type Answer, serveLines } from '../13-many-clients/slow-server.ts';

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

/** What the main thread posts to a worker, and what the worker posts back: its hex digest. */
type Job = { readonly text: string; readonly rounds: number };
type Outcome = { readonly kind: 'digest'; readonly hex: string } | { readonly kind: 'failed' };

/**
 * SHA-256 (FIPS 180-4; RFC 6234 §6.2) applied `rounds` times: the first to the text's octets,
 * each next one to the 32-octet digest before it. PBKDF1 (RFC 8018 §5.1) stretches a password
 * the same way: "Apply the underlying hash function Hash for c iterations".
 */
function sha256Rounds({ text, rounds }: Job): string {
  let digest = createHash('sha256').update(text, 'latin1').digest();
  for (let round = 1; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
  }
  return digest.toString('hex');
}

/** The worker thread's side: one job at a time, one digest back per job. */
export function hashWorker(port: MessagePort): void {
  port.on('message', (job: Job) => port.postMessage(sha256Rounds(job)));
}

/** This very file, loaded again in each worker thread: hashWorker() is its entry. */
const WORKER_MODULE = new URL(import.meta.url);

type Task = { readonly job: Job; readonly settle: (outcome: Outcome) => void };

/**
 * At most `size` workers, started when a job needs one and kept for the next; jobs beyond them
 * wait in a queue, in order. A worker that exits while it holds a job fails that job only.
 */
class HashPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private closed = false;
  private readonly size: number;

  // A field and an assignment, not a parameter property: Node's own type stripping (22.18+)
  // runs only erasable TypeScript, and this file also runs in every worker thread.
  constructor(size: number) {
    this.size = size;
  }

  /** The job's outcome; rejects if `signal` aborts while the job still waits for a worker. */
  run(job: Job, signal: AbortSignal): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      // A client that left no longer needs its job: drop it before it costs a worker. A job
      // already running cannot be stopped short of terminating its worker; its digest is dropped.
      const abandon = (): void => {
        const waiting = this.queue.indexOf(task);
        if (waiting === -1) return;
        this.queue.splice(waiting, 1);
        reject(signal.reason);
      };
      const task: Task = {
        job,
        settle: (outcome) => {
          // The signal lives as long as the connection: leave no listener behind on it per job.
          signal.removeEventListener('abort', abandon);
          resolve(outcome);
        },
      };
      signal.addEventListener('abort', abandon, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** On the server's 'close': no thread outlives the server. */
  close(): void {
    // By now every connection has closed, and with it every queued job (aborted). A job still
    // running fails as its worker exits.
    this.closed = true;
    for (const worker of [...this.idle, ...this.busy.keys()]) void worker.terminate();
  }

  private dispatch(): void {
    for (let task = this.queue[0]; task !== undefined; task = this.queue[0]) {
      const worker = this.idle.pop() ?? this.start();
      if (worker === undefined) return; // every worker busy: the job waits its turn
      this.queue.shift();
      this.busy.set(worker, task);
      // Structured clone: the job is copied to the worker, nothing is shared.
      worker.postMessage(task.job);
    }
  }

  private start(): Worker | undefined {
    if (this.closed || this.idle.length + this.busy.size >= this.size) return undefined;
    const worker = startWorker(WORKER_MODULE, hashWorker.name);
    worker.on('message', (hex: string) => {
      this.busy.get(worker)?.settle({ kind: 'digest', hex });
      this.busy.delete(worker);
      this.idle.push(worker);
      this.dispatch();
    });
    // An uncaught exception in the worker: Node emits 'error', then 'exit', which settles it.
    worker.on('error', () => {});
    // 'exit' follows every end: an error, terminate(), or process.exit() in the worker.
    worker.on('exit', () => {
      this.busy.get(worker)?.settle({ kind: 'failed' });
      this.busy.delete(worker);
      const idle = this.idle.indexOf(worker);
      if (idle !== -1) this.idle.splice(idle, 1);
      this.dispatch(); // a queued job gets a new worker in its place
    });
    return worker;
  }
}

type Command = typeof PING | typeof HASH;

/** How many arguments each command takes. */
const ARITY: Readonly<Record<Command, number>> = { PING: 0, HASH: 2 };

/** An own key only: 'toString' and '__proto__' are not commands. */
function isCommand(word: string): word is Command {
  return Object.hasOwn(ARITY, word);
}

/** rounds = 1*DIGIT, checked before Number(), which also takes '', ' 7', '1e3' and '0x10'. */
const DIGITS = /^[0-9]+$/;

/** text = 1*VCHAR (RFC 5234 B.1: %x21-7E). */
const VCHARS = /^[\x21-\x7e]+$/;

type Request =
  | { readonly kind: 'ping' }
  | { readonly kind: 'hash'; readonly job: Job }
  | { readonly kind: 'error'; readonly reason: Reason };

const refusal = (reason: Reason): string => `${ERROR_PREFIX}${REASONS[reason]}`;

/** The checks run in the order the lesson lists; the first that fails decides the reply. */
function parse(line: string): Request {
  // Arguments are separated by exactly one SP, as in an HTTP request-line (RFC 9112 §3).
  const [command = '', ...args] = line.split(' ');
  if (!isCommand(command)) return { kind: 'error', reason: 'unknownCommand' };
  if (args.length !== ARITY[command]) return { kind: 'error', reason: 'wrongArgumentCount' };
  if (command === PING) return { kind: 'ping' };
  const [rounds = '', text = ''] = args;
  const count = Number(rounds);
  if (!DIGITS.test(rounds) || count < 1 || count > MAX_ROUNDS) {
    return { kind: 'error', reason: 'badRounds' };
  }
  if (!VCHARS.test(text)) return { kind: 'error', reason: 'badText' };
  return { kind: 'hash', job: { text, rounds: count } };
}

function answerWith(pool: HashPool): Answer {
  return async (line, signal) => {
    const request = parse(line);
    switch (request.kind) {
      case 'ping':
        return `${OK_PREFIX}${PONG}`;
      case 'error':
        return refusal(request.reason);
      case 'hash': {
        // The event loop posts the job and goes back to its other connections.
        const outcome = await pool.run(request.job, signal);
        return outcome.kind === 'digest' ? `${OK_PREFIX}${outcome.hex}` : refusal('workerFailed');
      }
    }
  };
}

/**
 * A hash server, not yet listening: the specs (and `npm run kata 14 -- --serve`) call listen().
 * Its workers start with the first jobs and end with the server: on its 'close' event.
 */
export function createHashServer({
  workers = DEFAULT_WORKERS,
}: HashServerOptions = {}): net.Server {
  const pool = new HashPool(workers);
  const answer = answerWith(pool);
  // allowHalfOpen: serveLines may still reply after the client's FIN.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => serveLines(socket, answer));
  server.on('close', () => pool.close());
  return server;
}
