/**
 * A DNS query message in the wire format of RFC 1035 §4.1: the 12-octet header
 * and one question, with the domain name written as labels (§3.1).
 */

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

/** RFC 1035 §4.1.1: the header is six 16-bit fields. */
const HEADER_OCTETS = 12;
/** RFC 1035 §4.1.1: RD, "Recursion Desired", bit 8 of the second 16-bit word. */
const FLAG_RD = 0x0100;
const NOT_ASCII = /[\u0080-\uffff]/;

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
  const reject = (reason: InvalidReason) => new DnsNameError(name, reason);
  if (NOT_ASCII.test(name)) throw reject('not-ascii');
  const relative = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = relative === '' ? [] : relative.split('.');
  const octets: number[] = [];
  for (const label of labels) {
    if (label === '') throw reject('empty-label');
    if (label.length > MAX_LABEL_OCTETS) throw reject('label-too-long');
    octets.push(label.length, ...Buffer.from(label, 'latin1'));
  }
  octets.push(0);
  if (octets.length > MAX_NAME_OCTETS) throw reject('name-too-long');
  return Uint8Array.from(octets);
}

/**
 * RFC 1035 §4.1: a standard query (QR 0, OPCODE 0) asking for recursion (RD 1), with one
 * question (§4.1.2: QNAME, QTYPE, QCLASS IN) and no answer, authority or additional records.
 *
 * @throws RangeError when the id is not a 16-bit integer; DnsNameError for the name
 */
export function encodeQuery(name: string, type: RecordType, id: number): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) {
    throw new RangeError(`a DNS ID is a 16-bit integer (RFC 1035 §4.1.1), not ${id}`);
  }
  const qname = encodeName(name);
  const message = new Uint8Array(HEADER_OCTETS + qname.length + 4);
  const view = new DataView(message.buffer);
  view.setUint16(0, id); // ID
  view.setUint16(2, FLAG_RD); // QR OPCODE AA TC RD RA Z RCODE
  view.setUint16(4, 1); // QDCOUNT
  // ANCOUNT, NSCOUNT, ARCOUNT stay zero
  message.set(qname, HEADER_OCTETS);
  view.setUint16(HEADER_OCTETS + qname.length, TYPE_CODES[type]); // QTYPE
  view.setUint16(HEADER_OCTETS + qname.length + 2, CLASS_IN); // QCLASS
  return message;
}
