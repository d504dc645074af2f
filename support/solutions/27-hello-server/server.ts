/**
 * An HTTP/1.1 server on bare `net` sockets, built from chapter 3: a request reader
 * that finds the end of the head and the body in a byte stream cut anywhere, and a
 * server that reads one request per connection, asks a handler for the response,
 * writes it with `Connection: close` and closes (RFC 9112 §9.6).
 */
import net from 'node:net';
import {
  type HttpVersion,
  type Method,
  parseRequestLine,
  RequestLineError,
  type RequestTarget,
} from '../17-parse-a-request-line/request-line.ts';
import {
  DEFAULT_MAX_BYTES,
  FieldError,
  type FieldLine,
  type FieldSection,
  parseHeaders,
} from '../18-header-fields/header-fields.ts';
import {
  type BodyDecoder,
  BodyError,
  createBodyDecoder,
  DEFAULT_MAX_BODY_BYTES,
  messageFraming,
} from '../19-message-body/message-body.ts';
import { formatResponse, type Response } from '../20-serialize-a-response/response.ts';

/** A request as the handler sees it: the request-line, the header section, the body. */
export interface HttpRequest {
  readonly method: Method;
  readonly target: RequestTarget;
  readonly version: HttpVersion;
  readonly headers: FieldSection;
  /** The content, with any chunked coding removed (RFC 9112 §7.1); empty when there is none. */
  readonly body: Uint8Array;
  /** The trailer fields of a chunked body (RFC 9112 §7.1.2); empty otherwise. */
  readonly trailers: readonly FieldLine[];
}

/** What one `push` produced: nothing yet, or the whole request and the bytes after it. */
export type RequestStep =
  | { readonly done: false }
  | {
      readonly done: true;
      readonly request: HttpRequest;
      /** The bytes after the request: the start of the next one (kata 31 reads it). */
      readonly rest: Uint8Array;
    };

export interface RequestReader {
  /**
   * Feeds the next bytes from the connection, cut anywhere.
   * @throws RequestError when they are not a request this server reads
   */
  push(bytes: Uint8Array): RequestStep;
}

export interface ReaderOptions {
  /** The most octets read before the head (request-line and fields) ends: 431 above. */
  readonly maxHeadBytes?: number;
  /** The largest body accepted, in octets: 413 above. */
  readonly maxBodyBytes?: number;
}

/** The two ends of the connection a request came on (CGI's REMOTE_ADDR needs them). */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

/** Answers one request. Kata 20's `Response`; a throw or a rejection is a 500. */
export type Handler = (
  request: HttpRequest,
  connection: ConnectionInfo,
) => Response | Promise<Response>;

export type ServerOptions = ReaderOptions;

/** Kata 18's limit for the field lines (Node's 16 KiB), for the whole head. */
export const DEFAULT_MAX_HEAD_BYTES = DEFAULT_MAX_BYTES;
export { DEFAULT_MAX_BODY_BYTES };

/** Why the reader refuses bytes, beyond what chapter 3's parsers refuse. */
export const REASONS = {
  'head-too-large': {
    status: 431,
    rule: 'the request head did not end within the octets this server reads (RFC 6585 §5)',
  },
  'bare-lf': {
    status: 400,
    rule: 'the request-line and field lines end in CRLF, not a bare LF (RFC 9112 §2.2)',
  },
} as const satisfies Record<string, { status: number; rule: string }>;

/** Every error a request can fail with, chapter 3's included, and the status to answer. */
export type RequestErrorReason =
  | keyof typeof REASONS
  | RequestLineError['reason']
  | FieldError['reason']
  | BodyError['reason'];
export type RequestErrorStatus =
  | (typeof REASONS)[keyof typeof REASONS]['status']
  | RequestLineError['status']
  | FieldError['status']
  | BodyError['status'];

/** Thrown by a reader: the status to answer with (then close), the reason and the rule. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly status: RequestErrorStatus,
    readonly reason: RequestErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** The body of a 500: says nothing of what went wrong inside. */
