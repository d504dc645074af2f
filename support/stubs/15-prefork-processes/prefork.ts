/**
 * Pre-forked worker processes sharing one listening socket: the model of Apache's
 * prefork MPM, built on Node's cluster module with the kernel, not the primary,
 * handing out connections. Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

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
  throw new KataTodo('prefork');
}
