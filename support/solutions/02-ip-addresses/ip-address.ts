/**
 * IP addresses as text and as bytes: dotted-decimal IPv4 (RFC 3986 §3.2.2),
 * the IPv6 text forms (RFC 4291 §2.2) and the canonical IPv6 text (RFC 5952).
 */

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

/** Builds the error for the text being read; the readers below throw what it returns. */
type Reject = (reason: InvalidReason) => InvalidAddress;

/** RFC 791 §2.3: "Addresses are fixed length of four octets (32 bits)." */
const OCTETS_IN_IPV4 = 4;
const MAX_OCTET = 255;
const DIGITS = /^[0-9]+$/;

/** RFC 4291 §2.2: "the eight 16-bit pieces of the address" */
const GROUPS_IN_IPV6 = 8;
const BYTES_IN_IPV6 = 16;
const MAX_HEXDIGS_IN_GROUP = 4;
const HEXDIGS = /^[0-9A-Fa-f]+$/;
const COMPRESSION = '::';
const ZONE_DELIMITER = '%';

/** RFC 4291 §2.5.5.2: an IPv4-mapped address is 80 zero bits, 16 one bits, then the IPv4 address. */
const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0xffff] as const;
/** The prefix written as RFC 5952 §4 says, as §5 asks for the hexadecimal part of mixed notation. */
const IPV4_MAPPED_TEXT = '::ffff:';

/** RFC 4291 §2.5.5: an embedded IPv4 address is the low-order 32 bits. */
const EMBEDDED_IPV4_OFFSET = BYTES_IN_IPV6 - OCTETS_IN_IPV4;

const NOT_SIXTEEN_BYTES = (length: number) =>
  `an IPv6 address is ${BYTES_IN_IPV6} bytes, not ${length}`;

/**
 * Reads a dotted quad, `d.d.d.d`: exactly four decimal octets from 0 to 255, no
 * leading zeros, nothing else (no spaces, no octal, no hex, no shorter forms).
 *
 * @returns the four octets, in the order written (network byte order)
 * @throws InvalidAddress with the reason the text is not a dotted quad
 */
export function parseIPv4(text: string): Uint8Array {
  return dottedQuad(text, (reason) => new InvalidAddress(text, 'IPv4', reason));
}

/** RFC 3986 §3.2.2: IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet */
function dottedQuad(text: string, reject: Reject): Uint8Array {
  const octets = text.split('.');
  if (octets.length < OCTETS_IN_IPV4) throw reject('too-few-octets');
  if (octets.length > OCTETS_IN_IPV4) throw reject('too-many-octets');
  return Uint8Array.from(octets, (octet) => decOctet(octet, reject));
}

function decOctet(octet: string, reject: Reject): number {
  if (octet === '') throw reject('empty-octet');
  if (!DIGITS.test(octet)) throw reject('invalid-character');
  // RFC 3986 §3.2.2: dec-octet = DIGIT / %x31-39 DIGIT / ... : only "0" itself starts with 0
  if (octet.length > 1 && octet.startsWith('0')) throw reject('leading-zero');
  const value = Number(octet);
  if (value > MAX_OCTET) throw reject('out-of-range');
  return value;
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
  const reject: Reject = (reason) => new InvalidAddress(text, 'IPv6', reason);
  // RFC 4007 §11: <address>%<zone_id>; the zone index is not part of the address
  if (text.includes(ZONE_DELIMITER)) throw reject('zone-id');
  // RFC 4291 §2.2: 'The "::" can only appear once in an address.'
  const [head = '', tail, ...more] = text.split(COMPRESSION);
  if (more.length > 0) throw reject('double-compression');
  if (tail === undefined) {
    const groups = groupsIn(head, reject);
    if (groups.length < GROUPS_IN_IPV6) throw reject('too-few-groups');
    if (groups.length > GROUPS_IN_IPV6) throw reject('too-many-groups');
    return bytesOf(groups);
  }
  // a dotted quad before "::" is not the last 32 bits
  if (head.includes('.')) throw reject('ipv4-not-last');
  const before = groupsIn(head, reject);
  const after = groupsIn(tail, reject);
  const zeros = GROUPS_IN_IPV6 - before.length - after.length;
  // RFC 4291 §2.2: 'The use of "::" indicates one or more groups of 16 bits of zeros.'
  if (zeros < 1) throw reject('too-many-groups');
  return bytesOf([...before, ...new Array<number>(zeros).fill(0), ...after]);
}

