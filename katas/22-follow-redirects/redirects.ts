/**
 * Redirects followed as RFC 9110 §15.4 and the Fetch standard's "HTTP-redirect fetch" agree:
 * the next request worked out from the 3xx response by a pure function, then sent with kata
 * 21's `send`, until a final response, a loop or the limit. Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type {
  HeaderField,
  HttpResponse,
  RequestMethod,
  SendOptions,
} from '../21-http-get/http-get.ts';

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

/**
 * RFC 9110 §4.3.1: whether two http(s) URLs have the same origin, the triple of scheme, host
 * and port, compared after kata 16's `splitUrl` has normalized them (lowercase scheme and
 * host, the scheme's default port filled in).
 *
 * @throws kata 16's InvalidUrl when either is not an http(s) URL
 */
export function sameOrigin(a: string, b: string): boolean {
  throw new KataTodo('sameOrigin');
}

/**
 * The request a response asks for, or `final`. Pure: no socket, no history (loops and the
 * limit are `request`'s). A redirect is one of the five statuses with a Location field; the
 * Location is resolved against the current URL (kata 16's `resolveReference`), inherits its
 * fragment when it has none, and must be an http(s) URL. The method, the content and the
 * fields change as RFC 9110 §15.4 and the Fetch standard say (README.md, task 2).
 *
 * @throws RedirectError `bad-location` or `not-http`
 */
export function redirectRequest(
  current: ChainRequest,
  response: Pick<HttpResponse, 'status' | 'headers'>,
): RedirectStep {
  throw new KataTodo('redirectRequest');
}

/**
 * Sends `url` with kata 21's `send` and follows its redirects until a final response.
 * `options` is kata 21's, applied to every request of the chain, plus `maxRedirects`
 * (`DEFAULT_MAX_REDIRECTS` when not given). A request the chain already sent (the same
 * method, URL without fragment and fields) is a loop, refused before it is sent again; so
 * is a redirect past the limit.
 *
 * @throws RedirectError; anything kata 21's `send` throws, as it is
 */
export async function request(
  url: string,
  options: RequestOptions = {},
): Promise<RedirectedResponse> {
  throw new KataTodo('request');
}
