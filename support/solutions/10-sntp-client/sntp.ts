/**
 * An SNTP client (RFC 4330, on the NTP packet of RFC 5905 §7.3): one 48-octet
 * request over UDP, one reply, and the clock offset and round-trip delay from the
 * four timestamps.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** RFC 5905 §6: seconds from the NTP prime epoch, 1900-01-01, to the Unix epoch, 1970-01-01. */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
/** RFC 5905 §7.3: the header without extension fields or MAC. */
export const PACKET_OCTETS = 48;
/** RFC 5905 §6: a timestamp's fraction counts units of 2^-32 seconds. */
const FRACTION_UNITS = 2 ** 32;
const ERA_SECONDS = 2 ** 32;

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

/** RFC 5905 §7.3: LI (2 bits), VN (3 bits), Mode (3 bits). */
const VERSION = 4;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
const LEAP_UNSYNCHRONIZED = 3;
const ORIGINATE_AT = 24;
const RECEIVE_AT = 32;
const TRANSMIT_AT = 40;
const REFERENCE_ID_AT = 12;

/** Unix milliseconds as an NTP timestamp, era folded (RFC 5905 §6: seconds are mod 2^32). */
export function toNtpTimestamp(unixMs: number): NtpTimestamp {
  let seconds = Math.floor(unixMs / 1000);
  let fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * FRACTION_UNITS);
  // a hair below a whole second rounds up to 2^32 units: carry it into the seconds
  if (fraction === FRACTION_UNITS) {
    seconds += 1;
    fraction = 0;
  }
  // from 1900 on, the sum is positive; mod 2^32 folds era 1 (2036 on) onto second 0
  return { seconds: (seconds + NTP_UNIX_OFFSET_SECONDS) % ERA_SECONDS, fraction };
}

/**
 * An NTP timestamp as Unix milliseconds. RFC 4330 §3: "If bit 0 is set, the UTC time is
 * in the range 1968-2036 and UTC time is reckoned from 0h 0m 0s UTC on 1 January 1900.
 * If bit 0 is not set, the time is in the range 2036-2104 and UTC time is reckoned from
 * 6h 28m 16s UTC on 7 February 2036."
 */
export function fromNtpTimestamp({ seconds, fraction }: NtpTimestamp): number {
  const era = seconds >= 0x8000_0000 ? 0 : ERA_SECONDS;
  return (seconds + era - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / FRACTION_UNITS) * 1000;
}

/**
 * RFC 4330 §5: a client request: LI 0, VN 4, Mode 3, and the Transmit Timestamp set to
 * the time the request leaves (T1); every other field may be zero.
 */
export function sntpRequest(t1: number = Date.now()): Uint8Array {
  const packet = new Uint8Array(PACKET_OCTETS);
  const view = new DataView(packet.buffer);
  view.setUint8(0, (0 << 6) | (VERSION << 3) | MODE_CLIENT);
  writeTimestamp(view, TRANSMIT_AT, toNtpTimestamp(t1));
  return packet;
}

/**
 * Reads a server's reply, received at `t4` (Unix ms), into a clock sample. T1 is the
 * reply's Originate Timestamp (the request's Transmit Timestamp, echoed), T2 its Receive
 * Timestamp, T3 its Transmit Timestamp.
 *
 * @throws SntpError when the reply cannot be used
 */
export function parseSntpReply(bytes: Uint8Array, t4: number): ClockSample {
  if (bytes.length < PACKET_OCTETS) throw new SntpError('wrong-length', String(bytes.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint8(0);
  const leap = first >> 6;
  const version = (first >> 3) & 0b111;
  const mode = first & 0b111;
  const stratum = view.getUint8(1);
  if (mode !== MODE_SERVER) throw new SntpError('not-a-server-reply', `mode ${mode}`);
  // RFC 4330 §5: the reply's VN is "copied from request"; RFC 5905 §14: x.version <-- r.version
  if (version !== VERSION) throw new SntpError('bad-version', String(version));
  // Stratum before LI: a Kiss-o'-Death often carries LI 3 too, and its kiss code must not be lost.
  // RFC 5905 §7.4: "If the Stratum field is 0, which implies unspecified or invalid, the
  // Reference Identifier field can be used to convey messages useful for status reporting"
  if (stratum === 0) {
    const kiss = Buffer.from(bytes.subarray(REFERENCE_ID_AT, REFERENCE_ID_AT + 4)).toString(
      'latin1',
    );
    throw new SntpError('kiss-of-death', kiss);
  }
  if (leap === LEAP_UNSYNCHRONIZED) throw new SntpError('unsynchronized');
  const transmit = readTimestamp(view, TRANSMIT_AT);
  if (transmit.seconds === 0 && transmit.fraction === 0) throw new SntpError('no-transmit-time');
  const t1 = fromNtpTimestamp(readTimestamp(view, ORIGINATE_AT));
  const t2 = fromNtpTimestamp(readTimestamp(view, RECEIVE_AT));
  const t3 = fromNtpTimestamp(transmit);
  // RFC 5905 §8: offset θ = 1/2 [(T2 − T1) + (T3 − T4)], delay δ = (T4 − T1) − (T3 − T2)
  return {
    offsetMs: (t2 - t1 + (t3 - t4)) / 2,
    delayMs: t4 - t1 - (t3 - t2),
    stratum,
    t1,
    t2,
    t3,
    t4,
  };
}

/**
 * Asks `server` for the time: one request over UDP, the first reply from that address
 * and port whose Originate Timestamp equals the request's Transmit Timestamp (RFC 4330
 * §5; anything else is ignored as bogus), read at the moment it arrives.
 *
 * @throws SntpError for an unusable reply, or `timeout` when none matches in time
 */
export function queryTime(
  server: SntpServer,
  options: { timeoutMs?: number } = {},
): Promise<ClockSample> {
  const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
  return new Promise<ClockSample>((resolve, reject) => {
    const request = sntpRequest();
    const timer = setTimeout(
      () => finish(() => reject(new SntpError('timeout'))),
      options.timeoutMs ?? 2000,
    );
    function finish(outcome: () => void) {
      clearTimeout(timer);
      socket.close();
      outcome();
    }
    socket.on('message', (reply, remote) => {
      const t4 = Date.now();
      if (remote.address !== server.host || remote.port !== server.port) return;
      const originate = reply.subarray(ORIGINATE_AT, ORIGINATE_AT + 8);
      if (
        !Buffer.from(originate).equals(Buffer.from(request.subarray(TRANSMIT_AT, TRANSMIT_AT + 8)))
      )
        return;
      try {
        const sample = parseSntpReply(reply, t4);
        finish(() => resolve(sample));
      } catch (error) {
        finish(() => reject(error));
      }
    });
    socket.on('error', (error) => finish(() => reject(error)));
    socket.send(request, server.port, server.host);
  });
}

function readTimestamp(view: DataView, at: number): NtpTimestamp {
  return { seconds: view.getUint32(at), fraction: view.getUint32(at + 4) };
}

function writeTimestamp(view: DataView, at: number, { seconds, fraction }: NtpTimestamp): void {
  view.setUint32(at, seconds);
  view.setUint32(at + 4, fraction);
}
