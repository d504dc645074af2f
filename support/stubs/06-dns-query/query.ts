/**
 * A DNS query message in the wire format of RFC 1035 §4.1: the 12-octet header
 * and one question, with the domain name written as labels (§3.1).
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** RFC 1035 §3.2.2 TYPE values, and RFC 3596 §2.1 for AAAA. */
export const TYPE_CODES = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 } as const;
export type RecordType = keyof typeof TYPE_CODES;

/** RFC 1035 §3.2.4: CLASS IN, the Internet. */
export const CLASS_IN = 1;

/** RFC 1035 §2.3.4: "labels 63 octets or less", "names 255 octets or less". */
export const MAX_LABEL_OCTETS = 63;
export const MAX_NAME_OCTETS = 255;

/** Why a name cannot be written, with the rule. */
export const REASONS = {
  'empty-label': 'a label between two dots, or before the first, is empty (RFC 1035 §3.1)',
  'label-too-long': `a label is at most ${MAX_LABEL_OCTETS} octets (RFC 1035 §2.3.4)`,
  'name-too-long': `a name is at most ${MAX_NAME_OCTETS} octets on the wire, length octets and root included (RFC 1035 §2.3.4)`,
  'not-ascii':
    'a label here is ASCII; an internationalized name is written in its A-label (xn--) form first (RFC 5890)',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by encodeName and encodeQuery: the name and why it cannot be written. */
export class DnsNameError extends Error {
  override readonly name = 'DnsNameError';
  constructor(
    readonly domain: string,
    readonly reason: InvalidReason,
  ) {
    super(`cannot write the name ${JSON.stringify(domain)}: ${reason} (${REASONS[reason]})`);
  }
}

/**
 * RFC 1035 §3.1: "a domain name is represented as a sequence of labels, where each
 * label consists of a length octet followed by that number of octets. The domain name
 * terminates with the zero length octet for the null label of the root."
 * A trailing dot (the root, written) is accepted; `''` and `'.'` are the root itself.
 * Labels keep their case (RFC 4343: DNS compares names case-insensitively, and
 * preserves case).
 *
 * @throws DnsNameError with the reason the name cannot be written
 */
export function encodeName(name: string): Uint8Array {
  throw new KataTodo('encodeName');
}

/**
 * RFC 1035 §4.1: a standard query (QR 0, OPCODE 0) asking for recursion (RD 1), with one
 * question (§4.1.2: QNAME, QTYPE, QCLASS IN) and no answer, authority or additional records.
 *
 * @throws RangeError when the id is not a 16-bit integer; DnsNameError for the name
 */
export function encodeQuery(name: string, type: RecordType, id: number): Uint8Array {
  throw new KataTodo('encodeQuery');
}
