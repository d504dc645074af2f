/**
 * The first application on the chapter's server: a greeting. `GET /alice` answers
 * `Hello alice!`, `?repeats=3` says it three times; everything else is a clear refusal.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { Handler } from './server.ts';

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
  throw new KataTodo('hello');
};

/** The hello application on the chapter's server: kata 27's `createServer(hello)`. */
export function createHelloServer(): net.Server {
  throw new KataTodo('createHelloServer');
}
