/**
 * Persistent connections (RFC 9112 §9.3): kata 27's server, now reading request after
 * request on one connection, answering them in order (§9.3.2), closing when either side
 * says "close" (§9.6), timing out an idle connection and a head that never ends (§9.5,
 * RFC 9110 §15.5.9), and answering `Expect: 100-continue` (RFC 9110 §10.1.1).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { Handler, HttpRequest, ServerOptions } from '../27-hello-server/server.ts';
import type { StaticOptions } from '../28-serve-static-files/static-files.ts';

export interface ConnectionOptions extends ServerOptions {
  /**
   * Milliseconds a connection may wait for the first octet of its next request (after
   * the response, or after the accept), or for the next octet of a body that has started;
   * also how long the server waits for the client's close once it has ended its side.
   */
  readonly idleTimeout?: number;
  /** Milliseconds from the first octet of a request to the end of its head: 408 after. */
  readonly headerTimeout?: number;
}

/** Node's `keepAliveTimeout`. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5_000;
/** A head is one packet from any real client: ten seconds is generous, and bounds slowloris. */
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;

/** The body of a 408: the request did not arrive in time. */
export const TIMEOUT_TEXT = 'The request did not arrive in time.\n';
/** The body of a 417: an expectation this server does not know. */
export const EXPECTATION_FAILED_TEXT = 'This server meets no expectation but 100-continue.\n';

/**
 * What happens to the connection after the response (RFC 9112 §9.3): it persists
 * (HTTP/1.1), it persists because an HTTP/1.0 client asked for keep-alive (and the
 * response says `Connection: keep-alive`), or it closes.
 */
export type Persistence = 'persist' | 'keep-alive' | 'close';

/** What an `Expect` field asks (RFC 9110 §10.1.1): nothing, a 100 (Continue), or a 417. */
export type Expectation = 'none' | 'continue' | 'unmet';

/** The request-line and fields of a request: all that persistence and Expect depend on. */
export type RequestHead = Pick<HttpRequest, 'version' | 'headers'>;

/**
 * Whether the connection persists after the response to this request (RFC 9112 §9.3):
 * `close` when a Connection option is "close" (any case, anywhere in the list, on any
 * Connection line); else `persist` for HTTP/1.1; else `keep-alive` for HTTP/1.0 with a
 * "keep-alive" option; else `close`.
 */
export function persistence(request: RequestHead): Persistence {
  throw new KataTodo('persistence');
}

/**
 * What the request's `Expect` field asks (RFC 9110 §10.1.1): `none` without one (or with
 * only empty members); `unmet` when a member is anything but "100-continue" (any case);
 * else `continue` for HTTP/1.1 and `none` for HTTP/1.0, which MUST be ignored.
 */
export function expectation(request: RequestHead): Expectation {
  throw new KataTodo('expectation');
}

/**
 * A `net.Server` of kata 27's signature whose connections persist: request after request
 * is read with kata 27's `createRequestReader` (a new reader on the `rest` of the last),
 * handed to `handler` one at a time, and answered in the order received.
 *
 * - the connection persists or closes by `persistence(request)`, or by a `close` option in
 *   the handler's `Connection` field; the response says `Connection: close` when it is the
 *   last, `Connection: keep-alive` to an HTTP/1.0 keep-alive, nothing otherwise;
 * - after a response that closes, nothing more is read (RFC 9112 §9.6);
 * - a RequestError is answered with its status, its message, and a close; so are a head
 *   that has not ended `headerTimeout` ms after its first octet (408) and a body that
 *   stops for `idleTimeout` ms (408); a connection idle between requests for
 *   `idleTimeout` ms is closed without a word;
 * - `Expect: 100-continue` gets a 100 (Continue) as soon as the head has ended and the
 *   body has not; any other expectation is a 417 and a close;
 * - `close()` stops accepting, closes the idle connections at once and the busy ones after
 *   the response in flight, which says `Connection: close`.
 */
export function createServer(handler: Handler, options: ConnectionOptions = {}): net.Server {
  throw new KataTodo('createServer');
}

/** Kata 28's static files, on this server: `npm run kata 31 -- --serve` serves them. */
export function createPersistentStaticServer(
  options: StaticOptions & ConnectionOptions,
): net.Server {
  throw new KataTodo('createPersistentStaticServer');
}
