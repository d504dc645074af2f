/**
 * The request object of a framework, web.py's `web.input()` and `web.data()` on the gateway
 * interface: one view of an environ, with the header fields by name, the query as pairs, and
 * the body read once, with a limit, as bytes, text, JSON or form input (urlencoded or
 * multipart/form-data, files included). Every error is kata 37's `HttpError`
 * (`../37-routing/routing.ts`).
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { Entry, FormFile } from '../26-submit-forms/form-data.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import type { QueryPairs } from '../38-query-strings/query-string.ts';

/** One value of the input: a string, or a file `{ filename, type, data }` (kata 26's FormFile). */
export type InputValue = string | FormFile;

/** The input by name: one value, or several (in order) for a repeated name. No prototype. */
export type Input = Readonly<Record<string, InputValue | readonly InputValue[]>>;

/** A body's form entries, in order, repeats kept (kata 26's Entry: what a submission sends). */
export type FormEntries = readonly Entry[];

export interface RequestOptions {
  /** The largest body, in octets, `data()` reads; `DEFAULT_MAX_BODY_BYTES` when left out. */
  readonly maxBodyBytes?: number;
}

/** 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The text of each error, by what went wrong. */
export const MESSAGES = {
  tooLarge: (limit: number) => `The body is larger than ${limit} bytes.`,
  notJson: (type: string) => `The body is ${type === '' ? 'untyped' : type}, not JSON.`,
  badJson: (problem: string) => `The body is not JSON: ${problem}`,
  badForm: (problem: string) => `The multipart/form-data body is malformed: ${problem}.`,
  missingField: (name: string) => `The field "${name}" is required.`,
} as const;

/** What can be wrong with a multipart/form-data body. */
export const FORM_PROBLEMS = {
  noBoundary: 'its Content-Type has no boundary parameter',
  noDelimiter: 'no line is its boundary delimiter',
  noEnd: 'it ends before its close-delimiter',
  noName: 'a part has no Content-Disposition: form-data with a name',
} as const;

/** A view of one request. */
export interface WebRequest {
  /** REQUEST_METHOD. */
  readonly method: string;
  /** SCRIPT_NAME + PATH_INFO: the whole path, decoded. */
  readonly path: string;
  /** QUERY_STRING's pairs (kata 38). */
  readonly query: QueryPairs;
  /** A request header field's value, its name in any case; undefined when absent. */
  header(name: string): string | undefined;
  /** The body's bytes, read once. @throws HttpError 413 */
  data(): Promise<Uint8Array>;
  /** The body as UTF-8 text. @throws HttpError 413 */
  text(): Promise<string>;
  /** The body as JSON. @throws HttpError 415, 400, 413 */
  json(): Promise<unknown>;
  /** The body's form entries: urlencoded or multipart; none for another type. @throws HttpError 400, 413 */
  form(): Promise<FormEntries>;
  /** The query's pairs, then the form's entries, by name. @throws HttpError 400, 413 */
  input(): Promise<Input>;
}

/**
 * The request of an environ, the same object each time for the same environ:
 *
 * - `method` is REQUEST_METHOD; `path` is SCRIPT_NAME + PATH_INFO; `query` is
 *   `parseQuery(QUERY_STRING)` (kata 38);
 * - `header(name)`: the name in any case; Content-Type and Content-Length from CONTENT_TYPE and
 *   CONTENT_LENGTH (undefined when empty), every other field from its HTTP_* key;
 * - `data()`: the body, read from `gateway.input` once for every environ that shares that
 *   input (a router's copy too; the first reader's limit counts), the same promise each call.
 *   A CONTENT_LENGTH over `maxBodyBytes` is a 413 before anything is read; a body without one
 *   is counted as it comes, and a 413 as soon as it passes the limit, the rest never read;
 * - `text()`: the body as UTF-8, as Fetch's `text()` decodes it (a leading BOM dropped,
 *   invalid bytes U+FFFD);
 * - `json()`: 415 unless the type is application/json or ends in +json (checked before the
 *   body is read); the text as `text()` gives it, parsed; 400 with the parser's message when it
 *   is not JSON;
 * - `form()`: for application/x-www-form-urlencoded, kata 38's `parseQuery` on the body's
 *   bytes; for multipart/form-data, each part an entry in order: a string, UTF-8 decoded (a
 *   BOM kept), or a file `{ filename, type, data }` when the part has a filename (its
 *   Content-Type as sent, `text/plain` when it has none); in names and filenames `%22`, `%0D`
 *   and `%0A` (either case) are `"`, CR and LF again. No entries for any other type. 400 for a
 *   multipart body with no boundary parameter, no delimiter line, no close-delimiter, or a
 *   part without Content-Disposition: form-data and a name;
 * - `input()`: the query's pairs and then the form's entries, by name: one value for a name
 *   seen once, an array in that order for a repeated one (the query's values first); an object
 *   with no prototype.
 *
 * Every error is kata 37's `HttpError`, its message from `MESSAGES`.
 */
export function request(environ: Environ, options: RequestOptions = {}): WebRequest {
  throw new KataTodo('request');
}

/**
 * The input, once it is known to hold every one of `names` as an own key (an empty value
 * counts as present). @throws HttpError 400 `MESSAGES.missingField` of the first one missing
 */
export function required<const N extends string>(
  input: Input,
  ...names: N[]
): Input & Readonly<Record<N, InputValue | readonly InputValue[]>> {
  throw new KataTodo('required');
}
