import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fromNtpTimestamp, PACKET_OCTETS, parseSntpReply, toNtpTimestamp } from './sntp.ts';

/** RFC 4330 §3: bit 0 of the seconds picks the era, so 1968-01-20T03:14:08Z to 2104 is readable. */
const FIRST = Date.UTC(1968, 0, 20, 3, 14, 8);
const LAST = Date.UTC(2104, 1, 26);
/** One unit of the fraction, 2^-32 s, in milliseconds. */
const UNIT_MS = 1000 / 2 ** 32;

describe('RFC 5905 §6, RFC 4330 §3: NTP timestamps', () => {
  test.prop([fc.double({ min: FIRST, max: LAST, noNaN: true })], { numRuns: 1000 })(
    'Unix time to an NTP timestamp and back is the same instant, to 2^-32 s, across the 2036 era',
    (unixMs) => {
      const timestamp = toNtpTimestamp(unixMs);
      expect(timestamp.seconds).toBeGreaterThanOrEqual(0);
      expect(timestamp.seconds).toBeLessThan(2 ** 32);
      expect(timestamp.fraction).toBeGreaterThanOrEqual(0);
      expect(timestamp.fraction).toBeLessThan(2 ** 32);
      expect(Math.abs(fromNtpTimestamp(timestamp) - unixMs)).toBeLessThanOrEqual(UNIT_MS + 1e-3);
    },
  );
});

/** A server reply carrying T1 (originate), T2 (receive) and T3 (transmit). */
function replyWith(t1: number, t2: number, t3: number): Buffer {
  const bytes = Buffer.alloc(PACKET_OCTETS);
  bytes[0] = (4 << 3) | 4;
  bytes[1] = 2;
  for (const [at, ms] of [
    [24, t1],
    [32, t2],
    [40, t3],
  ] as const) {
    const { seconds, fraction } = toNtpTimestamp(ms);
    bytes.writeUInt32BE(seconds, at);
    bytes.writeUInt32BE(fraction, at + 4);
  }
  return bytes;
}

const exchange = fc.record({
  t1: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
  skew: fc.integer({ min: -86_400_000, max: 86_400_000 }),
  there: fc.integer({ min: 0, max: 5_000 }),
  back: fc.integer({ min: 0, max: 5_000 }),
  held: fc.integer({ min: 0, max: 1_000 }),
});

describe('RFC 5905 §8: offset θ and delay δ', () => {
  test.prop([exchange], { numRuns: 500 })(
    'with a true skew s and one-way times a and b: θ = s + (a − b)/2 and δ = a + b',
    ({ t1, skew, there, back, held }) => {
      const t2 = t1 + there + skew;
      const t3 = t2 + held;
      const t4 = t3 - skew + back;
      const sample = parseSntpReply(replyWith(t1, t2, t3), t4);
      expect(sample.offsetMs).toBeCloseTo(skew + (there - back) / 2, 3);
      expect(sample.delayMs).toBeCloseTo(there + back, 3);
    },
  );

  test.prop([exchange], { numRuns: 300 })(
    'on a symmetric path the offset is exactly the skew',
    ({ t1, skew, there, held }) => {
      const t2 = t1 + there + skew;
      const t3 = t2 + held;
      const t4 = t3 - skew + there;
      expect(parseSntpReply(replyWith(t1, t2, t3), t4).offsetMs).toBeCloseTo(skew, 3);
    },
  );
});
