/**
 * Pre-forked worker processes sharing one listening socket: the model of Apache's
 * prefork MPM, built on Node's cluster module with the kernel, not the primary,
 * handing out connections.
 */
import cluster, { type Worker } from 'node:cluster';

export interface PreforkOptions {
  /** The port the children listen on; 0 lets the system pick one, shared by all. */
  readonly port?: number;
  /** How long the children may take to start listening, and to exit on close. */
  readonly timeoutMs?: number;
  /** More environment variables for the children (PORT is set by prefork). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The running group of children. */
export interface Prefork {
  /** The port every child accepts connections on. */
  readonly port: number;
  /** The process ids of the children alive now. */
  pids(): number[];
  /** Stops every child and resolves once all have exited; no child is left behind. */
  close(): Promise<void>;
}

/** Why prefork could not start. */
export const REASONS = {
  'child-exited': 'a child exited before it was listening: the script fails at start',
  'not-listening': 'the children did not all start listening in time',
} as const;

export type PreforkFailure = keyof typeof REASONS;

export class PreforkError extends Error {
  override readonly name = 'PreforkError';
  /** Why, as a program reads it. */
  readonly reason: PreforkFailure;
  /** What was seen: the exit code or signal of the child, or the time waited. */
  readonly detail: string;
  constructor(reason: PreforkFailure, detail = '') {
    super(`prefork: ${reason}${detail === '' ? '' : ` (${detail})`}: ${REASONS[reason]}`);
    this.reason = reason;
    this.detail = detail;
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Forks `n` children running `script` (TypeScript, loaded with tsx), which all listen on
 * one socket. A child that dies after it was listening is replaced. `close()` asks every
 * child to exit, kills those that do not within the timeout, and waits for all of them.
 *
 * @throws PreforkError when a child exits before listening, or they do not all listen in time
 */
export async function prefork(
  script: string,
  n: number,
  options: PreforkOptions = {},
): Promise<Prefork> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // SCHED_NONE: the children accept connections themselves, and the kernel decides which
  // one; the default (round-robin) has the primary accept and pass each socket on
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const workers = new Set<Worker>();
  let closing = false;
  // every child asks for the same (address, port): the primary creates that socket once and
  // hands it to each; with port 0 they all share the one port the system picked
  const asked = String(options.port ?? 0);
  let port = 0;

  const start = (): Promise<Worker> => {
    cluster.setupPrimary({ exec: script, execArgv: ['--import', 'tsx'], silent: false });
    const worker = cluster.fork({ ...options.env, PORT: asked });
    workers.add(worker);
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PreforkError('not-listening', `${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.once('listening', (address) => {
        clearTimeout(timer);
        port = address.port;
        worker.on('exit', () => {
          workers.delete(worker);
          // a child that was serving and died is replaced; one that fails at start is not
          if (!closing) start().catch(() => {});
        });
        resolve(worker);
      });
      worker.once('exit', (code, signal) => {
        clearTimeout(timer);
        workers.delete(worker);
        reject(new PreforkError('child-exited', `code ${code ?? signal}`));
      });
    });
  };

  const close = async (): Promise<void> => {
    closing = true;
    await Promise.all([...workers].map((worker) => stop(worker, timeoutMs)));
  };

  try {
    // the first child fixes the port; the others join it
    await start();
    await Promise.all(Array.from({ length: n - 1 }, start));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    port,
    pids: () =>
      [...workers].flatMap((worker) =>
        worker.process.pid === undefined ? [] : [worker.process.pid],
      ),
    close,
  };
}

/**
 * SIGTERM, then SIGKILL if it has not exited in time; resolves once it has exited and its IPC
 * channel has closed. With SCHED_NONE the primary holds the shared listening socket for its
 * children, and lets go of a child's share on that child's 'disconnect', not on its 'exit':
 * Node's cluster docs, "There may be a delay between the 'disconnect' and 'exit' events", in
 * either order. Resolving on 'exit' alone leaves the port accepting for a moment.
 */
function stop(worker: Worker, timeoutMs: number): Promise<void> {
  const exited = worker.isDead()
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const timer = setTimeout(() => worker.process.kill('SIGKILL'), timeoutMs);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.process.kill('SIGTERM');
      });
  const disconnected = worker.isConnected()
    ? new Promise<void>((resolve) => worker.once('disconnect', resolve))
    : Promise.resolve();
  return Promise.all([exited, disconnected]).then(() => {});
}
