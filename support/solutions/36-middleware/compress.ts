/**
 * Content coding as middleware: the coding chosen from the request's Accept-Encoding
 * (RFC 9110 §12.5.3, weights of §12.4.2), the body streamed through node:zlib, and
 * `Vary: Accept-Encoding` on every response the choice could have changed (§12.5.5).
 */
import zlib from 'node:zlib';
import type { App, Environ, StartResponse } from '../33-gateway-apps/gateway.ts';
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

/** RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
/** RFC 9110 §12.4.2: weight = OWS ";" OWS "q=" qvalue; "q" is case-insensitive. */
const WEIGHT = /^q=(.*)/i;
/** RFC 9110 §8.4.1.3: "A recipient SHOULD consider "x-gzip" to be equivalent to "gzip"." */
const ALIASES: Readonly<Record<string, string>> = { 'x-gzip': 'gzip' };

/**
 * The weight of each coding the field names, lowercase: RFC 9110 §8.4.1, "All content
 * codings are case-insensitive". An element that is not `coding [ weight ]` is ignored.
 */
function weights(acceptEncoding: string): Map<string, number> {
  const named = new Map<string, number>();
  for (const element of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = element.split(';').map((part) => part.trim());
    // RFC 9110 §12.5.3: codings [ weight ], and no other parameter
    if (parameters.length > 1) continue;
    // RFC 9110 §12.4.2: "If no "q" parameter is present, the default weight is 1."
    let weight = 1;
    if (parameters.length === 1) {
      const q = WEIGHT.exec(parameters[0] ?? '')?.[1] ?? '';
      if (!QVALUE.test(q)) continue;
      weight = Number(q);
    }
    const coding = name.toLowerCase();
    named.set(ALIASES[coding] ?? coding, weight);
  }
  return named;
}

/**
 * The coding to send, given the request's Accept-Encoding (combined, `undefined` when the
 * request has none) and the codings on offer, in the server's order of preference.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  available: readonly ContentCoding[],
): Negotiated {
  // No field: RFC 9110 §12.5.3 allows any coding, but a client that sends none (curl
  // without --compressed) may not decode one: send the content as it is.
  if (acceptEncoding === undefined) return 'identity';
  const named = weights(acceptEncoding);
  // RFC 9110 §12.5.3: "The asterisk "*" symbol in an Accept-Encoding field matches any
  // available content coding not explicitly listed in the field."
  const wildcard = named.get('*') ?? 0;
  let best: Negotiated = 'identity';
  let bestWeight = 0;
  for (const coding of available) {
    const weight = named.get(coding) ?? wildcard;
    // RFC 9110 §12.4.2: "a value of 0 means "not acceptable""; a tie keeps the earlier
    if (weight > bestWeight) [best, bestWeight] = [coding, weight];
  }
  // RFC 9110 §12.5.3: "identity" is "a synonym for "no encoding""; listed, it is weighed
  // like a coding, and wins only when the client prefers it.
  if ((named.get('identity') ?? 0) > bestWeight) return 'identity';
  return best;
}

/** RFC 9110 §6.4.1: "All 1xx (Informational), 204 (No Content), and 304 (Not Modified) responses do not include content." */
const hasNoContent = (code: number) => code < 200 || code === 204 || code === 304;

const fieldOf = (headers: readonly (readonly [string, string])[], name: string) =>
  headers.find(([field]) => field.toLowerCase() === name)?.[1];

/** Whether a response is one to compress, whatever the client accepts. */
function compressible(
  environ: Environ,
  status: string,
  headers: readonly (readonly [string, string])[],
  threshold: number,
): boolean {
  // RFC 9110 §9.3.2: a HEAD response has no content to encode
  if (environ.REQUEST_METHOD === 'HEAD' || hasNoContent(Number(status.slice(0, 3)))) return false;
  // RFC 9110 §8.4: already encoded; a second coding buys nothing
  if (fieldOf(headers, 'content-encoding') !== undefined) return false;
  const length = fieldOf(headers, 'content-length');
  return length === undefined || Number(length) >= threshold;
}

/** node:zlib's stream for each coding, and the flush that pushes out what it holds. */
const ENCODERS = {
  gzip: { create: () => zlib.createGzip(), flush: zlib.constants.Z_SYNC_FLUSH },
  br: { create: () => zlib.createBrotliCompress(), flush: zlib.constants.BROTLI_OPERATION_FLUSH },
} as const satisfies Record<ContentCoding, unknown>;

/** A node:zlib stream that hands back what it has after each flush. */
function encoder(coding: ContentCoding) {
  const { create, flush } = ENCODERS[coding];
  const stream = create();
  const out: Uint8Array[] = [];
  stream.on('data', (chunk: Uint8Array) => out.push(chunk));
  return {
    /** Encodes a chunk and flushes, so that a streamed body streams. */
    async push(chunk: Uint8Array): Promise<Uint8Array[]> {
      stream.write(chunk);
      await new Promise<void>((resolve) => stream.flush(flush, () => resolve()));
      return out.splice(0);
    },
    async end(): Promise<Uint8Array[]> {
      const ended = new Promise<void>((resolve) => stream.once('end', resolve));
      stream.end();
      await ended;
      return out.splice(0);
    },
  };
}

/**
 * Compresses the responses of `app` with the coding the client prefers of
 * `options.codings`: Content-Encoding set, Content-Length dropped, a strong ETag made weak
 * (RFC 9110 §8.8.3), `Vary: Accept-Encoding` added. HEAD, 1xx, 204 and 304 responses, ones
 * already encoded and ones whose Content-Length is below `options.threshold` pass unchanged.
 */
export function compress(options: CompressOptions = {}): Middleware {
  const codings = options.codings ?? DEFAULT_CODINGS;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  return (app: App): App =>
    (environ, startResponse) => {
      let coder: ReturnType<typeof encoder> | undefined;
      const written: Uint8Array[] = [];
      const start: StartResponse = (status, headers, excInfo) => {
        coder = undefined;
        written.length = 0;
        if (!compressible(environ, status, headers, threshold)) {
          return startResponse(status, headers, excInfo);
        }
        // RFC 9110 §12.5.5: the response depends on Accept-Encoding, whatever was chosen
        const vary: [string, string] = ['Vary', 'Accept-Encoding'];
        const coding = negotiateEncoding(environ.HTTP_ACCEPT_ENCODING, codings);
        if (coding === 'identity') return startResponse(status, [...headers, vary], excInfo);
        coder = encoder(coding);
        const encoded = headers
          // RFC 9110 §8.6: the encoded length is not known until the end
          .filter(([name]) => name.toLowerCase() !== 'content-length')
          // RFC 9110 §8.8.3: a strong validator names these exact octets; they change
          .map(([name, value]): [string, string] =>
            name.toLowerCase() === 'etag' && !value.startsWith('W/')
              ? [name, `W/${value}`]
              : [name, value],
          );
        startResponse(status, [...encoded, ['Content-Encoding', coding], vary], excInfo);
        // PEP 3333's write(): its bytes come before the iterable's, encoded the same way
        return (chunk) => void written.push(chunk);
      };
      const result = app(environ, start);
      async function* body(): AsyncGenerator<Uint8Array> {
        for await (const chunk of result) {
          if (coder === undefined) yield chunk;
          else for (const piece of [...written.splice(0), chunk]) yield* await coder.push(piece);
        }
        if (coder === undefined) return;
        for (const piece of written.splice(0)) yield* await coder.push(piece);
        yield* await coder.end();
      }
      return Object.assign(body(), { close: () => result.close?.() });
    };
}
