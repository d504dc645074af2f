/**
 * A load balancer: a gateway (RFC 9110 §3.7, "a.k.a. reverse proxy") that spreads requests
 * round robin over `node:http` backends. The front is kata 34's `serveGateway`, so both
 * bodies stream with its backpressure; each request goes on through a keep-alive
 * `http.Agent`. A backend that refuses or resets is ejected and re-admitted when a health
 * check passes; an idempotent request it dropped before any response is sent to the next one.
 */
import http from 'node:http';
import net from 'node:net';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import type { App, Environ, StartResponse } from '../33-gateway-apps/gateway.ts';
import {
  type GatewayOptions,
  serveGateway,
} from '../34-implement-the-gateway-interface/gateway-server.ts';

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
  const named = new Set<string>(HOP_BY_HOP);
  for (const [name, value] of fields) {
    if (name.toLowerCase() !== 'connection') continue;
    // Connection = #connection-option (a list, §5.6.1); "Connection options are case-insensitive"
    for (const option of value.split(',')) named.add(option.trim().toLowerCase());
  }
  return fields.filter(([name]) => !named.has(name.toLowerCase()));
}

/**
 * The request fields a backend gets, from the environ: each `HTTP_*` as a field (lowercase,
 * `_` as `-`), CONTENT_TYPE and CONTENT_LENGTH when set, hop-by-hop fields dropped; then
 * the client's address appended to X-Forwarded-For, X-Forwarded-Proto set to the scheme the
 * client used, and the balancer's member appended to Via.
 */
export function forwardedFields(environ: Environ, pseudonym = DEFAULT_PSEUDONYM): Fields {
  const fields: [string, string][] = [];
  for (const [key, value] of Object.entries(environ)) {
    // RFC 3875 §4.1.18 backwards: HTTP_USER_AGENT was the field User-Agent
    if (key.startsWith('HTTP_')) {
      fields.push([key.slice('HTTP_'.length).toLowerCase().replaceAll('_', '-'), String(value)]);
    }
  }
  if (environ.CONTENT_TYPE !== '') fields.push(['content-type', environ.CONTENT_TYPE]);
  if (environ.CONTENT_LENGTH !== '') fields.push(['content-length', environ.CONTENT_LENGTH]);
  const kept = endToEnd(fields).filter(
    ([name]) => name !== 'x-forwarded-for' && name !== 'x-forwarded-proto' && name !== 'via',
  );
  // the de facto X-Forwarded-For: a list, each proxy appends the address it was called from
  // (RFC 7239 names the standard field, Forwarded: for=…)
  const client = environ.REMOTE_ADDR ?? '';
  // RFC 9110 §7.6.3: "An HTTP-to-HTTP gateway MUST send an appropriate Via header field in
  // each inbound request message": received-protocol (the name omitted for HTTP), received-by
  const member = `${environ.SERVER_PROTOCOL.slice('HTTP/'.length)} ${pseudonym}`;
  return [
    ...kept,
    ['x-forwarded-for', appended(environ.HTTP_X_FORWARDED_FOR, client)],
    ['x-forwarded-proto', environ['gateway.url_scheme']],
    ['via', appended(environ.HTTP_VIA, member)],
  ];
}

/** A list field with one member more at its end (RFC 9110 §5.6.1: `#rule`, ", " between). */
function appended(list: string | undefined, member: string): string {
  return list === undefined ? member : `${list}, ${member}`;
}

