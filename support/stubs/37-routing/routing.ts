/**
 * A router in web.py's spirit (`urls = ('/hello/(.*)', 'hello')`): a table of regular
 * expressions, each anchored at both ends, the first that matches the path wins; its groups,
 * percent-decoded after the path was split, are the handler's arguments; the handler is the
 * resource's method of the request's method. An app in the table is mounted on a prefix.
 * The router is itself a kata 33 app.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import type { App, Environ, ResponseHeaders } from '../33-gateway-apps/gateway.ts';

/** The methods a resource may define, in the order `Allow` lists them (RFC 9110 §9.3). */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];

/** What a handler answers: a string (UTF-8) or bytes for a 200, or a whole response. */
export type Reply =
  | string
  | Uint8Array
  | {
      /** 200 when left out. */
      readonly status?: number;
      /** The response's fields; the router adds Content-Type and Content-Length where missing. */
      readonly headers?: ResponseHeaders;
      /** A string is sent as UTF-8; empty when left out. */
      readonly body?: string | Uint8Array;
    };

/** The Content-Type of a reply that sets none. */
export const DEFAULT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** The reason phrase of a status RFC 9110 names none for. */
export const UNKNOWN_REASON = 'Unknown';

/**
 * An error with a status: thrown by a handler, answered by the router with its status, its
 * headers and its message as text/plain. The message is the reason phrase when none is given.
 * Given, not a task.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly headers: ResponseHeaders;
  constructor(status: number, message?: string, headers: ResponseHeaders = []) {
    super(message ?? REASON_PHRASES[status] ?? UNKNOWN_REASON);
    this.status = status;
    this.headers = headers;
  }
}

/** A method of a resource: the environ, then the pattern's groups, decoded, in order. */
export type Handler = (environ: Environ, ...args: string[]) => Reply | Promise<Reply>;
/** web.py's class with GET, POST, …: a handler per method it answers. */
export type Resource = Partial<Record<Method, Handler>>;
/** A pattern (a regular expression, `^…$` added) and what answers it: a resource, or a mounted app. */
export type Route = readonly [pattern: string, target: Resource | App];

/** The environ key the named groups are put under (in the spirit of wsgiorg.routing_args). */
export const ROUTE_PARAMS = 'routing.params';

/**
 * The named groups of the routes that led to this environ, decoded, under `ROUTE_PARAMS`: a
 * mount's and then the resource's route's (the later wins a name both use). `{}` for an
 * environ no router has seen.
 */
export function routeParams(environ: Environ): Readonly<Record<string, string>> {
  throw new KataTodo('routeParams');
}

/**
 * The app that answers by the table. For each request:
 *
 * - the path the patterns see is REQUEST_URI's path after SCRIPT_NAME, with every `%XX` decoded
 *   but `%2F` and `%25`; where there is no REQUEST_URI that agrees with SCRIPT_NAME and
 *   PATH_INFO, PATH_INFO (with `%` as `%25`);
 * - the first route whose pattern matches wins; a resource's pattern must match the whole path
 *   (`^(?:pattern)$`, flags `s` and `u`: `.` is any one code point, a line break too), a
 *   mounted app's a prefix that ends at a `/` or at the end;
 * - a resource: the groups, each percent-decoded once (an unmatched one `''`), are the
 *   arguments of its handler for REQUEST_METHOD; the named ones are also in
 *   `routeParams(environ)` of the environ the handler gets (a copy);
 * - no route matches: 404; a method outside `METHODS`: 501; a resource without it: 405 with
 *   `Allow` (`GET, HEAD, POST`, in METHODS' order, HEAD where there is GET); HEAD without its
 *   own handler calls GET's;
 * - the reply, or the HttpError the handler threw (status, headers, message as the body), is
 *   sent with its status and reason phrase, Content-Type `DEFAULT_CONTENT_TYPE` and the
 *   Content-Length of its body unless its headers have them; to HEAD without the body; a 204
 *   or 304 with neither field nor body. Any other error goes on, unanswered;
 * - a mounted app is called with the matched prefix, decoded, moved from PATH_INFO to the end
 *   of SCRIPT_NAME, and `routeParams` holding the prefix's named groups.
 *
 * @throws SyntaxError when a pattern is not a regular expression, when the table is built
 */
export function router(routes: readonly Route[]): App {
  throw new KataTodo('router');
}
