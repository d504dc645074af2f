/**
 * The message body of an HTTP/1.1 request: how long it is (RFC 9112 §6.3), and an
 * incremental decoder for a fixed length or the chunked transfer coding (§7.1)
 * that knows where the message ends, so the next pipelined request stays intact.
 * Read ./README.md first.
 */

import { KataTodo } from '../../support/kata-todo.ts';
import type { HttpVersion, Method } from '../17-parse-a-request-line/request-line.ts';
import type { FieldLine, FieldSection } from '../18-header-fields/header-fields.ts';

/** RFC 9112 §6.3: how a request's body is delimited. */
export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

/** What one `push` produced: body bytes, and once the body has ended, what came after it. */
export type DecodeStep =
  | { readonly done: false; readonly data: Uint8Array }
  | {
      readonly done: true;
      readonly data: Uint8Array;
      /** The bytes after the message: the start of the next request. */
      readonly rest: Uint8Array;
      /** The trailer fields of a chunked body (RFC 9112 §7.1.2); empty otherwise. */
      readonly trailers: readonly FieldLine[];
    };

export interface BodyDecoder {
  /** Feeds the next bytes from the connection, cut anywhere. Not to be called once done. */
  push(bytes: Uint8Array): DecodeStep;
}

export interface BodyOptions {
  /** The largest body the server accepts, in octets (413 above it). */
  readonly maxBytes?: number;
}

export interface FramingOptions extends BodyOptions {
  /** The request's method (kata 17): a CONNECT request has no content (RFC 9110 §9.3.6). */
  readonly method?: Method;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The longest chunk-size line (with extensions) or trailer line this decoder buffers. */
export const MAX_LINE_BYTES = 4096;

/** Why a body is refused: the status a server answers with (and then closes), and the rule. */
export const REASONS = {
  'connect-with-content': {
    status: 400,
    rule: 'a CONNECT request has no content: no Content-Length, no Transfer-Encoding (RFC 9110 §9.3.6)',
  },
  'length-and-chunked': {
    status: 400,
    rule: 'a request with both Transfer-Encoding and Content-Length is a smuggling attempt (RFC 9112 §6.1, §6.3)',
  },
  'bad-content-length': {
    status: 400,
    rule: 'Content-Length = 1*DIGIT, one field line (RFC 9110 §8.6, RFC 9112 §6.3)',
  },
  'chunked-not-final': {
    status: 400,
    rule: 'in a request, chunked must be the final transfer coding (RFC 9112 §6.3)',
  },
  'chunked-twice': {
    status: 400,
    rule: 'chunked must not be applied more than once (RFC 9112 §6.1)',
  },
  'transfer-encoding-in-1.0': {
    status: 400,
    rule: 'an HTTP/1.0 message with Transfer-Encoding has faulty framing (RFC 9112 §6.1)',
  },
  'unknown-coding': {
    status: 501,
    rule: 'a transfer coding this server does not implement (RFC 9112 §6.1)',
  },
  'bad-chunk-size': { status: 400, rule: 'chunk-size = 1*HEXDIG (RFC 9112 §7.1)' },
  'bad-chunk-ext': {
    status: 400,
    rule: 'chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 §7.1.1)',
  },
  'bad-line-ending': {
    status: 400,
    rule: 'chunk lines and chunk data end with CRLF, not a bare LF or anything else (RFC 9112 §7.1)',
  },
  'line-too-long': {
    status: 400,
    rule: `a chunk-size or trailer line longer than ${MAX_LINE_BYTES} octets`,
  },
  'bad-trailer': {
    status: 400,
    rule: 'trailer-section = *( field-line CRLF ) (RFC 9112 §7.1.2)',
  },
  'too-large': {
    status: 413,
    rule: 'the body is larger than the server accepts (RFC 9110 §15.5.14)',
  },
} as const satisfies Record<string, { status: number; rule: string }>;

export type InvalidReason = keyof typeof REASONS;
export type ErrorStatus = (typeof REASONS)[InvalidReason]['status'];

/** Thrown by messageFraming and by a decoder: the status to answer with, then close. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  readonly status: ErrorStatus;
  constructor(
    readonly reason: InvalidReason,
    readonly detail?: string,
  ) {
    const about = detail === undefined ? '' : `: ${JSON.stringify(detail.slice(0, 100))}`;
    super(`${REASONS[reason].status} ${reason}${about} (${REASONS[reason].rule})`);
    this.status = REASONS[reason].status;
  }
}

/**
 * RFC 9112 §6.3: the length of a request's body, from its header fields (kata 18).
 *
 * - a CONNECT request (`options.method`) has no content: a Content-Length or a
 *   Transfer-Encoding on one is refused, before anything else;
 * - Transfer-Encoding (a comma-separated list of codings, case-insensitive): refused in
 *   HTTP/1.0 and together with Content-Length; `chunked` must be the final coding and
 *   appear once; any other coding is 501; otherwise the body is chunked;
 * - Content-Length: exactly one line of `1*DIGIT`, at most `maxBytes`; 0 is no body;
 * - neither: no body.
 *
 * @throws BodyError with 400, 413 or 501; after any of them the server closes the connection
 */
export function messageFraming(
  fields: FieldSection,
  version: HttpVersion,
  options: FramingOptions = {},
): Framing {
  throw new KataTodo('messageFraming');
}

/**
 * A decoder for a body framed as `framing` says; feed it the bytes after the header
 * section, cut anywhere. It returns the body bytes each push completes and, once the body
 * has ended, the bytes after it and the trailer fields. A chunked body is read strictly
 * (RFC 9112 §7.1): hex sizes, valid extensions (ignored), CRLF and only CRLF after every
 * line and every chunk, trailers read with kata 18's `parseHeaders`, and at most
 * `maxBytes` of body in all.
 *
 * @throws BodyError from `push` when the bytes break the framing
 */
export function createBodyDecoder(framing: Framing, options: BodyOptions = {}): BodyDecoder {
  throw new KataTodo('createBodyDecoder');
}
