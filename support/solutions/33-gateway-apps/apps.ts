/**
 * Three applications written to the gateway interface (./gateway.ts), and nothing else: no
 * socket, no server, no framework. Each is a function of an environ and a start_response
 * callable that returns the body as byte chunks (PEP 3333, "The Application/Framework Side").
 */
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import type { AppResult, Environ, ResponseHeaders, StartResponse } from './gateway.ts';

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

/** An integer operand: optional sign, decimal digits. */
const INTEGER = /^[+-]?[0-9]+$/;

const encoder = new TextEncoder();

/** PEP 3333: status is "a Status-Code and a Reason-Phrase, in that order and separated by a single space". */
const statusLine = (code: number): string => `${code} ${REASON_PHRASES[code]}`;

/** A whole text body at once: its Content-Length counts bytes (UTF-8), not characters. */
function text(
  startResponse: StartResponse,
  code: number,
  body: string,
  extra: ResponseHeaders = [],
): Uint8Array[] {
  const bytes = encoder.encode(body);
  startResponse(statusLine(code), [
    ['Content-Type', TEXT_PLAIN],
    ['Content-Length', String(bytes.byteLength)],
    ...extra,
  ]);
  return [bytes];
}

/** 405, with the methods the app does answer (RFC 9110 §15.5.6: "MUST generate an Allow header field"). */
const notAllowed = (startResponse: StartResponse, allowed: readonly string[], body: string) =>
  text(startResponse, 405, body, [['Allow', allowed.join(', ')]]);

/**
 * `Hello, <name>!` for `?name=…` (decoded as a form, so `+` is a space), else `Hello, world!`.
 * GET and HEAD only.
 */
export function hello(environ: Environ, startResponse: StartResponse): AppResult {
  if (!(ALLOWED.hello as readonly string[]).includes(environ.REQUEST_METHOD)) {
    return notAllowed(startResponse, ALLOWED.hello, HELLO_NOT_ALLOWED);
  }
  const name = new URLSearchParams(environ.QUERY_STRING).get('name') || DEFAULT_NAME;
  return text(startResponse, 200, `Hello, ${name}!\n`);
}

/** How `debug` shows a value of the environ; streams and other objects are left out. */
function shown(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.join('.');
  return undefined;
}

async function* debugBody(environ: Environ, startResponse: StartResponse) {
  // PEP 3333: start_response "may be performed by the iterable's first iteration".
  startResponse(statusLine(200), [['Content-Type', TEXT_PLAIN]]);
  environ['gateway.errors'].write(
    `debug: ${environ.REQUEST_METHOD} ${environ.SCRIPT_NAME}${environ.PATH_INFO}\n`,
  );
  const lines = Object.keys(environ)
    .sort()
    .flatMap((key) => {
      const value = shown(environ[key as keyof Environ]);
      return value === undefined ? [] : [`${key}=${value}\n`];
    });
  yield encoder.encode(`${lines.join('')}\n`);
  // The body goes on chunk by chunk as it arrives: never buffered whole.
  for await (const chunk of environ['gateway.input']) yield chunk;
}

/**
 * The environ, one `name=value` line per entry sorted by name, a blank line, then the request
 * body echoed unchanged. Logs the request line to `gateway.errors`.
 */
export function debug(environ: Environ, startResponse: StartResponse): AppResult {
  return debugBody(environ, startResponse);
}

/** The form fields of a POST body, or the status that refuses it. */
async function readForm(environ: Environ): Promise<URLSearchParams | 413 | 415> {
  const [mediaType = ''] = environ.CONTENT_TYPE.split(';');
  // RFC 9110 §8.3.1: "The type and subtype tokens are case-insensitive."
  if (mediaType.trim().toLowerCase() !== FORM_TYPE) return 415;
  if (Number(environ.CONTENT_LENGTH) > MAX_FORM_BYTES) return 413;
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of environ['gateway.input']) {
    length += chunk.byteLength;
    if (length > MAX_FORM_BYTES) return 413;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function* addBody(environ: Environ, startResponse: StartResponse) {
  const method = environ.REQUEST_METHOD;
  if (!(ALLOWED.add as readonly string[]).includes(method)) {
    yield* notAllowed(startResponse, ALLOWED.add, ADD_ERRORS[405]);
    return;
  }
  // The status depends on the body, so start_response waits until it is read.
  const form =
    method === 'POST' ? await readForm(environ) : new URLSearchParams(environ.QUERY_STRING);
  if (typeof form === 'number') {
    yield* text(startResponse, form, ADD_ERRORS[form]);
    return;
  }
  const a = form.get('a') ?? '';
  const b = form.get('b') ?? '';
  if (!INTEGER.test(a) || !INTEGER.test(b)) {
    yield* text(startResponse, 400, ADD_ERRORS[400]);
    return;
  }
  // BigInt: the sum is exact for integers of any size, where a Number would round.
  yield* text(startResponse, 200, `${BigInt(a) + BigInt(b)}\n`);
}

/**
 * Adds two integers `a` and `b`, from the query (GET) or a form body (POST): the sum in
 * decimal and a newline. 400 for a missing or non-integer operand, 405 for another method,
 * 413 for a form over MAX_FORM_BYTES, 415 for a POST body that is not a form.
 */
export function add(environ: Environ, startResponse: StartResponse): AppResult {
  return addBody(environ, startResponse);
}