export const INTERNAL_ERROR_TEXT = 'The server could not answer this request.\n';

const CR = 0x0d;
const LF = 0x0a;
/** RFC 9112 §2.1: HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ] */
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = '\r\n';
const NOT_DONE: RequestStep = { done: false };

/**
 * A reader of one request; feed it the bytes of a connection, cut anywhere, until it is
 * done. For the next request on the same connection, start a new reader with `rest`.
 *
 * - empty lines (CRLF) before the request-line are skipped (RFC 9112 §2.2);
 * - a bare LF in the head is refused (400, `bare-lf`) as soon as it arrives;
 * - a head that has not ended within `maxHeadBytes` octets (the skipped empty lines
 *   count) is refused (431, `head-too-large`);
 * - the head is read with katas 17 and 18, the body with kata 19 (at most `maxBodyBytes`),
 *   and every error they throw becomes a RequestError with their status, reason and message.
 *
 * @throws RequestError from `push`
 */
export function createRequestReader(options: ReaderOptions = {}): RequestReader {
  const maxHeadBytes = options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let head: Buffer = Buffer.alloc(0);
  /** Octets of the head read so far, the skipped empty lines included. */
  let headBytes = 0;
  let message: Message | undefined;
  const data: Uint8Array[] = [];

  /** The head and the octets after it, once the head is complete. */
  function readHead(bytes: Uint8Array): { message: Message; after: Uint8Array } | undefined {
    const scanned = head.length;
    // a head is nearly always one read: that read is the head, as it is, with no copy
    head = scanned === 0 ? asBuffer(bytes) : Buffer.concat([head, bytes]);
    headBytes += bytes.length;
    // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
    // ignore at least one empty line (CRLF) received prior to the request-line"
    let skip = 0;
    while (head[skip] === CR && head[skip + 1] === LF) skip += 2;
    head = head.subarray(skip);
    const end = head.indexOf(HEAD_END);
    const limit = end === -1 ? head.length : end;
    // §2.2: a recipient MAY recognize a single LF as a line terminator; this one does not
    for (let i = head.indexOf(LF, Math.max(0, scanned - skip)); i !== -1 && i < limit; ) {
      if (head[i - 1] !== CR) throw ownError('bare-lf');
      i = head.indexOf(LF, i + 1);
    }
    if (end === -1) {
      if (headBytes > maxHeadBytes) throw ownError('head-too-large');
      return undefined;
    }
    if (headBytes - (head.length - end - HEAD_END.length) > maxHeadBytes) {
      throw ownError('head-too-large');
    }
    const [requestLine = '', ...fieldLines] = head.subarray(0, end).toString('latin1').split(CRLF);
    const line = parseRequestLine(requestLine);
    const headers = parseHeaders(fieldLines, { version: line.version, maxBytes: maxHeadBytes });
    const framing = messageFraming(headers, line.version, {
      method: line.method,
      maxBytes: maxBodyBytes,
    });
    return {
      message: {
        head: { ...line, headers },
        decoder: createBodyDecoder(framing, { maxBytes: maxBodyBytes }),
      },
      after: head.subarray(end + HEAD_END.length),
    };
  }

  return {
    push(bytes) {
      try {
        let input = bytes;
        if (message === undefined) {
          const read = readHead(bytes);
          if (read === undefined) return NOT_DONE;
          message = read.message;
          input = read.after;
        }
        const step = message.decoder.push(input);
        data.push(step.data);
        if (!step.done) return NOT_DONE;
        const request = { ...message.head, body: Buffer.concat(data), trailers: step.trailers };
        return { done: true, request, rest: step.rest };
      } catch (error) {
        throw asRequestError(error);
      }
    },
  };
}

/** A request's head, once read, and the decoder of the body that follows it. */
interface Message {
  readonly head: Omit<HttpRequest, 'body' | 'trailers'>;
  readonly decoder: BodyDecoder;
}

