/**
 * Redirects followed as RFC 9110 §15.4 and the Fetch standard's "HTTP-redirect fetch" agree:
 * the next request is worked out from the 3xx response by a pure function, then sent with
 * kata 21's `send`, until a final response, a loop or the limit.
 */

import { InvalidUrl, resolveReference, splitUrl } from '../16-parse-a-url/uri-reference.ts';
import type {
  HeaderField,
  HttpResponse,
  RequestMethod,
  SendOptions,
} from '../21-http-get/http-get.ts';
import { send } from '../21-http-get/http-get.ts';

/** The Fetch standard's redirect statuses: the only ones this client follows. */
export const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;
export type RedirectStatus = (typeof REDIRECT_STATUSES)[number];

/** Fetch, HTTP-redirect fetch: "If request's redirect count is 20, then return a network error." */
export const DEFAULT_MAX_REDIRECTS = 20;

/** One request of a redirect chain, as the rules see it. */
export interface ChainRequest {
  /** An absolute http(s) URL, with the fragment it carries (a fragment is never sent). */
  readonly url: string;
  readonly method: RequestMethod;
  /** The caller's fields, in order; Host, Content-Length and Connection are send's own. */
  readonly headers: readonly HeaderField[];
  /** The content; `undefined` for none. */
  readonly body?: Uint8Array | string;
}

/** What a response means for the chain: it is the final one, or this is the next request. */
export type RedirectStep =
  | { readonly kind: 'final' }
  | { readonly kind: 'redirect'; readonly request: ChainRequest };

/** The final response, and where it came from. */
export interface RedirectedResponse extends HttpResponse {
  /** The URL of the last request, with the fragment it inherited (RFC 9110 §10.2.2). */
  readonly url: string;
  /** Every URL requested, in order: the one given first, `url` last. */
  readonly urlList: readonly string[];
}

export interface RequestOptions extends SendOptions {
  /** The most redirects followed: one more 3xx with a Location is an error. */
  readonly maxRedirects?: number;
}

/** Why a chain of redirects stopped without a final response: one reason per rule. */
export const REASONS = {
  'bad-location':
    'a Location is one URI-reference (RFC 9110 §10.2.2) that resolves to an http(s) URL (RFC 3986 §5.2); this one does not',
  'not-http':
    'the Location resolves to a URL whose scheme is neither http nor https (a network error for fetch)',
  'redirect-loop':
    'the next request is one the chain has already sent, and would get the same answer (RFC 9110 §15.4)',
  'too-many-redirects':
    'more redirects than maxRedirects (20 by default, as in the Fetch standard)',
} as const;

export type RedirectErrorReason = keyof typeof REASONS;

