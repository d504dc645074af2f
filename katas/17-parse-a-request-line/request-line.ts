/**
 * The first line of an HTTP/1.1 request (RFC 9112 §3): the method, the
 * request-target in one of its four forms, and the protocol version.
 * Read ./README.md first.
 */

import { KataTodo } from '../../support/kata-todo.ts';
import type { UrlParts } from '../16-parse-a-url/uri-reference.ts';

/** RFC 9110 §9.3 defines eight methods; RFC 5789 adds PATCH. Methods are case-sensitive. */
export const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;
export type Method = (typeof METHODS)[number];

/** The versions this parser reads a request as; see RFC 9110 §6.2 for HTTP/1.2 and up. */
export type HttpVersion = 'HTTP/1.0' | 'HTTP/1.1';

/**
 * RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form.
 * `text` is the request-target as written.
 */
export type RequestTarget =
  | {
      readonly form: 'origin';
      readonly text: string;
      readonly path: string;
      readonly query: string | undefined;
    }
  | { readonly form: 'absolute'; readonly text: string; readonly url: UrlParts }
  | {
      readonly form: 'authority';
      readonly text: string;
      readonly host: string;
      readonly port: number;
    }
  | { readonly form: 'asterisk'; readonly text: '*' };

export interface RequestLine {
  readonly method: Method;
  readonly target: RequestTarget;
  readonly version: HttpVersion;
}

/** RFC 9110 §4.1: "It is RECOMMENDED that all senders and recipients support, at a minimum, URIs with lengths of 8000 octets". */
export const MAX_TARGET_LENGTH = 8000;

/** Why a request-line is refused: the status a server answers with, and the rule. */
export const REASONS = {
  'bare-cr': { status: 400, rule: 'a CR not followed by LF is invalid (RFC 9112 §2.2)' },
  'bad-whitespace': {
    status: 400,
    rule: 'method, request-target and version are separated by exactly one SP each (RFC 9112 §3)',
  },
  'bad-method': { status: 400, rule: 'a method is a token: 1*tchar (RFC 9110 §9.1, §5.6.2)' },
  'bad-target': {
    status: 400,
    rule: 'the request-target is not in origin-, absolute-, authority- or asterisk-form (RFC 9112 §3.2)',
  },
  'wrong-target-form': {
    status: 400,
    rule: 'authority-form is only for CONNECT and asterisk-form only for OPTIONS (RFC 9112 §3.2.3, §3.2.4)',
  },
  'bad-version': {
    status: 400,
    rule: 'HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3)',
  },
  'target-too-long': {
    status: 414,
    rule: `a server refuses a request-target longer than it will parse (RFC 9112 §3); this one's limit is ${MAX_TARGET_LENGTH} octets`,
  },
  'unknown-method': {
    status: 501,
    rule: 'the method is not one this server implements; methods are case-sensitive (RFC 9110 §9.1)',
  },
  'unsupported-version': {
    status: 505,
    rule: 'this server speaks major version 1 only (RFC 9110 §15.6.6)',
  },
} as const satisfies Record<string, { status: number; rule: string }>;

export type InvalidReason = keyof typeof REASONS;
export type ErrorStatus = (typeof REASONS)[InvalidReason]['status'];

/** How much of a refused line an error message shows. */
const SHOWN_LENGTH = 100;

/** Thrown by parseRequestLine: the status to answer with, the reason, and the line. */
export class RequestLineError extends Error {
  override readonly name = 'RequestLineError';
  readonly status: ErrorStatus;
  constructor(
    readonly line: string,
    readonly reason: InvalidReason,
  ) {
    const shown = line.length > SHOWN_LENGTH ? `${line.slice(0, SHOWN_LENGTH)}…` : line;
    super(
      `${REASONS[reason].status} ${JSON.stringify(shown)}: ${reason} (${REASONS[reason].rule})`,
    );
    this.status = REASONS[reason].status;
  }
}

/**
 * Reads a request-line without its CRLF, as strictly as RFC 9112 §3 writes it:
 * `method SP request-target SP HTTP-version`, one SP between the three, nothing else.
 *
 * - the method is a token (RFC 9110 §5.6.2) and one of METHODS, case-sensitive;
 * - the request-target is in one of the four forms of RFC 9112 §3.2, and in the form its
 *   method allows (authority-form for CONNECT only, asterisk-form for OPTIONS only); an
 *   absolute-form target is split with kata 16's `splitUrl`;
 * - the version is `HTTP/1.0` or `HTTP/1.1`; `HTTP/1.2` to `HTTP/1.9` are read as
 *   `HTTP/1.1` (RFC 9110 §6.2).
 *
 * @throws RequestLineError with the status a server answers with: 400, 414, 501 or 505
 */
export function parseRequestLine(line: string): RequestLine {
  throw new KataTodo('parseRequestLine');
}