/** The 16-bit groups written in `part`, a side of "::" or the whole text: x:x:...:x[:d.d.d.d] */
function groupsIn(part: string, reject: Reject): number[] {
  if (part === '') return [];
  const pieces = part.split(':');
  const last = pieces.length - 1;
  return pieces.flatMap((piece, index) => {
    if (!piece.includes('.')) return [group(piece, reject)];
    // RFC 4291 §2.2: x:x:x:x:x:x:d.d.d.d, "the 'd's are the decimal values of the four
    // low-order 8-bit pieces of the address (standard IPv4 representation)"
    if (index !== last) throw reject('ipv4-not-last');
    const quad = new DataView(dottedQuad(piece, reject).buffer);
    return [quad.getUint16(0), quad.getUint16(2)];
  });
}

/** RFC 4291 §2.2: "the 'x's are one to four hexadecimal digits of the eight 16-bit pieces" */
function group(piece: string, reject: Reject): number {
  if (piece === '') throw reject('empty-group');
  if (!HEXDIGS.test(piece)) throw reject('invalid-character');
  if (piece.length > MAX_HEXDIGS_IN_GROUP) throw reject('group-too-long');
  return Number.parseInt(piece, 16);
}

/** Eight 16-bit groups as sixteen bytes, most significant byte first (network byte order). */
function bytesOf(groups: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(BYTES_IN_IPV6);
  const view = new DataView(bytes.buffer);
  for (const [index, value] of groups.entries()) view.setUint16(2 * index, value);
  return bytes;
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
  if (bytes.length !== BYTES_IN_IPV6) throw new RangeError(NOT_SIXTEEN_BYTES(bytes.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const groups = Array.from({ length: GROUPS_IN_IPV6 }, (_, index) => view.getUint16(2 * index));
  // RFC 5952 §5: mixed notation is RECOMMENDED where a well-known prefix says the last 32 bits
  // are an IPv4 address; this kata uses it for the IPv4-mapped prefix only, as inet_ntop does.
  if (IPV4_MAPPED_PREFIX.every((value, index) => groups[index] === value)) {
    return IPV4_MAPPED_TEXT + bytes.subarray(EMBEDDED_IPV4_OFFSET).join('.');
  }
  const run = longestZeroRun(groups);
  if (run === undefined) return hex(groups);
  // RFC 5952 §4.2.1: 'The use of the symbol "::" MUST be used to its maximum capability.'
  return `${hex(groups.slice(0, run.start))}${COMPRESSION}${hex(groups.slice(run.end))}`;
}

/**
 * RFC 5952 §4.1: "Leading zeros MUST be suppressed." and a 0000 field is "0";
 * §4.3: hexadecimal digits "MUST be represented in lowercase" (toString(16) writes them so).
 */
function hex(groups: readonly number[]): string {
  return groups.map((value) => value.toString(16)).join(':');
}

/** Groups [start, end) of an address. */
interface Run {
  readonly start: number;
  readonly end: number;
}

/**
 * RFC 5952 §4.2.2: '"::" MUST NOT be used to shorten just one 16-bit 0 field.'
 * §4.2.3: "the longest run of consecutive 16-bit 0 fields MUST be shortened", and when
 * runs tie, "the first sequence of zero bits MUST be shortened".
 */
function longestZeroRun(groups: readonly number[]): Run | undefined {
  let longest: Run | undefined;
  let start = 0;
  for (let end = 0; end <= groups.length; end += 1) {
    if (groups[end] === 0) continue;
    const length = end - start;
    if (length >= 2 && length > (longest ? longest.end - longest.start : 0)) {
      longest = { start, end };
    }
    start = end + 1;
  }
  return longest;
}
