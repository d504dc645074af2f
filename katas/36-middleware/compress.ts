/**
 * Content coding as middleware: the coding chosen from the request's Accept-Encoding
 * (RFC 9110 §12.5.3, weights of §12.4.2), the body streamed through node:zlib, and
 * `Vary: Accept-Encoding` on every response the choice could have changed (§12.5.5).
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { Middleware } from './middleware.ts';

/** RFC 9110 §8.4.1: the content codings this middleware can apply. */
export type ContentCoding = 'br' | 'gzip';

/** What a negotiation chooses: a coding, or "no encoding" (RFC 9110 §12.5.3). */
export type Negotiated = ContentCoding | 'identity';

/** The codings the middleware offers, in its order of preference for a tie. */
export const DEFAULT_CODINGS: readonly ContentCoding[] = ['br', 'gzip'];

/** Bodies shorter than this (by their Content-Length) are sent as they are. */
export const DEFAULT_THRESHOLD = 1024;

export interface CompressOptions {
  /** The codings offered, the first preferred when the client weighs two the same. */
  readonly codings?: readonly ContentCoding[];
  /** A response whose Content-Length is below this is left alone. */
  readonly threshold?: number;
}

/**
 * The coding to send, given the request's Accept-Encoding (combined, `undefined` when the
 * request has none) and the codings on offer, in the server's order of preference.
 *
 * - no field, an empty field, or no acceptable coding on offer: `'identity'`;
 * - each element is `coding [ OWS ";" OWS "q=" qvalue ]`; names and "q" in any case;
 *   `x-gzip` is `gzip`; an element that does not parse is ignored;
 * - a coding's weight is its own element's, else the `*` element's, else 0 (not acceptable);
 * - the coding of highest weight above 0 wins; a tie goes to the earlier in `available`;
 * - an `identity` element wins only with a weight higher than that coding's.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  available: readonly ContentCoding[],
): Negotiated {
  throw new KataTodo('negotiateEncoding');
}

/**
 * Compresses the responses of `app` with the coding the client prefers of
 * `options.codings`: Content-Encoding set, Content-Length dropped, a strong ETag made weak
 * (RFC 9110 §8.8.3), `Vary: Accept-Encoding` added, each chunk flushed through a node:zlib
 * stream as it comes. HEAD, 1xx, 204 and 304 responses, ones already encoded and ones whose
 * Content-Length is below `options.threshold` pass unchanged, without Vary.
 */
export function compress(options: CompressOptions = {}): Middleware {
  throw new KataTodo('compress');
}