/** RFC 9110 §9.2.2: whether a method's intended effect is the same after one or many requests. */
export function isIdempotent(method: string): boolean {
  return (IDEMPOTENT_METHODS as readonly string[]).includes(method);
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
  const ejected = new Set<Backend>();
  let turn = 0;
  return {
    next(skip = new Set()) {
      for (let step = 0; step < backends.length; step++) {
        const index = (turn + step) % backends.length;
        const backend = backends[index] as Backend;
        if (ejected.has(backend) || skip.has(backend)) continue;
        turn = index + 1;
        return backend;
      }
      return undefined;
    },
    eject(backend) {
      if (ejected.has(backend)) return false;
      ejected.add(backend);
      return true;
    },
    admit(backend) {
      ejected.delete(backend);
    },
  };
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
  const pool = createPool(backends);
  const agent = new http.Agent({ keepAlive: true });
  const checks = new Map<Backend, NodeJS.Timeout>();
  let closed = false;

  const intervalMs = options.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
  const eject = (backend: Backend) => {
    if (!pool.eject(backend)) return;
    const check = () => {
      checks.set(
        backend,
        setTimeout(async () => {
          if (await healthy(backend, options, intervalMs, agent)) pool.admit(backend);
          else if (!closed) check();
        }, intervalMs),
      );
    };
    check();
  };

  const app: App = (environ, startResponse) =>
    forward(environ, startResponse, { pool, agent, eject, options });
  const server = serveGateway(app, options);
  server.on('close', () => {
    closed = true;
    for (const timer of checks.values()) clearTimeout(timer);
    agent.destroy();
  });
  return server;
}

/** What the balancer holds while it forwards one request. */
interface Forwarding {
  readonly pool: Pool;
  readonly agent: http.Agent;
  readonly eject: (backend: Backend) => void;
  readonly options: BalancerOptions;
}

/** How one attempt on one backend ended. */
type Attempt =
  | { readonly kind: 'response'; readonly response: http.IncomingMessage }
  | { readonly kind: 'refused' }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'timeout' };

/** The app of the balancer for one request: attempts, then the response streamed back. */
async function* forward(
  environ: Environ,
  startResponse: StartResponse,
  { pool, agent, eject, options }: Forwarding,
): AsyncGenerator<Uint8Array> {
  const method = environ.REQUEST_METHOD;
  const target = environ.REQUEST_URI ?? '/';
  const fields = forwardedFields(environ, options.pseudonym);
  const body = replayable(environ['gateway.input']);
  const tried = new Set<Backend>();
  for (;;) {
    const backend = pool.next(tried);
    if (backend === undefined) break;
    tried.add(backend);
    const request = http.request({
      host: backend.host,
      port: backend.port,
      method,
      path: target,
      // the flat form of rawHeaders: names as given, repeated ones kept, in order
      headers: fields.flat(),
      agent,
    });
    const attempt = await attempted(request, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, body);
    if (attempt.kind === 'timeout') {
      yield* answer(startResponse, GATEWAY_TIMEOUT);
      return;
    }
    if (attempt.kind === 'response') {
      // a client that goes away ends this `yield*` early: the response is destroyed with it
      yield* relayed(attempt.response, startResponse);
      return;
    }
    eject(backend);
    // RFC 9110 §9.2.2: idempotent requests "can be repeated automatically if a
    // communication failure occurs before the client is able to read the server's
    // response"; any other only with "some means to detect that the original request
    // was never applied": a refused connection is one
    const again = isIdempotent(method) || attempt.kind === 'refused';
    if (!again || !body.complete()) break;
  }
  yield* answer(startResponse, BAD_GATEWAY);
}

/** One attempt: the request sent with its body, until its response head, a failure or the timeout. */
function attempted(
  request: http.ClientRequest,
  timeoutMs: number,
  body: Replayable,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve({ kind: 'timeout' });
      request.destroy();
    }, timeoutMs);
    request.once('response', (response) => {
      clearTimeout(timer);
      resolve({ kind: 'response', response });
    });
    // a later error (a write after the backend went away) is this attempt's, already over
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: error.code === 'ECONNREFUSED' ? 'refused' : 'dropped' });
    });
    body.sendTo(request);
  });
}

