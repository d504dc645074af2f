import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { LOOPBACK, listen, visible, within } from '../../support/harness/index.ts';
import { EchoError, echo, type RoundTripOptions, roundTrip } from './echo-client.ts';
import { EchoPeer } from './fixtures/echo-peer.ts';

// The peer is fixtures/echo-peer.ts: a plain net.createServer echo (no learner
// code) that cuts its echo into small pieces, one per turn of the event loop.

/** Course exercise 1.5 times round trips of 1 KB: 1024 bytes. */
const KILOBYTE = 1024;

/** 1 KB of every byte value in turn: NUL, CR, LF and 0xff included. */
const EVERY_BYTE = Buffer.from(Array.from({ length: KILOBYTE }, (_, i) => i % 256));

/** Twelve bytes, for the failures: small enough to read in a message. */
const TWELVE = Buffer.from('hello, echo!', 'latin1');

/** How long the timeout spec lets the server stay silent, in ms. */
const SILENCE_MS = 100;

/** How long the slow peer holds each echo, in ms. */
const HOLD_MS = 20;

/** Waits for `settling` to reject and hands back the EchoError; anything else fails the spec. */
async function echoErrorOf(settling: Promise<unknown>, what: string): Promise<EchoError> {
  try {
    await within(settling, `${what} never settled`);
  } catch (error) {
    if (error instanceof EchoError) return error;
    throw error; // the KataTodo, the spec's own timeout, or a raw socket error: shown as it is
  }
  throw new Error(`${what} resolved, but it should have rejected with an EchoError`);
}

/** A port on 127.0.0.1 where nothing listens any more: a server got it, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await within(
    new Promise<void>((resolve) => server.close(() => resolve())),
    'the server never stopped listening',
  );
  return port;
}

/** The median by its definition: the middle of the sorted samples, or the mean of the two middle ones. */
function medianOf(samples: readonly number[]): number {
  const sorted = samples.toSorted((a, b) => a - b);
  const half = sorted.length / 2;
  return Number.isInteger(half)
    ? ((sorted[half - 1] ?? Number.NaN) + (sorted[half] ?? Number.NaN)) / 2
    : (sorted[Math.floor(half)] ?? Number.NaN);
}

describe('RFC 9293 §2.2: TCP is a byte stream, so echo reads until every byte sent is back', () => {
  test('returns all 1024 bytes when the server echoes them one byte at a time', async () => {
    const { port } = await EchoPeer.start({ pieces: [1] });
    const reply = await within(echo(LOOPBACK, port, EVERY_BYTE), 'echo() never resolved');
    expect(visible(reply)).toBe(visible(EVERY_BYTE));
  });

  test('returns the bytes when they come back in uneven pieces (1, 7, 300, 2, …)', async () => {
    const { port } = await EchoPeer.start({ pieces: [1, 7, 300, 2] });
    const reply = await within(echo(LOOPBACK, port, EVERY_BYTE), 'echo() never resolved');
    expect(visible(reply)).toBe(visible(EVERY_BYTE));
  });

  test('an empty payload needs no round trip: it connects, closes, and resolves with no bytes', async () => {
    const { peer, port } = await EchoPeer.start();
    const reply = await within(echo(LOOPBACK, port, Buffer.alloc(0)), 'echo() never resolved');
    expect(visible(reply)).toBe('');
    await within(peer.clientEnded, 'the client never connected, or never closed its side');
    expect(peer.connections).toBe(1);
  });
});

describe('RFC 9293 §3.6: CLOSE means "I have no more data to send"', () => {
  test('echo closes its side of the connection (FIN) once every byte is back', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [100] });
    await within(echo(LOOPBACK, port, EVERY_BYTE), 'echo() never resolved');
    await within(peer.clientEnded, 'the client never closed its side of the connection');
  });
});

describe('RFC 9293 §3.5.2: a SYN to a port where nothing listens is answered with a reset', () => {
  test('echo rejects with reason "refused", naming the host and port', async () => {
    const port = await closedPort();
    const error = await echoErrorOf(echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'refused', host: LOOPBACK, port });
  });

  test('roundTrip rejects with reason "refused" too', async () => {
    const port = await closedPort();
    const error = await echoErrorOf(roundTrip(LOOPBACK, port, { count: 3 }), 'roundTrip()');
    expect(error.failure).toEqual({ reason: 'refused', host: LOOPBACK, port });
  });
});

