/**
 * The request object of a framework, web.py's `web.input()` and `web.data()` on the gateway
 * interface: one view of an environ, with the header fields by name, the query as pairs, and
 * the body read once, with a limit, as bytes, text, JSON or form input (urlencoded or
 * multipart/form-data, files included). Every error is kata 37's `HttpError`.
 */
import type { Entry, FormFile } from '../26-submit-forms/form-data.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import { HttpError } from '../37-routing/routing.ts';
import { parseQuery, type QueryPairs } from '../38-query-strings/query-string.ts';

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

const URLENCODED = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const CRLF = '\r\n';

const requests = new WeakMap<Environ, WebRequest>();
/** The body, by its input stream: a router's copy of the environ shares its original's body. */
const bodies = new WeakMap<AsyncIterable<Uint8Array>, Promise<Uint8Array>>();

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
  const known = requests.get(environ);
  if (known !== undefined) return known;
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const data = (): Promise<Uint8Array> => {
    const input = environ['gateway.input'];
    let body = bodies.get(input);
    if (body === undefined) {
      body = readBody(environ, limit);
      bodies.set(input, body);
    }
    return body;
  };
  const type = environ.CONTENT_TYPE;
  const form = async (): Promise<FormEntries> => {
    const essence = essenceOf(type);
    if (essence === URLENCODED) return parseQuery(await data());
    if (essence === MULTIPART) return parseMultipart(await data(), type);
    return [];
  };
  const query = parseQuery(environ.QUERY_STRING);
  const made: WebRequest = {
    method: environ.REQUEST_METHOD,
    path: environ.SCRIPT_NAME + environ.PATH_INFO,
    query,
    header: (name) => fieldOf(environ, name),
    data,
    // Fetch's text(): UTF-8 decode, a leading BOM dropped, bad bytes U+FFFD
    text: async () => new TextDecoder().decode(await data()),
    json: async () => {
      if (!isJson(type)) throw new HttpError(415, MESSAGES.notJson(essenceOf(type)));
      const text = new TextDecoder().decode(await data());
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, MESSAGES.badJson((error as SyntaxError).message));
      }
    },
    form,
    input: async () => byName([...query, ...(await form())]),
  };
  requests.set(environ, made);
  return made;
}

/**
 * The input, once it is known to hold every one of `names` as an own key (an empty value
 * counts as present). @throws HttpError 400 `MESSAGES.missingField` of the first one missing
 */
export function required<const N extends string>(
  input: Input,
  ...names: N[]
): Input & Readonly<Record<N, InputValue | readonly InputValue[]>> {
  // own keys only: `constructor` is no field of a plain object's
  const missing = names.find((name) => !Object.hasOwn(input, name));
  if (missing !== undefined) throw new HttpError(400, MESSAGES.missingField(missing));
  return input as Input & Record<N, InputValue>;
}

/** RFC 3875 §4.1.18: a field is HTTP_ and its name upper-cased, `-` as `_`; §4.1.2, §4.1.3 are not. */
function fieldOf(environ: Environ, name: string): string | undefined {
  const key = name.toUpperCase().replaceAll('-', '_');
  if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') {
    // RFC 3875 §4.1.2, §4.1.3: NULL (empty) when there is no such field
    return environ[key] === '' ? undefined : environ[key];
  }
  return environ[`HTTP_${key}`];
}

/** The body, refused with 413 once it is known to be over the limit: before reading, or while. */
async function readBody(environ: Environ, limit: number): Promise<Uint8Array> {
  // RFC 9110 §15.5.14: 413 when "the request content is larger than the server is willing or
  // able to process"; a declared length says so before a byte is read
  if (Number(environ.CONTENT_LENGTH) > limit) throw new HttpError(413, MESSAGES.tooLarge(limit));
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of environ['gateway.input']) {
    length += chunk.byteLength;
    // a chunked body is counted as it comes; leaving the loop stops reading the rest
    if (length > limit) throw new HttpError(413, MESSAGES.tooLarge(limit));
    chunks.push(chunk);
  }
  const body = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** RFC 9110 §8.3.1: type "/" subtype, case-insensitive, before any parameters. */
function essenceOf(type: string): string {
  return (type.split(';')[0] as string).trim().toLowerCase();
}

/** RFC 8259's application/json, and RFC 6839's +json suffix on any type. */
function isJson(type: string): boolean {
  const essence = essenceOf(type);
  return essence === 'application/json' || essence.endsWith('+json');
}

