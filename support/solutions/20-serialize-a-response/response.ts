/**
 * An HTTP/1.1 response written to bytes (RFC 9112 §4, §6): the status-line, the
 * header section with values that cannot split it, a Date in IMF-fixdate, and
 * the framing (Content-Length, or no body at all) that the status and method allow.
 */
import type { Method } from '../17-parse-a-request-line/request-line.ts';

/** RFC 9110 §15: the reason phrases the RFC gives; any other code goes without one. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

export interface Response {
  /** RFC 9110 §15: a three-digit code from 100 to 599. */
  readonly status: number;
  /** The reason phrase; REASON_PHRASES[status] (or none) when left out. */
  readonly reason?: string;
  /** Field lines in order, as [name, value] pairs; a name may repeat (Set-Cookie). */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Uint8Array | string;
}

export interface FormatOptions {
  /** The method of the request this answers: HEAD and CONNECT change the framing. */
  readonly requestMethod?: Method;
  /** The time for the Date field; now when left out. */
  readonly now?: Date;
}

/** Why a response cannot be written, with the rule. */
export const REASONS = {
  'bad-status': 'status-code = 3DIGIT, from 100 to 599 (RFC 9110 §15)',
  'bad-reason': 'reason-phrase = *( HTAB / SP / VCHAR / obs-text ): no CR or LF (RFC 9112 §4)',
  'bad-name': 'a field name is a token (RFC 9110 §5.1)',
  'bad-value':
    'a field value has no CR, LF, NUL or other control but HTAB: that would split the response (RFC 9110 §5.5)',
  'framing-field':
    'Content-Length and Transfer-Encoding are written by formatResponse from the body (RFC 9112 §6)',
  'body-not-allowed':
    'a 1xx, 204, 205 or 304 response, or a 2xx to CONNECT, has no content (RFC 9110 §6.4.1, §9.3.6, §15.3.6)',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by formatResponse: why the response cannot be written safely. */
export class ResponseError extends Error {
  override readonly name = 'ResponseError';
  constructor(
    readonly reason: InvalidReason,
    readonly detail: string,
  ) {
    super(`cannot write ${JSON.stringify(detail.slice(0, 100))}: ${reason} (${REASONS[reason]})`);
  }
}

/** RFC 9110 §5.6.2: token = 1*tchar */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field-value; OWS at either end would be stripped by the reader. */
const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
/** RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding']);
const CRLF = '\r\n';
const EMPTY = new Uint8Array(0);

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/**
 * RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT,
 * e.g. `Sun, 06 Nov 1994 08:49:37 GMT`: always UTC, always two-digit fields.
 */
export function imfFixdate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = DAY_NAMES[date.getUTCDay()];
  const month = MONTH_NAMES[date.getUTCMonth()];
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day}, ${two(date.getUTCDate())} ${month} ${year} ${time} GMT`;
}

/**
 * The Date field's value, written once a second: IMF-fixdate counts whole seconds, so every
 * response within one second carries the same text (node:http keeps the same cache).
 */
let dateCache: { readonly second: number; readonly text: string } | undefined;

function dateField(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== dateCache?.second) dateCache = { second, text: imfFixdate(date) };
  return dateCache.text;
}

/**
 * Writes a response as HTTP/1.1 bytes: status-line, Date, the given fields, the
 * framing, the empty line and the content.
 *
 * - the status-line is `HTTP/1.1 SP status-code SP reason-phrase CRLF`, the phrase from
 *   REASON_PHRASES when none is given, and the second SP even when it is empty;
 * - `Date` (IMF-fixdate of `now`) comes first, then the given fields in order; a name
 *   that is not a token, a value with CR, LF, NUL or another control but HTAB, or with
 *   whitespace at either end, and any Content-Length or Transfer-Encoding, are refused;
 * - `Content-Length` is the body's length in octets (a string body is UTF-8), except in
 *   1xx, 204 and 304 responses and a 2xx to CONNECT, which have no content at all;
 *   a 205 has none either, and says so with `Content-Length: 0`;
 * - a response to HEAD has the Content-Length a GET would have, and no content.
 *
 * @throws ResponseError when a part would not be read back as written
 */
export function formatResponse(response: Response, options: FormatOptions = {}): Uint8Array {
  const { status } = response;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new ResponseError('bad-status', String(status));
  }
  const reason = response.reason ?? REASON_PHRASES[status] ?? '';
  if (!REASON_PHRASE.test(reason)) throw new ResponseError('bad-reason', reason);
  const body = response.body ?? EMPTY;
  // a string is sent as UTF-8: its length is in octets, not in characters
  const bodyLength = Buffer.byteLength(body);
  const lines = [
    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ];
    // the second SP stays even when the phrase is empty
    `HTTP/1.1 ${status} ${reason}`,
    // RFC 9110 §6.6.1: an origin server with a clock MUST send Date in 2xx, 3xx and 4xx
    // responses, and MAY in the others
    `Date: ${dateField(options.now ?? new Date())}`,
  ];
  for (const [name, value] of response.headers ?? []) {
    if (!TOKEN.test(name)) throw new ResponseError('bad-name', name);
    if (!FIELD_VALUE.test(value)) throw new ResponseError('bad-value', `${name}: ${value}`);
    if (FRAMING_FIELDS.has(name.toLowerCase())) throw new ResponseError('framing-field', name);
    lines.push(`${name}: ${value}`);
  }
  // RFC 9110 §6.4.1: "All 1xx (Informational), 204 (No Content), and 304 (Not Modified)
  // responses do not include content"; after a 2xx to CONNECT the connection is a tunnel
  // (§9.3.6)
  const isTunnel = options.requestMethod === 'CONNECT' && status >= 200 && status < 300;
  const noContent = status < 200 || status === 204 || status === 304 || isTunnel;
  // RFC 9110 §15.3.6: "a server MUST NOT generate content in a 205 response"
  if ((noContent || status === 205) && bodyLength > 0) {
    throw new ResponseError('body-not-allowed', String(status));
  }
  // RFC 9110 §8.6: "A server MUST NOT send a Content-Length header field in any response
  // with a status code of 1xx (Informational) or 204 (No Content)" nor "in any 2xx
  // (Successful) response to a CONNECT request"; in a 304 it may only repeat the 200's.
  if (!noContent) lines.push(`Content-Length: ${bodyLength}`);
  const head = lines.join(CRLF) + CRLF + CRLF;
  // RFC 9110 §9.3.2: the server "MUST NOT send content in the response" to HEAD; the
  // Content-Length is the length a GET would have had
  if (options.requestMethod === 'HEAD' || noContent) return Buffer.from(head, 'latin1');
  // the head and the content in one buffer, each written into it once
  const bytes = Buffer.allocUnsafe(head.length + bodyLength);
  bytes.write(head, 0, 'latin1');
  if (typeof body === 'string') bytes.write(body, head.length);
  else bytes.set(body, head.length);
  return bytes;
}
