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
/** RFC 1035 §4.1.1: OPCODE, "copied into the response". */
const MASK_OPCODE = 0x7800;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
/** RFC 1035 §4.1.1: RD "is copied into the response". */
const FLAG_RD = 0x0100;
const OPCODE_QUERY = 0;
/** RFC 6891 §6.1.1: "The OPT RR has RR type 41." */
const TYPE_OPT = 41;
/** RFC 1035 §4.1.4: a pointer to offset 12, where the question's name starts. */
const POINTER_TO_QUESTION = Uint8Array.from([0xc0, HEADER_OCTETS]);

/**
 * The reply to one datagram, or `undefined` when it gets none: fewer than 12 octets
 * (no ID to answer to) or a response (QR set; answering responses is how loops start).
 *
 * - an OPCODE other than QUERY is NOTIMP (read from the header, before anything else);
 * - read the query with kata 07's `decodeMessage`; if it cannot be read, or it has not
 *   exactly one question, or its question's name holds a compression pointer, FORMERR;
 * - a query with an OPT record (EDNS, which this server does not speak) is FORMERR too,
 *   with the question echoed;
 * - a class other than IN is REFUSED;
 * - a name the zone holds (ASCII letters compared case-insensitively), or one with names
 *   below it, gets its records of the asked type: A, AAAA, MX, none for other types
 *   (NODATA); any other name is NXDOMAIN;
 * - a record the zone holds but that cannot be written (an address that is not one) is
 *   SERVFAIL, never an exception;
 * - every reply has QR and AA set, the query's ID, OPCODE and RD, the question echoed
 *   octet for octet, answers named as the question (in full or as a pointer to it) with
 *   TTL `TTL`;
 * - a reply over 512 octets is sent without its answers and with TC set.
 */
export function answerQuery(datagram: Uint8Array, zone: Zone): Uint8Array | undefined {
  if (datagram.length < HEADER_OCTETS) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  if ((flags & FLAG_QR) !== 0) return undefined;
  const copied = flags & (MASK_OPCODE | FLAG_RD);
  // a reply without a question: for a query whose question cannot be trusted
  const headerOnly = (rcode: number) => header(id, copied, rcode, 0, 0);
  // RFC 1035 §4.1.1: NOTIMP, "The name server does not support the requested kind of query"
  if ((flags & MASK_OPCODE) >> 11 !== OPCODE_QUERY) return headerOnly(RCODES.NOTIMP);
  let query: DnsMessage;
  try {
    query = decodeMessage(datagram);
  } catch {
    // RFC 1035 §4.1.1: FORMERR, "The name server was unable to interpret the query"
    return headerOnly(RCODES.FORMERR);
  }
  const [question, ...more] = query.questions;
  const asked = questionOctets(datagram);
  if (question === undefined || more.length > 0 || asked === undefined) {
    return headerOnly(RCODES.FORMERR);
  }
  // RFC 1035 §7.3: the resolver compares the question, so echo its octets as they came
  const reply = (rcode: number, answers: readonly Uint8Array[], tc = 0) =>
    Buffer.concat([header(id, copied | tc, rcode, 1, answers.length), asked, ...answers]);
  // RFC 6891 §7: "Responders that choose not to implement the protocol extensions defined in
  // this document MUST respond with a return code (RCODE) of FORMERR to messages containing
  // an OPT record in the additional section and MUST NOT include an OPT record in the response."
  if (query.additionals.some((record) => record.type === TYPE_OPT)) {
    return reply(RCODES.FORMERR, []);
  }
  if (question.class !== CLASS_IN) return reply(RCODES.REFUSED, []);
  const records = lookup(zone, question.name);
  // RFC 1035 §4.3.2: a name the authority does not hold is an authoritative name error
  if (records === undefined) return reply(RCODES.NXDOMAIN, []);
  let answers: Uint8Array[];
  try {
    answers = answersFor(records, question.type);
  } catch {
    // RFC 1035 §4.1.1: SERVFAIL, "a problem with the name server": here, its zone
    return reply(RCODES.SERVFAIL, []);
  }
  const full = reply(RCODES.NOERROR, answers);
  if (full.length <= MAX_UDP_OCTETS) return full;
  // RFC 2181 §9: what does not fit is not sent in part; TC tells the client to use TCP
  return reply(RCODES.NOERROR, [], FLAG_TC);
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

/**
 * The question section of a query with one question: QNAME, QTYPE, QCLASS as sent. A
 * QNAME with a pointer (into the header: nothing else comes before it) gets undefined.
 */
function questionOctets(datagram: Uint8Array): Uint8Array | undefined {
  let at = HEADER_OCTETS;
  // RFC 1035 §3.1: labels, each a length octet and that many octets, until the root's zero
  for (let length = datagram[at] ?? 0; length !== 0; length = datagram[at] ?? 0) {
    if ((length & 0xc0) !== 0) return undefined;
    at += 1 + length;
  }
  return datagram.subarray(HEADER_OCTETS, at + 1 + 4);
}

/**
 * The records of `name`: those the zone holds, none (NODATA) when the zone holds names
 * below it (RFC 8020 §2: NXDOMAIN would deny them), undefined when it is not there at all.
 */
function lookup(zone: Zone, name: string): ZoneRecords | undefined {
  const wanted = caseFolded(name);
  let below = false;
  for (const [owner, records] of Object.entries(zone)) {
    const held = caseFolded(owner.replace(/\.$/, ''));
    if (held === wanted) return records;
    below ||= held.endsWith(`.${wanted}`) || (wanted === '' && held !== '');
  }
  return below ? {} : undefined;
}

/** RFC 4343 §3: only A to Z compare as a to z; every other octet compares exactly. */
function caseFolded(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** RFC 1035 §4.1.3: NAME TYPE CLASS TTL RDLENGTH RDATA, the NAME a pointer to the question's. */
function answersFor(records: ZoneRecords, type: number): Uint8Array[] {
  const ttl = new Uint8Array(4);
  new DataView(ttl.buffer).setUint32(0, TTL);
  return rdataOf(records, type).map((rdata) =>
    Buffer.concat([POINTER_TO_QUESTION, u16(type), u16(CLASS_IN), ttl, u16(rdata.length), rdata]),
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
      return (records.MX ?? []).map(({ preference, exchange }) => {
        // RFC 1035 §3.3.9: "PREFERENCE A 16 bit integer"
        if (!Number.isInteger(preference) || preference < 0 || preference > 0xffff) {
          throw new RangeError(`an MX preference is a 16-bit integer, not ${preference}`);
        }
        return Buffer.concat([u16(preference), encodeName(exchange)]);
      });
    default:
      return [];
  }
}

/** RFC 1035 §4.1.1: a response header: QR, AA, OPCODE and RD as asked, RA 0, the RCODE. */
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

function u16(value: number): Uint8Array {
  return Uint8Array.from([value >> 8, value & 0xff]);
}
