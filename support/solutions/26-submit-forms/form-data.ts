/**
 * A form submitted as a browser submits it: the entry list (kata 25's fields, with the user's
 * values), serialized as the WHATWG URL Standard's urlencoded serializer, the HTML Standard's
 * multipart/form-data encoding algorithm (RFC 7578 on RFC 2046 §5.1) or its text/plain one,
 * then sent with kata 22's `request`, so a 303 after a POST is followed as a GET.
 */

import { randomBytes } from 'node:crypto';
import type { HeaderField } from '../21-http-get/http-get.ts';
import type { RedirectedResponse, RequestOptions } from '../22-follow-redirects/redirects.ts';
import { request } from '../22-follow-redirects/redirects.ts';
import type { Enctype, HtmlForm } from '../25-extract-information/extract.ts';

/** A name and a string value: what the urlencoded and text/plain serializers take. */
export type NameValuePair = readonly [name: string, value: string];

/** A file to upload: its name, its media type (`''` when unknown) and its bytes. */
export interface FormFile {
  readonly filename: string;
  readonly type: string;
  readonly data: Uint8Array;
}

/** HTML 4.10.22.4: an entry of the entry list is a name and a string or a file. */
export type Entry = readonly [name: string, value: string | FormFile];

/** A multipart/form-data body and the Content-Type that names its boundary. */
export interface MultipartBody {
  readonly boundary: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

export interface MultipartOptions {
  /** Proposes a boundary; called again while the proposal occurs in the content. */
  readonly nextBoundary?: () => string;
}

/** The user's input, by field name: the entries of that name become these. */
export type FormValues = Readonly<
  Record<string, string | FormFile | readonly (string | FormFile)[]>
>;

export interface SubmitOptions extends Omit<RequestOptions, 'method' | 'body'>, MultipartOptions {}

/** The request a submission makes, before it is sent. */
export interface FormRequest {
  readonly method: 'GET' | 'POST';
  /** The action URL, for GET with its query replaced by the form data. */
  readonly url: string;
  /** Content-Type (POST only), then the caller's fields. */
  readonly headers: readonly HeaderField[];
  /** The content of a POST; `undefined` for GET. */
  readonly body?: Uint8Array | string;
}

/** Why a form could not be encoded: one reason per rule. */
export const REASONS = {
  'bad-boundary':
    "boundary := 0*69<bchars> bcharsnospace: 1 to 70 characters, digits, letters and '()+_,-./:=? or space, not ending in a space (RFC 2046 §5.1.1)",
  'no-boundary':
    'every proposed boundary occurs in the content; a boundary delimiter MUST NOT appear inside any of the encapsulated parts (RFC 2046 §5.1)',
} as const;

export type FormErrorReason = keyof typeof REASONS;

/** Thrown by `encodeMultipart` (and so by `formRequest` and `submit`): the reason, and what was at fault. */
export class FormError extends Error {
  override readonly name = 'FormError';
  constructor(
    readonly reason: FormErrorReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail} (${REASONS[reason]})`);
  }
}

/** How many boundaries `encodeMultipart` proposes before it gives up. */
export const MAX_BOUNDARY_TRIES = 8;

export const URLENCODED: Enctype = 'application/x-www-form-urlencoded';
export const MULTIPART: Enctype = 'multipart/form-data';
export const TEXT_PLAIN: Enctype = 'text/plain';
/** File API, Blob type: an empty type is "unknown"; RFC 7578 §4.4 labels it so. */
export const OCTET_STREAM = 'application/octet-stream';
/** HTML 4.10.22.4: a hidden `_charset_` field sends the name of the encoding. */
const CHARSET = 'UTF-8';

const encoder = new TextEncoder();

/**
 * URL Standard, application/x-www-form-urlencoded percent-encode set: every byte is encoded
 * but the ASCII alphanumerics and `*-._` (the component set, plus `!'()~`).
 */
function isFormSafe(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2a ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f
  );
}

/** URL Standard, percent-encode after encoding with UTF-8 and spaceAsPlus true. */
function formEncode(text: string): string {
  let out = '';
  // UTF-8 encode (the Encoding Standard) writes a lone surrogate as U+FFFD, as USVString does.
  for (const byte of encoder.encode(text)) {
    if (byte === 0x20) out += '+';
    else if (isFormSafe(byte)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * URL Standard 5.2, the application/x-www-form-urlencoded serializer: each name and value
 * percent-encoded (space as `+`), joined by `=`, the pairs by `&`.
 */
export function encodeForm(pairs: readonly NameValuePair[]): string {
  return pairs.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&');
}

/** HTML: "Replace every occurrence of U+000D (CR) not followed by U+000A (LF), and every
 * occurrence of U+000A (LF) not preceded by U+000D (CR), … by … CR and LF". */
function normalizeNewlines(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** HTML 4.10.22.8: names and filenames escape LF as `%0A`, CR as `%0D` and `"` as `%22`;
 * "The user agent must not perform any other escapes." */
function escapeQuoted(text: string): string {
  return text.replace(
    /[\n\r"]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** File API, Blob type: outside U+0020 to U+007E it is the empty string; lowercased. */
function mediaType(type: string): string {
  const sane = /[^\x20-\x7e]/.test(type) ? '' : type.toLowerCase();
  return sane === '' ? OCTET_STREAM : sane;
}

/** RFC 2046 §5.1.1: boundary := 0*69<bchars> bcharsnospace */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** RFC 9110 §5.6.6: a parameter value that is a token needs no quotes; of the bchars, the
 * tchars of §5.6.2 are all but ( ) , / : = ? and space. */
const NOT_TOKEN = /[^0-9A-Za-z'+_\-.]/;

/** 24 characters of base64url: 144 random bits, all of them bchars. */
function randomBoundary(): string {
  return `----form-data-${randomBytes(18).toString('base64url')}`;
}

/** One part: its header fields (RFC 7578 §4.2, §4.4), the blank line, its content. */
function part([rawName, value]: Entry): Buffer {
  const name = escapeQuoted(normalizeNewlines(rawName));
  if (typeof value === 'string') {
    // HTML 4.10.22.8: non-file parts "must not have a Content-Type header specified".
    return Buffer.concat([
      Buffer.from(`Content-Disposition: form-data; name="${name}"\r\n\r\n`),
      Buffer.from(normalizeNewlines(value)),
    ]);
  }
  const filename = escapeQuoted(value.filename);
  return Buffer.concat([
    Buffer.from(
      `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
        `Content-Type: ${mediaType(value.type)}\r\n\r\n`,
    ),
    value.data,
  ]);
}

/**
 * HTML 4.10.22.8, the multipart/form-data encoding algorithm: one part per entry, in order
 * (RFC 7578 §5.2), each with a Content-Disposition naming the field (and the file); names
 * and string values with their newlines made CR LF, names and filenames with LF, CR and `"`
 * percent-escaped; a file with its Content-Type. The boundary is one that occurs in no part.
 *
 * @throws FormError `bad-boundary`, `no-boundary`
 */
export function encodeMultipart(
  entries: readonly Entry[],
  options: MultipartOptions = {},
): MultipartBody {
  const parts = entries.map(part);
  const next = options.nextBoundary ?? randomBoundary;
  for (let tries = 0; tries < MAX_BOUNDARY_TRIES; tries++) {
    const boundary = next();
    if (!BOUNDARY.test(boundary)) throw new FormError('bad-boundary', JSON.stringify(boundary));
    // RFC 2046 §5.1: "The boundary delimiter MUST NOT appear inside any of the encapsulated parts".
    if (parts.some((bytes) => bytes.includes(boundary))) continue;
    // RFC 2046 §5.1.1: dash-boundary CRLF body-part *( CRLF dash-boundary CRLF body-part )
    // CRLF dash-boundary "--"; an entry list with no entries is the close-delimiter alone.
    const pieces = parts.flatMap((bytes) => [
      Buffer.from(`--${boundary}\r\n`),
      bytes,
      Buffer.from('\r\n'),
    ]);
    const body = Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]);
    const parameter = NOT_TOKEN.test(boundary) ? `"${boundary}"` : boundary;
    return { boundary, contentType: `${MULTIPART}; boundary=${parameter}`, body };
  }
  throw new FormError('no-boundary', `${MAX_BOUNDARY_TRIES} proposals`);
}

/** HTML 4.10.22.9, the text/plain encoding algorithm: `name=value` CR LF, pair after pair. */
export function encodeTextPlain(pairs: readonly NameValuePair[]): string {
  return pairs.map(([name, value]) => `${name}=${value}\r\n`).join('');
}

/** HTML 4.10.22.4: a file input with no file sends "a new File object with an empty name,
 * application/octet-stream as type, and an empty body". */
const NO_FILE: FormFile = { filename: '', type: OCTET_STREAM, data: new Uint8Array(0) };

/** The entry list: kata 25's fields, then the user's values put in place of those names. */
function entryList(form: HtmlForm, values: FormValues): Entry[] {
  let entries: Entry[] = form.fields.map(({ name, value, type }) => {
    if (type === 'file') return [name, NO_FILE];
    if (type === 'hidden' && name.toLowerCase() === '_charset_') return [name, CHARSET];
    return [name, value];
  });
  for (const [name, given] of Object.entries(values)) {
    const replacement = (Array.isArray(given) ? given : [given]).map((v): Entry => [name, v]);
    const first = entries.findIndex(([n]) => n === name);
    const others = entries.filter(([n]) => n !== name);
    const at = first === -1 ? others.length : first;
    entries = [...others.slice(0, at), ...replacement, ...others.slice(at)];
  }
  return entries;
}

/** HTML 4.10.22.6, converting an entry list to a list of name-value pairs: a file is its
 * filename; newlines in names and values become CR LF. */
function nameValuePairs(entries: readonly Entry[]): NameValuePair[] {
  return entries.map(([name, value]) => [
    normalizeNewlines(name),
    normalizeNewlines(typeof value === 'string' ? value : value.filename),
  ]);
}

/** HTML 4.10.22.3, "mutate action URL": the action's query is replaced; its fragment stays. */
function withQuery(action: string, query: string): string {
  const hash = action.indexOf('#');
  const fragment = hash === -1 ? '' : action.slice(hash);
  const beforeFragment = hash === -1 ? action : action.slice(0, hash);
  const question = beforeFragment.indexOf('?');
  const base = question === -1 ? beforeFragment : beforeFragment.slice(0, question);
  return `${base}?${query}${fragment}`;
}

/**
 * HTML 4.10.22.3, the form submission algorithm for an http(s) action: GET puts the
 * urlencoded entry list in the URL's query ("mutate action URL", whatever the enctype);
 * POST sends it as the body in the form's enctype ("submit as entity body").
 *
 * @throws FormError from `encodeMultipart`
 */
export function formRequest(
  form: HtmlForm,
  values: FormValues = {},
  options: SubmitOptions = {},
): FormRequest {
  const entries = entryList(form, values);
  const headers = options.headers ?? [];
  if (form.method === 'get') {
    return {
      method: 'GET',
      url: withQuery(form.action, encodeForm(nameValuePairs(entries))),
      headers,
    };
  }
  const { contentType, body } = encoded(form.enctype, entries, options);
  return {
    method: 'POST',
    url: form.action,
    headers: [['Content-Type', contentType], ...headers],
    body,
  };
}

function encoded(
  enctype: Enctype,
  entries: readonly Entry[],
  options: MultipartOptions,
): { contentType: string; body: Uint8Array | string } {
  if (enctype === MULTIPART) return encodeMultipart(entries, options);
  if (enctype === TEXT_PLAIN)
    return { contentType: TEXT_PLAIN, body: encodeTextPlain(nameValuePairs(entries)) };
  return { contentType: URLENCODED, body: encodeForm(nameValuePairs(entries)) };
}

/**
 * Submits `form` with the user's `values` through kata 22's `request`, redirects followed
 * (a 303 after a POST as a GET).
 *
 * @throws FormError; anything kata 22's `request` throws, as it is
 */
export async function submit(
  form: HtmlForm,
  values: FormValues = {},
  options: SubmitOptions = {},
): Promise<RedirectedResponse> {
  const { method, url, headers, body } = formRequest(form, values, options);
  return request(url, { ...options, method, headers, body });
}
