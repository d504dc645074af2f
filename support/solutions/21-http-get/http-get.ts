/**
 * An HTTP/1.1 client from a bare socket: the request written by hand (RFC 9112 §3,
 * RFC 9110 §7.2), the response read back incrementally (RFC 9112 §4, §6.3) with the
 * chapter 3 parsers, over TCP or TLS (RFC 9110 §4.3.4), with a connect and an idle timeout.
 */
import net from 'node:net';
import tls from 'node:tls';
import { DEFAULT_PORTS, splitUrl, type UrlParts } from '../16-parse-a-url/uri-reference.ts';
import type { HttpVersion, Method } from '../17-parse-a-request-line/request-line.ts';
import {
  type FieldLine,
  type FieldSection,
  parseHeaders,
} from '../18-header-fields/header-fields.ts';
import {
  BodyError,
  createBodyDecoder,
  type DecodeStep,
  type Framing,
  messageFraming,
} from '../19-message-body/message-body.ts';

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

/** How much of a detail (a refused line, say) an error message shows. */
const SHOWN_LENGTH = 200;

/** Thrown (or rejected with) by every function here: the reason, and what was at fault. */
export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  constructor(
    readonly reason: ClientErrorReason,
    readonly detail: string,
  ) {
    const shown = detail.length > SHOWN_LENGTH ? `${detail.slice(0, SHOWN_LENGTH)}…` : detail;
    super(`${reason}: ${shown} (${REASONS[reason]})`);
  }
}

const CRLF = '\r\n';
/** RFC 9112 §2.1: the header section ends with an empty line. */
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = new Uint8Array(0);
const NOT_DONE = { done: false } as const;
/**
 * RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, major 1 here; §4: status-code
 * = 3DIGIT; reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), and optional.
 */
const STATUS_LINE = /^HTTP\/1\.[0-9] [0-9]{3} [\t\x20-\x7e\x80-\xff]*$/;
/** Where each part of a status line that matches STATUS_LINE starts: the grammar fixes them. */
const MINOR_AT = 7;
const STATUS_AT = 9;
const REASON_AT = 13;
/** RFC 9110 §5.6.2: token = 1*tchar */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field-value = *field-content, field-vchar = VCHAR / obs-text, SP and HTAB between. */
const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
/** RFC 9112 §5.2: obs-fold = OWS CRLF RWS; a folded line starts with SP or HTAB. */
const FOLDED = /^[ \t]/;
const OWS_END = /[ \t]+$/;
const OWS_START = /^[ \t]+/;
/** The fields the client writes itself: routing and framing come from the URL and the body. */
const OWN_FIELDS = new Set(['host', 'content-length', 'transfer-encoding']);
const CONNECTION = 'connection';
/** RFC 9110 §15.2.2: after it, the connection speaks the protocol named in Upgrade. */
const SWITCHING_PROTOCOLS = 101;

/**
 * Reads a status-line without its CRLF, as strictly as RFC 9112 §4 writes it: one SP after
 * the version, three digits, one SP, then a reason phrase that may be empty. The major
 * version is 1; `HTTP/1.2` to `HTTP/1.9` are read as `HTTP/1.1` (RFC 9110 §6.2).
 *
 * @throws HttpClientError `bad-status-line`
 */
