/**
 * An authoritative DNS server over UDP (RFC 1035 §4.2.1, §6): it answers A, AAAA and
 * MX questions from a zone, NXDOMAIN for names it does not hold, and never lets a
 * datagram it cannot read take it down. Read ./README.md first.
 */
import type dgram from 'node:dgram';
import { KataTodo } from '../../support/kata-todo.ts';

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
  throw new KataTodo('answerQuery');
}

/**
 * A UDP socket, not yet bound, that answers every datagram with `answerQuery`.
 * A datagram that gets no answer is dropped; nothing a client sends can stop it.
 */
export function createDnsServer(zone: Zone): dgram.Socket {
  throw new KataTodo('createDnsServer');
}
