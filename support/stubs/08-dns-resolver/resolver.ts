/**
 * A stub resolver (RFC 1035 §7): one question to one server over UDP, the reply
 * matched to the question, retries on silence, and TCP when the reply is truncated.
 * Read ./README.md first.
 */

import { KataTodo } from '../../support/kata-todo.ts';
import type { RecordType } from '../06-dns-query/query.ts';
import type { ResourceRecord } from '../07-dns-response/message.ts';

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
  throw new KataTodo('query');
}