export function parseStatusLine(line: string): StatusLine {
  // §4: "A server MUST send the space that separates the status-code from the
  // reason-phrase even when the reason-phrase is absent"; the whitespace leniency §4 allows
  // is what response splitting feeds on, so it is not taken
  if (!STATUS_LINE.test(line)) throw new HttpClientError('bad-status-line', JSON.stringify(line));
  return {
    version: line[MINOR_AT] === '0' ? 'HTTP/1.0' : 'HTTP/1.1',
    status: Number(line.slice(STATUS_AT, REASON_AT - 1)),
    reason: line.slice(REASON_AT),
  };
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
  const { status, headers, version } = head;
  // rule 1: "always terminated by the first empty line after the header fields"
  if (method === 'HEAD' || isInformational(status) || status === 204 || status === 304) {
    return { kind: 'none' };
  }
  // rule 2: "A client MUST ignore any Content-Length or Transfer-Encoding header fields
  // received in such a message."
  if (method === 'CONNECT' && isSuccessful(status)) return { kind: 'none' };
  // rule 8: "the number of octets received prior to the server closing the connection"
  if (
    headers.values('transfer-encoding').length === 0 &&
    headers.values('content-length').length === 0
  ) {
    return { kind: 'close' };
  }
  try {
    // rules 3 to 6, as kata 19 reads them; the method is left out: CONNECT is handled above
    return messageFraming(headers, version, {
      maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
  } catch (error) {
    throw fromBodyError(error);
  }
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
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  let buffered = Buffer.alloc(0);
  let body: BodyReader | undefined;

  /** Reads heads until the final one, or until more bytes are needed. */
  function finalHead(): ResponseHead | undefined {
    for (;;) {
      const end = buffered.indexOf(HEAD_END);
      const size = end === -1 ? buffered.length : end + HEAD_END.length;
      if (size > maxHeaderBytes) {
        throw new HttpClientError('too-large', `a header section over ${maxHeaderBytes} octets`);
      }
      if (end === -1) return undefined;
      const head = readHead(buffered.subarray(0, end).toString('latin1'));
      buffered = buffered.subarray(size);
      // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received
      // prior to a final response, even if the client does not expect one."
      if (!isInformational(head.status) || head.status === SWITCHING_PROTOCOLS) return head;
    }
  }

  return {
    push(bytes) {
      if (body !== undefined) return body.push(bytes);
      buffered = Buffer.concat([buffered, bytes]);
      const head = finalHead();
      if (head === undefined) return NOT_DONE;
      body = bodyReader(request.method, head, options);
      return body.push(buffered);
    },
    end() {
      if (body !== undefined) return body.end();
      throw new HttpClientError('incomplete', 'the connection closed in the header section');
    },
  };
}

type ResponseHead = Pick<HttpResponse, 'version' | 'status' | 'reason' | 'headers'>;
/** The body half of a reader: the same push and end, once the final head is read. */
type BodyReader = ResponseReader;

/** The body of the response whose head is `head`, by its framing. */
function bodyReader(method: Method, head: ResponseHead, options: ReaderOptions): BodyReader {
  const framing = responseFraming(method, head, options);
  const close = closesConnection(method, head, framing);
  const chunks: Uint8Array[] = [];
  const done = (rest: Uint8Array, trailers: readonly FieldLine[]): ReadDone => ({
    done: true,
    response: { ...head, body: Buffer.concat(chunks), trailers },
    rest,
    close,
  });
  if (framing.kind === 'close') {
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let size = 0;
    return {
      push(bytes) {
        chunks.push(bytes);
        size += bytes.length;
        if (size > maxBodyBytes) {
          throw new HttpClientError('too-large', `a body over ${maxBodyBytes} octets`);
        }
        return NOT_DONE;
      },
      // RFC 9112 §8: a response with neither chunked nor Content-Length "is terminated by
      // closure of the connection and, if the header section was received intact, is
      // considered complete"
      end: () => done(EMPTY, []),
    };
  }
  // kata 19 holds the length and chunked decoders, and the limit on the body
  const decoder = createBodyDecoder(framing, {
    maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  });
  return {
    push(bytes) {
      const step = decodeStep(() => decoder.push(bytes));
      chunks.push(step.data);
      return step.done ? done(step.rest, step.trailers) : NOT_DONE;
    },
    end() {
      // §8: "A message body that uses the chunked transfer coding is incomplete if the
      // zero-sized chunk that terminates the encoding has not been received. A message that
      // uses a valid Content-Length is incomplete if the size of the message body received
      // (in octets) is less than the value given by Content-Length."
      throw new HttpClientError('incomplete', 'the connection closed in the body');
    },
  };
}

function decodeStep(push: () => DecodeStep): DecodeStep {
  try {
    return push();
  } catch (error) {
    throw fromBodyError(error);
  }
}

/** One response head: the status-line, then the field lines, each without its CRLF. */
function readHead(text: string): ResponseHead {
  // split gives at least one string, the status line
  const [statusLine, ...lines] = text.split(CRLF) as [string, ...string[]];
  const { version, status, reason } = parseStatusLine(statusLine);
  const fieldLines = unfold(lines);
  try {
    // kata 18 reads a request's fields: version HTTP/1.0 asks for no Host, which a response
    // has no use for; maxBytes is this reader's, checked on the whole head already
    const headers = parseHeaders(fieldLines, {
      version: 'HTTP/1.0',
      maxBytes: Number.POSITIVE_INFINITY,
    });
    return { version, status, reason, headers };
  } catch (error) {
    throw new HttpClientError('bad-header', error instanceof Error ? error.message : String(error));
  }
}

/**
 * RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message ... MUST
 * replace each received obs-fold with one or more SP octets prior to interpreting the field
 * value." A folded line right after the status-line folds into nothing: §2.2 says to reject
 * (or ignore) "whitespace between the start-line and the first header field".
 */
function unfold(lines: readonly string[]): string[] {
  const unfolded: string[] = [];
  for (const line of lines) {
    if (!FOLDED.test(line)) {
      unfolded.push(line);
      continue;
    }
    const previous = unfolded.pop();
    if (previous === undefined) {
      throw new HttpClientError(
        'bad-header',
        `whitespace before the first field: ${JSON.stringify(line)}`,
      );
    }
    unfolded.push(`${previous.replace(OWS_END, '')} ${line.replace(OWS_START, '')}`);
  }
  return unfolded;
}

/**
 * RFC 9112 §9.3: whether the connection persists after this response. Not when the body runs
 * to the close, nor after a 101 or a tunnel; otherwise a "close" connection option closes it,
 * HTTP/1.1 keeps it, and HTTP/1.0 keeps it only with "keep-alive".
 */
function closesConnection(
  method: Method,
  head: Pick<HttpResponse, 'version' | 'status' | 'headers'>,
  framing: ResponseFraming,
): boolean {
  // §9.3: "all messages on a connection need to have a self-defined message length"
  if (framing.kind === 'close' || head.status === SWITCHING_PROTOCOLS) return true;
  if (method === 'CONNECT' && isSuccessful(head.status)) return true;
  // RFC 9110 §7.6.1: Connection = #connection-option, case-insensitive tokens
  const options = head.headers
    .values(CONNECTION)
    .flatMap((value) => value.split(','))
    .map((option) => option.trim().toLowerCase());
  if (options.includes('close')) return true;
  if (head.version === 'HTTP/1.1') return false;
  return !options.includes('keep-alive');
}

function isInformational(status: number): boolean {
  return status >= 100 && status < 200;
}

function isSuccessful(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Kata 19's refusals, as a client reports them: past a limit, or a framing it cannot trust. */
function fromBodyError(error: unknown): unknown {
  if (!(error instanceof BodyError)) return error;
  return new HttpClientError(
    error.reason === 'too-large' ? 'too-large' : 'bad-framing',
    error.message,
  );
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
  // RFC 9110 §4.2.4: "A sender MUST NOT generate the userinfo subcomponent (and its "@"
  // delimiter)"; a recipient "SHOULD parse for userinfo and treat its presence as an error"
  if (url.userinfo !== undefined)
    throw new HttpClientError('userinfo', `${url.scheme}://…@${url.host}`);
  const fields = request.headers ?? [];
  for (const [name, value] of fields) {
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value) || OWN_FIELDS.has(name.toLowerCase())) {
      throw new HttpClientError('bad-request-header', JSON.stringify(`${name}: ${value}`));
    }
  }
  // a string body goes as UTF-8, Buffer's own encoding
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const target = url.query === undefined ? url.path : `${url.path}?${url.query}`;
  // RFC 9110 §4.2.3: "If the port is equal to the default port for a scheme, the normal
  // form is to omit the port subcomponent."
  const host = url.port === DEFAULT_PORTS[url.scheme] ? url.host : `${url.host}:${url.port}`;
  const hasUserAgent = fields.some(([name]) => name.toLowerCase() === 'user-agent');
  const lines = [
    `${request.method} ${target} HTTP/1.1`,
    `Host: ${host}`,
    ...(hasUserAgent ? [] : [`User-Agent: ${DEFAULT_USER_AGENT}`]),
    ...fields.map(([name, value]) => `${name}: ${value}`),
    ...(body === undefined ? [] : [`Content-Length: ${body.length}`]),
  ];
  return Buffer.concat([Buffer.from(`${lines.join(CRLF)}${CRLF}${CRLF}`, 'latin1'), body ?? EMPTY]);
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
  const target = splitUrl(url);
  const method = options.method ?? 'GET';
  const fields = options.headers ?? [];
  const own = fields.find(([name]) => name.toLowerCase() === CONNECTION);
  if (own !== undefined)
    throw new HttpClientError('bad-request-header', JSON.stringify(`${own[0]}: ${own[1]}`));
  // §9.6: "a request header field indicates that this is the last request that the client
  // will send on this connection"
  const bytes = formatRequest(target, {
    method,
    headers: [...fields, ['Connection', 'close']],
    body: options.body,
  });
  return exchange(target, bytes, createResponseReader({ method }, options), options);
}

/** `send` with GET. */
export async function get(
  url: string,
  options: Omit<SendOptions, 'method'> = {},
): Promise<HttpResponse> {
  return send(url, { ...options, method: 'GET' });
}

function exchange(
  url: UrlParts,
  request: Uint8Array,
  reader: ResponseReader,
  options: SendOptions,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const socket = open(url, options);
    const connectTimer = setTimeout(
      () => fail(new HttpClientError('connect-timeout', `${url.host}:${url.port}`)),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    function settle(): void {
      clearTimeout(connectTimer);
      socket.destroy();
    }
    function fail(error: unknown): void {
      settle();
      reject(error);
    }
    function read(step: () => ReadStep): void {
      try {
        const result = step();
        if (result.done) {
          settle();
          resolve(result.response);
        }
      } catch (error) {
        fail(error);
      }
    }
    socket.once(url.scheme === 'https' ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      socket.setTimeout(idleMs, () =>
        fail(new HttpClientError('idle-timeout', `nothing for ${idleMs} ms`)),
      );
      socket.write(request);
    });
    socket.on('data', (bytes: Buffer) => read(() => reader.push(bytes)));
    socket.on('end', () => read(() => reader.end()));
    socket.on('error', (error) => fail(certificateError(socket, error)));
  });
}

