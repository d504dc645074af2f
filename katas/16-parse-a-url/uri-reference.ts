/**
 * http and https URLs as RFC 3986 reads them: the generic syntax split into
 * components (§3), the authority read as RFC 9110 §4.2 says, and relative
 * references resolved (§5.2). Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

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

/**
 * Splits an absolute http or https URL into its components (RFC 3986 §3), checking
 * each against its grammar. Lowercases the scheme and a reg-name (both
 * case-insensitive, §6.2.2.1), writes an IPv6 literal in its RFC 5952 text, fills in
 * the default port, and makes an empty path "/" (RFC 9110 §4.2.3). It does not
 * decode percent-encoding or remove dot segments.
 *
 * Kata 02's `parseIPv4`, `parseIPv6` and `formatIPv6` read and write the IP hosts.
 *
 * @throws InvalidUrl with the reason of the first rule the text breaks
 */
export function splitUrl(text: string): UrlParts {
  throw new KataTodo('splitUrl');
}

/**
 * RFC 3986 §5.2.4, remove_dot_segments: interprets "." and ".." segments, from left
 * to right, as the RFC's five-step loop does. `/a/b/c/./../../g` becomes `/a/g`.
 */
export function removeDotSegments(path: string): string {
  throw new KataTodo('removeDotSegments');
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
  throw new KataTodo('resolveReference');
}
