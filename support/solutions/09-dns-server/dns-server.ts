/**
 * An authoritative DNS server over UDP (RFC 1035 §4.2.1, §6): it answers A, AAAA and
 * MX questions from a zone, NXDOMAIN for names it does not hold, and never lets a
 * datagram it cannot read take it down.
 */
import dgram from 'node:dgram';
import { parseIPv4, parseIPv6 } from '../02-ip-addresses/ip-address.ts';
import { CLASS_IN, encodeName, TYPE_CODES } from '../06-dns-query/query.ts';
import { type DnsMessage, decodeMessage, RCODES } from '../07-dns-response/message.ts';

export interface MailExchange {
  readonly preference: number;
  readonly exchange: string;
}

/** The records a zone holds for one name. */
export interface ZoneRecords {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  readonly MX?: readonly MailExchange[];
}

/** Names (compared case-insensitively, no trailing dot) and their records. */
export type Zone = Readonly<Record<string, ZoneRecords>>;

/** The TTL of every answer, in seconds. */
export const TTL = 300;
/** RFC 1035 §4.2.1: "Messages carried by UDP are restricted to 512 bytes". */
export const MAX_UDP_OCTETS = 512;

const HEADER_OCTETS = 12;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const OPCODE_QUERY = 0;
/** RFC 1035 §4.1.4: a pointer to offset 12, where the question's name starts. */
const POINTER_TO_QUESTION = Uint8Array.from([0xc0, HEADER_OCTETS]);

/**
 * The reply to one datagram, or `undefined` when it gets none: fewer than 12 octets
 * (no ID to answer to) or a response (QR set; answering responses is how loops start).
 *
 * - read the query with kata 07's `decodeMessage`; if it cannot be read, FORMERR;
 * - an OPCODE other than QUERY is NOTIMP; not exactly one question is FORMERR; a class
 *   other than IN is REFUSED;
 * - a name the zone does not hold (case-insensitively) is NXDOMAIN; one it holds gets
 *   its records of the asked type (A, AAAA, MX), none at all for other types (NODATA);
 * - every reply has QR and AA set, the query's ID and RD, the question echoed as asked,
 *   answers whose NAME is a pointer to the question's name, and TTL `TTL`;
 * - a reply over 512 octets is sent without its answers and with TC set.
 */
export function answerQuery(datagram: Uint8Array, zone: Zone): Uint8Array | undefined {
  if (datagram.length < HEADER_OCTETS) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  if ((flags & FLAG_QR) !== 0) return undefined;
  const recursionDesired = flags & FLAG_RD;
  let query: DnsMessage;
  try {
    query = decodeMessage(datagram);
  } catch {
    // RFC 1035 §4.1.1: FORMERR, "The name server was unable to interpret the query"
    return header(id, recursionDesired, RCODES.FORMERR, 0, 0);
  }
  const [question, ...more] = query.questions;
  if (query.header.opcode !== OPCODE_QUERY) {
    return header(id, recursionDesired, RCODES.NOTIMP, 0, 0);
  }
  if (question === undefined || more.length > 0)
    return header(id, recursionDesired, RCODES.FORMERR, 0, 0);
  // RFC 1035 §7.3: the resolver compares the question, so echo its octets as they came
  const echoed = [questionOctets(datagram)];
  if (question.class !== CLASS_IN) return message(id, recursionDesired, RCODES.REFUSED, echoed, []);
  const records = lookup(zone, question.name);
  // RFC 1035 §4.3.2: a name the authority does not hold is an authoritative name error
  if (records === undefined) return message(id, recursionDesired, RCODES.NXDOMAIN, echoed, []);
  const answers = answersFor(records, question.type);
  const full = message(id, recursionDesired, RCODES.NOERROR, echoed, answers);
  if (full.length <= MAX_UDP_OCTETS) return full;
  // RFC 2181 §9: what does not fit is not sent in part; TC tells the client to use TCP
  return message(id, recursionDesired | FLAG_TC, RCODES.NOERROR, echoed, []);
}

/**
 * A UDP socket, not yet bound, that answers every datagram with `answerQuery`.
 * A datagram that gets no answer is dropped; nothing a client sends can stop it.
 */
export function createDnsServer(zone: Zone): dgram.Socket {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (datagram, client) => {
    const reply = answerQuery(datagram, zone);
    if (reply !== undefined) socket.send(reply, client.port, client.address);
  });
  // a send that fails (the client's port unreachable) is that client's problem, not ours
  socket.on('error', () => {});
  return socket;
}

/** The question section of a query with one question: QNAME as sent, QTYPE, QCLASS. */
function questionOctets(datagram: Uint8Array): Uint8Array {
  let at = HEADER_OCTETS;
  // labels until the root's zero octet, or a 2-octet pointer that ends the name
  while (datagram[at] !== 0 && ((datagram[at] ?? 0) & 0xc0) !== 0xc0) at += 1 + (datagram[at] ?? 0);
  const end = at + (datagram[at] === 0 ? 1 : 2) + 4;
  return datagram.subarray(HEADER_OCTETS, end);
}

function lookup(zone: Zone, name: string): ZoneRecords | undefined {
  // RFC 4343: names compare case-insensitively
  const wanted = name.toLowerCase();
  const key = Object.keys(zone).find(
    (candidate) => candidate.replace(/\.$/, '').toLowerCase() === wanted,
  );
  return key === undefined ? undefined : zone[key];
}

/** RFC 1035 §4.1.3: NAME TYPE CLASS TTL RDLENGTH RDATA, the NAME a pointer to the question's. */
function answersFor(records: ZoneRecords, type: number): Uint8Array[] {
  const ttl = new Uint8Array(4);
  new DataView(ttl.buffer).setUint32(0, TTL);
  return rdataOf(records, type).map((rdata) =>
    concat([POINTER_TO_QUESTION, u16(type), u16(CLASS_IN), ttl, u16(rdata.length), rdata]),
  );
}

/** The RDATA of each record of `type` (RFC 1035 §3.4.1, §3.3.9; RFC 3596 §2.2); none: NODATA. */
function rdataOf(records: ZoneRecords, type: number): Uint8Array[] {
  switch (type) {
    case TYPE_CODES.A:
      return (records.A ?? []).map((address) => parseIPv4(address));
    case TYPE_CODES.AAAA:
      return (records.AAAA ?? []).map((address) => parseIPv6(address));
    case TYPE_CODES.MX:
      return (records.MX ?? []).map(({ preference, exchange }) =>
        concat([u16(preference), encodeName(exchange)]),
      );
    default:
      return [];
  }
}

/** RFC 1035 §4.1.1: a response header: QR, OPCODE 0, AA, RD as asked, RA 0, the RCODE. */
function header(
  id: number,
  flags: number,
  rcode: number,
  questions: number,
  answers: number,
): Uint8Array {
  const bytes = new Uint8Array(HEADER_OCTETS);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, id);
  view.setUint16(2, FLAG_QR | FLAG_AA | flags | rcode);
  view.setUint16(4, questions);
  view.setUint16(6, answers);
  return bytes;
}

function message(
  id: number,
  flags: number,
  rcode: number,
  question: readonly Uint8Array[],
  answers: readonly Uint8Array[],
): Uint8Array {
  return concat([header(id, flags, rcode, 1, answers.length), ...question, ...answers]);
}

function u16(value: number): Uint8Array {
  return Uint8Array.from([value >> 8, value & 0xff]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}
