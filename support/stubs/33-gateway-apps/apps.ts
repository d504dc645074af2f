/**
 * Three applications written to the gateway interface (./gateway.ts), and nothing else: no
 * socket, no server, no framework. Each is a function of an environ and a start_response
 * callable that returns the body as byte chunks (PEP 3333, "The Application/Framework Side").
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { AppResult, Environ, StartResponse } from './gateway.ts';

/** The media type of every body here: text, in UTF-8. */
export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** Whom `hello` greets when the query names no one. */
export const DEFAULT_NAME = 'world';

/** The methods each app answers; any other gets 405 with these in `Allow` (RFC 9110 §15.5.6). */
export const ALLOWED = { hello: ['GET', 'HEAD'], add: ['GET', 'POST'] } as const;

/** The one media type `add` reads a POST body as (the HTML form default, WHATWG URL §5). */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The largest form body `add` reads, in bytes; a longer one gets 413. */
export const MAX_FORM_BYTES = 1024;

/** What `hello` answers a method other than GET and HEAD. */
export const HELLO_NOT_ALLOWED = 'hello answers GET and HEAD\n';

/** What `add` answers when it cannot add, by status code. */
export const ADD_ERRORS = {
  400: 'a and b must both be integers, such as a=2&b=-3\n',
  405: 'add answers GET and POST\n',
  413: `a form body is at most ${MAX_FORM_BYTES} bytes\n`,
  415: `a POST body is a form: Content-Type: ${FORM_TYPE}\n`,
} as const;

/**
 * `Hello, <name>!` and a newline, for `?name=…` decoded as a form (`+` is a space, `%C3%A9` is
 * `é`); `Hello, world!` when there is no name or it is empty. Status `200 OK`,
 * `Content-Type: text/plain; charset=utf-8` and a `Content-Length` in bytes; one chunk.
 * Any method but GET and HEAD: `405 Method Not Allowed`, `Allow: GET, HEAD`, HELLO_NOT_ALLOWED.
 */
export function hello(environ: Environ, startResponse: StartResponse): AppResult {
  throw new KataTodo('hello');
}

/**
 * The environ as text: one `name=value` line per entry whose value is a string, a boolean
 * (`true`/`false`) or the version (`1.0`), sorted by name; then a blank line; then the request
 * body from `gateway.input`, byte for byte, each chunk passed on as it arrives. Status `200 OK`,
 * `Content-Type: text/plain; charset=utf-8`, no Content-Length (the body's length is not known
 * in advance). Writes one line, `debug: <method> <SCRIPT_NAME><PATH_INFO>`, to `gateway.errors`.
 */
export function debug(environ: Environ, startResponse: StartResponse): AppResult {
  throw new KataTodo('debug');
}

/**
 * Adds the integers `a` and `b` (optional sign, decimal digits, any size): from the query for
 * GET, from a form body for POST. `200 OK`, the exact sum in decimal and a newline. Else, with
 * the ADD_ERRORS text for the status: 400 for a missing or non-integer operand; 405 with
 * `Allow: GET, POST` for another method; 415 for a POST whose Content-Type is not FORM_TYPE;
 * 413 for a form body over MAX_FORM_BYTES. Every response `text/plain; charset=utf-8`, with a
 * Content-Length in bytes.
 */
export function add(environ: Environ, startResponse: StartResponse): AppResult {
  throw new KataTodo('add');
}
