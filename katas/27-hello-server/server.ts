/**
 * An HTTP/1.1 server on bare `net` sockets, built from chapter 3: a request reader
 * that finds the end of the head and the body in a byte stream cut anywhere, and a
 * server that reads one request per connection, asks a handler for the response,
 * writes it with `Connection: close` and closes (RFC 9112 §9.6).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type {
  HttpVersion,
  Method,
  RequestLineError,
  RequestTarget,
} from '../17-parse-a-request-line/request-line.ts';
import {
  DEFAULT_MAX_BYTES,
  type FieldError,
  type FieldLine,
  type FieldSection,
} from '../18-header-fields/header-fields.ts';
import { type BodyError, DEFAULT_MAX_BODY_BYTES } from '../19-message-body/message-body.ts';
import type { Response } from '../20-serialize-a-response/response.ts';

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
  throw new KataTodo('createRequestReader');
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
  throw new KataTodo('createServer');
}
