/**
 * Middleware: an app that wraps an app (PEP 3333, "Middleware: Components that Play Both
 * Sides"). To the server it is an app; to the app it wraps it is a server.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ALLOWED_METHODS,
  contentType,
  METHOD_NOT_ALLOWED_TEXT,
  REFUSALS,
  resolveTarget,
} from '../28-serve-static-files/static-files.ts';
import type { App, AppResult, Environ, StartResponse } from '../33-gateway-apps/gateway.ts';

/** A middleware takes the app it wraps and returns the app the server calls. */
export type Middleware = (app: App) => App;

/** The page of a 500: it names no error, no file and no line (RFC 9110 §15.6.1). */
export const ERROR_PAGE = 'Internal Server Error\n';
export const ERROR_STATUS = '500 Internal Server Error';
/** The log line's status when the response never started. */
export const NO_STATUS = '-';

/**
 * `compose(a, b, c)(app)` is `a(b(c(app)))`: the first middleware listed is the outermost.
 * It sees the request first and the response last.
 */
export function compose(...middleware: readonly Middleware[]): Middleware {
  return (app) => middleware.reduceRight((inner, wrap) => wrap(inner), app);
}

const encoder = new TextEncoder();

export interface LoggerOptions {
  /** Where each line goes; `environ['gateway.errors'].write` when left out. */
  readonly write?: (line: string) => void;
  /** A clock in milliseconds; `performance.now` when left out. */
  readonly now?: () => number;
}

/**
 * Logs one line per request, once: at the result's `close()`, or when the app throws first:
 * `METHOD PATH[?QUERY] STATUS BYTES DURATIONms\n`, PATH being SCRIPT_NAME + PATH_INFO,
 * STATUS the code the wrapped app started with (`-` if none), BYTES the octets of the
 * body that passed through here.
 */
export function logger(options: LoggerOptions = {}): Middleware {
  const now = options.now ?? (() => performance.now());
  return (app) => (environ, startResponse) => {
    const began = now();
    const write = options.write ?? ((line: string) => environ['gateway.errors'].write(line));
    let status = NO_STATUS;
    let bytes = 0;
    const query = environ.QUERY_STRING === '' ? '' : `?${environ.QUERY_STRING}`;
    const target = `${environ.SCRIPT_NAME}${environ.PATH_INFO}${query}`;
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      write(
        `${environ.REQUEST_METHOD} ${target} ${status} ${bytes} ${Math.round(now() - began)}ms\n`,
      );
    };
    let result: AppResult;
    try {
      result = app(environ, (line, headers, excInfo) => {
        status = line.slice(0, 3);
        const inner = startResponse(line, headers, excInfo);
        return (chunk) => {
          bytes += chunk.length;
          inner(chunk);
        };
      });
    } catch (error) {
      log();
      throw error;
    }
    async function* body(): AsyncGenerator<Uint8Array> {
      for await (const chunk of result) {
        bytes += chunk.length;
        yield chunk;
      }
    }
    // PEP 3333: the server calls close() "upon completion of the request", whether it
    // ended, failed or the client went away: the one place to log
    return Object.assign(body(), {
      close: () => {
        result.close?.();
        log();
      },
    });
  };
}

/**
 * Turns an error of the wrapped app into a 500 page: the error (with its stack) goes to
 * `gateway.errors`, never to the client. After the first octet there is no status left to
 * change: `startResponse` with `excInfo` throws the error again, on to the server, which
 * ends the connection.
 */
export function errors(): Middleware {
  return (app) => (environ, startResponse) => {
    const page = encoder.encode(ERROR_PAGE);
    const failed = (error: unknown): Uint8Array => {
      environ['gateway.errors'].write(`${error instanceof Error ? error.stack : String(error)}\n`);
      // PEP 3333: "the application should call start_response with exc_info" to replace a
      // status not yet sent
      startResponse(
        ERROR_STATUS,
        [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Length', String(page.length)],
        ],
        error,
      );
      return page;
    };
    let result: AppResult;
    try {
      result = app(environ, startResponse);
    } catch (error) {
      return [failed(error)];
    }
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        yield* result;
      } catch (error) {
        // PEP 3333: once the headers are sent, start_response "must raise an error, and
        // should re-raise using the exc_info": the server ends the connection
        yield failed(error);
      }
    }
    return Object.assign(body(), { close: () => result.close?.() });
  };
}