describe('RFC 9293 §3.6 (MUST-12): the client learns whether the server closed (FIN) or aborted (RST)', () => {
  test('a FIN after 5 of 12 bytes: reason "closed-early", 5 received of 12 sent', async () => {
    const { port } = await EchoPeer.start({ echoOnly: 5, afterwards: 'end' });
    const error = await echoErrorOf(echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'closed-early', received: 5, sent: TWELVE.length });
  });

  test('a RST before any byte came back: reason "reset", 0 received of 12 sent', async () => {
    const { port } = await EchoPeer.start({ echoOnly: 0, afterwards: 'reset' });
    const error = await echoErrorOf(echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'reset', received: 0, sent: TWELVE.length });
  });
});

describe('net socket.setTimeout: a server that stops answering fails after timeoutMs idle, never hangs', () => {
  test('3 of 12 bytes, then silence: reason "timeout" with 3 received of 12 sent', async () => {
    const { port } = await EchoPeer.start({ pieces: [3], echoOnly: 3, afterwards: 'silence' });
    const settling = echo(LOOPBACK, port, TWELVE, { timeoutMs: SILENCE_MS });
    const error = await echoErrorOf(settling, 'echo()');
    expect(error.failure).toEqual({
      reason: 'timeout',
      received: 3,
      sent: TWELVE.length,
      timeoutMs: SILENCE_MS,
    });
  });
});

describe('Course exercise 1.5: time round trips of 1 KB on one connection', () => {
  test('every round trip goes over the same connection', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [64] });
    await within(roundTrip(LOOPBACK, port, { count: 5 }), 'roundTrip() never resolved');
    expect(peer.connections).toBe(1);
  });

  test('each round trip sends 1 KB when no size is given', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [64] });
    await within(roundTrip(LOOPBACK, port, { count: 3 }), 'roundTrip() never resolved');
    expect(peer.received).toBe(3 * KILOBYTE);
  });

  test('each round trip sends `size` bytes', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [64] });
    await within(roundTrip(LOOPBACK, port, { count: 4, size: 100 }), 'roundTrip() never resolved');
    expect(peer.received).toBe(4 * 100);
  });

  test('a round trip starts only when the whole echo of the previous one is back', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [16, 1, 100] });
    await within(roundTrip(LOOPBACK, port, { count: 4 }), 'roundTrip() never resolved');
    expect(peer.mostInFlight, 'most bytes the server held, not yet echoed').toBeLessThanOrEqual(
      KILOBYTE,
    );
  });

  test('reports count samples, and min and max are the smallest and largest of them', async () => {
    const { port } = await EchoPeer.start({ pieces: [64] });
    const times = await within(
      roundTrip(LOOPBACK, port, { count: 5 }),
      'roundTrip() never resolved',
    );
    expect(times.count).toBe(5);
    expect(times.samplesMs).toHaveLength(5);
    expect(times.minMs).toBe(Math.min(...times.samplesMs));
    expect(times.maxMs).toBe(Math.max(...times.samplesMs));
  });

  test('for an odd count, the median is the middle sample', async () => {
    const { port } = await EchoPeer.start({ pieces: [64] });
    const times = await within(
      roundTrip(LOOPBACK, port, { count: 5 }),
      'roundTrip() never resolved',
    );
    expect(times.medianMs).toBe(medianOf(times.samplesMs));
  });

  test('for an even count, the median is the mean of the two middle samples', async () => {
    const { port } = await EchoPeer.start({ pieces: [64] });
    const times = await within(
      roundTrip(LOOPBACK, port, { count: 4 }),
      'roundTrip() never resolved',
    );
    expect(times.medianMs).toBeCloseTo(medianOf(times.samplesMs), 9);
  });

  test(`a server that holds each echo ${HOLD_MS} ms makes every round trip last at least that`, async () => {
    const { port } = await EchoPeer.start({ pieces: [256], delayMs: HOLD_MS });
    const times = await within(
      roundTrip(LOOPBACK, port, { count: 3 }),
      'roundTrip() never resolved',
    );
    expect(times.minMs).toBeGreaterThanOrEqual(HOLD_MS);
  });

  test.each<[string, RoundTripOptions]>([
    ['count 0', { count: 0 }],
    ['a count of 2.5', { count: 2.5 }],
    ['size 0', { count: 3, size: 0 }],
  ])('%s measures nothing: roundTrip rejects with a RangeError', async (_, opts) => {
    const { port } = await EchoPeer.start();
    await expect(roundTrip(LOOPBACK, port, opts)).rejects.toBeInstanceOf(RangeError);
  });
});
