/**
 * The message body of an HTTP/1.1 request: how long it is (RFC 9112 §6.3), and an
 * incremental decoder for a fixed length or the chunked transfer coding (§7.1)
 * that knows where the message ends, so the next pipelined request stays intact.
 */

import type { HttpVersion, Method } from '../17-parse-a-request-line/request-line.ts';
import {
  type FieldLine,
  type FieldSection,
  parseHeaders,
} from '../18-header-fields/header-fields.ts';

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

/** RFC 9110 §8.6: Content-Length = 1*DIGIT */
const CONTENT_LENGTH = /^[0-9]+$/;
/** RFC 9112 §7.1: chunk-size = 1*HEXDIG */
const CHUNK_SIZE = /^[0-9A-Fa-f]+/;
/**
 * RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
 * chunk-ext-val = token / quoted-string (RFC 9110 §5.6.4); BWS = OWS.
 */
const CHUNK_EXT =
  /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*$/;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = new Uint8Array(0);

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
  const codings = fields
    .values('transfer-encoding')
    .flatMap((value) => value.split(','))
    .map((coding) => coding.trim().toLowerCase());
  const lengths = fields.values('content-length');
  // RFC 9110 §9.3.6: "A CONNECT request message does not have content." A length or a
  // coding on one is a framing that another hop may read (RFC 9112 §6: "Request message
  // framing is independent of method semantics") while llhttp tunnels: refused, not ignored
  if (options.method === 'CONNECT' && (codings.length > 0 || lengths.length > 0)) {
    throw new BodyError('connect-with-content');
  }
  if (codings.length > 0) {
    // §6.1: "A server or client that receives an HTTP/1.0 message containing a
    // Transfer-Encoding header field MUST treat the message as if the framing is faulty"
    if (version === 'HTTP/1.0') throw new BodyError('transfer-encoding-in-1.0');
    // §6.3, rule 3: "ought to be handled as an error"; §6.1: the server MUST close after it
    if (lengths.length > 0) throw new BodyError('length-and-chunked');
    // §6.3, rule 4: "If a Transfer-Encoding header field is present in a request and the
    // chunked transfer coding is not the final encoding, the message body length cannot be
    // determined reliably; the server MUST respond with the 400 (Bad Request)"
    if (codings.at(-1) !== 'chunked') throw new BodyError('chunked-not-final');
    if (codings.indexOf('chunked') !== codings.length - 1) throw new BodyError('chunked-twice');
    const unknown = codings.find((coding) => coding !== 'chunked');
    if (unknown !== undefined) throw new BodyError('unknown-coding', unknown);
    return { kind: 'chunked' };
  }
  if (lengths.length === 0) return { kind: 'none' };
  // §6.3, rule 5: "If a message is received without Transfer-Encoding and with an invalid
  // Content-Length header field, then the message framing is invalid"; RFC 9110 §8.6 lets a
  // recipient accept "42, 42", and this server refuses every repetition, as llhttp does.
  const [length] = lengths;
  if (lengths.length > 1 || length === undefined || !CONTENT_LENGTH.test(length)) {
    throw new BodyError('bad-content-length', lengths.join(', '));
  }
  const value = Number(length);
  if (value > (options.maxBytes ?? DEFAULT_MAX_BODY_BYTES))
    throw new BodyError('too-large', length);
  return value === 0 ? { kind: 'none' } : { kind: 'length', length: value };
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
  switch (framing.kind) {
    case 'none':
      return { push: (bytes) => ({ done: true, data: EMPTY, rest: bytes, trailers: [] }) };
    case 'length':
      return lengthDecoder(framing.length);
    case 'chunked':
      return chunkedDecoder(options.maxBytes ?? DEFAULT_MAX_BODY_BYTES);
  }
}

/** RFC 9112 §6.2: the body is exactly Content-Length octets; what follows is the next message. */
function lengthDecoder(length: number): BodyDecoder {
  let remaining = length;
  return {
    push(bytes) {
      const take = Math.min(remaining, bytes.length);
      remaining -= take;
      const data = bytes.subarray(0, take);
      if (remaining > 0) return { done: false, data };
      return { done: true, data, rest: bytes.subarray(take), trailers: [] };
    },
  };
}

/**
 * RFC 9112 §7.1:
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 */
function chunkedDecoder(maxBytes: number): BodyDecoder {
  type State = 'size-line' | 'data' | 'data-end' | 'trailer';
  let state: State = 'size-line';
  let line: number[] = [];
  let remaining = 0;
  let total = 0;
  let dataEnd: number[] = [];
  const trailerLines: string[] = [];

  /** Adds one octet to the current line; returns the line once its CRLF is complete. */
  function lineOctet(octet: number): string | undefined {
    if (line.length >= MAX_LINE_BYTES) throw new BodyError('line-too-long');
    line.push(octet);
    const last = line.length - 1;
    if (octet === LF) {
      // RFC 9112 §7.1 lines end in CRLF; a bare LF here is how chunked-parsing
      // differences between a proxy and a server smuggle requests
      if (line[last - 1] !== CR) throw new BodyError('bad-line-ending', latin1(line));
      const text = latin1(line.slice(0, -2));
      line = [];
      return text;
    }
    if (line[last - 1] === CR) throw new BodyError('bad-line-ending', latin1(line));
    return undefined;
  }

  function chunkSize(text: string): number {
    const digits = CHUNK_SIZE.exec(text)?.[0];
    if (digits === undefined) throw new BodyError('bad-chunk-size', text);
    if (!CHUNK_EXT.test(text.slice(digits.length))) throw new BodyError('bad-chunk-ext', text);
    // a JS number does not wrap as a 64-bit integer would: a huge size stays huge, and too large
    const size = Number.parseInt(digits, 16);
    if (total + size > maxBytes) throw new BodyError('too-large', text);
    return size;
  }

  return {
    push(bytes) {
      const data: Uint8Array[] = [];
      let index = 0;
      while (index < bytes.length) {
        if (state === 'data') {
          const take = Math.min(remaining, bytes.length - index);
          data.push(bytes.subarray(index, index + take));
          remaining -= take;
          index += take;
          if (remaining === 0) state = 'data-end';
          continue;
        }
        const octet = bytes[index] ?? 0;
        index += 1;
        if (state === 'data-end') {
          // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
          dataEnd.push(octet);
          if (dataEnd[0] !== CR || (dataEnd.length === 2 && dataEnd[1] !== LF)) {
            throw new BodyError('bad-line-ending', latin1(dataEnd));
          }
          if (dataEnd.length === 2) {
            dataEnd = [];
            state = 'size-line';
          }
          continue;
        }
        const text = lineOctet(octet);
        if (text === undefined) continue;
        if (state === 'size-line') {
          remaining = chunkSize(text);
          total += remaining;
          state = remaining === 0 ? 'trailer' : 'data';
        } else if (text !== '') {
          trailerLines.push(text);
        } else {
          // trailer-section CRLF: the empty line ends the message
          return {
            done: true,
            data: Buffer.concat(data),
            rest: bytes.subarray(index),
            trailers: trailerFields(trailerLines),
          };
        }
      }
      return { done: false, data: Buffer.concat(data) };
    },
  };
}

/** RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), read with kata 18's parser. */
function trailerFields(lines: readonly string[]): readonly FieldLine[] {
  try {
    return parseHeaders(lines, { version: 'HTTP/1.0' }).lines;
  } catch (error) {
    throw new BodyError('bad-trailer', error instanceof Error ? error.message : String(error));
  }
}

function latin1(octets: readonly number[]): string {
  return String.fromCharCode(...octets);
}
