/**
 * Middleware: an app that wraps an app (PEP 3333, "Middleware: Components that Play Both
 * Sides"). To the server it is an app; to the app it wraps it is a server.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { App } from '../33-gateway-apps/gateway.ts';

/** A middleware takes the app it wraps and returns the app the server calls. */
export type Middleware = (app: App) => App;

/** The page of a 500: it names no error, no file and no line (RFC 9110 §15.6.1). */
export const ERROR_PAGE = 'Internal Server Error\n';
export const ERROR_STATUS = '500 Internal Server Error';
/** The log line's status when the response never started. */
export const NO_STATUS = '-';

/**
 * `compose(a, b, c)(app)` is `a(b(c(app)))`: the first middleware listed is the outermost.
 * It sees the request first and the response last. `compose()` returns the app itself.
 */
export function compose(...middleware: readonly Middleware[]): Middleware {
  throw new KataTodo('compose');
}

export interface LoggerOptions {
  /** Where each line goes; `environ['gateway.errors'].write` when left out. */
  readonly write?: (line: string) => void;
  /** A clock in milliseconds; `performance.now` when left out. */
  readonly now?: () => number;
}

/**
 * Logs one line per request, once: when the server calls the result's `close()` (PEP 3333: it
 * always does, whether the body ended, failed or the client went away), or when the app threw
 * before returning a result: `METHOD PATH[?QUERY] STATUS BYTES DURATIONms\n`. PATH is
 * SCRIPT_NAME + PATH_INFO; STATUS the three digits the wrapped app last started with (`-`
 * if none); BYTES the octets of the body (write() included) that passed through here;
 * DURATION whole milliseconds by `now`, from the call to the line. Errors go on unchanged.
 */
export function logger(options: LoggerOptions = {}): Middleware {
  throw new KataTodo('logger');
}

/**
 * Turns an error of the wrapped app, thrown by the call or by its body, into ERROR_STATUS
 * with ERROR_PAGE (`text/plain; charset=utf-8`, its Content-Length), started with the error
 * as `excInfo`; the error's stack goes to `gateway.errors`, never to the client. After the
 * first octet of the body, that `startResponse` call throws the error again (PEP 3333), and it
 * goes on to the server. `close()` reaches the wrapped result.
 */
export function errors(): Middleware {
  throw new KataTodo('errors');
}

/**
 * Serves the files under `root` for PATH_INFO under `prefix` (whole segments: `/static`
 * serves `/static/a.css`, never `/statics`); every other path goes to the app.
 * GET and HEAD only (405 with `Allow: GET, HEAD` otherwise); kata 28's rules for the names
 * (`resolveTarget`'s refusals and their statuses, 403 for a link out of the root, 404 for no
 * regular file); Content-Type by kata 28's `contentType`, Content-Length the file's size.
 */
export function staticFiles(prefix: string, root: string): Middleware {
  throw new KataTodo('staticFiles');
}
