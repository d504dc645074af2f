import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunked, LOOPBACK, visible, within } from '../../support/harness/index.ts';
import { echo, roundTrip } from './echo-client.ts';
import { EchoPeer } from './fixtures/echo-peer.ts';

/**
 * When fast-check stops, in ms, even in the middle of a run. A run that hangs
 * fails after the 2 s of `within`, and shrinking would try more such runs until
 * vitest's 5 s test timeout, which shows no counterexample. Stopped at 3 s,
 * fast-check reports the smallest failure found so far, with its seed. Stopped
 * with no failure found, the property passes if at least one run passed (a
 * slow machine), and fails if none did.
 */
const TIME_LIMIT_MS = 3_000;

/** How the peer cuts its echo: piece sizes used in turn, from one byte up. */
const pieceSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

describe('RFC 9293 §2.2: TCP delivers every byte, in order, however the reads are cut', () => {
  test.prop([chunked(anyBytes({ maxLength: 2048 }))], {
    numRuns: 25,
    interruptAfterTimeLimit: TIME_LIMIT_MS,
  })(
    'echo returns exactly the bytes sent (none, too), cut into any pieces on the way back',
    async ({ bytes, chunks }) => {
      const { port } = await EchoPeer.start({ pieces: chunks.map((chunk) => chunk.length) });
      const reply = await within(echo(LOOPBACK, port, bytes), 'echo() never resolved');
      expect(visible(reply)).toBe(visible(bytes));
    },
  );
});

describe('Course exercise 1.5: round trips on one connection, summarized by their median', () => {
  const plans = fc.record({
    count: fc.integer({ min: 1, max: 6 }),
    size: fc.integer({ min: 1, max: 1024 }),
    pieces: pieceSizes,
  });
  test.prop([plans], { numRuns: 15, interruptAfterTimeLimit: TIME_LIMIT_MS })(
    'count × size bytes on one connection; at least half the samples lie at or below the median, half at or above',
    async ({ count, size, pieces }) => {
      const { peer, port } = await EchoPeer.start({ pieces });
      const times = await within(
        roundTrip(LOOPBACK, port, { count, size }),
        'roundTrip() never resolved',
      );
      expect(peer.connections).toBe(1);
      expect(peer.received).toBe(count * size);
      expect(times.samplesMs).toHaveLength(count);
      const atOrBelow = times.samplesMs.filter((ms) => ms <= times.medianMs).length;
      const atOrAbove = times.samplesMs.filter((ms) => ms >= times.medianMs).length;
      expect(2 * atOrBelow).toBeGreaterThanOrEqual(count);
      expect(2 * atOrAbove).toBeGreaterThanOrEqual(count);
      expect(times.minMs).toBeLessThanOrEqual(times.medianMs);
      expect(times.medianMs).toBeLessThanOrEqual(times.maxMs);
    },
  );
});