/** Rejected with by `request`, thrown by `redirectRequest`: the reason, and what was at fault. */
export class RedirectError extends Error {
  override readonly name = 'RedirectError';
  constructor(
    readonly reason: RedirectErrorReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail} (${REASONS[reason]})`);
  }
}

const FINAL = { kind: 'final' } as const;
const ARROW = ' → ';
/**
 * RFC 9110 §15.4 step 5: "remove content-specific header fields, including (but not limited
 * to) Content-Encoding, Content-Language, Content-Location, Content-Type, Content-Length,
 * Digest, Last-Modified". Content-Length is send's own, written from the body.
 */
const CONTENT_FIELDS: ReadonlySet<string> = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
  'digest',
  'last-modified',
]);
/**
 * RFC 9110 §15.4 step 3: "Consider removing header fields that were not automatically
 * generated ... where there are security implications; this includes but is not limited to
 * Authorization and Cookie." Fetch removes Authorization, undici Proxy-Authorization too.
 */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
]);

/**
 * RFC 9110 §4.3.1: "The "origin" for a given URI is the triple of scheme, host, and port
 * after normalizing the scheme and host to lowercase", the port defaulting to the scheme's.
 * Kata 16's `splitUrl` does that normalizing.
 *
 * @throws kata 16's InvalidUrl when either is not an http(s) URL
 */
export function sameOrigin(a: string, b: string): boolean {
  const x = splitUrl(a);
  const y = splitUrl(b);
  return x.scheme === y.scheme && x.host === y.host && x.port === y.port;
}

/**
 * The request a response asks for, or `final`. Pure: no socket, no history (loops and the
 * limit are `request`'s). A redirect is one of the five statuses with a Location field; the
 * Location is resolved against the current URL, inherits its fragment when it has none, and
 * must be an http(s) URL. The method, the content and the fields change as RFC 9110 §15.4
 * and the Fetch standard say.
 *
 * @throws RedirectError `bad-location` or `not-http`
 */
export function redirectRequest(
  current: ChainRequest,
  response: Pick<HttpResponse, 'status' | 'headers'>,
): RedirectStep {
  const status = REDIRECT_STATUSES.find((code) => code === response.status);
  if (status === undefined) return FINAL;
  const locations = response.headers.values('location');
  // RFC 9110 §10.2.2: "A Location field value cannot allow a list of members because the
  // comma list separator is a valid data character within a URI-reference."
  if (locations.length > 1) {
    throw new RedirectError(
      'bad-location',
      `Location fields ${JSON.stringify(locations)} in the response to ${current.url}`,
    );
  }
  const [location] = locations;
  // Fetch, HTTP-redirect fetch: "If locationURL is null, then return response."
  if (location === undefined) return FINAL;
  const url = locationUrl(current.url, location);
  // RFC 9110 §15.4.2, §15.4.3: "a user agent MAY change the request method from POST to GET";
  // §15.4.4: "a GET or HEAD request if using HTTP"; §15.4.8: 307 "MUST NOT change the request
  // method". Fetch: 301 or 302 and POST, or 303 and not GET or HEAD.
  const toGet =
    ((status === 301 || status === 302) && current.method === 'POST') ||
    (status === 303 && current.method !== 'GET' && current.method !== 'HEAD');
  // Fetch: "If request's current URL's origin is not same origin with locationURL's origin"
  const crossOrigin = !sameOrigin(current.url, url);
  const headers = current.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return !(toGet && CONTENT_FIELDS.has(lower)) && !(crossOrigin && CREDENTIAL_FIELDS.has(lower));
  });
  return {
    kind: 'redirect',
    request: toGet
      ? { url, method: 'GET', headers }
      : { url, method: current.method, headers, body: current.body },
  };
}

/**
 * RFC 9110 §10.2.2: a relative reference is resolved against the target URI (RFC 3986 §5),
 * and "If the Location value provided in a 3xx (Redirection) response does not have a
 * fragment component, a user agent MUST process the redirection as if the value inherits
 * the fragment component of the URI reference used to generate the target URI".
 */
function locationUrl(base: string, location: string): string {
  const resolved = resolveReference(base, location);
  let target: ReturnType<typeof splitUrl>;
  try {
    target = splitUrl(resolved);
  } catch (error) {
    if (!(error instanceof InvalidUrl)) throw error;
    // Fetch: "If locationURL's scheme is not an HTTP(S) scheme, then return a network error."
    throw new RedirectError(
      error.reason === 'unsupported-scheme' ? 'not-http' : 'bad-location',
      `Location ${JSON.stringify(location)} in the response to ${base} (${error.reason})`,
    );
  }
  const inherited = splitUrl(base).fragment;
  // RFC 9110 §17.11: a (possibly empty) fragment in the Location blocks the inheritance
  return target.fragment === undefined && inherited !== undefined
    ? `${resolved}#${inherited}`
    : resolved;
}

/**
 * Sends `url` and follows its redirects until a final response. `options` is kata 21's,
 * applied to every request of the chain, plus `maxRedirects`. A request the chain already
 * sent (the same method, URL without fragment and fields) is a loop, refused before it is
 * sent again; so is a redirect past the limit.
 *
 * @throws RedirectError; anything kata 21's `send` throws, as it is
 */
export async function request(
  url: string,
  options: RequestOptions = {},
): Promise<RedirectedResponse> {
  const {
    maxRedirects = DEFAULT_MAX_REDIRECTS,
    method = 'GET',
    headers = [],
    body,
    ...rest
  } = options;
  let current: ChainRequest = { url, method, headers, body };
  const urlList = [url];
  const sent = new Set([identity(current)]);
  for (;;) {
    const response = await send(current.url, {
      ...rest,
      method: current.method,
      headers: current.headers,
      body: current.body,
    });
    const step = redirectRequest(current, response);
    if (step.kind === 'final') return { ...response, url: current.url, urlList };
    const next = step.request;
    const chain = [...urlList, next.url].join(ARROW);
    // Fetch: "If request's redirect count is 20, then return a network error." (with
    // urlList.length - 1 redirects followed so far)
    if (urlList.length > maxRedirects) {
      throw new RedirectError(
        'too-many-redirects',
        `${maxRedirects} followed, one more asked: ${chain}`,
      );
    }
    const key = identity(next);
    // RFC 9110 §15.4: "A client SHOULD detect and intervene in cyclical redirections"
    if (sent.has(key)) throw new RedirectError('redirect-loop', chain);
    sent.add(key);
    urlList.push(next.url);
    current = next;
  }
}

/**
 * What a server sees of a request, as a key: the method, the URL without its fragment and
 * the fields. The content needs no place in it: within one chain it follows from the method
 * (the original method carries the original content, a GET made from another method none).
 */
function identity(request: ChainRequest): string {
  const [sentUrl] = request.url.split('#');
  return JSON.stringify([request.method, sentUrl, request.headers]);
}
