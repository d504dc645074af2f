/**
 * The Fetch shape on the gateway interface: a handler that takes a `Request` and gives back a
 * `Response` (the Fetch Standard's own classes, as Deno, Bun, Cloudflare Workers and Hono
 * write them) adapted to a kata 33 app, so kata 34's server runs it. Both bodies stream: the
 * request's is a `ReadableStream` over `gateway.input`, the response's is read one chunk each
 * time the server asks for one; the request's `signal` aborts when the server ends the
 * response before its body was sent to the end (the client went away).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import type { GatewayOptions } from '../34-implement-the-gateway-interface/gateway-server.ts';

/** What Deno.serve, Bun.serve, a Worker's `fetch` and Hono's `app.fetch` are. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * The Fetch `Request` of one environ:
 *
 * - the URL as PEP 3333's "URL Reconstruction" builds it: `gateway.url_scheme`, `://`, the
 *   HTTP_HOST (when it is missing or empty: SERVER_NAME `:` SERVER_PORT), then SCRIPT_NAME +
 *   PATH_INFO percent-encoded again (PATH_INFO is decoded; a `%`, `?` or `#` in it stays part
 *   of the path), then `?` and QUERY_STRING when it is not empty;
 * - the method: REQUEST_METHOD as it is;
 * - the header fields: each HTTP_NAME_PART as `name-part`, CONTENT_TYPE and CONTENT_LENGTH
 *   as Content-Type and Content-Length when they are not empty;
 * - the body: a ReadableStream over `gateway.input` that reads a chunk only when the handler
 *   reads one (none read ahead; a cancel stops the input), with `duplex: 'half'`; `null` for
 *   GET and HEAD, and for a request that has neither CONTENT_LENGTH nor Transfer-Encoding;
 * - `signal`, when given.
 */
export function requestOf(environ: Environ, signal?: AbortSignal): Request {
  throw new KataTodo('requestOf');
}

/**
 * `handler` as a kata 33 app. The handler is called (with `requestOf(environ, signal)`) when
 * the server first asks the result for a chunk. Then:
 *
 * - `startResponse` gets `"<status> <reason>"`, the reason being the Response's `statusText`,
 *   else kata 20's REASON_PHRASES, else the class of the code (RFC 9110 §15: `Successful`,
 *   `Redirection`, `Client Error`, `Server Error`); and the fields in the Headers' order,
 *   hop-by-hop ones (RFC 9110 §7.6.1: Connection, Proxy-Connection, Keep-Alive, TE,
 *   Transfer-Encoding, Upgrade) left out, then each Set-Cookie as a field of its own;
 * - the body: one chunk of `response.body` read for each chunk the server asks for, none
 *   read ahead; a HEAD request gets no body (the Response's is cancelled, unread);
 * - `close()` of the result, when the body was not read to its end, aborts the Request's
 *   `signal` and cancels the Response's body; after the end it does nothing.
 */
export function fetchApp(handler: FetchHandler): App {
  throw new KataTodo('fetchApp');
}

/** `handler` served by kata 34's server (`serveGateway(fetchApp(handler), options)`). */
export function serveFetch(handler: FetchHandler, options: GatewayOptions = {}): net.Server {
  throw new KataTodo('serveFetch');
}
