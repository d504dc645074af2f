/**
 * An SNTP client (RFC 4330, on the NTP packet of RFC 5905 §7.3): one 48-octet
 * request over UDP, one reply, and the clock offset and round-trip delay from the
 * four timestamps. Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** RFC 5905 §6: seconds from the NTP prime epoch, 1900-01-01, to the Unix epoch, 1970-01-01. */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
/** RFC 5905 §7.3: the header without extension fields or MAC. */
export const PACKET_OCTETS = 48;

/** RFC 5905 §6, NTP Timestamp Format: 32 bits of seconds, 32 bits of fraction. */
export interface NtpTimestamp {
  readonly seconds: number;
  readonly fraction: number;
}

/** What one exchange says about the local clock, in milliseconds. */
export interface ClockSample {
  /** θ: how far the local clock is behind the server's (positive) or ahead (negative). */
  readonly offsetMs: number;
  /** δ: the round trip, without the time the server held the request. */
  readonly delayMs: number;
  readonly stratum: number;
  /** T1 to T4 as Unix milliseconds: request sent, received, reply sent, received. */
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly t4: number;
}

export interface SntpServer {
  readonly host: string;
  readonly port: number;
}

/** Why a reply cannot be used, with the rule. */
export const REASONS = {
  'wrong-length': `an NTP packet is at least ${PACKET_OCTETS} octets (RFC 5905 §7.3)`,
  'not-a-server-reply': 'a reply to a client request is in mode 4, server (RFC 4330 §5)',
  'bad-version':
    "a server copies the request's version, 4, into its reply (RFC 4330 §5, RFC 5905 §14)",
  'kiss-of-death': 'stratum 0: the server sent a kiss code instead of the time (RFC 5905 §7.4)',
  unsynchronized: 'leap indicator 3: the server clock is not synchronized (RFC 5905 §7.3)',
  'no-transmit-time': 'the transmit timestamp is zero (RFC 4330 §5)',
  timeout: 'no reply whose origin timestamp matches the request arrived',
} as const;

export type InvalidReason = keyof typeof REASONS;

/** Thrown by parseSntpReply and queryTime: why there is no usable time. */
export class SntpError extends Error {
  override readonly name = 'SntpError';
  constructor(
    readonly reason: InvalidReason,
    readonly detail = '',
  ) {
    super(`SNTP: ${reason}${detail === '' ? '' : ` (${detail})`}: ${REASONS[reason]}`);
  }
}

/** Unix milliseconds as an NTP timestamp, era folded (RFC 5905 §6: seconds are mod 2^32). */
export function toNtpTimestamp(unixMs: number): NtpTimestamp {
  throw new KataTodo('toNtpTimestamp');
}

/**
 * An NTP timestamp as Unix milliseconds. RFC 4330 §3: "If bit 0 is set, the UTC time is
 * in the range 1968-2036 and UTC time is reckoned from 0h 0m 0s UTC on 1 January 1900.
 * If bit 0 is not set, the time is in the range 2036-2104 and UTC time is reckoned from
 * 6h 28m 16s UTC on 7 February 2036."
 */
export function fromNtpTimestamp({ seconds, fraction }: NtpTimestamp): number {
  throw new KataTodo('fromNtpTimestamp');
}

/**
 * RFC 4330 §5: a client request: LI 0, VN 4, Mode 3, and the Transmit Timestamp set to
 * the time the request leaves (T1); every other field may be zero.
 */
export function sntpRequest(t1: number = Date.now()): Uint8Array {
  throw new KataTodo('sntpRequest');
}

/**
 * Reads a server's reply, received at `t4` (Unix ms), into a clock sample. T1 is the
 * reply's Originate Timestamp (the request's Transmit Timestamp, echoed), T2 its Receive
 * Timestamp, T3 its Transmit Timestamp.
 *
 * @throws SntpError when the reply cannot be used
 */
export function parseSntpReply(bytes: Uint8Array, t4: number): ClockSample {
  throw new KataTodo('parseSntpReply');
}

/**
 * Asks `server` for the time: one request over UDP, the first reply from that address
 * and port whose Originate Timestamp equals the request's Transmit Timestamp (RFC 4330
 * §5; anything else is ignored as bogus), read at the moment it arrives.
 *
 * @throws SntpError for an unusable reply, or `timeout` when none matches in time
 */
export async function queryTime(
  server: SntpServer,
  options: { timeoutMs?: number } = {},
): Promise<ClockSample> {
  throw new KataTodo('queryTime');
}