function textResponse(
  startResponse: StartResponse,
  status: string,
  text: string,
  extra: readonly (readonly [string, string])[] = [],
): AppResult {
  const body = encoder.encode(text);
  startResponse(status, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ...extra,
  ]);
  return [body];
}

/** Whether `file` is `root` or below it. */
const isInside = (root: string, file: string) =>
  file === root || file.startsWith(path.join(root, path.sep));

/** The file a static path names, after kata 28's checks, or the status to answer. */
async function findFile(root: string, names: readonly string[]): Promise<string | number> {
  // PATH_INFO is already decoded: kata 28's resolveTarget decodes once more, so each
  // name goes back to its percent-encoded form first
  const resolution = resolveTarget(root, {
    form: 'origin',
    text: '',
    path: `/${names.map(encodeURIComponent).join('/')}`,
    query: undefined,
  });
  if (resolution.kind === 'refused') return resolution.status;
  let real: [root: string, file: string];
  try {
    real = await Promise.all([fs.realpath(root), fs.realpath(resolution.path)]);
  } catch {
    return REFUSALS['not-found'].status;
  }
  // symbolic links are followed before the check, as kata 28 does
  if (!isInside(...real)) return REFUSALS['outside-root'].status;
  // RFC 9110 §17.3: a folder, a FIFO or a device is no file to send
  if (!(await fs.stat(real[1])).isFile()) return REFUSALS['not-found'].status;
  return real[1];
}

const STATUS_LINES: Readonly<Record<number, string>> = {
  400: '400 Bad Request',
  403: '403 Forbidden',
  404: '404 Not Found',
};

/**
 * Serves the files under `root` for paths under `prefix` (whole segments: `/static` is
 * `/static/a.css`, never `/statics`), GET and HEAD only; every other path goes to the app.
 */
export function staticFiles(prefix: string, root: string): Middleware {
  const base = path.resolve(root);
  const mount = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return (app) => (environ, startResponse) => {
    const requestPath = environ.PATH_INFO;
    if (!requestPath.startsWith(`${mount}/`)) return app(environ, startResponse);
    if (!(ALLOWED_METHODS as readonly string[]).includes(environ.REQUEST_METHOD)) {
      // RFC 9110 §15.5.6: a 405 "MUST generate an Allow header field"
      return textResponse(startResponse, '405 Method Not Allowed', METHOD_NOT_ALLOWED_TEXT, [
        ['Allow', ALLOWED_METHODS.join(', ')],
      ]);
    }
    const names = requestPath.slice(mount.length + 1).split('/');
    const file = serveFile(environ, startResponse, base, names);
    // the server's close() ends a read stream left half-read
    return Object.assign(file, { close: () => void file.return(undefined) });
  };
}

async function* serveFile(
  environ: Environ,
  startResponse: StartResponse,
  root: string,
  names: readonly string[],
): AsyncGenerator<Uint8Array> {
  const file = await findFile(root, names);
  if (typeof file === 'number') {
    const status = STATUS_LINES[file] ?? String(file);
    yield* textResponse(startResponse, status, `${status}\n`) as Iterable<Uint8Array>;
    return;
  }
  const { size } = await fs.stat(file);
  startResponse('200 OK', [
    ['Content-Type', contentType(file)],
    ['Content-Length', String(size)],
  ]);
  // RFC 9110 §9.3.2: HEAD gets the fields of GET, and no content
  if (environ.REQUEST_METHOD === 'HEAD') return;
  yield* createReadStream(file);
}