/** Entries by name, in the order each name first occurs; repeats an array, in order. */
function byName(entries: FormEntries): Input {
  const input: Record<string, InputValue | InputValue[]> = Object.create(null);
  for (const [name, value] of entries) {
    const seen = input[name];
    if (seen === undefined) input[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else input[name] = [seen as InputValue, value];
  }
  return input;
}

/**
 * RFC 9110 §5.6.6: `*( OWS ";" OWS parameter-name "=" parameter-value )`, names
 * case-insensitive; the value a token, or quoted as browsers quote it: up to the next `"`,
 * with no quoted-pair (§5.6.4), since HTML sends `"` as %22 and a backslash as it is. The
 * first of a repeated name counts.
 */
function parameters(value: string): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (const [, name, quoted, token] of value.matchAll(/;\s*([^\s;=]+)=(?:"([^"]*)"|([^\s;]*))/g)) {
    const key = (name as string).toLowerCase();
    if (!found.has(key)) found.set(key, quoted ?? (token as string));
  }
  return found;
}

/** HTML's multipart/form-data encoding escapes a name's (and filename's) LF, CR and `"`: undone. */
function unescapeName(text: string): string {
  return text.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replaceAll('%22', '"');
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** RFC 2046 §5.1.1: transport-padding := *LWSP-char, a space or a tab, skipped. */
function skipPadding(body: Buffer, at: number): number {
  let end = at;
  while (body[end] === 0x20 || body[end] === 0x09) end++;
  return end;
}

/**
 * RFC 7578 on RFC 2046 §5.1.1: the preamble, then parts each after a delimiter line
 * (`--boundary`, padding, CRLF), each its header fields, a blank line and its content, up to
 * the CRLF before the next delimiter; the close-delimiter `--boundary--`, then the epilogue.
 *
 * @throws HttpError 400 naming what is wrong
 */
function parseMultipart(bytes: Uint8Array, type: string): FormEntries {
  const boundary = parameters(type).get('boundary');
  if (boundary === undefined || boundary === '') {
    throw new HttpError(400, MESSAGES.badForm(FORM_PROBLEMS.noBoundary));
  }
  // RFC 2046 §5.1.1: delimiter := CRLF dash-boundary; the first may open the body, so the
  // body is read after a CRLF of its own
  const body = Buffer.concat([Buffer.from(CRLF), bytes]);
  const delimiter = `${CRLF}--${boundary}`;
  let at = body.indexOf(delimiter);
  if (at < 0) throw new HttpError(400, MESSAGES.badForm(FORM_PROBLEMS.noDelimiter));
  const entries: Entry[] = [];
  for (;;) {
    at += delimiter.length;
    // close-delimiter := delimiter "--"; what follows is the epilogue, ignored
    if (body.toString('latin1', at, at + 2) === '--') return entries;
    const line = skipPadding(body, at);
    if (body.toString('latin1', line, line + 2) !== CRLF) {
      throw new HttpError(400, MESSAGES.badForm(FORM_PROBLEMS.noDelimiter));
    }
    // the header fields end at a blank line; with none, the blank line follows at once
    const headEnd = body.indexOf(`${CRLF}${CRLF}`, line);
    const next = body.indexOf(delimiter, line);
    if (headEnd < 0 || next < headEnd) {
      throw new HttpError(400, MESSAGES.badForm(FORM_PROBLEMS.noEnd));
    }
    const head = utf8.decode(body.subarray(line + 2, headEnd));
    entries.push(part(head, new Uint8Array(body.subarray(headEnd + 4, next))));
    at = next;
  }
}

/** One part: RFC 7578 §4.2, its name (and filename) from Content-Disposition; §4.4 its type. */
function part(head: string, content: Uint8Array): Entry {
  const fields = new Map<string, string>();
  for (const line of head.split(CRLF)) {
    const colon = line.indexOf(':');
    // RFC 9112 §5.1: "No whitespace is allowed between the field name and colon"
    fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  // RFC 7578 §4.2: "Each part MUST contain a Content-Disposition header field where the
  // disposition type is "form-data". The Content-Disposition header field MUST also contain an
  // additional parameter of "name""
  const disposition = fields.get('content-disposition') ?? '';
  const params = parameters(disposition);
  const name = params.get('name');
  if (essenceOf(disposition) !== 'form-data' || name === undefined) {
    throw new HttpError(400, MESSAGES.badForm(FORM_PROBLEMS.noName));
  }
  const filename = params.get('filename');
  if (filename === undefined) return [unescapeName(name), utf8.decode(content)];
  // RFC 7578 §4.4: a part's Content-Type "defaults to "text/plain""
  const file: FormFile = {
    filename: unescapeName(filename),
    type: fields.get('content-type') ?? 'text/plain',
    data: content,
  };
  return [unescapeName(name), file];
}
