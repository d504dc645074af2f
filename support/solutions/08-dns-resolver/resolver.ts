/**
 * A stub resolver (RFC 1035 §7): one question to one server over UDP, the reply
 * matched to the question, retries on silence, and TCP when the reply is truncated.
 */

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { CLASS_IN, encodeQuery, type RecordType, TYPE_CODES } from '../06-dns-query/query.ts';
import {
  type DnsMessage,
  decodeMessage,
  RCODES,
  type ResourceRecord,
} from '../07-dns-response/message.ts';

/** Where to send the query: an IP address (not a host name) and a port. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
}

export interface QueryOptions {
  /** How long to wait for each reply, in milliseconds. */
  readonly timeoutMs?: number;
  /** How many times to send the query over UDP before giving up. */
  readonly attempts?: number;
  /** Where the query's 16-bit ID comes from; called once per query. */
  readonly id?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_ATTEMPTS = 3;

/** Why a query has no answer. */
export const REASONS = {
  nxdomain: 'the name does not exist (RCODE 3, NXDOMAIN)',
  servfail: 'the server failed to answer (RCODE 2, SERVFAIL)',
  refused: 'the server refuses to answer (RCODE 5, REFUSED)',
  formerr: 'the server could not read the query (RCODE 1, FORMERR)',
  'other-rcode': 'the server answered with an error RCODE',
  timeout: 'no matching reply arrived',
  'tcp-failed': 'the TCP connection failed or closed before a whole reply arrived',
} as const;

export type QueryFailure = keyof typeof REASONS;

/** Thrown by query: the name and type asked for, and why there is no answer. */
export class DnsQueryError extends Error {
  override readonly name = 'DnsQueryError';
  constructor(
    readonly domain: string,
    readonly type: RecordType,
    readonly reason: QueryFailure,
    detail = '',
  ) {
    super(`${type} ${domain}: ${REASONS[reason]}${detail}`);
  }
}

const RCODE_FAILURES: Readonly<Record<number, QueryFailure>> = {
  [RCODES.FORMERR]: 'formerr',
  [RCODES.SERVFAIL]: 'servfail',
  [RCODES.NXDOMAIN]: 'nxdomain',
  [RCODES.REFUSED]: 'refused',
};

/**
 * Asks `server` for the records of `type` at `name` and returns the answer section.
 *
 * - writes the query with kata 06's `encodeQuery`, with an ID from `options.id`
 *   (default: unpredictable, from `crypto.randomInt`);
 * - sends it over UDP and accepts only a reply from that address and port that kata
 *   07's `decodeMessage` reads, with QR set, the same ID and the same question; every
 *   other datagram is ignored;
 * - sends it again after `timeoutMs` of silence, `attempts` times in all;
 * - when the reply has TC set, asks again over TCP, each message prefixed with its
 *   16-bit length;
 * - turns an error RCODE into a DnsQueryError;
 * - closes its socket on every way out.
 *
 * @throws DnsQueryError for NXDOMAIN and the other error RCODEs, when no matching
 *   reply arrives after every attempt, and when the TCP connection fails
 */