/** The same octets as a Buffer, not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function ownError(reason: keyof typeof REASONS): RequestError {
  const { status, rule } = REASONS[reason];
  return new RequestError(status, reason, `${status} ${reason} (${rule})`);
}

/** Chapter 3's three error types, as the one this reader throws. */
function asRequestError(error: unknown): unknown {
  if (
    error instanceof RequestLineError ||
    error instanceof FieldError ||
    error instanceof BodyError
  ) {
    return new RequestError(error.status, error.reason, error.message);
  }
  return error;
}

/**
 * A server that reads ONE request per connection with `createRequestReader`, calls
 * `handler`, writes its response with kata 20's `formatResponse` and `Connection: close`,
 * then ends the connection.
 *
 * - it reads nothing after the request: later bytes are discarded, never parsed
 *   (RFC 9112 §9.6);
 * - a request error is answered with its status, `Connection: close` and its message as
 *   text/plain;
 * - a handler that throws or rejects, or whose response cannot be written, gives a 500
 *   whose body is INTERNAL_ERROR_TEXT: no stack trace, no message;
 * - a `Connection` field from the handler is replaced by `Connection: close`;
 * - a client that half-closes after its request still gets the response; one that closes
 *   before its request is complete gets nothing;
 * - a socket error (a client that resets) ends that connection, never the server.
 */
export function createServer(handler: Handler, options: ServerOptions = {}): net.Server {
  // allowHalfOpen: a client that shuts down its sending side after the request still reads
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {}); // a reset is that client's loss, never the server's
    const connection: ConnectionInfo = {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
    };
    const reader = createRequestReader(options);
    let reading = true;
    const onData = (bytes: Buffer) => {
      let step: RequestStep;
      try {
        step = reader.push(bytes);
      } catch (error) {
        stopReading();
        socket.end(formatResponse(closing(errorResponse(error))));
        return;
      }
      if (!step.done) return;
      stopReading();
      const { request } = step;
      void respond(handler, request, connection).then((bytes) => socket.end(bytes));
    };
    const stopReading = () => {
      reading = false;
      // RFC 9112 §9.6: the server "MUST NOT process any further requests received on that
      // connection". The socket keeps flowing with no listener: what follows is read and
      // dropped, so the close does not become a reset that erases the response
      socket.off('data', onData);
    };
    socket.on('data', onData);
    // the client ended its side before a whole request: there is nothing to answer
    socket.once('end', () => {
      if (reading) socket.end();
    });
  });
}

async function respond(
  handler: Handler,
  request: HttpRequest,
  connection: ConnectionInfo,
): Promise<Uint8Array> {
  const format = { requestMethod: request.method };
  try {
    return formatResponse(closing(await handler(request, connection)), format);
  } catch {
    return formatResponse(closing(INTERNAL_ERROR), format);
  }
}

/**
 * RFC 9112 §9.6: "A server that sends a "close" connection option MUST initiate closure of
 * the connection ... after it sends the response containing the "close" connection option."
 */
function closing(response: Response): Response {
  const headers = (response.headers ?? []).filter(([name]) => name.toLowerCase() !== CONNECTION);
  return { ...response, headers: [...headers, ['Connection', 'close']] };
}

/** A RequestError answered with its status and message; anything else is a 500. */
function errorResponse(error: unknown): Response {
  if (!(error instanceof RequestError)) return INTERNAL_ERROR;
  const reason = RFC_6585_PHRASES[error.status];
  return { status: error.status, reason, headers: [TEXT_PLAIN], body: `${error.message}\n` };
}

/** RFC 6585 §5 defines 431; kata 20's REASON_PHRASES are RFC 9110's, which has no 431. */
const RFC_6585_PHRASES: Readonly<Record<number, string>> = {
  431: 'Request Header Fields Too Large',
};
const CONNECTION = 'connection';
const TEXT_PLAIN = ['Content-Type', 'text/plain; charset=utf-8'] as const;
const INTERNAL_ERROR: Response = { status: 500, headers: [TEXT_PLAIN], body: INTERNAL_ERROR_TEXT };
