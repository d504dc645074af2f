import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunked, LOOPBACK, visible, within } from '../../support/harness/index.ts';
import { echo, roundTrip } from './echo-client.ts';
import { EchoPeer } from './fixtures/echo-peer.ts';

/** How the peer cuts its echo: piece sizes used in turn, from one byte up. */
const pieceSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

describe('RFC 9293 §2.2: TCP delivers every byte, in order, however the reads are cut', () => {
  test.prop([chunked(anyBytes({ maxLength: 2048 }))], { numRuns: 25 })(
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
  test.prop([plans], { numRuns: 15 })(
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