function open(url: UrlParts, options: SendOptions): net.Socket {
  // RFC 3986 §3.2.2: an IP-literal is bracketed in a URL, not in a socket address
  const host = url.hostKind === 'IPv6' ? url.host.slice(1, -1) : url.host;
  if (url.scheme === 'http') return net.connect({ host, port: url.port });
  return tls.connect({
    host,
    port: url.port,
    // RFC 6066: SNI carries a host name, never an IP address
    servername: url.hostKind === 'reg-name' ? url.host : undefined,
    ca: options.ca,
    checkServerIdentity(name, certificate) {
      const names = certificate.subjectaltname ?? 'none';
      // RFC 9110 §4.3.4: "A reference identity of type CN-ID MUST NOT be used by clients";
      // Node's check falls back to the subject's CN when a certificate has no DNS name
      const cnOnly = net.isIP(name) === 0 && !names.includes('DNS:');
      if (!cnOnly && tls.checkServerIdentity(name, certificate) === undefined) return undefined;
      return new HttpClientError(
        'name-mismatch',
        `${name} is not a name of the certificate (subjectAltName: ${names})`,
      );
    },
  });
}

/**
 * A TLS handshake that fails verification leaves its reason in `authorizationError`; the
 * name check above fails with its own error, which passes as it is.
 */
function certificateError(socket: net.Socket, error: Error): Error {
  const verdict = (socket as Partial<tls.TLSSocket>).authorizationError;
  if (error instanceof HttpClientError || verdict == null) return error;
  return new HttpClientError('untrusted-certificate', error.message);
}
