/**
 * A DNS message read from the wire (RFC 1035 §4.1): the header, the questions and
 * the resource records of the three other sections, with compressed names (§4.1.4).
 */
import { formatIPv6 } from '../02-ip-addresses/ip-address.ts';
import { TYPE_CODES } from '../06-dns-query/query.ts';

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

const HEADER_OCTETS = 12;
/** RFC 1035 §4.1.4: "The first two bits are ones": a pointer; "00" a label length. */
const POINTER = 0b1100_0000;
const MAX_NAME_OCTETS = 255;
/** RFC 2181 §8: "a TTL value is an unsigned number, with a minimum value of 0, and a maximum value of 2147483647". */
const MAX_TTL = 0x7fff_ffff;
const CODE_TYPES = new Map<number, keyof typeof TYPE_CODES>(
  Object.entries(TYPE_CODES).map(([type, code]) => [code, type as keyof typeof TYPE_CODES]),
);

/** A cursor over the message; every read checks that the octets are there. */
class Reader {
  offset = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(count: number, at = this.offset): void {
    if (at + count > this.bytes.length) throw new DnsFormatError('truncated', this.bytes.length);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }
  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }
  take(count: number): Uint8Array {
    this.need(count);
    const slice = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return slice;
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
  const reader = new Reader(bytes);
  const header = readHeader(reader);
  const qdcount = reader.u16();
  const ancount = reader.u16();
  const nscount = reader.u16();
  const arcount = reader.u16();
  const questions = Array.from({ length: qdcount }, () => readQuestion(reader));
  const answers = Array.from({ length: ancount }, () => readRecord(reader));
  const authorities = Array.from({ length: nscount }, () => readRecord(reader));
  const additionals = Array.from({ length: arcount }, () => readRecord(reader));
  // the counts must account for every octet: anything else is a count that lies
  if (reader.offset !== bytes.length) throw new DnsFormatError('trailing-octets', reader.offset);
  return { header, questions, answers, authorities, additionals };
}

/** RFC 1035 §4.1.1: ID, then QR OPCODE AA TC RD RA Z RCODE in one 16-bit word. */
function readHeader(reader: Reader): Header {
  reader.need(HEADER_OCTETS);
  const id = reader.u16();
  const flags = reader.u16();
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0x000f,
  };
}

function readQuestion(reader: Reader): Question {
  return { name: readName(reader), type: reader.u16(), class: reader.u16() };
}

/** RFC 1035 §4.1.3: NAME TYPE CLASS TTL RDLENGTH RDATA */
function readRecord(reader: Reader): ResourceRecord {
  const name = readName(reader);
  const code = reader.u16();
  const klass = reader.u16();
  // RFC 2181 §8: "Implementations should treat TTL values received with the most
  // significant bit set as if the entire value received was zero."
  const wireTtl = reader.u32();
  const ttl = wireTtl > MAX_TTL ? 0 : wireTtl;
  const length = reader.u16();
  reader.need(length);
  const start = reader.offset;
  const end = start + length;
  const base = { name, class: klass, ttl };
  const within: RdataBounds = { start, end };
  const type = CODE_TYPES.get(code);
  const rdata = (record: ResourceRecord): ResourceRecord => {
    // the RDATA of a known TYPE must fill RDLENGTH exactly
    if (reader.offset !== end) throw new DnsFormatError('bad-rdata', start);
    return record;
  };
  switch (type) {
    case 'A':
      // RFC 1035 §3.4.1: "A 32 bit Internet address"
      if (length !== 4) throw new DnsFormatError('bad-rdata', start);
      return rdata({ ...base, type, address: [...reader.take(4)].join('.') });
    case 'AAAA':
      // RFC 3596 §2.2: "A 128 bit IPv6 address is encoded in the data portion"
      if (length !== 16) throw new DnsFormatError('bad-rdata', start);
      return rdata({ ...base, type, address: formatIPv6(reader.take(16)) });
    case 'CNAME':
      return rdata({ ...base, type, target: readName(reader, within) });
    case 'MX':
      // RFC 1035 §3.3.9: PREFERENCE (16 bits) EXCHANGE (a domain name)
      return rdata({
        ...base,
        type,
        preference: readU16Within(reader, within),
        exchange: readName(reader, within),
      });
    case 'TXT': {
      // RFC 1035 §3.3.14: "One or more <character-string>s", each a length octet and octets
      const texts: Uint8Array[] = [];
      while (reader.offset < end) {
        const size = reader.u8();
        if (reader.offset + size > end) throw new DnsFormatError('bad-rdata', start);
        texts.push(reader.take(size));
      }
      return rdata({ ...base, type, texts });
    }
    default:
      return { ...base, type: code, data: reader.take(length) };
  }
}

/** Where a record's RDATA starts and ends: a bad-rdata error reports the start. */
interface RdataBounds {
  readonly start: number;
  readonly end: number;
}

function readU16Within(reader: Reader, { start, end }: RdataBounds): number {
  if (reader.offset + 2 > end) throw new DnsFormatError('bad-rdata', start);
  return reader.u16();
}

/**
 * RFC 1035 §4.1.4: a name is labels, ending with a zero octet or a pointer: "a two octet
 * sequence" whose first two bits are ones and whose other 14 bits are "an offset from the
 * start of the message". A pointer may only point backwards, to "a prior occurrence".
 */
function readName(reader: Reader, rdata?: RdataBounds): string {
  const end = rdata?.end ?? reader.bytes.length;
  const labels: string[] = [];
  let wireLength = 1;
  let at = reader.offset;
  let resume: number | undefined;
  const visited = new Set<number>();
  for (;;) {
    // inside RDATA, RDLENGTH is the bound: a name that reaches it unfinished is bad RDATA
    if (at >= end)
      throw rdata
        ? new DnsFormatError('bad-rdata', rdata.start)
        : new DnsFormatError('truncated', at);
    const length = reader.bytes[at] ?? 0;
    if ((length & POINTER) === POINTER) {
      reader.need(2, at);
      const target = ((length & ~POINTER) << 8) | (reader.bytes[at + 1] ?? 0);
      resume ??= at + 2;
      if (target === at || visited.has(target)) throw new DnsFormatError('pointer-loop', at);
      if (target >= at) throw new DnsFormatError('forward-pointer', at);
      visited.add(target);
      at = target;
      continue;
    }
    if ((length & POINTER) !== 0) throw new DnsFormatError('reserved-label-type', at);
    if (length === 0) break;
    reader.need(1 + length, at);
    wireLength += 1 + length;
    if (wireLength > MAX_NAME_OCTETS) throw new DnsFormatError('name-too-long', at);
    labels.push(Buffer.from(reader.bytes.subarray(at + 1, at + 1 + length)).toString('latin1'));
    at += 1 + length;
  }
  reader.offset = resume ?? at + 1;
  return labels.join('.');
}
