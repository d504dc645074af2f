/**
 * The header section of an HTTP/1.1 request (RFC 9112 §5): field lines read
 * strictly, looked up by name case-insensitively, repeated fields combined as
 * RFC 9110 §5.3 allows, and the Host rules of RFC 9112 §3.2.
 */

import { splitUrl } from '../16-parse-a-url/uri-reference.ts';
import type { HttpVersion } from '../17-parse-a-request-line/request-line.ts';

/** One field line as received: the name as written, the value without surrounding OWS. */
export interface FieldLine {
  readonly name: string;
  readonly value: string;
}

/** A parsed header section. Names are compared case-insensitively (RFC 9110 §5.1). */
export interface FieldSection {
  /** Every field line, in the order received. */
  readonly lines: readonly FieldLine[];
  /**
   * RFC 9110 §5.3: the values of every line with this name, in order, joined by ", ";
   * `undefined` when there is none.
   * @throws TypeError for Set-Cookie, whose values cannot be combined: use `values()`
   */
  get(name: string): string | undefined;
  /** The value of each line with this name, in order; `[]` when there is none. */
  values(name: string): readonly string[];
}

export interface HeaderOptions {
  /** The request's version (kata 17): HTTP/1.1 requires a Host field. */
  readonly version: HttpVersion;
  /** The most octets the section may take, CRLFs included. */
  readonly maxBytes?: number;
}

/** Node's default too (`--max-http-header-size`, 16 KiB). */
export const DEFAULT_MAX_BYTES = 16 * 1024;

/** Why a header section is refused: the status a server answers with, and the rule. */
export const REASONS = {
  'no-colon': {
    status: 400,
    rule: 'field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)',
  },
  'bad-name': { status: 400, rule: 'a field name is a token (RFC 9110 §5.1)' },
  'space-before-colon': {
    status: 400,
    rule: 'no whitespace is allowed between the field name and colon (RFC 9112 §5.1)',
  },
  'obs-fold': {
    status: 400,
    rule: 'a line that starts with SP or HTAB continues the previous one: obs-fold, rejected (RFC 9112 §5.2)',
  },
  'bad-value': {
    status: 400,
    rule: 'a field value is visible characters, SP and HTAB; CR, LF and NUL are invalid and dangerous (RFC 9110 §5.5)',
  },
  'missing-host': {
    status: 400,
    rule: 'an HTTP/1.1 request must have a Host field (RFC 9112 §3.2)',
  },
  'duplicate-host': {
    status: 400,
    rule: 'a request must not have more than one Host field line (RFC 9112 §3.2)',
  },
  'bad-host': { status: 400, rule: 'Host = uri-host [ ":" port ] (RFC 9110 §7.2)' },
  'too-large': {
    status: 431,
    rule: 'the header section is larger than the server will read (RFC 6585 §5)',
  },
} as const satisfies Record<string, { status: number; rule: string }>;

export type InvalidReason = keyof typeof REASONS;
export type ErrorStatus = (typeof REASONS)[InvalidReason]['status'];

/** Thrown by parseHeaders: the status to answer with, the reason, and the line at fault. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  readonly status: ErrorStatus;
  constructor(
    readonly reason: InvalidReason,
    readonly line?: string,
  ) {
    const where = line === undefined ? '' : ` in ${JSON.stringify(line.slice(0, 100))}`;
    super(`${REASONS[reason].status} ${reason}${where} (${REASONS[reason].rule})`);
    this.status = REASONS[reason].status;
  }
}

/** RFC 9110 §5.6.2: token = 1*tchar */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * RFC 9110 §5.5: field-value = *field-content, built from field-vchar = VCHAR / obs-text
 * with SP and HTAB between; no CTL but HTAB.
 */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 9110 §5.6.3: OWS = *( SP / HTAB ) */
const OWS = /^[ \t]+|[ \t]+$/g;
/** RFC 9112 §2.1: every line ends with CRLF. */
const CRLF_LENGTH = 2;
/** RFC 9110 §5.3: "A recipient MAY combine multiple field lines ... with a comma". */
const COMBINE = ', ';
/** RFC 9110 §5.3 and RFC 6265 §3: the exception; each Set-Cookie line is its own. */
const SET_COOKIE = 'set-cookie';
const HOST = 'host';