/** The backend's response as the gateway interface wants it, its body as it arrives. */
async function* relayed(
  response: http.IncomingMessage,
  startResponse: StartResponse,
): AsyncGenerator<Uint8Array> {
  const code = response.statusCode as number;
  // kata 34 wants "999 Reason": a backend's empty reason is replaced
  const reason = response.statusMessage || (REASON_PHRASES[code] ?? UNKNOWN_REASON);
  const fields: [string, string][] = [];
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) fields.push([raw[i] as string, raw[i + 1] as string]);
  startResponse(`${code} ${reason}`, endToEnd(fields));
  try {
    for await (const chunk of response) yield chunk as Buffer;
  } catch (error) {
    // RFC 9110 §15.6.3: "received an invalid response": a body cut before its first octet
    // is a 502. After it, PEP 3333: start_response with excInfo "must raise an error" once
    // the head is sent, and kata 34 cuts the response: all the client can be told
    startResponse(statusOf(BAD_GATEWAY), BAD_GATEWAY.fields, error);
    yield BAD_GATEWAY.body;
  }
}

/** One of the balancer's own answers. */
interface Answer {
  readonly status: 502 | 504;
  readonly fields: Fields;
  readonly body: Uint8Array;
}

function ownAnswer(status: Answer['status'], text: string): Answer {
  const body = Buffer.from(text);
  return {
    status,
    fields: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.byteLength)],
    ],
    body,
  };
}

const UNKNOWN_REASON = 'Unknown';
/** RFC 9110 §15.6.3: "while acting as a gateway or proxy, received an invalid response". */
const BAD_GATEWAY = ownAnswer(502, BAD_GATEWAY_TEXT);
/** RFC 9110 §15.6.5: "did not receive a timely response from an upstream server". */
const GATEWAY_TIMEOUT = ownAnswer(504, GATEWAY_TIMEOUT_TEXT);

function statusOf(answer: Answer): string {
  return `${answer.status} ${REASON_PHRASES[answer.status]}`;
}

function* answer(startResponse: StartResponse, own: Answer): Generator<Uint8Array> {
  startResponse(statusOf(own), own.fields);
  yield own.body;
}

/** The request body, read once from `gateway.input` and sent to one backend after another. */
interface Replayable {
  /** Sends what was read so far to `request`, then the rest as it comes. */
  sendTo(request: http.ClientRequest): void;
  /** Whether every octet read so far is kept, so another backend can get the whole body. */
  complete(): boolean;
}

function replayable(input: AsyncIterable<Uint8Array>): Replayable {
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let ended = false;
  let current: http.ClientRequest | undefined;
  let pumping = false;

  const pump = async () => {
    for await (const chunk of input) {
      keptBytes += chunk.byteLength;
      if (keptBytes <= REPLAY_BYTES) kept.push(chunk);
      const request = current as http.ClientRequest;
      // backpressure: the next chunk is read once this one has left for the backend
      if (!request.write(chunk)) await drained(request);
    }
    ended = true;
    (current as http.ClientRequest).end();
  };

  return {
    sendTo(request) {
      current = request;
      for (const chunk of kept) request.write(chunk);
      if (ended) request.end();
      // one loop reads the input, whichever request is the current one
      if (!pumping) {
        pumping = true;
        void pump();
      }
    },
    complete: () => keptBytes <= REPLAY_BYTES,
  };
}

/** Until the request's buffer has drained, or the request has gone. */
function drained(request: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
  });
}

/**
 * One health check of an ejected backend: true when it passes. A check that has no answer
 * within the interval fails, so that a backend that accepts and hangs is checked again;
 * `'http'` passes on a status below 400.
 */
function healthy(
  backend: Backend,
  options: BalancerOptions,
  intervalMs: number,
  agent: http.Agent,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (options.healthCheck === 'tcp') {
      const socket = net.connect(backend.port, backend.host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
      return;
    }
    const request = http.get(
      {
        host: backend.host,
        port: backend.port,
        path: options.healthPath ?? DEFAULT_HEALTH_PATH,
        agent,
        timeout: intervalMs,
      },
      (response) => {
        response.resume();
        // HAProxy's rule, and Kubernetes': a 2xx or a 3xx passes ('response' is never a 1xx)
        resolve((response.statusCode as number) < 400);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
