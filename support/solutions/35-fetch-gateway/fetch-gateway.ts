/**
 * The Fetch shape on the gateway interface: a handler that takes a `Request` and gives back a
 * `Response` (the Fetch Standard's own classes, as Deno, Bun, Cloudflare Workers and Hono
 * write them) adapted to a kata 33 app, so kata 34's server runs it. Both bodies stream: the
 * request's is a `ReadableStream` over `gateway.input`, the response's is read one chunk each
 * time the server asks for one; the request's `signal` aborts when the server ends the
 * response before its body was sent to the end (the client went away).
 */
import type net from 'node:net';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import type { App, Environ, ResponseHeaders } from '../33-gateway-apps/gateway.ts';
import {
  type GatewayOptions,
  serveGateway,
} from '../34-implement-the-gateway-interface/gateway-server.ts';

/** What Deno.serve, Bun.serve, a Worker's `fetch` and Hono's `app.fetch` are. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** RFC 9110 §15: the class of a status code, its first digit, for a code with no phrase. */
const CLASS_REASONS = {
  '2': 'Successful',
  '3': 'Redirection',
  '4': 'Client Error',
  '5': 'Server Error',
} as const;

/**
 * RFC 9110 §7.6.1: Connection, and the fields "known to require removal before forwarding":
 * "Proxy-Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade". They belong to one
 * connection; the server frames its own.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
]);

/**
 * PEP 3333, "URL Reconstruction": the scheme, then HTTP_HOST when there is one, else
 * SERVER_NAME and SERVER_PORT; then SCRIPT_NAME and PATH_INFO quoted again, and the query.
 */
function urlOf(environ: Environ): string {
  // PEP 3333: "if environ.get('HTTP_HOST')": an empty Host counts as none
  const host = environ.HTTP_HOST || `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
  // PATH_INFO is decoded (RFC 3875 §4.1.5): quote it again, `%`, `?` and `#` included, so
  // the URL parser reads it back as the same path (a decoded %2F stays a `/`)
  const path = encodeURI(environ.SCRIPT_NAME + environ.PATH_INFO)
    .replaceAll('?', '%3F')
    .replaceAll('#', '%23');
  const query = environ.QUERY_STRING === '' ? '' : `?${environ.QUERY_STRING}`;
  // the URL parser drops a default port (:80 for http, :443 for https) as PEP 3333 does
  return `${environ['gateway.url_scheme']}://${host}${path}${query}`;
}

/** RFC 3875 §4.1.18 backwards: HTTP_USER_AGENT is the field User-Agent (names are case-insensitive). */
function headersOf(environ: Environ): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(environ)) {
    if (key.startsWith('HTTP_') && typeof value === 'string') {
      headers.append(key.slice('HTTP_'.length).replaceAll('_', '-'), value);
    }
  }
  // RFC 3875 §4.1.2, §4.1.3: these two have no HTTP_ twin
  if (environ.CONTENT_TYPE !== '') headers.set('content-type', environ.CONTENT_TYPE);
  if (environ.CONTENT_LENGTH !== '') headers.set('content-length', environ.CONTENT_LENGTH);
  return headers;
}

/**
 * `gateway.input` as a ReadableStream that pulls one chunk each time the handler reads
 * (highWaterMark 0: nothing is read ahead), and tells the input it is no longer wanted when
 * the handler cancels.
 */
function bodyOf(input: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const chunks = input[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** RFC 9112 §6.3: a request has a body when it says Content-Length or Transfer-Encoding. */
function hasBody(environ: Environ): boolean {
  // the Fetch Standard: "If either init["body"] exists and is non-null or inputBody is
  // non-null, and request's method is `GET` or `HEAD`, then throw a TypeError"
  if (environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD') return false;
  return environ.CONTENT_LENGTH !== '' || environ.HTTP_TRANSFER_ENCODING !== undefined;
}

/**
 * The Fetch `Request` of one environ: the URL rebuilt as PEP 3333 says, the method, the
 * header fields from HTTP_* (and CONTENT_TYPE, CONTENT_LENGTH), the body a stream over
 * `gateway.input` (none for GET and HEAD, which fetch forbids to have one, nor for a
 * request without Content-Length or Transfer-Encoding), and `signal`.
 */
export function requestOf(environ: Environ, signal?: AbortSignal): Request {
  const body = hasBody(environ) ? bodyOf(environ['gateway.input']) : null;
  // Node's Request refuses a stream body without duplex "half", the Fetch Standard's only
  // value (a client sends the whole request before it reads the response); on a server's
  // side of the exchange it changes nothing
  return new Request(urlOf(environ), {
    method: environ.REQUEST_METHOD,
    headers: headersOf(environ),
    body,
    duplex: 'half',
    signal,
  });
}

/** PEP 3333's status: the code and a reason phrase, kata 20's when the Response has none. */
function statusOf(response: Response): string {
  const digit = String(response.status)[0] as keyof typeof CLASS_REASONS;
  const reason = response.statusText || REASON_PHRASES[response.status] || CLASS_REASONS[digit];
  return `${response.status} ${reason}`;
}

/** The Response's fields in PEP 3333's shape; each Set-Cookie its own field (RFC 6265 §3). */
function fieldsOf(response: Response): ResponseHeaders {
  const fields: (readonly [string, string])[] = [];
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie' && !HOP_BY_HOP.has(name)) fields.push([name, value]);
  }
  // RFC 9110 §5.3: Set-Cookie cannot be combined into one field with commas: the Fetch
  // Standard's getSetCookie() gives each one apart, where get() would join them
  for (const cookie of response.headers.getSetCookie()) fields.push(['set-cookie', cookie]);
  return fields;
}

/**
 * `handler` as a kata 33 app. The handler is called on the first iteration; its Response's
 * status and fields go to `startResponse`, then its body is read one chunk per iteration,
 * so the server's wait for 'drain' holds the handler back too. A response to HEAD has no
 * body: the handler's is cancelled unread. `close()` before the body's end aborts the
 * request's signal and cancels the response body.
 */
export function fetchApp(handler: FetchHandler): App {
  return (environ, startResponse) => {
    const controller = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let ended = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      const response = await handler(requestOf(environ, controller.signal));
      startResponse(statusOf(response), fieldsOf(response));
      // RFC 9110 §9.3.2: "the server MUST NOT send content in the response" to HEAD
      if (environ.REQUEST_METHOD === 'HEAD') {
        await response.body?.cancel();
      } else if (response.body !== null) {
        reader = response.body.getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          yield next.value;
        }
      }
      ended = true;
    }
    return Object.assign(body(), {
      close() {
        if (ended) return;
        // the server stopped before the end: the client went away, or the server gave up
        controller.abort();
        // a handler's stream that fails to cancel is its own loss, never the server's
        reader?.cancel().catch(() => {});
      },
    });
  };
}

/** `handler` served by kata 34's server: `serveFetch(app.fetch)` runs a Hono app. */
export function serveFetch(handler: FetchHandler, options: GatewayOptions = {}): net.Server {
  return serveGateway(fetchApp(handler), options);
}
