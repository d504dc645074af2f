/**
 * A gateway server: any app written to kata 33's interface (PEP 3333's idea) run on bare `net`
 * sockets. Each request's head is read and checked with kata 27's reader, its body streamed
 * to the app through `gateway.input` with kata 19's decoder, and the app's chunks sent as
 * they come: the head with the first non-empty one, Content-Length passed through or chunked
 * coding, a wait for 'drain' between chunks, `close()` always called, the connection kept by
 * kata 31's rules.
 */
import net from 'node:net';
import { parseRequestLine } from '../17-parse-a-request-line/request-line.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import {
  type BodyDecoder,
  createBodyDecoder,
  DEFAULT_MAX_BODY_BYTES,
  messageFraming,
} from '../19-message-body/message-body.ts';
import { formatResponse, imfFixdate, type Response } from '../20-serialize-a-response/response.ts';
import {
  type ConnectionInfo,
  createRequestReader,
  DEFAULT_MAX_HEAD_BYTES,
  type HttpRequest,
  INTERNAL_ERROR_TEXT,
  type RequestError,
  type ServerOptions,
} from '../27-hello-server/server.ts';
import { expectation, persistence } from '../31-persistent-connections/connection.ts';
import { metaVariables } from '../32-run-a-cgi-script/cgi.ts';
import { debug } from '../33-gateway-apps/apps.ts';
import {
  type App,
  type AppResult,
  CGI_VARIABLES,
  type Environ,
  type ErrorStream,
  GATEWAY_VERSION,
  type ResponseHeaders,
  type StartResponse,
  type UrlScheme,
} from '../33-gateway-apps/gateway.ts';

/** A request as far as its head: what the environ is built from (the body streams apart). */
export type RequestHead = Omit<HttpRequest, 'body' | 'trailers'>;

export interface EnvironOptions {
  /** SCRIPT_NAME: the path prefix the app is mounted at, `''` (the root) by default. */
  readonly scriptName?: string;
  /** `gateway.url_scheme`, `'http'` by default. */
  readonly urlScheme?: UrlScheme;
  /** `gateway.errors`, the server's standard error by default. */
  readonly errors?: ErrorStream;
  /** `gateway.input`: the request body; none: an empty body. */
  readonly input?: AsyncIterable<Uint8Array>;
}

export interface GatewayOptions extends ServerOptions, Omit<EnvironOptions, 'input'> {}

/** The body of a 400 for a path whose percent-encoding is not UTF-8 (RFC 3986 §2.1). */
export const BAD_PATH_TEXT = 'The path is not percent-encoded UTF-8.\n';
/** The body of a 417: an expectation this server does not know. */
export const EXPECTATION_FAILED_TEXT = 'This server meets no expectation but 100-continue.\n';

/** The standard error as a `gateway.errors`. */
const STDERR: ErrorStream = { write: (text) => void process.stderr.write(text) };

async function* nothing(): AsyncGenerator<Uint8Array> {}

const EMPTY = new Uint8Array(0);

/**
 * The environ of one request (PEP 3333, "environ Variables"): kata 32's meta-variables, the
 * nine CGI names of kata 33 always set (`''` when empty), CONTENT_LENGTH as the client sent it
 * (`''` for a chunked body, whose length is not known yet), PATH_INFO percent-decoded after
 * SCRIPT_NAME, REQUEST_URI the request-target as sent (not RFC 3875's: Apache's and
 * gunicorn's name), and the `gateway.*` keys. Pure: it reads nothing, it only builds.
 *
 * @throws URIError when the path's percent-encoding is not UTF-8
 */
