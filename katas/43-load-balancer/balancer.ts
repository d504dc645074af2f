/**
 * A load balancer: a gateway (RFC 9110 §3.7, "a.k.a. reverse proxy") that spreads requests
 * round robin over `node:http` backends. The front is kata 34's `serveGateway`, so both
 * bodies stream with its backpressure; each request goes on through a keep-alive
 * `http.Agent`. A backend that refuses or resets is ejected and re-admitted when a health
 * check passes; an idempotent request it dropped before any response is sent to the next one.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import type { GatewayOptions } from '../34-implement-the-gateway-interface/gateway-server.ts';

/** Where a backend listens. */
export interface Backend {
  readonly host: string;
  readonly port: number;
}

/** Header fields in order, `[name, value]`; a name may repeat. */
export type Fields = readonly (readonly [name: string, value: string])[];

/** How an ejected backend is checked: `GET healthPath` answered 2xx or 3xx, or a TCP connect. */
export type HealthCheck = 'http' | 'tcp';

export interface BalancerOptions extends GatewayOptions {
  /** How an ejected backend is checked before it is re-admitted; `'http'` by default. */
  readonly healthCheck?: HealthCheck;
  /** The path of the `'http'` check, `DEFAULT_HEALTH_PATH` by default. */
  readonly healthPath?: string;
  /**
   * Milliseconds between two checks of an ejected backend, and the longest an `'http'` check
   * waits for its answer; `DEFAULT_HEALTH_INTERVAL_MS` by default.
   */
  readonly healthIntervalMs?: number;
  /** Milliseconds a backend has to send its response head, else a 504; `DEFAULT_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** The `received-by` of the balancer's Via member (RFC 9110 §7.6.3), `DEFAULT_PSEUDONYM`. */
  readonly pseudonym?: string;
}

export const DEFAULT_HEALTH_PATH = '/health';
export const DEFAULT_HEALTH_INTERVAL_MS = 1_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_PSEUDONYM = 'balancer';
/** How much of a request body is kept to send again to another backend: 64 KiB. */
export const REPLAY_BYTES = 64 * 1024;

/** The body of a 502: no backend gave a response. */
export const BAD_GATEWAY_TEXT = 'No backend answered the request.\n';
/** The body of a 504: the backend did not send its response head in time. */
export const GATEWAY_TIMEOUT_TEXT = 'The backend did not answer in time.\n';

/**
 * RFC 9110 §7.6.1: "intermediaries SHOULD remove or replace fields that are known to require
 * removal before forwarding ... This includes but is not limited to": Proxy-Connection,
 * Keep-Alive, TE, Transfer-Encoding, Upgrade. Trailer too: the gateway interface carries no
 * trailers, so a Trailer field would announce fields that never come.
 */
export const HOP_BY_HOP = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'trailer',
] as const;

/**
 * RFC 9110 §9.2.2: "Of the request methods defined by this specification, PUT, DELETE, and
 * safe request methods are idempotent"; the safe ones are GET, HEAD, OPTIONS, TRACE (§9.2.1).
 */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'] as const;

/**
 * The fields that go on: hop-by-hop ones dropped. RFC 9110 §7.6.1: "Intermediaries MUST
 * parse a received Connection header field before a message is forwarded and, for each
 * connection-option in this field, remove any header or trailer field(s) from the message
 * with the same name as the connection-option, and then remove the Connection header field
 * itself". The others keep their order.
 */
export function endToEnd(fields: Fields): Fields {
  throw new KataTodo('endToEnd');
}

/**
 * The request fields a backend gets, from the environ: each `HTTP_*` as a field (lowercase,
 * `_` as `-`), CONTENT_TYPE and CONTENT_LENGTH when set, hop-by-hop fields dropped; then
 * the client's address appended to X-Forwarded-For, X-Forwarded-Proto set to the scheme the
 * client used, and the balancer's member appended to Via.
 */
export function forwardedFields(environ: Environ, pseudonym = DEFAULT_PSEUDONYM): Fields {
  throw new KataTodo('forwardedFields');
}

/** RFC 9110 §9.2.2: whether a method's intended effect is the same after one or many requests. */
export function isIdempotent(method: string): boolean {
  throw new KataTodo('isIdempotent');
}

/** The backends in turn; the ejected ones are skipped until they are admitted again. */
export interface Pool {
  /** The next healthy backend after the last one given, in the order given; none in `skip`. */
  next(skip?: ReadonlySet<Backend>): Backend | undefined;
  /** Takes a backend out of the turn; false when it was out already. */
  eject(backend: Backend): boolean;
  /** Puts an ejected backend back in its place in the turn. */
  admit(backend: Backend): void;
}

/** A round-robin pool over `backends`, all healthy at first. */
export function createPool(backends: readonly Backend[]): Pool {
  throw new KataTodo('createPool');
}

/**
 * The balancer: kata 34's `serveGateway` in front, each request forwarded to the next
 * healthy backend with `node:http`'s client over one keep-alive Agent.
 *
 * - a backend that refuses the connection or drops it before the response head is ejected
 *   and checked every `healthIntervalMs` (`GET healthPath` answered below 400 within that
 *   time, or a TCP connect) until a check passes, then re-admitted;
 * - the request then goes to the next backend when it is idempotent (RFC 9110 §9.2.2), or
 *   when the connection was refused (the backend never saw it), and its body so far fits in
 *   `REPLAY_BYTES`; otherwise, and when no backend is left, a 502 with `BAD_GATEWAY_TEXT`;
 * - no response head within `timeoutMs`: a 504 with `GATEWAY_TIMEOUT_TEXT`, never retried;
 * - the response goes back as it comes: status, reason, fields without the hop-by-hop ones,
 *   the body chunk by chunk; a backend that dies before the first octet of the body is a 502.
 */
export function createBalancer(
  backends: readonly Backend[],
  options: BalancerOptions = {},
): net.Server {
  throw new KataTodo('createBalancer');
}
