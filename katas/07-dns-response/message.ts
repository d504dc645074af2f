/**
 * A DNS message read from the wire (RFC 1035 §4.1): the header, the questions and
 * the resource records of the three other sections, with compressed names (§4.1.4).
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

export interface Header {
  readonly id: number;
  /** QR: a response (true) or a query. */
  readonly qr: boolean;
  readonly opcode: number;
  /** AA: the answer comes from an authority for the name. */
  readonly aa: boolean;
  /** TC: the message was truncated to fit the transport; ask again over TCP. */
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  readonly rcode: number;
}

/** RFC 1035 §4.1.1 RCODE values. */
export const RCODES = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

export interface Question {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

interface RecordBase {
  readonly name: string;
  readonly class: number;
  readonly ttl: number;
}

/** RFC 1035 §4.1.3: a resource record, its RDATA read by TYPE (§3.3, RFC 3596 §2.2). */
export type ResourceRecord = RecordBase &
  (
    | { readonly type: 'A'; readonly address: string }
    | { readonly type: 'AAAA'; readonly address: string } // RFC 5952 text, from kata 02
    | { readonly type: 'CNAME'; readonly target: string }
    | { readonly type: 'MX'; readonly preference: number; readonly exchange: string }
    | { readonly type: 'TXT'; readonly texts: readonly Uint8Array[] }
    | { readonly type: number; readonly data: Uint8Array }
  );

export interface DnsMessage {
  readonly header: Header;
  readonly questions: readonly Question[];
  readonly answers: readonly ResourceRecord[];
  readonly authorities: readonly ResourceRecord[];
  readonly additionals: readonly ResourceRecord[];
}

/** Why a message cannot be read, with the rule. */
export const REASONS = {
  truncated: 'the message ends inside a field: a count or a length promised more octets',
  'pointer-loop': 'a compression pointer leads back to a name already being read (RFC 1035 §4.1.4)',
  'forward-pointer':
    'a compression pointer must point to a prior occurrence of a name (RFC 1035 §4.1.4)',
  'reserved-label-type':
    'a length octet starting with 01 or 10 is reserved (RFC 1035 §4.1.4, RFC 6891)',
  'name-too-long': 'a name is at most 255 octets (RFC 1035 §2.3.4)',
  'bad-rdata': 'the RDATA does not have the length its TYPE requires',
  'trailing-octets': 'octets after the last record that no count accounts for',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by decodeMessage: why, and the offset where reading failed. */
export class DnsFormatError extends Error {
  override readonly name = 'DnsFormatError';
  constructor(
    readonly reason: InvalidReason,
    readonly offset: number,
  ) {
    super(`not a DNS message: ${reason} at octet ${offset} (${REASONS[reason]})`);
  }
}

/**
 * Reads a whole message, as one UDP datagram (or one TCP message without its length
 * prefix) carries it: the header, QDCOUNT questions, then ANCOUNT, NSCOUNT and ARCOUNT
 * resource records, with names decompressed (RFC 1035 §4.1.4), RDATA read for A, AAAA
 * (kata 02's `formatIPv6`), CNAME, MX and TXT, and kept as octets for any other TYPE
 * (`TYPE_CODES` of kata 06 maps the names to codes).
 *
 * @throws DnsFormatError when the octets are not a well-formed message: truncated, a
 *   pointer loop or a forward pointer, a reserved label type, a name over 255 octets,
 *   RDATA of the wrong length, or octets that no count accounts for
 */
export function decodeMessage(bytes: Uint8Array): DnsMessage {
  throw new KataTodo('decodeMessage');
}
