/**
 * Persistent connections (RFC 9112 §9.3): kata 27's server, now reading request after
 * request on one connection, answering them in order (§9.3.2), closing when either side
 * says "close" (§9.6), timing out an idle connection and a head that never ends (§9.5,
 * RFC 9110 §15.5.9), and answering `Expect: 100-continue` (RFC 9110 §10.1.1).
 */
import net from 'node:net';
import { parseRequestLine } from '../17-parse-a-request-line/request-line.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import { formatResponse, type Response } from '../20-serialize-a-response/response.ts';
import {
  type ConnectionInfo,
  createRequestReader,
  DEFAULT_MAX_HEAD_BYTES,
  type Handler,
  type HttpRequest,
  INTERNAL_ERROR_TEXT,
  RequestError,
  type RequestReader,
  type ServerOptions,
} from '../27-hello-server/server.ts';
import { createStaticHandler, type StaticOptions } from '../28-serve-static-files/static-files.ts';

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
 * RFC 9112 §9.3: "A recipient determines whether a connection is persistent or not based
 * on the protocol version and Connection header field ... in the most recently received
 * message". Connection options are case-insensitive tokens in a list (RFC 9110 §7.6.1).
 */
export function persistence(request: RequestHead): Persistence {
  const options = listMembers(request.headers.values('connection'));
  // "If the "close" connection option is present ..., the connection will not persist"
  if (options.includes('close')) return 'close';
  // "If the received protocol is HTTP/1.1 (or later), the connection will persist"
  if (request.version !== 'HTTP/1.0') return 'persist';
  // "If the received protocol is HTTP/1.0, the "keep-alive" connection option is present,
  // ... and the recipient wishes to honor the HTTP/1.0 "keep-alive" mechanism, the
  // connection will persist": this server honors it, as Node's does
  if (options.includes('keep-alive')) return 'keep-alive';
  // "The connection will close after the current response."
  return 'close';
}

/**
 * RFC 9110 §10.1.1: `Expect = #expectation`, case-insensitive; "The only expectation
 * defined by this specification is "100-continue"".
 */
export function expectation(request: RequestHead): Expectation {
  const members = listMembers(request.headers.values('expect'));
  if (members.length === 0) return 'none';
  // "A server that receives an Expect field value containing a member other than
  // 100-continue MAY respond with a 417 (Expectation Failed) status code"
  if (members.some((member) => member !== CONTINUE_EXPECTATION)) return 'unmet';
  // "A server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore
  // that expectation."
  return request.version === 'HTTP/1.0' ? 'none' : 'continue';
}

/** The members of a `#rule` list, lowercase, the empty ones dropped (RFC 9110 §5.6.1). */
function listMembers(values: readonly string[]): string[] {
  const members: string[] = [];
  for (const value of values) {
    for (const member of value.split(',')) {
      const token = member.trim().toLowerCase();
      if (token !== '') members.push(token);
    }
  }
  return members;
}

const CONTINUE_EXPECTATION = '100-continue';
/** RFC 9110 §15.2.1: the interim response, a status-line and an empty header section. */
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
/** What `finish` writes when there is no last response: nothing, then the FIN. */
const NOTHING = new Uint8Array(0);
const CR = 0x0d;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONNECTION = 'connection';
const TEXT_PLAIN = ['Content-Type', 'text/plain; charset=utf-8'] as const;
const INTERNAL_ERROR: Response = { status: 500, headers: [TEXT_PLAIN], body: INTERNAL_ERROR_TEXT };
const TIMEOUT: Response = { status: 408, headers: [TEXT_PLAIN], body: TIMEOUT_TEXT };
const EXPECTATION_FAILED: Response = {
  status: 417,
  headers: [TEXT_PLAIN],
  body: EXPECTATION_FAILED_TEXT,
};
/** RFC 6585 §5 names 431; kata 20's table holds RFC 9110's codes only. */
const RFC_6585_PHRASES: Readonly<Record<number, string>> = {
  431: 'Request Header Fields Too Large',
};

/** Where a connection is: each phase has at most one timer. */
type Phase =
  | 'idle' // waiting for a request's first octet: the idle timeout
  | 'head' // a request has started, its head has not ended: the header timeout
  | 'body' // the head has ended, the body is arriving: the idle timeout between octets
  | 'handling' // the handler works; what arrives waits, the socket paused: no timer
  | 'closed'; // the server has ended its side: the idle timeout for the client's close

interface Connection {
  /** Called by `close()`: an idle connection closes now, a busy one after its response. */
  shutdown(): void;
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
  return new PersistentServer(handler, options);
}

