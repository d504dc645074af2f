/**
 * An HTTP/1.1 client from a bare socket: the request written by hand (RFC 9112 §3,
 * RFC 9110 §7.2), the response read back incrementally (RFC 9112 §4, §6.3) with the
 * chapter 3 parsers, over TCP or TLS (RFC 9110 §4.3.4), with a connect and an idle timeout.
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { UrlParts } from '../16-parse-a-url/uri-reference.ts';
import type { HttpVersion, Method } from '../17-parse-a-request-line/request-line.ts';
import type { FieldLine, FieldSection } from '../18-header-fields/header-fields.ts';
import type { Framing } from '../19-message-body/message-body.ts';

/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ] */
export interface StatusLine {
  readonly version: HttpVersion;
  readonly status: number;
  /** The reason phrase as sent, `''` when there is none. */
  readonly reason: string;
}

/** A final response, read whole. */
export interface HttpResponse extends StatusLine {
  readonly headers: FieldSection;
  /** The content: the body with its transfer coding (chunked) removed. */
  readonly body: Uint8Array;
  /** The trailer fields of a chunked body (RFC 9112 §7.1.2), `[]` otherwise. */
  readonly trailers: readonly FieldLine[];
}

/** RFC 9112 §6.3: how a response's body is delimited; `close` is read until the server closes. */
export type ResponseFraming = Framing | { readonly kind: 'close' };

/** What one `push` (or `end`) produced. */
export type ReadStep = { readonly done: false } | ReadDone;

export interface ReadDone {
  readonly done: true;
  readonly response: HttpResponse;
  /** The bytes after the response: the start of the next one on a persistent connection. */
  readonly rest: Uint8Array;
  /** The connection cannot carry another request (RFC 9112 §9.3, §6.3). */
  readonly close: boolean;
}

export interface ResponseReader {
  /** Feeds the next bytes from the connection, cut anywhere. Not to be called once done. */
  push(bytes: Uint8Array): ReadStep;
  /** The server closed its side: ends a close-delimited body, and is an error anywhere else. */
  end(): ReadDone;
}

export interface ReaderOptions {
  /** The most octets one response head may take: status line, fields, CRLFs. */
  readonly maxHeaderBytes?: number;
  /** The most octets of body (after chunked decoding) this client keeps. */
  readonly maxBodyBytes?: number;
}

/** The methods a request line of this client can carry: CONNECT needs authority-form. */
export type RequestMethod = Exclude<Method, 'CONNECT'>;

/** A header field to send: name and value, as written. */
export type HeaderField = readonly [name: string, value: string];

export interface Request {
  readonly method: RequestMethod;
  readonly headers?: readonly HeaderField[];
  /** The content; a string is sent as UTF-8. Without a body, no Content-Length is sent. */
  readonly body?: Uint8Array | string;
}

export interface SendOptions extends ReaderOptions {
  readonly method?: RequestMethod;
  readonly headers?: readonly HeaderField[];
  readonly body?: Uint8Array | string;
  /** The certificate authorities to trust for https, in place of Node's bundled ones. */
  readonly ca?: string | Buffer;
  /** From the start to a connection ready for the request (TCP, and TLS for https). */
  readonly connectTimeoutMs?: number;
  /** The longest silence from the server once the request is sent. */
  readonly idleTimeoutMs?: number;
}

/** RFC 9110 §10.1.5: User-Agent = product *( RWS ( product / comment ) ) */
export const DEFAULT_USER_AGENT = 'http-bottom-up/0.1';
/** As kata 18's limit, and Node's `--max-http-header-size`. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Why a request could not be sent or its response read: one reason per rule. */
export const REASONS = {
  userinfo:
    'a URL with userinfo ("user:password@") is refused: a request never carries it (RFC 9110 §4.2.4)',
  'bad-request-header':
    'a header to send is a token name and a value of visible octets, SP and HTAB, without surrounding whitespace (RFC 9110 §5.1, §5.5); Host, Content-Length, Transfer-Encoding and (for send) Connection are the client’s own',
  'bad-status-line':
    'status-line = HTTP-version SP status-code SP [ reason-phrase ], HTTP/1.x (RFC 9112 §4)',
  'bad-header': 'the header section breaks the field-line grammar (RFC 9112 §5, §2.2)',
  'bad-framing': 'the length of the body cannot be read reliably (RFC 9112 §6.3)',
  'too-large': 'the response is larger than this client reads (maxHeaderBytes, maxBodyBytes)',
  incomplete: 'the connection closed before the response was complete (RFC 9112 §8)',
  'connect-timeout': 'no connection ready within connectTimeoutMs (TCP, and the TLS handshake)',
  'idle-timeout': 'the server sent nothing for idleTimeoutMs',
  'untrusted-certificate':
    'the server’s certificate does not chain to a trusted authority: pass yours in options.ca (RFC 9110 §4.3.4)',
  'name-mismatch':
    'the server’s certificate is valid, but not for the host of the URL (RFC 9110 §4.3.4)',
} as const;

