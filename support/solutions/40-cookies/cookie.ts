/**
 * Cookies, as RFC 6265 defines them for a server: the Cookie request header read into names
 * and values (§4.2.1, §5.4), a Set-Cookie field value written with its attributes (§4.1.1),
 * a cookie deleted, and the cookie-prefix and SameSite=None rules of RFC 6265's current
 * revision (draft-ietf-httpbis-rfc6265bis, a draft) refused before a browser drops them.
 */

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

/** A cookie a server must not send, with the rule it breaks. */
export class CookieError extends Error {
  override readonly name = 'CookieError';
  readonly rule: CookieRule;
  constructor(rule: CookieRule, detail: string) {
    super(`${COOKIE_RULES[rule]}: ${JSON.stringify(detail)}`);
    this.rule = rule;
  }
}

// RFC 6265 §4.1.1: token, RFC 2616 §2.2's, the tchar of RFC 9110 §5.6.2.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, bare or inside DQUOTEs.
const COOKIE_VALUE =
  /^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")$/;
// <subdomain>: labels of letters, digits and hyphens, a letter or digit at each end (RFC 1123
// §2.1 allows a digit first), at most 63 octets (RFC 1034 §3.5), joined by dots.
const LABEL = '[0-9A-Za-z](?:[0-9A-Za-z-]{0,61}[0-9A-Za-z])?';
const SUBDOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
// path-value: CHAR (%x01-7F) but CTLs (%x00-1F, %x7F) and ";".
const PATH_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;
// RFC 5234: WSP = SP / HTAB, what §5.2 trims around a name and a value.
const WSP = /^[ \t]+|[ \t]+$/g;

const SECURE_PREFIX = '__secure-';
const HOST_PREFIX = '__host-';

/** The earliest date there is to a user agent: an Expires that has always passed. */
const EPOCH = new Date(0);

/** Percent-encoding, which the `cookie` package uses too: a lone surrogate has no UTF-8. */
function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new CookieError('cookie-value', value);
  }
}

/** Percent-decoding that never throws: a malformed escape leaves the value as it came. */
function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * RFC 6265 §4.2.1: cookie-string = cookie-pair *( ";" SP cookie-pair ), read leniently as
 * §5.2 reads a name-value-pair: split at the first "=", WSP trimmed off the name and the value.
 */
export function parseCookie(
  header: string,
  options: ParseCookieOptions = {},
): Record<string, string> {
  const decode = options.decode ?? percentDecode;
  const cookies: Record<string, string> = Object.create(null);
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    // §5.2: "If the name-value-pair string lacks a %x3D ("=") character, ignore" it
    if (equals < 0) continue;
    const name = pair.slice(0, equals).replace(WSP, '');
    // §5.2: "If the name string is empty, ignore" it
    if (name === '' || name in cookies) continue;
    // §5.4: the user agent lists "cookies with longer paths … before cookies with shorter
    // paths": of two cookies with one name, the first is the one scoped closest to this path
    cookies[name] = decode(pair.slice(equals + 1).replace(WSP, ''));
  }
  return cookies;
}

/**
 * RFC 6265 §4.1.1: set-cookie-string = cookie-pair *( ";" SP cookie-av ). Returns the field
 * value of one Set-Cookie header field.
 *
 * @throws CookieError naming the rule a name, value or attribute breaks
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new CookieError('cookie-name', name);
  const encoded = (options.encode ?? percentEncode)(value);
  if (!COOKIE_VALUE.test(encoded)) throw new CookieError('cookie-value', encoded);
  const attributes = [`${name}=${encoded}`];
  if (options.expires !== undefined) {
    if (Number.isNaN(options.expires.getTime()))
      throw new CookieError('expires', String(options.expires));
    // sane-cookie-date = rfc1123-date: Date's toUTCString writes IMF-fixdate
    attributes.push(`Expires=${options.expires.toUTCString()}`);
  }
  if (options.maxAge !== undefined) {
    if (!Number.isSafeInteger(options.maxAge))
      throw new CookieError('max-age', String(options.maxAge));
    attributes.push(`Max-Age=${options.maxAge}`);
  }
  if (options.domain !== undefined) {
    if (!SUBDOMAIN.test(options.domain)) throw new CookieError('domain-value', options.domain);
    attributes.push(`Domain=${options.domain}`);
  }
  if (options.path !== undefined) {
    if (!PATH_VALUE.test(options.path)) throw new CookieError('path-value', options.path);
    attributes.push(`Path=${options.path}`);
  }
  if (options.secure) attributes.push('Secure');
  if (options.httpOnly) attributes.push('HttpOnly');
  if (options.sameSite !== undefined) attributes.push(`SameSite=${options.sameSite}`);
  refusedByUserAgents(name, options);
  return attributes.join('; ');
}

/**
 * draft-ietf-httpbis-rfc6265bis, "Store a Cookie": what a user agent of the current revision
 * drops without a word. Its names are compared "byte-lowercased".
 */
function refusedByUserAgents(name: string, options: CookieOptions): void {
  const lower = name.toLowerCase();
  // "If cookie's same-site is "none" and cookie's secure-only is false, then return."
  if (options.sameSite === 'None' && !options.secure) throw new CookieError('samesite-none', name);
  // "starts with "__secure-" and cookie's secure-only is false, then return"
  if (lower.startsWith(SECURE_PREFIX) && !options.secure)
    throw new CookieError('secure-prefix', name);
  // "__host-": secure-only, host-only (no Domain), and the path "/"
  if (
    lower.startsWith(HOST_PREFIX) &&
    (!options.secure || options.domain !== undefined || options.path !== '/')
  )
    throw new CookieError('host-prefix', name);
}

/**
 * Deletes a cookie: the same name, Path and Domain it was set with (RFC 6265 §3.1: removing
 * works "only if the Path and the Domain attribute … match the values used when the cookie
 * was created"), an empty value, Max-Age=0 and an Expires in the past.
 *
 * @throws CookieError as serializeCookie does
 */
export function deleteCookie(name: string, options: DeleteCookieOptions = {}): string {
  // §5.2.2: "If delta-seconds is less than or equal to zero (0), let expiry-time be the
  // earliest representable date and time"; Expires for user agents without Max-Age (§4.1.2)
  return serializeCookie(name, '', { ...options, maxAge: 0, expires: EPOCH });
}
