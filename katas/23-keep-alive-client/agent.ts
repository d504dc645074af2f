/**
 * Persistent connections (RFC 9112 §9.3): an agent that sends one request at a time on a
 * connection and keeps the connection for the next request when the response allows it,
 * holds at most a few connections per origin (§9.4), closes the ones left idle (§9.5), and
 * recovers from a server that closed an idle connection under it (§9.3.1, RFC 9110 §9.2.2).
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { Method } from '../17-parse-a-request-line/request-line.ts';
import type {
  HeaderField,
  HttpResponse,
  ReaderOptions,
  RequestMethod,
} from '../21-http-get/http-get.ts';

export interface AgentOptions extends ReaderOptions {
  /** RFC 9112 §9.4: the most connections open to one origin at once, busy or idle. */
  readonly maxSocketsPerOrigin?: number;
  /** How long a connection may wait idle in its pool before the agent closes it. */
  readonly keepAliveTimeoutMs?: number;
  /** The longest silence while a request is in flight: connecting, then the server's bytes. */
  readonly idleTimeoutMs?: number;
}

export interface RequestOptions {
  readonly method?: RequestMethod;
  /** Sent as given (kata 21's formatRequest); Connection is the agent's own. */
  readonly headers?: readonly HeaderField[];
  /** The content; a string is sent as UTF-8. */
  readonly body?: Uint8Array | string;
}

/** One origin's pool, as `pools()` shows it. */
export interface PoolState {
  /** Connections carrying a request, or opening for one. */
  readonly busy: number;
  /** Connections open and waiting for the next request. */
  readonly idle: number;
  /** Requests waiting for a connection. */
  readonly waiting: number;
}

export interface Agent {
  /** One request on a pooled connection to the URL's origin, and its response read whole. */
  request(url: string, options?: RequestOptions): Promise<HttpResponse>;
  /** Every origin with a connection open or a request waiting, by `originOf` of its URLs. */
  pools(): ReadonlyMap<string, PoolState>;
  /** Closes every connection; requests waiting or in flight reject with `closed`. */
  close(): Promise<void>;
}

/** What browsers allow per host (Chromium, Firefox); RFC 9112 §9.4 sets no number. */
export const DEFAULT_MAX_SOCKETS_PER_ORIGIN = 6;
/** undici's keepAliveTimeout: below the 5 s after which `node:http` closes an idle connection. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;

/** RFC 9110 §9.2.2: "PUT, DELETE, and safe request methods are idempotent"; §9.2.1: the safe
 * ones are GET, HEAD, OPTIONS and TRACE. */
export const IDEMPOTENT_METHODS = [
  'GET',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PUT',
  'DELETE',
] as const satisfies readonly Method[];

/** Why the agent refused or gave up a request: one reason per rule. */
export const AGENT_REASONS = {
  'unsupported-scheme':
    'this agent opens plain TCP connections: an https: URL needs TLS (kata 21’s send does it)',
  'not-retried':
    'the connection closed before any response, and the method is not idempotent: the server may have applied it, so it is not sent again (RFC 9110 §9.2.2)',
  closed: 'the agent was closed: it sends no more requests',
} as const;

export type AgentErrorReason = keyof typeof AGENT_REASONS;

/** Rejected with by `request`: the reason, and the request it was about. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly reason: AgentErrorReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail} (${AGENT_REASONS[reason]})`);
  }
}

/** RFC 9110 §9.2.2: whether a request with this method can be repeated automatically. */
export function isIdempotent(method: Method): boolean {
  throw new KataTodo('isIdempotent');
}

/**
 * RFC 9110 §4.3.1: the origin of a URL, "the triple of scheme, host, and port", written as the
 * URI prefix with the port always present: `http://example.com:80`.
 *
 * @throws kata 16's InvalidUrl
 */
export function originOf(url: string): string {
  throw new KataTodo('originOf');
}

/**
 * An agent with one pool of persistent connections per origin (RFC 9112 §9.3): at most
 * `maxSocketsPerOrigin` connections each (§9.4); a request takes an idle connection (the
 * most recently used), else opens one, else waits for one. One request at a time on a
 * connection: no pipelining.
 *
 * - The request goes out as kata 21's `formatRequest` writes it, with no Connection field;
 *   the response is read with kata 21's `createResponseReader` for the request's method.
 * - The connection goes back to the pool when the response is whole and neither says close
 *   (`close` of the ReadDone) nor is followed by octets (`rest`, RFC 9112 §9.2); otherwise,
 *   and after any error, it is closed. A waiting request takes its slot.
 * - An idle connection the server closes, or sends octets on, is closed and forgotten. One
 *   idle for `keepAliveTimeoutMs` is closed by the agent.
 * - A reused connection that closes (FIN or RST) before any octet of the response: the
 *   request is sent again, once, on a new connection if its method is idempotent; otherwise
 *   the request rejects with `not-retried`.
 *
 * @throws RangeError for a maxSocketsPerOrigin that is not a whole number of at least 1
 */
export function createAgent(options: AgentOptions = {}): Agent {
  throw new KataTodo('createAgent');
}