export type ClientErrorReason = keyof typeof REASONS;

/** Thrown (or rejected with) by every function here: the reason, and what was at fault. */
export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  constructor(
    readonly reason: ClientErrorReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail} (${REASONS[reason]})`);
  }
}

/**
 * Reads a status-line without its CRLF, as strictly as RFC 9112 §4 writes it: one SP after
 * the version, three digits, one SP, then a reason phrase that may be empty. The major
 * version is 1; `HTTP/1.2` to `HTTP/1.9` are read as `HTTP/1.1` (RFC 9110 §6.2).
 *
 * @throws HttpClientError `bad-status-line`
 */
export function parseStatusLine(line: string): StatusLine {
  throw new KataTodo('parseStatusLine');
}

/**
 * RFC 9112 §6.3: how the body of a response to `method` is delimited. A response's rules
 * differ from a request's (kata 19) in three places, checked first:
 * 1. a response to HEAD, and a 1xx, 204 or 304, has no body, whatever its fields say;
 * 2. a 2xx to CONNECT turns the connection into a tunnel: no body;
 * 8. a response with neither Transfer-Encoding nor Content-Length is read until the close
 *    (rule 7, "the message body length is zero", is for requests only).
 * The rest is kata 19's `messageFraming`: chunked, a valid Content-Length, or an error.
 *
 * @throws HttpClientError `bad-framing`, or `too-large` for a Content-Length above the limit
 */
export function responseFraming(
  method: Method,
  head: Pick<HttpResponse, 'version' | 'status' | 'headers'>,
  options: ReaderOptions = {},
): ResponseFraming {
  throw new KataTodo('responseFraming');
}

/**
 * An incremental reader of the response to a request with `request.method`: feed it the
 * bytes from the connection, cut anywhere, until it is done. Interim 1xx responses are
 * read and skipped (RFC 9110 §15.2), except 101, after which the connection speaks another
 * protocol. The header section is read with kata 18's `parseHeaders` (obs-fold replaced by
 * SP first, as RFC 9112 §5.2 tells a user agent), the body with kata 19's decoder or until
 * the server closes.
 *
 * @throws HttpClientError from `push` and `end` when the bytes are not a response
 */
export function createResponseReader(
  request: { readonly method: Method },
  options: ReaderOptions = {},
): ResponseReader {
  throw new KataTodo('createResponseReader');
}

/**
 * The bytes of a request (RFC 9112 §3): the request-line with the origin-form target
 * (RFC 9112 §3.2.1: the path and query of the URL, never its fragment), `Host` first
 * (RFC 9110 §7.2), `User-Agent` unless the caller gives one, the caller's fields in order,
 * `Content-Length` when there is a body (RFC 9110 §8.6), the empty line, the body.
 *
 * @throws HttpClientError `userinfo` or `bad-request-header`
 */
export function formatRequest(url: UrlParts, request: Request): Uint8Array {
  throw new KataTodo('formatRequest');
}

/**
 * One request on a new connection to the URL's host and port, with `Connection: close`
 * (RFC 9112 §9.6), and its response read whole. `https:` goes over TLS with the URL's host
 * as SNI (not for an IP address) and the certificate checked against it (RFC 9110 §4.3.4).
 * The socket is closed once the response is read, and after any error.
 *
 * @throws kata 16's InvalidUrl for a URL that is not http(s); HttpClientError; or Node's
 *   own error when the connection fails (ECONNREFUSED, ECONNRESET, ENOTFOUND)
 */
export async function send(url: string, options: SendOptions = {}): Promise<HttpResponse> {
  throw new KataTodo('send');
}

/** `send` with GET. */
export async function get(
  url: string,
  options: Omit<SendOptions, 'method'> = {},
): Promise<HttpResponse> {
  throw new KataTodo('get');
}