export function environOf(
  request: RequestHead,
  connection: ConnectionInfo,
  options: EnvironOptions = {},
): Environ {
  const scriptName = options.scriptName ?? '';
  const path = pathOf(request);
  // PEP 3333: SCRIPT_NAME is "the initial portion of the request URL's path that corresponds
  // to the application object", PATH_INFO "the remainder"
  const rest = path.startsWith(scriptName) ? path.slice(scriptName.length) : path;
  const variables = metaVariables({ ...request, body: EMPTY, trailers: [] }, connection, {
    kind: 'script',
    scriptName,
    // RFC 3875 §4.1.5: PATH_INFO is decoded ("not URL-encoded")
    pathInfo: decodeURIComponent(rest),
    file: '',
  });
  // kata 33: the nine CGI names are always there, '' when empty
  const cgi = Object.fromEntries(CGI_VARIABLES.map((name) => [name, variables[name] ?? '']));
  return {
    ...variables,
    ...cgi,
    // not RFC 3875's: Apache's and gunicorn's name for the request-target as the client sent
    // it, still percent-encoded, so that a router can split the path before it decodes it
    REQUEST_URI: request.target.text,
    // RFC 3875 §4.1.2: the length of the body; a streaming server knows it only when the
    // client said it
    CONTENT_LENGTH: request.headers.get('content-length') ?? '',
    'gateway.version': GATEWAY_VERSION,
    'gateway.url_scheme': options.urlScheme ?? 'http',
    'gateway.input': options.input ?? nothing(),
    'gateway.errors': options.errors ?? STDERR,
    // one event loop: no two calls run at the same time, and no other process serves it
    'gateway.multithread': false,
    'gateway.multiprocess': false,
    'gateway.run_once': false,
  } as Environ;
}

function pathOf(request: RequestHead): string {
  const { target } = request;
  if (target.form === 'origin') return target.path;
  if (target.form === 'absolute') return target.url.path;
  return '';
}

/** `module:export`, as gunicorn's `APP_MODULE`: where the app of a command line is. */
export interface AppSpec {
  readonly module: string;
  readonly name: string;
}

/** The usage line of the command line. */
export const USAGE = 'usage: serve.ts path/to/app.ts:export [port]';

/**
 * Reads `path/to/app.ts:hello`: the module is everything before the LAST colon (a Windows
 * path has one of its own), the export what follows; a missing colon, module or name is an
 * error.
 *
 * @throws Error with USAGE
 */
export function appSpec(text: string): AppSpec {
  const colon = text.lastIndexOf(':');
  const module = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (colon === -1 || module === '' || name === '') throw new Error(USAGE);
  return { module, name };
}

/**
 * A `net.Server` that runs `app` for every request, on connections that persist by kata 31's
 * `persistence` (one request at a time, pipelined ones answered in order):
 *
 * - the head is checked with kata 27's reader: a RequestError is answered with its status and
 *   a close; `Expect: 100-continue` gets its 100 when the app first reads `gateway.input`,
 *   any other expectation a 417 and a close;
 * - the app is called as soon as the head has arrived; the body streams to `gateway.input`;
 * - the status-line and fields go out with the first non-empty chunk (or at the end of an
 *   empty body); a `Date` is added when the app sent none; the app's Content-Length is passed
 *   through, otherwise the body is chunked (HTTP/1.1) or delimited by the close (HTTP/1.0);
 *   a HEAD, 1xx, 204 or 304 response sends no content;
 * - each chunk is written, and the next asked for only after 'drain' when the socket's buffer
 *   is full; a client that goes away stops the iteration;
 * - `close()` of the result is called once, however the response ends;
 * - an app that throws (or breaks start_response's rules) before the head is sent gives a
 *   500 and a close; after, the connection is destroyed, the response cut short; so is a body
 *   longer or shorter than its Content-Length.
 */
export function serveGateway(app: App, options: GatewayOptions = {}): net.Server {
  // allowHalfOpen: a client that ends its side after the request still reads the response
  return net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
    serveConnection(socket, app, options),
  );
}

/** Kata 33's `debug` app on this server: `npm run kata 34 -- --serve` runs it. */
export function serveDebug(options: GatewayOptions = {}): net.Server {
  return serveGateway(debug, options);
}

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = '\r\n';
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
/** RFC 9112 §7.1: last-chunk = 1*("0") [ chunk-ext ] CRLF, then the empty trailer section. */
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
/** PEP 3333: status is "a Status-Code and a Reason-Phrase ... separated by a single space". */
const STATUS = /^([1-5][0-9]{2}) ([\t\x20-\x7e\x80-\xff]+)$/;
/** RFC 9110 §5.6.2: token = 1*tchar */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: a field value has no CR, LF, NUL or other control but HTAB. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 9110 §7.6.1, PEP 3333: hop-by-hop fields are the server's to send, never the app's. */
const SERVER_FIELDS = new Set(['connection', 'keep-alive', 'transfer-encoding']);
/** The fields of every answer of the server's own: text, and the last on the connection (RFC 9112 §9.6). */
const CLOSING = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Connection', 'close'],
] as const;
const INTERNAL_ERROR: Response = { status: 500, headers: CLOSING, body: INTERNAL_ERROR_TEXT };

