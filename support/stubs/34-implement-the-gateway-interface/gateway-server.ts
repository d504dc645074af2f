/**
 * A gateway server: any app written to kata 33's interface (PEP 3333's idea) run on bare `net`
 * sockets. Each request's head is read and checked with kata 27's reader, its body streamed
 * to the app through `gateway.input` with kata 19's decoder, and the app's chunks sent as
 * they come: the head with the first non-empty one, Content-Length passed through or chunked
 * coding, a wait for 'drain' between chunks, `close()` always called, the connection kept by
 * kata 31's rules.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { ConnectionInfo, HttpRequest, ServerOptions } from '../27-hello-server/server.ts';
import type { App, Environ, ErrorStream, UrlScheme } from '../33-gateway-apps/gateway.ts';

/** A request as far as its head: what the environ is built from (the body streams apart). */
export type RequestHead = Omit<HttpRequest, 'body' | 'trailers'>;

export interface EnvironOptions {
  /** SCRIPT_NAME: the path prefix the app is mounted at, `''` (the root) by default. */
  readonly scriptName?: string;
  /** `gateway.url_scheme`, `'http'` by default. */
  readonly urlScheme?: UrlScheme;
  /** `gateway.errors`, the server's standard error by default. */
  readonly errors?: ErrorStream;
  /** `gateway.input`: the request body; none: an empty body. */
  readonly input?: AsyncIterable<Uint8Array>;
}

export interface GatewayOptions extends ServerOptions, Omit<EnvironOptions, 'input'> {}

/** The body of a 400 for a path whose percent-encoding is not UTF-8 (RFC 3986 §2.1). */
export const BAD_PATH_TEXT = 'The path is not percent-encoded UTF-8.\n';
/** The body of a 417: an expectation this server does not know. */
export const EXPECTATION_FAILED_TEXT = 'This server meets no expectation but 100-continue.\n';

/**
 * The environ of one request (PEP 3333, "environ Variables"): kata 32's meta-variables, the
 * nine CGI names of kata 33 always set (`''` when empty), CONTENT_LENGTH as the client sent it
 * (`''` for a chunked body, whose length is not known yet), PATH_INFO percent-decoded after
 * SCRIPT_NAME, REQUEST_URI the request-target as sent (not RFC 3875's: Apache's and
 * gunicorn's name), and the `gateway.*` keys. Pure: it reads nothing, it only builds.
 *
 * @throws URIError when the path's percent-encoding is not UTF-8
 */
export function environOf(
  request: RequestHead,
  connection: ConnectionInfo,
  options: EnvironOptions = {},
): Environ {
  throw new KataTodo('environOf');
}

/** `module:export`, as gunicorn's `APP_MODULE`: where the app of a command line is. */
export interface AppSpec {
  readonly module: string;
  readonly name: string;
}

/** The usage line of the command line. */
export const USAGE = 'usage: serve.ts path/to/app.ts:export [port]';

/**
 * Reads `path/to/app.ts:hello`: the module is everything before the LAST colon (a Windows
 * path has one of its own), the export what follows; a missing colon, module or name is an
 * error.
 *
 * @throws Error with USAGE
 */
export function appSpec(text: string): AppSpec {
  throw new KataTodo('appSpec');
}

/**
 * A `net.Server` that runs `app` for every request, on connections that persist by kata 31's
 * `persistence` (one request at a time, pipelined ones answered in order):
 *
 * - the head is checked with kata 27's reader: a RequestError is answered with its status and
 *   a close; `Expect: 100-continue` gets its 100 when the app first reads `gateway.input`,
 *   any other expectation a 417 and a close;
 * - the app is called as soon as the head has arrived; the body streams to `gateway.input`;
 * - the status-line and fields go out with the first non-empty chunk (or at the end of an
 *   empty body); a `Date` is added when the app sent none; the app's Content-Length is passed
 *   through, otherwise the body is chunked (HTTP/1.1) or delimited by the close (HTTP/1.0);
 *   a HEAD, 1xx, 204 or 304 response sends no content;
 * - each chunk is written, and the next asked for only after 'drain' when the socket's buffer
 *   is full; a client that goes away stops the iteration;
 * - `close()` of the result is called once, however the response ends;
 * - an app that throws (or breaks start_response's rules) before the head is sent gives a
 *   500 and a close; after, the connection is destroyed, the response cut short; so is a body
 *   longer or shorter than its Content-Length.
 */
export function serveGateway(app: App, options: GatewayOptions = {}): net.Server {
  throw new KataTodo('serveGateway');
}

/** Kata 33's `debug` app on this server: `npm run kata 34 -- --serve` runs it. */
export function serveDebug(options: GatewayOptions = {}): net.Server {
  throw new KataTodo('serveDebug');
}
