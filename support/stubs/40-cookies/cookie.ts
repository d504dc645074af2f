/**
 * Cookies, as RFC 6265 defines them for a server: the Cookie request header read into names
 * and values (§4.2.1, §5.4), a Set-Cookie field value written with its attributes (§4.1.1),
 * a cookie deleted, and the cookie-prefix and SameSite=None rules of RFC 6265's current
 * revision (draft-ietf-httpbis-rfc6265bis, a draft) refused before a browser drops them.
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** The SameSite attribute's three values, spelt as the draft's samesite-value grammar. */
export type SameSite = 'Strict' | 'Lax' | 'None';

/** The attributes of one Set-Cookie field (RFC 6265 §4.1.1), and how its value is encoded. */
export interface CookieOptions {
  /** `Path=`: the cookie is sent for this path and below it. */
  readonly path?: string;
  /** `Domain=`: the cookie is sent to this host and its subdomains (absent: this host only). */
  readonly domain?: string;
  /** `Max-Age=`: seconds until it expires, an integer; 0 or less expires it at once. */
  readonly maxAge?: number;
  /** `Expires=`: when it expires, written as an IMF-fixdate. */
  readonly expires?: Date;
  /** `Secure`: sent over secure channels only. */
  readonly secure?: boolean;
  /** `HttpOnly`: kept from scripts. */
  readonly httpOnly?: boolean;
  /** `SameSite=`: whether it goes with cross-site requests. */
  readonly sameSite?: SameSite;
  /** Turns the value into cookie-octets; `encodeURIComponent` by default. */
  readonly encode?: (value: string) => string;
}

/** What `deleteCookie` takes: the cookie's scope and flags; the expiry is its own. */
export type DeleteCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires' | 'encode'>;

/** How `parseCookie` reads a value. */
export interface ParseCookieOptions {
  /** Turns a cookie-value back into the value; percent-decoding by default. */
  readonly decode?: (value: string) => string;
}

/** The rule a refused cookie breaks. */
export type CookieRule =
  | 'cookie-name'
  | 'cookie-value'
  | 'domain-value'
  | 'path-value'
  | 'max-age'
  | 'expires'
  | 'secure-prefix'
  | 'host-prefix'
  | 'samesite-none';

/** Each rule, in the words of the text that states it. */
export const COOKIE_RULES = {
  'cookie-name': 'RFC 6265 §4.1.1: cookie-name = token',
  'cookie-value':
    'RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ), no CTLs, whitespace, DQUOTE, comma, semicolon or backslash',
  'domain-value': 'RFC 6265 §4.1.1: domain-value = <subdomain> (RFC 1034 §3.5, RFC 1123 §2.1)',
  'path-value': 'RFC 6265 §4.1.1: path-value = <any CHAR except CTLs or ";">',
  'max-age': 'RFC 6265 §4.1.1 and §5.2.2: Max-Age is a whole number of seconds',
  expires: 'RFC 6265 §4.1.1: Expires is a date (sane-cookie-date)',
  'secure-prefix':
    'draft-ietf-httpbis-rfc6265bis: a cookie named __Secure- needs the Secure attribute',
  'host-prefix':
    'draft-ietf-httpbis-rfc6265bis: a cookie named __Host- needs Secure, Path=/ and no Domain',
  'samesite-none': 'draft-ietf-httpbis-rfc6265bis: SameSite=None needs the Secure attribute',
} as const satisfies Record<CookieRule, string>;

/** A cookie a server must not send, with the rule it breaks. Given, not a task. */
export class CookieError extends Error {
  override readonly name = 'CookieError';
  readonly rule: CookieRule;
  constructor(rule: CookieRule, detail: string) {
    super(`${COOKIE_RULES[rule]}: ${JSON.stringify(detail)}`);
    this.rule = rule;
  }
}

/**
 * Reads a Cookie header (RFC 6265 §4.2.1: `name=value; name2=value2`) into an object with no
 * prototype: split at each `;`, each piece at its first `=`, spaces and tabs trimmed around
 * the name and the value (§5.2's leniency), a piece without `=` or with an empty name skipped.
 * Of two cookies with one name the first wins (§5.4: the user agent lists the cookie with
 * the longer path first). Each value goes through `options.decode`: by default
 * percent-decoding, as the `cookie` package does, a malformed escape leaving the value as it
 * came. Never throws.
 */
export function parseCookie(
  header: string,
  options: ParseCookieOptions = {},
): Record<string, string> {
  throw new KataTodo('parseCookie');
}

/**
 * Writes one Set-Cookie field value (RFC 6265 §4.1.1): `name=value`, then each attribute the
 * options give, each after `; `: Expires (IMF-fixdate), Max-Age, Domain, Path, Secure,
 * HttpOnly, SameSite. The value goes through `options.encode` first (by default
 * `encodeURIComponent`, as the `cookie` package does), and what comes out must be a
 * cookie-value.
 *
 * @throws CookieError whose `rule` names what is wrong: a name that is not a token
 * (`cookie-name`), a value with a CTL, space, DQUOTE, `,`, `;` or a backslash after encoding, or a
 * lone surrogate (`cookie-value`), a Domain that is not a host name (`domain-value`), a Path
 * with a CTL or `;` (`path-value`), a Max-Age that is not an integer (`max-age`), an invalid
 * Date (`expires`); and, from the current revision of RFC 6265 (a draft), `__Secure-` without
 * Secure (`secure-prefix`), `__Host-` without Secure, with a Domain or without Path=/
 * (`host-prefix`), SameSite=None without Secure (`samesite-none`). Prefixes in any case.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  throw new KataTodo('serializeCookie');
}

/**
 * The Set-Cookie field value that deletes a cookie: the name, an empty value, `Max-Age=0` and
 * an `Expires` in the past (1 January 1970), with the Path, Domain and flags the cookie was
 * set with (a user agent only replaces a cookie of the same name, domain and path).
 *
 * @throws CookieError as serializeCookie does
 */
export function deleteCookie(name: string, options: DeleteCookieOptions = {}): string {
  throw new KataTodo('deleteCookie');
}
