/**
 * http and https URLs as RFC 3986 reads them: the generic syntax split into
 * components (§3), the authority read as RFC 9110 §4.2 says, and relative
 * references resolved (§5.2).
 */
import { formatIPv6, parseIPv4, parseIPv6 } from '../02-ip-addresses/ip-address.ts';

/** RFC 9110 §4.2.1 and §4.2.2: the two schemes an HTTP origin has. */
export type Scheme = 'http' | 'https';

/** RFC 9110 §4.2.1: "the default port is 80"; §4.2.2: "the default port is 443". */
export const DEFAULT_PORTS = { http: 80, https: 443 } as const satisfies Record<Scheme, number>;

/** RFC 3986 §3.2.2: host = IP-literal / IPv4address / reg-name */
export type HostKind = 'IPv6' | 'IPv4' | 'reg-name';

/** The components of an http(s) URL, in the order RFC 3986 §3 lists them. */
export interface UrlParts {
  /** Lowercase: schemes are case-insensitive, lowercase is canonical (§3.1). */
  readonly scheme: Scheme;
  /** As written, without its "@"; `undefined` when there is no "@". */
  readonly userinfo: string | undefined;
  /** A reg-name in lowercase, a dotted quad, or `[` canonical IPv6 text `]` (RFC 5952). */
  readonly host: string;
  readonly hostKind: HostKind;
  /** The port written, or the scheme's default when none (or an empty one) is written. */
  readonly port: number;
  /** As written; an empty path is "/" (RFC 9110 §4.2.3). Dot segments are kept. */
  readonly path: string;
  /** As written, without its "?"; `undefined` when there is no "?", `''` for a bare "?". */
  readonly query: string | undefined;
  /** As written, without its "#"; `undefined` when there is no "#". */
  readonly fragment: string | undefined;
}

