/**
 * The first application on the chapter's server: a greeting. `GET /alice` answers
 * `Hello alice!`, `?repeats=3` says it three times; everything else is a clear refusal.
 */
import type net from 'node:net';
import type { Response } from '../20-serialize-a-response/response.ts';
import { createServer, type Handler } from './server.ts';

/** The greeting, one line. */
export const greeting = (name: string): string => `Hello ${name}!\n`;
/** Who `/` greets. */
export const DEFAULT_NAME = 'world';
/** The most times a greeting is repeated: a client cannot make the server write megabytes. */
export const MAX_REPEATS = 100;
/** RFC 9110 §9.3.2: HEAD is GET without the content; nothing else is allowed here. */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const;

export const TEXTS = {
  notFound: 'Not found: the greetings are at /NAME\n',
  notAllowed: 'Only GET and HEAD are allowed here\n',
  badName: 'The name is not percent-encoded UTF-8 (RFC 3986 §2.1)\n',
  badRepeats: `repeats is a whole number from 1 to ${MAX_REPEATS}\n`,
} as const;

/** RFC 3986 §3.3: segment = *pchar; the greeted name is one segment after the "/". */
const ONE_SEGMENT = /^\/([^/]*)$/;
const REPEATS = /^[0-9]+$/;
const ALLOW = ALLOWED_METHODS.join(', ');
const NO_PATH = { path: '', query: undefined };

/**
 * Greets the name in the request's path.
 *
 * - GET (or HEAD) `/NAME` answers 200 `text/plain; charset=utf-8` with `Hello NAME!` and a
 *   LF, NAME percent-decoded as UTF-8; `/` greets `world`;
 * - `?repeats=N` (N from 1 to MAX_REPEATS) says it N times; other query parameters are ignored;
 * - a path of more than one segment is 404, a method other than GET or HEAD is 405 with
 *   `Allow: GET, HEAD`, a name that does not decode or a bad `repeats` is 400;
 * - the name is the client's own text: every answer is text/plain with
 *   `X-Content-Type-Options: nosniff`, so a browser never runs it as HTML.
 */
export const hello: Handler = (request) => {
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
    return text(405, TEXTS.notAllowed, ['Allow', ALLOW]);
  }
  const { target } = request;
  // RFC 9112 §3.2.2: "a server MUST accept the absolute-form in requests"; GET and HEAD
  // come in origin-form or absolute-form only (kata 17)
  const { path, query } =
    target.form === 'absolute' ? target.url : target.form === 'origin' ? target : NO_PATH;
  const segment = ONE_SEGMENT.exec(path)?.[1];
  if (segment === undefined) return text(404, TEXTS.notFound);
  const name = decoded(segment);
  if (name === null) return text(400, TEXTS.badName);
  const repeats = new URLSearchParams(query).get('repeats') ?? '1';
  const times = REPEATS.test(repeats) ? Number(repeats) : 0;
  if (times < 1 || times > MAX_REPEATS) return text(400, TEXTS.badRepeats);
  return text(200, greeting(name === '' ? DEFAULT_NAME : name).repeat(times));
};

/** The hello application on the chapter's server. */
export function createHelloServer(): net.Server {
  return createServer(hello);
}

function text(status: number, body: string, ...headers: (readonly [string, string])[]): Response {
  return {
    status,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Content-Type-Options', 'nosniff'],
      ...headers,
    ],
    body,
  };
}

/** RFC 3986 §2.1: percent-encoded octets, read as UTF-8; null when they are not. */
function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