export async function query(
  server: DnsServer,
  name: string,
  type: RecordType,
  options: QueryOptions = {},
): Promise<readonly ResourceRecord[]> {
  // RFC 5452 §9.2: the ID is drawn from all 2^16 values, unpredictably
  const id = options.id?.() ?? randomInt(0x10000);
  const exchange: Exchange = {
    server,
    query: encodeQuery(name, type, id),
    matches: (reply) => isReplyTo(reply, id, name, type),
    fail: (reason, detail) => new DnsQueryError(name, type, reason, detail),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  let reply = await overUdp(exchange, options.attempts ?? DEFAULT_ATTEMPTS);
  // RFC 1035 §4.1.1: TC "specifies that this message was truncated"; RFC 7766 §5: the
  // client then asks the same question over TCP and uses that reply instead
  if (reply.header.tc) reply = await overTcp(exchange);
  const { rcode } = reply.header;
  if (rcode === RCODES.NOERROR) return reply.answers;
  throw new DnsQueryError(name, type, RCODE_FAILURES[rcode] ?? 'other-rcode', ` (RCODE ${rcode})`);
}

/**
 * RFC 5452 §9.1 and RFC 1035 §7.3: a reply is accepted only if it is a response (QR 1)
 * with the query's ID and the same question: name (case-insensitively, RFC 4343), type
 * and class. Anything else is ignored, not an error.
 */
function isReplyTo(reply: DnsMessage, id: number, name: string, type: RecordType): boolean {
  const [question, ...others] = reply.questions;
  return (
    reply.header.qr &&
    reply.header.id === id &&
    question !== undefined &&
    others.length === 0 &&
    caseFolded(question.name) === caseFolded(name.replace(/\.$/, '')) &&
    question.type === TYPE_CODES[type] &&
    question.class === CLASS_IN
  );
}

/** RFC 4343 §3: only A to Z compare as a to z; every other octet compares exactly. */
function caseFolded(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** Reads a reply; a message decodeMessage rejects is no reply at all. */
function decodeReply(bytes: Uint8Array): DnsMessage | undefined {
  try {
    return decodeMessage(bytes);
  } catch {
    // Ignored, not thrown: a forger who cannot guess a whole answer must not be able to
    // end the query with a few bad octets either. No valid reply: the query times out.
    return undefined;
  }
}

/** One question to one server: what both transports need. */
interface Exchange {
  readonly server: DnsServer;
  readonly query: Uint8Array;
  readonly matches: (reply: DnsMessage) => boolean;
  readonly fail: (reason: QueryFailure, detail: string) => DnsQueryError;
  readonly timeoutMs: number;
}

/** Sends the query up to `attempts` times; resolves with the first matching reply. */
function overUdp(
  { server, query, matches, fail, timeoutMs }: Exchange,
  attempts: number,
): Promise<DnsMessage> {
  // One socket for every attempt: a late reply to the first one still answers.
  const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
  return new Promise<DnsMessage>((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      socket.close();
      outcome();
    };
    const send = () => {
      if (sent === attempts) {
        finish(() => reject(fail('timeout', ` after ${attempts} attempts of ${timeoutMs} ms`)));
        return;
      }
      sent += 1;
      socket.send(query, server.port, server.host);
      // RFC 1035 §4.2.1, RFC 1123 §6.1.3.3: no reply in time, send again, a bounded number of times
      timer = setTimeout(send, timeoutMs);
    };
    socket.on('message', (bytes, remote) => {
      // RFC 5452 §9.1: from the address and port the query went to, or it is not the reply
      if (remote.address !== server.host || remote.port !== server.port) return;
      const reply = decodeReply(bytes);
      if (reply !== undefined && matches(reply)) finish(() => resolve(reply));
    });
    socket.on('error', (error) => finish(() => reject(error)));
    send();
  });
}

/** RFC 1035 §4.2.2: over TCP, "the message is prefixed with a two byte length field". */
function overTcp({ server, query, matches, fail, timeoutMs }: Exchange): Promise<DnsMessage> {
  return new Promise<DnsMessage>((resolve, reject) => {
    const socket = net.connect(server.port, server.host);
    let received = Buffer.alloc(0);
    const give = (reason: QueryFailure, detail: string) => {
      socket.destroy();
      reject(fail(reason, ` (over TCP${detail})`));
    };
    socket.setTimeout(timeoutMs, () => give('timeout', `, after ${timeoutMs} ms`));
    socket.on('error', (error) => give('tcp-failed', `: ${error.message}`));
    socket.on('end', () => give('tcp-failed', `: ${received.length} octets, then the end`));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      // TCP is a byte stream: a message is whole once the octets its length announces are in
      while (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        const length = received.readUInt16BE(0);
        const reply = decodeReply(received.subarray(2, 2 + length));
        received = received.subarray(2 + length);
        if (reply !== undefined && matches(reply)) {
          // RFC 7766 §6.2.1: the client closes the connection once it has its reply
          socket.destroy();
          resolve(reply);
          return;
        }
      }
    });
    // RFC 7766 §8: the length and the message go to TCP in one write
    socket.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query]));
  });
}