/** Why a text is not an http(s) URL: one reason per rule, with its explanation. */
export const REASONS = {
  'not-absolute': 'there is no scheme: this is a relative reference (resolve it against a base)',
  'unsupported-scheme': 'the scheme is neither http nor https',
  'missing-authority': 'an http(s) URL has "//" and an authority after the scheme',
  'empty-host': 'an http(s) URL with an empty host must be rejected (RFC 9110 §4.2.1)',
  'invalid-host': 'the host is not a dotted quad, a bracketed IPv6 address or a reg-name',
  'ambiguous-ipv4':
    'the host ends in a number but is not a strict dotted quad; inet_aton(3) and WHATWG URL read it as an IPv4 address',
  'invalid-port': 'the port is decimal digits only',
  'port-out-of-range': 'a TCP port is at most 65535',
  'invalid-character': 'a character that RFC 3986 does not allow in this component',
  'invalid-percent-encoding': 'a "%" must be followed by two hexadecimal digits',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by splitUrl and resolveReference: the input and the reason it is not a URL. */
export class InvalidUrl extends Error {
  override readonly name = 'InvalidUrl';
  constructor(
    readonly input: string,
    readonly reason: InvalidReason,
  ) {
    super(`${JSON.stringify(input)} is not an http(s) URL: ${reason} (${REASONS[reason]})`);
  }
}

/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * RFC 3986 Appendix B: the regular expression that splits any URI reference into its
 * five components; it never fails, it only splits.
 */
const URI_REFERENCE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** RFC 3986 §2.3 unreserved, §2.2 sub-delims; a pchar adds ":" and "@" (§3.3). */
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PERCENT_ENCODED = '%[0-9A-Fa-f]{2}';
const only = (characters: string) => new RegExp(`^(?:[${characters}]|${PERCENT_ENCODED})*$`, 's');

/** RFC 3986 §3.2.1: userinfo = *( unreserved / pct-encoded / sub-delims / ":" ) */
const USERINFO = only(`${UNRESERVED}${SUB_DELIMS}:`);
/** §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ) */
const REG_NAME = only(`${UNRESERVED}${SUB_DELIMS}`);
/** §3.3: path-abempty = *( "/" segment ), segment = *pchar */
const PATH = only(`${UNRESERVED}${SUB_DELIMS}:@/`);
/** §3.4 and §3.5: query = *( pchar / "/" / "?" ), fragment likewise. */
const QUERY_OR_FRAGMENT = only(`${UNRESERVED}${SUB_DELIMS}:@/?`);
/** §2.1: pct-encoded = "%" HEXDIG HEXDIG; a "%" that starts none is the other failure. */
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** §3.2.3: port = *DIGIT */
const PORT = /^[0-9]*$/;
const MAX_PORT = 65_535;

/**
 * WHATWG URL's "ends in a number" test: a last label of digits, or 0x and hex digits.
 * Such a host is an IPv4 address to inet_aton(3) and to browsers, whatever RFC 3986 says.
 */
const NUMERIC_LABEL = /^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/;

/**
 * Splits an absolute http or https URL into its components (RFC 3986 §3), checking
 * each against its grammar. Lowercases the scheme and a reg-name (both
 * case-insensitive, §6.2.2.1), writes an IPv6 literal in its RFC 5952 text, fills in
 * the default port, and makes an empty path "/" (RFC 9110 §4.2.3). It does not
 * decode percent-encoding or remove dot segments.
 *
 * @throws InvalidUrl with the reason of the first rule the text breaks
 */
export function splitUrl(text: string): UrlParts {
  const reject = (reason: InvalidReason) => new InvalidUrl(text, reason);
  const [, scheme, authority, path = '', query, fragment] = URI_REFERENCE.exec(text) ?? [];
  if (scheme === undefined) throw reject('not-absolute');
  if (!SCHEME.test(scheme)) throw reject('invalid-character');
  const lowerScheme = scheme.toLowerCase();
  if (lowerScheme !== 'http' && lowerScheme !== 'https') throw reject('unsupported-scheme');
  // RFC 9110 §4.2.1: http-URI = "http" "://" authority path-abempty [ "?" query ]
  if (authority === undefined) throw reject('missing-authority');
  // the components are checked left to right, as written: the first one that breaks its
  // grammar gives the reason
  const { userinfo, host, hostKind, port } = splitAuthority(authority, lowerScheme, reject);
  checkComponent(path, PATH, reject);
  if (query !== undefined) checkComponent(query, QUERY_OR_FRAGMENT, reject);
  if (fragment !== undefined) checkComponent(fragment, QUERY_OR_FRAGMENT, reject);
  return {
    scheme: lowerScheme,
    userinfo,
    host,
    hostKind,
    port,
    // RFC 9110 §4.2.3: "an empty path component is equivalent to an absolute path of "/""
    path: path === '' ? '/' : path,
    query,
    fragment,
  };
}

function checkComponent(
  component: string,
  grammar: RegExp,
  reject: (reason: InvalidReason) => InvalidUrl,
): void {
  if (grammar.test(component)) return;
  throw reject(STRAY_PERCENT.test(component) ? 'invalid-percent-encoding' : 'invalid-character');
}

/** RFC 3986 §3.2: authority = [ userinfo "@" ] host [ ":" port ] */
function splitAuthority(
  authority: string,
  scheme: Scheme,
  reject: (reason: InvalidReason) => InvalidUrl,
): Pick<UrlParts, 'userinfo' | 'host' | 'hostKind' | 'port'> {
  // userinfo may not contain "@", so the last "@" ends it
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  if (userinfo !== undefined) checkComponent(userinfo, USERINFO, reject);
  const hostAndPort = authority.slice(at + 1);
  // a bracketed IP-literal may contain ":", so the port's ":" is the one after "]"
  const closing = hostAndPort.startsWith('[') ? hostAndPort.indexOf(']') : -1;
  const colon = hostAndPort.indexOf(':', closing + 1);
  const rawHost = colon === -1 ? hostAndPort : hostAndPort.slice(0, colon);
  const rawPort = colon === -1 ? '' : hostAndPort.slice(colon + 1);
  return { userinfo, ...readHost(rawHost, reject), port: readPort(rawPort, scheme, reject) };
}

function readHost(
  host: string,
  reject: (reason: InvalidReason) => InvalidUrl,
): Pick<UrlParts, 'host' | 'hostKind'> {
  if (host === '') throw reject('empty-host');
  // §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) throw reject('invalid-host');
    try {
      return { host: `[${formatIPv6(parseIPv6(host.slice(1, -1)))}]`, hostKind: 'IPv6' };
    } catch {
      throw reject('invalid-host');
    }
  }
  // §3.2.2: "If host matches the rule for IPv4address, then it should be considered an
  // IPv4 address literal and not a reg-name."
  const lastLabel = host.split('.').findLast((label) => label !== '') ?? '';
  if (NUMERIC_LABEL.test(lastLabel)) {
    try {
      parseIPv4(host);
      return { host, hostKind: 'IPv4' };
    } catch {
      throw reject('ambiguous-ipv4');
    }
  }
  checkComponent(host, REG_NAME, reject);
  return { host: host.toLowerCase(), hostKind: 'reg-name' };
}

