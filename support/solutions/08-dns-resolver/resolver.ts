/**
 * A stub resolver (RFC 1035 §7): one question to one server over UDP, the reply
 * matched to the question, retries on silence, and TCP when the reply is truncated.
 */

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { encodeQuery, type RecordType, TYPE_CODES } from '../06-dns-query/query.ts';
import {
  type DnsMessage,
  decodeMessage,
  RCODES,
  type ResourceRecord,
} from '../07-dns-response/message.ts';

export interface DnsServer {
  readonly host: string;
  readonly port: number;
}

export interface QueryOptions {
  /** How long to wait for each reply, in milliseconds. */
  readonly timeoutMs?: number;
  /** How many times to send the query over UDP before giving up. */
  readonly attempts?: number;
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
  'bad-tcp-reply': 'the TCP connection closed before a whole reply arrived',
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
    super(`${type} ${domain}: ${reason} (${REASONS[reason]})${detail}`);
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
 * - writes the query with kata 06's `encodeQuery`, with an unpredictable ID;
 * - sends it over UDP and accepts only a reply from that address and port that kata
 *   07's `decodeMessage` reads, with QR set, the same ID and the same question; other
 *   datagrams are ignored;
 * - sends it again after `timeoutMs` of silence, `attempts` times in all;
 * - when the reply has TC set, asks again over TCP, each message prefixed with its
 *   16-bit length;
 * - turns an error RCODE into a DnsQueryError.
 *
 * @throws DnsQueryError for NXDOMAIN and the other error RCODEs, and when no matching
 *   reply arrives after every attempt
 */
export async function query(
  server: DnsServer,
  name: string,
  type: RecordType,
  options: QueryOptions = {},
): Promise<readonly ResourceRecord[]> {
  // RFC 5452 §9.2: an unpredictable ID is one of the few defences a stub resolver has
  const id = randomInt(0x10000);
  const question = encodeQuery(name, type, id);
  const exchange: Exchange = {
    server,
    question,
    matches: (reply) => isReplyTo(reply, id, name, type),
    fail: (reason, detail) => new DnsQueryError(name, type, reason, detail),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  let reply = await overUdp(exchange, options.attempts ?? DEFAULT_ATTEMPTS);
  // RFC 1035 §4.2.1: "Messages carried by UDP are restricted to 512 bytes"; a truncated
  // reply (TC) means: ask again over TCP (RFC 7766 §5)
  if (reply.header.tc) reply = await overTcp(exchange);
  const failure = RCODE_FAILURES[reply.header.rcode];
  if (failure !== undefined) throw new DnsQueryError(name, type, failure);
  if (reply.header.rcode !== RCODES.NOERROR) {
    throw new DnsQueryError(name, type, 'other-rcode', `: ${reply.header.rcode}`);
  }
  return reply.answers;
}

/**
 * RFC 5452 §9.1 and RFC 1035 §7.3: a reply is accepted only if it is a response with
 * the query's ID and the same question; anything else is ignored, not an error.
 */
function isReplyTo(reply: DnsMessage, id: number, name: string, type: RecordType): boolean {
  const [question, ...others] = reply.questions;
  return (
    reply.header.qr &&
    reply.header.id === id &&
    others.length === 0 &&
    question !== undefined &&
    question.name.toLowerCase() === name.replace(/\.$/, '').toLowerCase() &&
    question.type === TYPE_CODES[type]
  );
}

/** One question to one server: what both transports need. */
interface Exchange {
  readonly server: DnsServer;
  readonly question: Uint8Array;
  readonly matches: (reply: DnsMessage) => boolean;
  readonly fail: (reason: QueryFailure, detail: string) => DnsQueryError;
  readonly timeoutMs: number;
}

/** Sends the query up to `attempts` times; resolves with the first matching reply. */
function overUdp(
  { server, question, matches, fail, timeoutMs }: Exchange,
  attempts: number,
): Promise<DnsMessage> {
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
      socket.send(question, server.port, server.host);
      timer = setTimeout(send, timeoutMs);
    };
    socket.on('message', (bytes, remote) => {
      // RFC 5452 §9.1: from the address and port the query went to, or it is not the reply
      if (remote.address !== server.host || remote.port !== server.port) return;
      let reply: DnsMessage;
      try {
        reply = decodeMessage(bytes);
      } catch {
        return; // not a DNS message: keep waiting for one
      }
      if (matches(reply)) finish(() => resolve(reply));
    });
    socket.on('error', (error) => finish(() => reject(error)));
    send();
  });
}

/** RFC 1035 §4.2.2, RFC 7766 §8: over TCP each message is prefixed by its 16-bit length. */
function overTcp({ server, question, matches, fail, timeoutMs }: Exchange): Promise<DnsMessage> {
  return new Promise<DnsMessage>((resolve, reject) => {
    const socket = net.connect(server.port, server.host);
    let received = Buffer.alloc(0);
    const give = (reason: QueryFailure) => {
      socket.destroy();
      reject(fail(reason, ' (over TCP)'));
    };
    socket.setTimeout(timeoutMs, () => give('timeout'));
    socket.on('error', () => give('bad-tcp-reply'));
    socket.on('end', () => give('bad-tcp-reply'));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      while (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        const length = received.readUInt16BE(0);
        const bytes = received.subarray(2, 2 + length);
        received = received.subarray(2 + length);
        let reply: DnsMessage;
        try {
          reply = decodeMessage(bytes);
        } catch {
          continue;
        }
        if (matches(reply)) {
          socket.destroy();
          resolve(reply);
          return;
        }
      }
    });
    const prefix = Buffer.from([question.length >> 8, question.length & 0xff]);
    // RFC 7766 §6.2.1: the client keeps its side open; it closes once the reply is read
    socket.write(Buffer.concat([prefix, question]));
  });
}
