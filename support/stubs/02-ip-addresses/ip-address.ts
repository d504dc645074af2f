/**
 * IP addresses as text and as bytes: dotted-decimal IPv4 (RFC 3986 §3.2.2),
 * the IPv6 text forms (RFC 4291 §2.2) and the canonical IPv6 text (RFC 5952).
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** The address family a text was read as. */
export type Family = 'IPv4' | 'IPv6';

/** Why a text is not an address: one reason per rule of the grammar, with its explanation. */
export const REASONS = {
  'too-few-octets': 'an IPv4 address is four decimal octets separated by dots',
  'too-many-octets': 'an IPv4 address is four decimal octets separated by dots',
  'empty-octet': 'every octet needs at least one digit',
  'leading-zero': 'an octet other than 0 starts with 0, which inet_aton(3) would read as octal',
  'out-of-range': 'an octet is a number from 0 to 255',
  'invalid-character': 'an octet is decimal digits, a group is hexadecimal digits',
  'group-too-long': 'a group is one to four hexadecimal digits',
  'empty-group': 'a single colon must sit between two groups',
  'double-compression': '"::" may appear only once, or the number of zero groups is ambiguous',
  'too-few-groups': 'without "::" an IPv6 address is eight groups',
  'too-many-groups':
    'an IPv6 address is eight groups; a dotted quad counts as two, "::" as one or more',
  'ipv4-not-last': 'a dotted quad may only stand for the last 32 bits',
  'zone-id': 'a zone ID, as in fe80::1%eth0, names a link and is not part of the address',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by parseIPv4 and parseIPv6: the input, the family it was read as, and why it is not one. */
export class InvalidAddress extends Error {
  override readonly name = 'InvalidAddress';
  constructor(
    readonly input: string,
    readonly family: Family,
    readonly reason: InvalidReason,
  ) {
    super(`${JSON.stringify(input)} is not an ${family} address: ${reason} (${REASONS[reason]})`);
  }
}

/**
 * Reads a dotted quad, `d.d.d.d`: exactly four decimal octets from 0 to 255, no
 * leading zeros, nothing else (no spaces, no octal, no hex, no shorter forms).
 *
 * @returns the four octets, in the order written (network byte order)
 * @throws InvalidAddress with the reason the text is not a dotted quad
 */
export function parseIPv4(text: string): Uint8Array {
  throw new KataTodo('parseIPv4');
}

/**
 * Reads any RFC 4291 §2.2 text form: eight groups of one to four hex digits in
 * either case, at most one `::` standing for one or more zero groups, and an
 * optional dotted quad for the last 32 bits (`::ffff:192.0.2.1`).
 *
 * @returns the sixteen bytes of the address, in network byte order
 * @throws InvalidAddress with the reason the text is not an IPv6 address;
 *   a zone ID (`fe80::1%eth0`) is rejected with the reason `zone-id`
 */
export function parseIPv6(text: string): Uint8Array {
  throw new KataTodo('parseIPv6');
}

/**
 * Writes the RFC 5952 §4 canonical text: lowercase, leading zeros suppressed,
 * the longest run of two or more zero groups as `::` (the first when tied), a
 * lone zero group written `0`. An IPv4-mapped address (`::ffff:0:0/96`) ends in a
 * dotted quad, as RFC 5952 §5 recommends: `::ffff:192.0.2.1`.
 *
 * @param bytes the sixteen bytes of an address, in network byte order
 * @throws RangeError when `bytes` is not sixteen bytes long
 */
export function formatIPv6(bytes: Uint8Array): string {
  throw new KataTodo('formatIPv6');
}
