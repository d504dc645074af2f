/**
 * Persistent connections (RFC 9112 §9.3): an agent that sends one request at a time on a
 * connection and keeps the connection for the next request when the response allows it,
 * holds at most a few connections per origin (§9.4), closes the ones left idle (§9.5), and
 * recovers from a server that closed an idle connection under it (§9.3.1, RFC 9110 §9.2.2).
 */
import net from 'node:net';
import { splitUrl, type UrlParts } from '../16-parse-a-url/uri-reference.ts';
import type { Method } from '../17-parse-a-request-line/request-line.ts';
import {
  createResponseReader,
  DEFAULT_IDLE_TIMEOUT_MS,
  formatRequest,
  type HeaderField,
  HttpClientError,
  type HttpResponse,
  type ReaderOptions,
  type ReadStep,
  type RequestMethod,
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

const BAD_LIMIT = (limit: number) =>
  `maxSocketsPerOrigin is a whole number of connections, at least 1: not ${limit}`;
const CONNECTION = 'connection';
const IDEMPOTENT: ReadonlySet<Method> = new Set(IDEMPOTENT_METHODS);

/** RFC 9110 §9.2.2: whether a request with this method can be repeated automatically. */
export function isIdempotent(method: Method): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * RFC 9110 §4.3.1: the origin of a URL, "the triple of scheme, host, and port", written as the
 * URI prefix with the port always present: `http://example.com:80`.
 *
 * @throws kata 16's InvalidUrl
 */
export function originOf(url: string): string {
  return origin(splitUrl(url));
}

function origin({ scheme, host, port }: UrlParts): string {
  return `${scheme}://${host}:${port}`;
}

/** One connection of a pool. */
interface Connection {
  readonly socket: net.Socket;
  /** A whole response has been read on it: it was kept alive, and may since have been closed. */
  reused: boolean;
  /** The request in flight, which the socket's events go to; undefined while idle. */
  exchange: Exchange | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A request ready to go out. */
interface Outgoing {
  readonly method: RequestMethod;
  /** `METHOD url`: the detail of every AgentError about it. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface Exchange {
  readonly request: Outgoing;
  data(bytes: Buffer): void;
  end(): void;
  error(error: Error): void;
  /** Ends the request with this error, whatever has arrived. */
  abort(error: unknown): void;
}

interface Waiter {
  readonly request: Outgoing;
  resolve(connection: Connection): void;
  reject(error: unknown): void;
}

interface Pool {
  readonly origin: string;
  readonly url: UrlParts;
  /** Every connection open or opening: each holds one of the origin's slots. */
  readonly connections: Set<Connection>;
  /** The idle ones, the most recently used last. */
  readonly idle: Connection[];
  readonly waiting: Waiter[];
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
  const maxSockets = options.maxSocketsPerOrigin ?? DEFAULT_MAX_SOCKETS_PER_ORIGIN;
  if (!Number.isInteger(maxSockets) || maxSockets < 1) throw new RangeError(BAD_LIMIT(maxSockets));
  const keepAliveMs = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const pools = new Map<string, Pool>();
  let closed = false;

  function poolOf(url: UrlParts): Pool {
    const key = origin(url);
    const existing = pools.get(key);
    if (existing !== undefined) return existing;
    const pool: Pool = { origin: key, url, connections: new Set(), idle: [], waiting: [] };
    pools.set(key, pool);
    return pool;
  }

  function connect(pool: Pool): Connection {
    // RFC 3986 §3.2.2: an IP-literal is bracketed in a URL, not in a socket address
    const { host, hostKind, port } = pool.url;
    const socket = net.connect({ host: hostKind === 'IPv6' ? host.slice(1, -1) : host, port });
    const connection: Connection = {
      socket,
      reused: false,
      exchange: undefined,
      idleTimer: undefined,
    };
    pool.connections.add(connection);
    // RFC 9112 §9.5: "Implementations SHOULD constantly monitor open connections for a
    // received closure signal"; §9.2: data on a connection "that doesn't have outstanding
    // requests" is no valid response, and "the client SHOULD close the connection"
    socket.on('data', (bytes: Buffer) =>
      connection.exchange ? connection.exchange.data(bytes) : retire(pool, connection),
    );
    socket.on('end', () =>
      connection.exchange ? connection.exchange.end() : retire(pool, connection),
    );
    socket.on('error', (error) =>
      connection.exchange ? connection.exchange.error(error) : retire(pool, connection),
    );
    socket.on('timeout', () =>
      connection.exchange?.abort(new HttpClientError('idle-timeout', `nothing for ${idleMs} ms`)),
    );
    return connection;
  }

  /** A connection for a request: the most recently used idle one, a new one, or a wait. */
  function acquire(pool: Pool, request: Outgoing): Connection | Promise<Connection> {
    // the most recent is the least likely to have reached the server's idle timeout
    // (Node's http.Agent schedules 'lifo' by default for the same reason)
    const idle = pool.idle.pop();
    if (idle !== undefined) {
      clearTimeout(idle.idleTimer);
      return idle;
    }
    if (pool.connections.size < maxSockets) return connect(pool);
    return new Promise((resolve, reject) => pool.waiting.push({ request, resolve, reject }));
  }

  /** The response is read and the connection persists: the next waiting request, or idle. */
  function release(pool: Pool, connection: Connection): void {
    const next = pool.waiting.shift();
    if (next !== undefined) {
      next.resolve(connection);
      return;
    }
    pool.idle.push(connection);
    // RFC 9112 §9.5: "A client or server that wishes to time out SHOULD issue a graceful
    // close on the connection"
    connection.idleTimer = setTimeout(() => retire(pool, connection), keepAliveMs);
  }

  /** Closes the connection; its slot goes to a new connection for the next waiting request. */
  function retire(pool: Pool, connection: Connection): void {
    clearTimeout(connection.idleTimer);
    connection.socket.destroy();
    pool.connections.delete(connection);
    const at = pool.idle.indexOf(connection);
    if (at !== -1) pool.idle.splice(at, 1);
    const next = pool.waiting.shift();
    if (next !== undefined) next.resolve(connect(pool));
    else if (pool.connections.size === 0) pools.delete(pool.origin);
  }

  /**
   * Writes the request and reads its response; the connection is released, retired or
   * replaced before the promise settles, in the same turn as the event that decided it.
   */
  function exchange(pool: Pool, connection: Connection, request: Outgoing): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      if (closed) {
        reject(new AgentError('closed', request.name));
        return;
      }
      const reader = createResponseReader({ method: request.method }, options);
      let answered = false;
      const settle = (keep: boolean) => {
        connection.exchange = undefined;
        connection.socket.setTimeout(0);
        if (keep) release(pool, connection);
        else retire(pool, connection);
      };
      const fail = (error: unknown) => {
        settle(false);
        reject(error);
      };
      const read = (step: () => ReadStep) => {
        let result: ReadStep;
        try {
          result = step();
        } catch (error) {
          fail(error);
          return;
        }
        if (!result.done) return;
        connection.reused = true;
        // RFC 9112 §9.6: a "close" option, HTTP/1.0 without keep-alive, or a body read to
        // the close ends the connection; §9.2: octets after the response answer no request
        settle(!result.close && result.rest.length === 0);
        resolve(result.response);
      };
      /**
       * RFC 9112 §9.5: "a client might have started to send a new request at the same time
       * that the server has decided to close the "idle" connection": a connection that has
       * carried a response before, closing before any octet of this one.
       */
      const raced = () => connection.reused && !answered;
      /**
       * RFC 9110 §9.2.2: such a request "can be repeated automatically if a communication
       * failure occurs before the client is able to read the server's response", if it is
       * idempotent.
       */
      const retry = () => {
        if (!isIdempotent(request.method)) {
          fail(new AgentError('not-retried', request.name));
          return;
        }
        // the retry takes the dead connection's slot on a new connection, which is not
        // reused: §9.2.2, "A client SHOULD NOT automatically retry a failed automatic retry"
        connection.socket.destroy();
        pool.connections.delete(connection);
        exchange(pool, connect(pool), request).then(resolve, reject);
      };
      connection.exchange = {
        request,
        data(bytes) {
          answered = true;
          read(() => reader.push(bytes));
        },
        end() {
          if (raced()) retry();
          else read(() => reader.end());
        },
        error(error) {
          if (raced()) retry();
          else fail(error);
        },
        abort: fail,
      };
      connection.socket.setTimeout(idleMs);
      connection.socket.write(request.bytes);
    });
  }

  return {
    async request(url, requestOptions = {}) {
      const method = requestOptions.method ?? 'GET';
      const name = `${method} ${url}`;
      if (closed) throw new AgentError('closed', name);
      const target = splitUrl(url);
      if (target.scheme !== 'http') throw new AgentError('unsupported-scheme', name);
      const headers = requestOptions.headers ?? [];
      // the agent decides whether a connection persists, so Connection is its own
      const own = headers.find(([field]) => field.toLowerCase() === CONNECTION);
      if (own !== undefined) {
        throw new HttpClientError('bad-request-header', JSON.stringify(`${own[0]}: ${own[1]}`));
      }
      const bytes = formatRequest(target, { method, headers, body: requestOptions.body });
      const request: Outgoing = { method, name, bytes };
      const pool = poolOf(target);
      return exchange(pool, await acquire(pool, request), request);
    },
    pools() {
      return new Map(
        [...pools].map(([key, pool]) => [
          key,
          {
            busy: pool.connections.size - pool.idle.length,
            idle: pool.idle.length,
            waiting: pool.waiting.length,
          },
        ]),
      );
    },
    async close() {
      closed = true;
      for (const pool of pools.values()) {
        for (const waiter of pool.waiting.splice(0)) {
          waiter.reject(new AgentError('closed', waiter.request.name));
        }
        for (const connection of pool.connections) {
          const inFlight = connection.exchange;
          if (inFlight === undefined) retire(pool, connection);
          else inFlight.abort(new AgentError('closed', inFlight.request.name));
        }
      }
    },
  };
}
