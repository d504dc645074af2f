/**
 * A form submitted as a browser submits it: the entry list (kata 25's fields, with the user's
 * values), serialized as the WHATWG URL Standard's urlencoded serializer, the HTML Standard's
 * multipart/form-data encoding algorithm (RFC 7578 on RFC 2046 §5.1) or its text/plain one,
 * then sent with kata 22's `request`, so a 303 after a POST is followed as a GET.
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { HeaderField } from '../21-http-get/http-get.ts';
import type { RedirectedResponse, RequestOptions } from '../22-follow-redirects/redirects.ts';
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

/**
 * URL Standard 5.2, the application/x-www-form-urlencoded serializer: each name and value
 * UTF-8 encoded and percent-encoded with the application/x-www-form-urlencoded percent-encode
 * set (every byte but the ASCII alphanumerics and `*-._`, in uppercase hex), a space as `+`;
 * name and value joined by `=`, the pairs by `&`. The same string as
 * `new URLSearchParams(pairs).toString()`.
 */
export function encodeForm(pairs: readonly NameValuePair[]): string {
  throw new KataTodo('encodeForm');
}

/**
 * HTML 4.10.22.8, the multipart/form-data encoding algorithm (RFC 7578): one part per entry,
 * in order, each with `Content-Disposition: form-data; name="…"` (and `; filename="…"` and a
 * `Content-Type` for a file); names and string values with every CR, LF and CR LF made
 * CR LF; names and filenames with LF, CR and `"` escaped as `%0A`, `%0D` and `%22`, and
 * nothing else escaped. The boundary comes from `options.nextBoundary` (a random one of
 * your own making when not given), proposed again while it occurs in any part.
 *
 * @throws FormError `bad-boundary` for a proposal that is no RFC 2046 boundary, `no-boundary`
 *   when MAX_BOUNDARY_TRIES proposals all occur in the content
 */
export function encodeMultipart(
  entries: readonly Entry[],
  options: MultipartOptions = {},
): MultipartBody {
  throw new KataTodo('encodeMultipart');
}

/** HTML 4.10.22.9, the text/plain encoding algorithm: `name=value` CR LF, pair after pair. */
export function encodeTextPlain(pairs: readonly NameValuePair[]): string {
  throw new KataTodo('encodeTextPlain');
}

/**
 * HTML 4.10.22.3, the form submission algorithm for an http(s) action, as a request not yet
 * sent. The entry list is the form's fields (a `file` field an empty file, a hidden
 * `_charset_` field `UTF-8`), then each name of `values` puts its entries in place of the
 * fields of that name (at the first one's place; a new name goes last). GET: the action
 * with its query replaced by the urlencoded pairs, whatever the enctype; POST: the body in
 * the form's enctype and its Content-Type first, then `options.headers`.
 *
 * @throws FormError from `encodeMultipart`
 */
export function formRequest(
  form: HtmlForm,
  values: FormValues = {},
  options: SubmitOptions = {},
): FormRequest {
  throw new KataTodo('formRequest');
}

/**
 * Submits `form` with the user's `values`: `formRequest`, sent with kata 22's `request`
 * (redirects followed, a 303 after a POST as a GET), `options` passed on.
 *
 * @throws FormError; anything kata 22's `request` throws, as it is
 */
export async function submit(
  form: HtmlForm,
  values: FormValues = {},
  options: SubmitOptions = {},
): Promise<RedirectedResponse> {
  throw new KataTodo('submit');
}