const NOT_COMBINABLE = `Set-Cookie field lines cannot be combined (RFC 9110 §5.3): use values('set-cookie')`;

/**
 * Reads the field lines of a request's header section: the lines between the
 * request-line and the empty line, each without its CRLF, as latin1 text.
 *
 * - each line is `field-name ":" OWS field-value OWS` (RFC 9112 §5), the name a token
 *   with no whitespace before the colon, the value without its surrounding OWS and with
 *   no CR, LF, NUL or other control character but HTAB (RFC 9110 §5.5);
 * - a line that starts with SP or HTAB (obs-fold, RFC 9112 §5.2) is refused;
 * - the Host rules of RFC 9112 §3.2: exactly one Host line in HTTP/1.1, at most one in
 *   HTTP/1.0, and its value `uri-host [ ":" port ]` or empty (kata 16's `splitUrl` reads it);
 * - the whole section, CRLFs included, is at most `maxBytes` octets, or 431.
 *
 * @throws FieldError with the status a server answers with: 400 or 431
 */
export function parseHeaders(lines: readonly string[], options: HeaderOptions): FieldSection {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let size = 0;
  for (const line of lines) {
    size += line.length + CRLF_LENGTH;
    if (size > maxBytes) throw new FieldError('too-large');
  }
  const fieldLines = lines.map(fieldLine);
  const section = fieldSection(fieldLines);
  checkHost(section, options.version);
  return section;
}

/** RFC 9112 §5: field-line = field-name ":" OWS field-value OWS */
function fieldLine(line: string): FieldLine {
  // §5.2: obs-fold = OWS CRLF RWS; a line that starts with whitespace continues the last
  if (line.startsWith(' ') || line.startsWith('\t')) throw new FieldError('obs-fold', line);
  const colon = line.indexOf(':');
  if (colon === -1) throw new FieldError('no-colon', line);
  const name = line.slice(0, colon);
  // §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any
  // received request message that contains whitespace between a header field name and colon."
  if (/[ \t]$/.test(name)) throw new FieldError('space-before-colon', line);
  if (!TOKEN.test(name)) throw new FieldError('bad-name', line);
  const value = line.slice(colon + 1).replace(OWS, '');
  if (!FIELD_VALUE.test(value)) throw new FieldError('bad-value', line);
  return { name, value };
}

function fieldSection(lines: readonly FieldLine[]): FieldSection {
  const byName = new Map<string, string[]>();
  for (const { name, value } of lines) {
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), value]);
  }
  const values = (name: string): readonly string[] => byName.get(name.toLowerCase()) ?? [];
  return {
    lines,
    values,
    get(name) {
      if (name.toLowerCase() === SET_COOKIE) throw new TypeError(NOT_COMBINABLE);
      const found = values(name);
      return found.length === 0 ? undefined : found.join(COMBINE);
    },
  };
}

/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any
 * HTTP/1.1 request message that lacks a Host header field and to any request message
 * that contains more than one Host header field line or a Host header field with an
 * invalid field value."
 */
function checkHost(section: FieldSection, version: HttpVersion): void {
  const hosts = section.values(HOST);
  if (hosts.length > 1) throw new FieldError('duplicate-host');
  const [host] = hosts;
  if (host === undefined) {
    if (version === 'HTTP/1.1') throw new FieldError('missing-host');
    return;
  }
  // RFC 9110 §7.2: Host = uri-host [ ":" port ]; it may be empty when the target URI has no host
  if (host !== '' && !isUriHostAndPort(host)) throw new FieldError('bad-host', `Host: ${host}`);
}

/**
 * The last Host value found valid. A server hears one Host, its own name, on nearly every
 * request: that one is read once, not once per request.
 */
let lastValidHost: string | undefined;

function isUriHostAndPort(text: string): boolean {
  if (text === lastValidHost) return true;
  if (/[@/?#]/.test(text)) return false;
  try {
    splitUrl(`http://${text}`);
  } catch {
    return false;
  }
  lastValidHost = text;
  return true;
}