function readPort(
  port: string,
  scheme: Scheme,
  reject: (reason: InvalidReason) => InvalidUrl,
): number {
  if (!PORT.test(port)) throw reject('invalid-port');
  // §3.2.3: an empty port means the scheme's default, like no port at all
  if (port === '') return DEFAULT_PORTS[scheme];
  const value = Number(port);
  if (value > MAX_PORT) throw reject('port-out-of-range');
  return value;
}

/** The five components of RFC 3986 §5.2.1, `undefined` where the reference has none. */
interface Components {
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

function componentsOf(reference: string): Components {
  const [, scheme, authority, path = '', query, fragment] = URI_REFERENCE.exec(reference) ?? [];
  return { scheme, authority, path, query, fragment };
}

/**
 * Resolves a URI reference against an absolute base URI: the "strict" algorithm of
 * RFC 3986 §5.2.2, with merge (§5.2.3), remove_dot_segments (§5.2.4) and
 * recomposition (§5.3). The base's own fragment is ignored (§5.1). Works on any
 * scheme: it splits with the regular expression of RFC 3986 Appendix B and does not
 * check components.
 *
 * @throws InvalidUrl `not-absolute` when the base has no scheme
 */
export function resolveReference(base: string, reference: string): string {
  const b = componentsOf(base);
  if (b.scheme === undefined) throw new InvalidUrl(base, 'not-absolute');
  const r = componentsOf(reference);
  let target: Components;
  if (r.scheme !== undefined) {
    target = { ...r, path: removeDotSegments(r.path) };
  } else if (r.authority !== undefined) {
    target = { ...r, scheme: b.scheme, path: removeDotSegments(r.path) };
  } else if (r.path === '') {
    target = { ...b, query: r.query ?? b.query, fragment: r.fragment };
  } else {
    const path = r.path.startsWith('/') ? r.path : merge(b, r.path);
    target = { ...b, path: removeDotSegments(path), query: r.query, fragment: r.fragment };
  }
  return recompose(target);
}

/** RFC 3986 §5.2.3: the reference's path after the base path's last "/". */
function merge(base: Components, path: string): string {
  // "If the base URI has a defined authority component and an empty path, then return a
  // string consisting of "/" concatenated with the reference's path"
  if (base.authority !== undefined && base.path === '') return `/${path}`;
  return base.path.slice(0, base.path.lastIndexOf('/') + 1) + path;
}

/**
 * RFC 3986 §5.2.4, remove_dot_segments: interprets "." and ".." segments, from left
 * to right, as the RFC's five-step loop does. `/a/b/c/./../../g` becomes `/a/g`.
 */
export function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  while (input !== '') {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      // "move the first path segment in the input buffer to the end of the output buffer"
      const end = input.indexOf('/', 1);
      const segment = end === -1 ? input : input.slice(0, end);
      output.push(segment);
      input = input.slice(segment.length);
    }
  }
  return output.join('');
}

/** RFC 3986 §5.3: puts the components back together with their delimiters. */
function recompose({ scheme, authority, path, query, fragment }: Components): string {
  return (
    (scheme === undefined ? '' : `${scheme}:`) +
    (authority === undefined ? '' : `//${authority}`) +
    path +
    (query === undefined ? '' : `?${query}`) +
    (fragment === undefined ? '' : `#${fragment}`)
  );
}