class PersistentServer extends net.Server {
  readonly #connections = new Set<Connection>();
  #closing = false;

  constructor(handler: Handler, options: ConnectionOptions) {
    // allowHalfOpen: a client that shuts down its sending side still reads its responses
    super({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const connection = serve(socket, handler, options, () => this.#closing);
      this.#connections.add(connection);
      socket.once('close', () => this.#connections.delete(connection));
    });
  }

  override close(callback?: (err?: Error) => void): this {
    this.#closing = true;
    for (const connection of this.#connections) connection.shutdown();
    return super.close(callback);
  }
}

function serve(
  socket: net.Socket,
  handler: Handler,
  options: ConnectionOptions,
  serverClosing: () => boolean,
): Connection {
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
  const headerTimeout = options.headerTimeout ?? DEFAULT_HEADER_TIMEOUT_MS;
  const maxHeadBytes = options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const info: ConnectionInfo = {
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
  let reader: RequestReader = createRequestReader(options);
  let phase: Phase;
  let timer: NodeJS.Timeout | undefined;
  /** The pieces of a head still arriving: read again only to see where it ends. */
  let headPieces: Uint8Array[] = [];
  /** Bytes after the request being handled: the next requests, read once it is answered. */
  let pending: Uint8Array = NOTHING;
  let clientEnded = false;

  const arm = (ms: number, fire: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(fire, ms);
  };
  const waitForRequest = () => {
    phase = 'idle';
    // RFC 9112 §9.5: "Servers will usually have some timeout value beyond which they will
    // no longer maintain an inactive connection"; "A client or server that wishes to time
    // out SHOULD issue a graceful close on the connection": a FIN, no 408
    arm(idleTimeout, () => finish());
  };

  /** Ends the server's side, after `last`, and reads nothing more (RFC 9112 §9.6). */
  const finish = (last?: Uint8Array) => {
    phase = 'closed';
    socket.off('data', onData);
    // the socket keeps flowing with no listener: later bytes are read and dropped, so the
    // close does not become a reset that erases the response (§9.6)
    socket.resume();
    socket.end(last ?? NOTHING);
    arm(idleTimeout, () => socket.destroy());
  };
  const refuse = (response: Response) => finish(formatResponse(withConnection(response, 'close')));

  const consume = (bytes: Uint8Array) => {
    let step: ReturnType<RequestReader['push']>;
    try {
      step = reader.push(bytes);
    } catch (error) {
      refuse(errorResponse(error));
      return;
    }
    if (step.done) {
      dispatch(step.request, step.rest);
    } else if (phase === 'body') {
      arm(idleTimeout, () => refuse(TIMEOUT));
    } else {
      watchHead(bytes);
    }
  };

  /** The head is not complete yet: has it ended now, with a body still to come? */
  const watchHead = (bytes: Uint8Array) => {
    if (phase === 'idle') {
      phase = 'head';
      // RFC 9110 §15.5.9: "the server did not receive a complete request message within
      // the time that it was prepared to wait": a fixed deadline from the first octet, that
      // a trickle of octets does not push back (slowloris)
      arm(headerTimeout, () => refuse(TIMEOUT));
    }
    headPieces.push(bytes);
    const head = headOf(Buffer.concat(headPieces), maxHeadBytes);
    if (head === undefined) return;
    phase = 'body';
    arm(idleTimeout, () => refuse(TIMEOUT));
    const expected = expectation(head);
    if (expected === 'unmet') {
      refuse(EXPECTATION_FAILED);
    } else if (expected === 'continue') {
      // RFC 9110 §10.1.1: "an immediate 100 (Continue) response to encourage the client to
      // send the request content. The origin server MUST NOT wait for the content before
      // sending the 100 (Continue) response."
      socket.write(CONTINUE);
    }
  };

  const dispatch = (request: HttpRequest, rest: Uint8Array) => {
    headPieces = [];
    clearTimeout(timer);
    phase = 'handling';
    pending = rest;
    void answer(handler, request, info, serverClosing).then(({ bytes, close }) => {
      if (socket.destroyed) return;
      if (close) {
        finish(bytes);
        return;
      }
      socket.write(bytes);
      reader = createRequestReader(options);
      waitForRequest();
      // RFC 9112 §9.3.2: the next pipelined request is read only now, so its response
      // follows this one: "it MUST send the corresponding responses in the same order that
      // the requests were received"
      const next = pending;
      pending = NOTHING;
      if (next.length > 0) consume(next);
      // a client that ended after its last request: once that one is answered, close
      if (clientEnded && phase !== 'handling') finish();
      else socket.resume();
    });
  };

  const onData = (bytes: Buffer) => {
    if (phase !== 'handling') {
      consume(bytes);
      return;
    }
    // one request at a time: what comes meanwhile waits, and the socket stops reading, so
    // the kernel's buffers fill and slow the sender down (memory stays bounded)
    pending = Buffer.concat([pending, bytes]);
    socket.pause();
  };
  socket.on('data', onData);
  socket.on('error', () => {}); // a reset is that client's loss, never the server's
  socket.once('end', () => {
    clientEnded = true;
    // a client that ends between requests, or before its request is complete, has nothing
    // to answer (RFC 9112 §8); one that ends while its handler works gets the response, and
    // the requests it pipelined before its end get theirs
    if (phase !== 'handling') finish();
  });
  socket.once('close', () => clearTimeout(timer));
  waitForRequest();

  return {
    shutdown() {
      if (phase === 'idle') finish();
    },
  };
}

/**
 * The request-line and fields of the head at the start of `buffer`, once its empty line
 * has arrived; `undefined` before. The reader has already checked it: this only looks.
 */
function headOf(buffer: Buffer, maxHeadBytes: number): RequestHead | undefined {
  let start = 0;
  // RFC 9112 §2.2: empty lines before the request-line are skipped, as the reader does; it
  // has accepted this head, so a CR here is the first half of a CR LF
  while (buffer[start] === CR) start += 2;
  const end = buffer.indexOf(HEAD_END, start);
  if (end === -1) return undefined;
  const [requestLine = '', ...fieldLines] = buffer
    .subarray(start, end)
    .toString('latin1')
    .split('\r\n');
  const { version } = parseRequestLine(requestLine);
  return { version, headers: parseHeaders(fieldLines, { version, maxBytes: maxHeadBytes }) };
}

/** The response's bytes and whether the connection closes after them. */
async function answer(
  handler: Handler,
  request: HttpRequest,
  info: ConnectionInfo,
  serverClosing: () => boolean,
): Promise<{ bytes: Uint8Array; close: boolean }> {
  const format = { requestMethod: request.method };
  if (expectation(request) === 'unmet') {
    return {
      bytes: formatResponse(withConnection(EXPECTATION_FAILED, 'close'), format),
      close: true,
    };
  }
  const persists = persistence(request);
  const respond = (response: Response) => {
    // "close" from the server's side: a `close()` meanwhile, or the handler's Connection field
    const close = persists === 'close' || serverClosing() || saysClose(response);
    const connection = close ? 'close' : persists === 'keep-alive' ? 'keep-alive' : undefined;
    return { bytes: formatResponse(withConnection(response, connection), format), close };
  };
  try {
    return respond(await handler(request, info));
  } catch {
    // a handler that throws or rejects, or a response kata 20 refuses to write: the 500
    return respond(INTERNAL_ERROR);
  }
}

const isConnection = ([name]: readonly [string, string]) => name.toLowerCase() === CONNECTION;

/** A response's fields; none when it has none. */
const fieldsOf = (response: Response) => response.headers ?? [];

function saysClose(response: Response): boolean {
  const values = fieldsOf(response)
    .filter(isConnection)
    .map(([, value]) => value);
  return listMembers(values).includes('close');
}

/**
 * The response with the server's own Connection field: `close` on the last response
 * (RFC 9112 §9.6: "A server that sends a "close" connection option MUST initiate closure
 * of the connection"), `keep-alive` to an HTTP/1.0 client that asked for it, none on an
 * HTTP/1.1 connection that persists. A handler's Connection field is never passed on.
 */
function withConnection(response: Response, connection: 'close' | 'keep-alive' | undefined) {
  const headers = fieldsOf(response);
  // the hot path, an HTTP/1.1 response that persists with no Connection field: as it is
  if (connection === undefined && !headers.some(isConnection)) return response;
  const kept = headers.filter((field) => !isConnection(field));
  const own: [string, string][] = connection === undefined ? [] : [['Connection', connection]];
  return { ...response, headers: [...kept, ...own] };
}

/** A RequestError answered with its status and message; anything else is a 500. */
function errorResponse(error: unknown): Response {
  if (!(error instanceof RequestError)) return INTERNAL_ERROR;
  const reason = RFC_6585_PHRASES[error.status];
  return { status: error.status, reason, headers: [TEXT_PLAIN], body: `${error.message}\n` };
}

/** Kata 28's static files, on this server: `npm run kata 31 -- --serve` serves them. */
export function createPersistentStaticServer(
  options: StaticOptions & ConnectionOptions,
): net.Server {
  return createServer(createStaticHandler(options), options);
}