/** The rules of the interface an app can break; each is answered as a throw of the app. */
const VIOLATIONS = {
  twice: 'start_response was called twice without excInfo',
  early: 'a chunk came before start_response',
  unstarted: 'the body ended before start_response',
  notBytes: 'a chunk is not a Uint8Array',
  status: 'the status is not "999 Reason"',
  name: 'a field name is not a token',
  value: 'a field value holds a control character',
  longer: 'the body is longer than its Content-Length',
  shorter: 'the body is shorter than its Content-Length',
} as const;

class GatewayError extends Error {
  override readonly name = 'GatewayError';
}

/** The request body as `gateway.input`: chunks pushed by the connection, pulled by the app. */
interface BodyQueue extends AsyncIterable<Uint8Array> {
  push(chunk: Uint8Array): void;
  end(): void;
}

function bodyQueue(onFirstRead: () => void): BodyQueue {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(chunk) {
      chunks.push(chunk);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      onFirstRead();
      for (;;) {
        const chunk = chunks.shift();
        if (chunk !== undefined) yield chunk;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

function serveConnection(socket: net.Socket, app: App, options: GatewayOptions): void {
  const maxHeadBytes = options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const info: ConnectionInfo = {
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
  let reader = createRequestReader(options);
  /** Bytes of a head still arriving, then of the requests after the one being answered. */
  let buffered: Buffer = Buffer.alloc(0);
  /** How many octets of `buffered` the reader has checked. */
  let checked = 0;
  let body: { decoder: BodyDecoder; queue: BodyQueue } | undefined;
  let responding = false;
  let clientEnded = false;

  const finish = (last: Uint8Array = EMPTY) => {
    socket.off('data', onData);
    // RFC 9112 §9.6: nothing more is read; what comes is dropped, so the close is no reset
    socket.resume();
    socket.end(last);
  };

  const feedBody = (bytes: Uint8Array) => {
    if (body === undefined) return;
    const step = body.decoder.push(bytes);
    body.queue.push(step.data);
    if (!step.done) return;
    body.queue.end();
    body = undefined;
    buffered = Buffer.concat([buffered, step.rest]);
  };

  const readHead = () => {
    let start = 0;
    // RFC 9112 §2.2: empty lines before the request-line are skipped (the reader checks them)
    while (buffered[start] === CR && buffered[start + 1] === LF) start += 2;
    const end = buffered.indexOf(HEAD_END, start);
    const headLength = end === -1 ? buffered.length : end + HEAD_END.length;
    try {
      // kata 27's reader sees the head only, each octet once: its rules (bare LF, 431,
      // chapter 3's errors) are this server's
      reader.push(buffered.subarray(checked, headLength));
      checked = headLength;
    } catch (error) {
      // the reader throws RequestError only (kata 27)
      finish(formatResponse(refusal(error as RequestError)));
      return;
    }
    if (end === -1) return;
    const [requestLine = '', ...fieldLines] = buffered
      .subarray(start, end)
      .toString('latin1')
      .split(CRLF);
    const line = parseRequestLine(requestLine);
    const headers = parseHeaders(fieldLines, { version: line.version, maxBytes: maxHeadBytes });
    const head: RequestHead = { ...line, headers };
    const after = buffered.subarray(headLength);
    buffered = Buffer.alloc(0);
    checked = 0;
    reader = createRequestReader(options);
    begin(head, after);
  };

  const begin = (head: RequestHead, after: Uint8Array) => {
    const expected = expectation(head);
    if (expected === 'unmet') {
      finish(formatResponse(EXPECTATION_FAILED));
      return;
    }
    const framing = messageFraming(head.headers, head.version, {
      method: head.method,
      maxBytes: maxBodyBytes,
    });
    // RFC 9110 §10.1.1: the 100 (Continue) invites the body; PEP 3333: a server may send it
    // "if/when the application first attempts to read from the input stream"
    const queue = bodyQueue(() => {
      if (expected === 'continue') socket.write(CONTINUE);
    });
    body = { decoder: createBodyDecoder(framing, { maxBytes: maxBodyBytes }), queue };
    let environ: Environ;
    try {
      environ = environOf(head, info, { ...options, input: queue });
    } catch {
      finish(formatResponse(BAD_PATH));
      return;
    }
    responding = true;
    void respond(app, environ, head, socket).then((close) => {
      responding = false;
      // RFC 9112 §9.3: "A server MUST read the entire request message body or close the
      // connection after sending its response": a body still arriving is not waited for
      if (close || body !== undefined) {
        finish();
        return;
      }
      socket.resume();
      if (buffered.length > 0) readHead();
      // a client that ended after its last request: once that one is answered, close
      else if (clientEnded) finish();
    });
    // the octets after the head: the body's start (or, with no body, its end at once)
    onBody(after);
  };

  const onBody = (bytes: Uint8Array) => {
    try {
      feedBody(bytes);
    } catch {
      // a body that breaks kata 19's rules: the app sees it end, the connection is cut
      body?.queue.end();
      body = undefined;
      socket.destroy();
    }
  };

  const onData = (bytes: Buffer) => {
    if (body !== undefined) {
      onBody(bytes);
      return;
    }
    buffered = Buffer.concat([buffered, bytes]);
    // one request at a time: a pipelined request waits for the answer before this one's
    if (responding) {
      socket.pause();
      return;
    }
    readHead();
  };
  socket.on('data', onData);
  socket.on('error', () => {}); // a reset is that client's loss, never the server's
  socket.once('end', () => {
    clientEnded = true;
    body?.queue.end();
    if (!responding) finish();
  });
}

/** What the app settled on with start_response. */
interface Started {
  readonly code: number;
  readonly reason: string;
  readonly headers: ResponseHeaders;
}

/**
 * Runs one app call to its end; resolves with whether the connection must close after it.
 * Never rejects.
 */
async function respond(
  app: App,
  environ: Environ,
  request: RequestHead,
  socket: net.Socket,
): Promise<boolean> {
  const persists = persistence(request);
  let started: Started | undefined;
  let sent: Framing | undefined;
  let result: AppResult | undefined;

  const startResponse: StartResponse = (status, headers, excInfo) => {
    if (excInfo !== undefined) {
      // PEP 3333: "if exc_info is provided, and the HTTP headers have already been sent,
      // start_response must raise an error, and should re-raise using the exc_info tuple"
      if (sent !== undefined) throw excInfo;
    } else if (started !== undefined) {
      throw new GatewayError(VIOLATIONS.twice);
    }
    started = checkedStart(status, headers);
    return (chunk) => void send(chunk);
  };

  /** Writes the head if it is not out yet, then the chunk; true when the buffer is full. */
  const send = (chunk: Uint8Array): boolean => {
    if (started === undefined) throw new GatewayError(VIOLATIONS.early);
    sent ??= sendHead(socket, started, request, persists);
    return sent.write(chunk);
  };

  try {
    result = app(environ, startResponse);
    // sync or async: for await takes both, and throws on anything else
    for await (const chunk of result) {
      if (!(chunk instanceof Uint8Array)) throw new GatewayError(VIOLATIONS.notBytes);
      // PEP 3333: the server "must not delay the transmission of any block"; an empty one
      // is no reason to send the head
      if (chunk.byteLength === 0) continue;
      // backpressure: the next chunk is asked for only once this one has left the buffer
      if (send(chunk)) await drained(socket);
      if (socket.destroyed) break;
    }
    if (started === undefined) throw new GatewayError(VIOLATIONS.unstarted);
    sent ??= sendHead(socket, started, request, persists);
    return sent.end();
  } catch {
    if (sent === undefined && !socket.destroyed) {
      // nothing sent yet: the client gets a whole 500, and the connection closes
      socket.write(formatResponse(INTERNAL_ERROR, { requestMethod: request.method }));
    } else {
      // the head is out: the response cannot be taken back, only cut short
      socket.destroy();
    }
    return true;
  } finally {
    // PEP 3333: "If the iterable returned by the application has a close() method, the
    // server or gateway must call that method upon completion of the current request,
    // whether the request was completed normally, or terminated early due to an application
    // error during iteration or an early disconnect of the browser."
    result?.close?.();
  }
}

/** Until the socket's buffer has drained, or the socket has gone away. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** The status and headers of start_response, checked with kata 20's rules. */
function checkedStart(status: string, headers: ResponseHeaders): Started {
  const match = STATUS.exec(status);
  if (match === null) throw new GatewayError(VIOLATIONS.status);
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new GatewayError(VIOLATIONS.name);
    if (!FIELD_VALUE.test(value)) throw new GatewayError(VIOLATIONS.value);
  }
  return { code: Number(match[1]), reason: match[2] ?? '', headers };
}

/** How the body of a response is sent once its head is out. */
interface Framing {
  /** Sends one chunk; true when the socket's buffer is full. */
  write(chunk: Uint8Array): boolean;
  /** Ends the body; whether the connection must close. */
  end(): boolean;
}

/** Writes the status-line and fields, and returns how the body goes after them. */
function sendHead(
  socket: net.Socket,
  started: Started,
  request: RequestHead,
  persists: ReturnType<typeof persistence>,
): Framing {
  const { code, reason, headers } = started;
  const fields = headers.filter(([name]) => !SERVER_FIELDS.has(name.toLowerCase()));
  const lengthField = fields.find(([name]) => name.toLowerCase() === 'content-length');
  const declared = lengthField === undefined ? undefined : Number(lengthField[1]);
  // RFC 9110 §6.4.1: 1xx, 204 and 304 have no content; §9.3.2: nor does a response to HEAD
  const noContent = code < 200 || code === 204 || code === 304 || request.method === 'HEAD';
  // RFC 9112 §7: chunked coding needs an HTTP/1.1 recipient; for HTTP/1.0, "the message
  // body length is determined by the number of octets received prior to the server closing
  // the connection" (§6.3)
  const chunked = !noContent && declared === undefined && request.version !== 'HTTP/1.0';
  const closeDelimited = !noContent && declared === undefined && !chunked;
  const close = persists === 'close' || closeDelimited;
  const lines = [`HTTP/1.1 ${code} ${reason}`];
  // RFC 9110 §6.6.1: an origin server with a clock MUST send Date (2xx, 3xx, 4xx)
  if (!fields.some(([name]) => name.toLowerCase() === 'date')) {
    lines.push(`Date: ${imfFixdate(new Date())}`);
  }
  for (const [name, value] of fields) lines.push(`${name}: ${value}`);
  if (chunked) lines.push('Transfer-Encoding: chunked');
  if (close) lines.push('Connection: close');
  else if (persists === 'keep-alive') lines.push('Connection: keep-alive');
  socket.write(Buffer.from(lines.map((l) => l + CRLF).join('') + CRLF, 'latin1'));

  let written = 0;
  return {
    write(chunk) {
      if (noContent) return false;
      written += chunk.byteLength;
      if (declared !== undefined && written > declared) {
        throw new GatewayError(VIOLATIONS.longer);
      }
      // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
      if (!chunked) return !socket.write(chunk);
      socket.write(`${chunk.byteLength.toString(16)}\r\n`);
      socket.write(chunk);
      return !socket.write(CRLF);
    },
    end() {
      if (chunked) socket.write(LAST_CHUNK);
      if (!noContent && declared !== undefined && written < declared) {
        throw new GatewayError(VIOLATIONS.shorter);
      }
      return close;
    },
  };
}

/** A RequestError answered with its status and message, and a close (kata 27). */
function refusal(error: RequestError): Response {
  // RFC 6585 §5 names 431; kata 20's table holds RFC 9110's codes only
  const reason = error.status === 431 ? 'Request Header Fields Too Large' : undefined;
  return { status: error.status, reason, headers: CLOSING, body: `${error.message}\n` };
}

const BAD_PATH: Response = { status: 400, headers: CLOSING, body: BAD_PATH_TEXT };
const EXPECTATION_FAILED: Response = {
  status: 417,
  headers: CLOSING,
  body: EXPECTATION_FAILED_TEXT,
};
