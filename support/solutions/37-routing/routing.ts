/**
 * A router in web.py's spirit (`urls = ('/hello/(.*)', 'hello')`): a table of regular
 * expressions, each anchored at both ends, the first that matches the path wins; its groups,
 * percent-decoded after the path was split, are the handler's arguments; the handler is the
 * resource's method of the request's method. An app in the table is mounted on a prefix.
 * The router is itself a kata 33 app.
 */
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import type { App, Environ, ResponseHeaders, StartResponse } from '../33-gateway-apps/gateway.ts';

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
  return (environ as { [ROUTE_PARAMS]?: Record<string, string> })[ROUTE_PARAMS] ?? {};
}

const encoder = new TextEncoder();

/** A route as the router keeps it: the pattern compiled once, when the table is built. */
interface Compiled {
  readonly pattern: RegExp;
  readonly target: Resource | App;
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
  const table: Compiled[] = routes.map(([pattern, target]) => ({
    // a mount's pattern ends where a segment ends; a resource's where the path ends
    // u: `.` is one code point; s: a decoded %0A is a character like any other
    pattern: new RegExp(`^(?:${pattern})${typeof target === 'function' ? '(?=/|$)' : '$'}`, 'su'),
    target,
  }));
  return (environ, startResponse) => {
    const path = pathOf(environ);
    for (const { pattern, target } of table) {
      const match = pattern.exec(path);
      if (match === null) continue;
      const params = {
        ...routeParams(environ),
        ...Object.fromEntries(
          Object.entries(match.groups ?? {}).map(([name, value]) => [name, decode(value)]),
        ),
      };
      if (typeof target !== 'function') {
        const routed = { ...environ, [ROUTE_PARAMS]: params } as Environ;
        const args = match.slice(1).map(decode);
        return respond(routed, startResponse, () =>
          handlerOf(target, environ.REQUEST_METHOD)(routed, ...args),
        );
      }
      // PEP 3333's shift: the prefix moves from PATH_INFO to SCRIPT_NAME
      const prefix = decode(match[0]);
      return target(
        {
          ...environ,
          SCRIPT_NAME: environ.SCRIPT_NAME + prefix,
          PATH_INFO: environ.PATH_INFO.slice(prefix.length),
          [ROUTE_PARAMS]: params,
        } as Environ,
        startResponse,
      );
    }
    return respond(environ, startResponse, () => {
      throw new HttpError(404);
    });
  };
}

/** A group's text: decoded once; an unmatched optional group is `''`. */
function decode(text: string | undefined): string {
  return decodeURIComponent(text ?? '');
}

/**
 * The path the patterns see: the raw path after SCRIPT_NAME, every escape decoded but the two
 * that would change how it splits, `%2F` (a `/` inside a segment) and `%25` (a `%` itself), so
 * that `/a%2Fb` stays one segment and each group decodes once. Without a REQUEST_URI that
 * agrees with SCRIPT_NAME and PATH_INFO, PATH_INFO, whose `/` and `%2F` are one.
 */
function pathOf(environ: Environ): string {
  const { SCRIPT_NAME: script, PATH_INFO: info, REQUEST_URI: uri } = environ;
  if (uri !== undefined) {
    // RFC 3986 §2.2: an encoded "/" is data, not a delimiter; §2.4: decode a component once
    const path = uri
      .replace(/\?.*$/su, '')
      .split(/(%2[Ff5])/)
      .map((part, i) => (i % 2 === 0 ? decodeURIComponent(part) : part))
      .join('');
    const segments = path.split('/');
    for (let k = 1; k <= segments.length; k++) {
      const mounted = segments.slice(0, k).join('/');
      const rest = path.slice(mounted.length);
      if (decode(mounted) === script && decode(rest) === info) return rest;
    }
  }
  return info.replaceAll('%', '%25');
}

/** The handler HEAD falls back on: GET's (RFC 9110 §9.3.2: HEAD is "identical to GET except
 * that the server MUST NOT send content in the response"). */
function handlerFor(resource: Resource, method: Method): Handler | undefined {
  return resource[method] ?? (method === 'HEAD' ? resource.GET : undefined);
}

/** @throws HttpError 501 for a method outside `Method`, 405 for one the resource lacks */
function handlerOf(resource: Resource, method: string): Handler {
  // RFC 9110 §9.1: "An origin server that receives a request method that is unrecognized or
  // not implemented SHOULD respond with the 501 (Not Implemented) status code"
  if (!METHODS.includes(method as Method)) throw new HttpError(501);
  const handler = handlerFor(resource, method as Method);
  if (handler !== undefined) return handler;
  // RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405 response
  // containing a list of the target resource's currently supported methods"
  const allowed = METHODS.filter((m) => handlerFor(resource, m) !== undefined);
  throw new HttpError(405, undefined, [['Allow', allowed.join(', ')]]);
}

/** Runs `answer` and sends its reply, or the HttpError it threw; any other error goes on. */
async function* respond(
  environ: Environ,
  startResponse: StartResponse,
  answer: () => Reply | Promise<Reply>,
): AsyncGenerator<Uint8Array> {
  let reply: Reply;
  try {
    reply = await answer();
  } catch (error) {
    // not the router's: it goes on to the server (or to kata 36's errors(), a 500)
    if (!(error instanceof HttpError)) throw error;
    reply = { status: error.status, headers: error.headers, body: error.message };
  }
  const {
    status = 200,
    headers = [],
    body = '',
  } = typeof reply === 'string' || reply instanceof Uint8Array ? { body: reply } : reply;
  const content = typeof body === 'string' ? encoder.encode(body) : body;
  const fields = [...headers];
  const has = (name: string) => fields.some(([field]) => field.toLowerCase() === name);
  // RFC 9110 §6.4.1: a 204 or 304 has no content, so no type or length of its own; §8.6: "A
  // server MUST NOT send a Content-Length header field in any response with a status code of
  // ... 204"
  const noContent = status === 204 || status === 304;
  if (!noContent && !has('content-type')) fields.push(['Content-Type', DEFAULT_CONTENT_TYPE]);
  // RFC 9110 §9.3.2: to HEAD, the fields the GET would have, Content-Length included
  if (!noContent && !has('content-length')) {
    fields.push(['Content-Length', String(content.byteLength)]);
  }
  startResponse(`${status} ${REASON_PHRASES[status] ?? UNKNOWN_REASON}`, fields);
  // RFC 9110 §9.3.2: "the server MUST NOT send content in the response" to HEAD
  if (!noContent && environ.REQUEST_METHOD !== 'HEAD') yield content;
}
