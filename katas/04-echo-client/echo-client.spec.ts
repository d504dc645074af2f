import dns from 'node:dns';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { LOOPBACK, listen, visible, within } from '../../support/harness/index.ts';
import {
  ECHO_FAILURE_TEXT,
  EchoError,
  echo,
  type RoundTripOptions,
  roundTrip,
} from './echo-client.ts';
import { EchoPeer, slowResolver } from './fixtures/echo-peer.ts';

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

/** The trickle: 2 bytes every 25 ms, so the 12 take 125 ms or more, yet never 100 ms idle. */
const TRICKLE = { pieces: [2], paceMs: 25, timeoutMs: 100 } as const;

/**
 * How long the peer holds the echo of each round trip, in ms, for 5 round trips
 * (odd) and 4 (even). Unsorted, so the order measured shows. Some under 10 ms,
 * some over, so that sorting as strings ('12' < '4') gives another max and
 * median than sorting as numbers; the short ones well under 10, so that a late
 * timer does not carry them over.
 */
const ODD_HOLDS_MS = [12, 1, 30, 2, 4] as const;
const EVEN_HOLDS_MS = [2, 11, 4, 20] as const;

/** How long the slow resolver takes to find the host, in ms. */
const LOOKUP_MS = 50;

/** How often the 'refused' specs try a fresh closed port when another process took theirs. */
const REFUSED_ATTEMPTS = 3;

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

/** Whether anything accepts a connection on 127.0.0.1:port right now. */
function somethingListens(port: number): Promise<boolean> {
  const probe = net.connect({ host: LOOPBACK, port });
  onTestFinished(() => {
    probe.destroy();
  });
  return within(
    new Promise<boolean>((resolve) => {
      probe.once('connect', () => resolve(true));
      probe.once('error', () => resolve(false));
    }),
    `a probe of ${LOOPBACK}:${port} was neither accepted nor refused`,
  );
}

/**
 * Calls `call` with a closed port and hands back the port and its EchoError.
 *
 * Node cannot bind a TCP port without listening on it, so a port where nothing
 * listens cannot be kept: once closed it is free for anyone, and other test
 * workers listen on port 0 all the time. So when the call did not end in
 * 'refused', the spec asks whether something listens on that port now: if so,
 * another process took it in between, and the spec tries a fresh port; if not,
 * the call's own outcome fails the spec. (Connecting to itself would need the
 * client's ephemeral port to be this very one; Linux rules even that out by
 * giving listen(0) odd ports and connect() even ones first.)
 */
async function refusedBy(
  call: (port: number) => Promise<unknown>,
  what: string,
): Promise<{ port: number; error: EchoError }> {
  for (let attempt = 1; ; attempt++) {
    const port = await closedPort();
    const outcome = await echoErrorOf(call(port), what).catch((error: unknown) => error);
    const refused = outcome instanceof EchoError && outcome.reason === 'refused';
    if (refused || attempt === REFUSED_ATTEMPTS || !(await somethingListens(port))) {
      if (outcome instanceof EchoError) return { port, error: outcome };
      throw outcome;
    }
  }
}

/** What `settling` rejects with; resolving, or never settling, fails the spec. */
async function rejectionOf(settling: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await within(settling, `${what} never settled`);
  } catch (error) {
    return error;
  }
  throw new Error(`${what} resolved, but it should have rejected`);
}

/** A resolver that knows no name: every lookup fails with ENOTFOUND, as getaddrinfo(3) says it. */
function unknownNames(): void {
  const resolver = vi.spyOn(dns, 'lookup').mockImplementation(((
    hostname: string,
    _options: dns.LookupAllOptions,
    callback: (error: NodeJS.ErrnoException | null) => void,
  ) => {
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(() => callback(error));
  }) as typeof dns.lookup);
  onTestFinished(() => resolver.mockRestore());
}

/**
 * A peer in a worker thread for the EPIPE spec. It reads one 1 KB message, waits for the
 * go, echoes it, closes its side (FIN), and once the FIN is out aborts (RST). The client
 * then sits in CLOSE-WAIT when the RST comes, and its next write fails with EPIPE.
 */
const FIN_THEN_RST_PEER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
const server = net.createServer((socket) => {
  const pieces = [];
  let received = 0;
  socket.on('data', (piece) => {
    pieces.push(piece);
    received += piece.length;
    if (received < workerData.size) return;
    socket.removeAllListeners('data');
    Atomics.store(flags, 0, 1);
    Atomics.wait(flags, 1, 0, 2000);
    socket.once('finish', () => {
      socket.resetAndDestroy();
      Atomics.store(flags, 2, 1);
      Atomics.notify(flags, 2);
    });
    socket.end(Buffer.concat(pieces));
  });
});
server.listen(0, workerData.host, () => parentPort.postMessage(server.address().port));
`;

/**
 * Starts FIN_THEN_RST_PEER and holds this thread still (no reads) from the moment the
 * peer has the first message until its echo, FIN and RST are all out: the client reads
 * the echo with the FIN and the RST already in, and answers with the next round trip.
 */
async function finThenResetPeer(): Promise<number> {
  const flags = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(FIN_THEN_RST_PEER, {
    eval: true,
    workerData: { flags: flags.buffer, host: LOOPBACK, size: KILOBYTE },
  });
  let watching: NodeJS.Immediate | undefined;
  onTestFinished(async () => {
    if (watching) clearImmediate(watching);
    await worker.terminate();
  });
  const watch = () => {
    if (Atomics.load(flags, 0) === 0) {
      watching = setImmediate(watch);
      return;
    }
    watching = undefined;
    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    Atomics.wait(flags, 2, 0, 2000);
  };
  watching = setImmediate(watch);
  return within(
    new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }),
    'the peer in the worker never listened',
  );
}

/** The median by its definition: the middle of the sorted samples, or the mean of the two middle ones. */
function medianOf(samples: readonly number[]): number {
  const sorted = samples.toSorted((a, b) => a - b);
  const half = sorted.length / 2;
  return Number.isInteger(half)
    ? ((sorted[half - 1] ?? Number.NaN) + (sorted[half] ?? Number.NaN)) / 2
    : (sorted[Math.floor(half)] ?? Number.NaN);
}

/** Times one round trip per hold, against a peer that holds echo i at least holdsMs[i] ms. */
async function heldRoundTrips(holdsMs: readonly number[]) {
  const { port } = await EchoPeer.start({ pieces: [256], holdsMs });
  return within(roundTrip(LOOPBACK, port, { count: holdsMs.length }), 'roundTrip() never resolved');
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
    const { port, error } = await refusedBy((port) => echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'refused', host: LOOPBACK, port });
    expect(error.message).toBe(ECHO_FAILURE_TEXT.refused(LOOPBACK, port));
  });

  test("the EchoError keeps the socket's ECONNREFUSED error as its cause", async () => {
    const { error } = await refusedBy((port) => echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('roundTrip rejects with reason "refused" too', async () => {
    const { port, error } = await refusedBy(
      (port) => roundTrip(LOOPBACK, port, { count: 3 }),
      'roundTrip()',
    );
    expect(error.failure).toEqual({ reason: 'refused', host: LOOPBACK, port });
  });
});

describe('RFC 9293 §3.6 (MUST-12): the client learns whether the server closed (FIN) or aborted (RST)', () => {
  test('a FIN after 5 of 12 bytes: reason "closed-early", 5 received of 12 sent', async () => {
    const { port } = await EchoPeer.start({ echoOnly: 5, afterwards: 'end' });
    const error = await echoErrorOf(echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'closed-early', received: 5, sent: TWELVE.length });
    expect(error.message).toBe(ECHO_FAILURE_TEXT['closed-early'](5, TWELVE.length));
  });

  test('a RST before any byte came back: reason "reset", 0 received of 12 sent', async () => {
    const { port } = await EchoPeer.start({ echoOnly: 0, afterwards: 'reset' });
    const error = await echoErrorOf(echo(LOOPBACK, port, TWELVE), 'echo()');
    expect(error.failure).toEqual({ reason: 'reset', received: 0, sent: TWELVE.length });
    expect(error.message).toBe(ECHO_FAILURE_TEXT.reset(0, TWELVE.length));
  });

  test('a FIN, then a RST, after the first of 2 round trips: the next write fails (EPIPE), reason "reset", 1024 received of 2048 sent', async () => {
    const port = await finThenResetPeer();
    const error = await echoErrorOf(roundTrip(LOOPBACK, port, { count: 2 }), 'roundTrip()');
    expect(error.failure).toEqual({ reason: 'reset', received: KILOBYTE, sent: 2 * KILOBYTE });
  });
});

describe('RFC 1123 §6.1.3.1, getaddrinfo(3): a name that does not resolve is no echo failure', () => {
  test("echo rejects, without hanging, with the lookup's ENOTFOUND, not an EchoError that blames a server", async () => {
    unknownNames();
    const error = await rejectionOf(echo('echo.invalid', 7, TWELVE), 'echo()');
    expect(error).not.toBeInstanceOf(EchoError);
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
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
    expect(error.message).toBe(ECHO_FAILURE_TEXT.timeout(SILENCE_MS, 3, TWELVE.length));
  });

  const { pieces, paceMs, timeoutMs } = TRICKLE;
  test(`the timer counts idle time, not the whole echo: ${pieces[0]} bytes every ${paceMs} ms outlast ${timeoutMs} ms and succeed`, async () => {
    const { port } = await EchoPeer.start({ pieces, paceMs });
    const reply = await within(
      echo(LOOPBACK, port, TWELVE, { timeoutMs }),
      'echo() never resolved',
    );
    expect(visible(reply)).toBe(visible(TWELVE));
  });
});

describe('Course exercise 1.5: time round trips of 1 KB on one connection', () => {
  test('every round trip goes over the same connection', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [64] });
    await within(roundTrip(LOOPBACK, port, { count: 5 }), 'roundTrip() never resolved');
    expect(peer.connections).toBe(1);
  });

  test('roundTrip closes its side of the connection (FIN) once the last echo is back', async () => {
    const { peer, port } = await EchoPeer.start({ pieces: [64] });
    await within(roundTrip(LOOPBACK, port, { count: 2 }), 'roundTrip() never resolved');
    await within(peer.clientEnded, 'the client never closed its side of the connection');
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

  test(`samplesMs has one sample per round trip, in the order measured: holds of ${ODD_HOLDS_MS.join(', ')} ms`, async () => {
    const times = await heldRoundTrips(ODD_HOLDS_MS);
    expect(times.count).toBe(ODD_HOLDS_MS.length);
    expect(times.samplesMs).toHaveLength(ODD_HOLDS_MS.length);
    ODD_HOLDS_MS.forEach((holdMs, i) => {
      expect(times.samplesMs[i], `sample ${i}, the echo held ${holdMs} ms`).toBeGreaterThanOrEqual(
        holdMs,
      );
    });
  });

  test('min and max are the smallest and largest samples, compared as numbers', async () => {
    const times = await heldRoundTrips(ODD_HOLDS_MS);
    expect(times.minMs).toBe(Math.min(...times.samplesMs));
    expect(times.maxMs).toBe(Math.max(...times.samplesMs));
  });

  test('for an odd count, the median is the middle sample', async () => {
    const times = await heldRoundTrips(ODD_HOLDS_MS);
    expect(times.medianMs).toBe(medianOf(times.samplesMs));
  });

  test('for an even count, the median is the mean of the two middle samples', async () => {
    const times = await heldRoundTrips(EVEN_HOLDS_MS);
    expect(times.medianMs).toBeCloseTo(medianOf(times.samplesMs), 9);
  });

  test(`connecting is not timed: a resolver that takes ${LOOKUP_MS} ms to find the host is in no sample`, async () => {
    const { port } = await EchoPeer.start({ pieces: [256] });
    const resolver = slowResolver(LOOKUP_MS);
    const start = performance.now();
    const times = await within(
      roundTrip('localhost', port, { count: 3 }),
      'roundTrip() never resolved',
    );
    const elapsedMs = performance.now() - start;
    expect(resolver.asked(), 'lookups of "localhost" (net.connect makes them)').toBeGreaterThan(0);
    // The lookup comes before the connection, the samples after it: both fit in the call.
    const timedMs = times.samplesMs.reduce((sum, ms) => sum + ms, 0);
    expect(timedMs + LOOKUP_MS, 'the samples plus the lookup, in ms').toBeLessThanOrEqual(
      elapsedMs,
    );
  });

  test('round trips are timed on a monotonic clock: a wall clock (Date) that stands still changes nothing', async () => {
    // The wall clock is not elapsed time: NTP steps it, and here it stops. Timers,
    // process.hrtime() and performance.now() run on.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const times = await heldRoundTrips(EVEN_HOLDS_MS);
    EVEN_HOLDS_MS.forEach((holdMs, i) => {
      expect(times.samplesMs[i], `sample ${i}, the echo held ${holdMs} ms`).toBeGreaterThanOrEqual(
        holdMs,
      );
    });
  });

  test.each<[string, RoundTripOptions]>([
    ['count 0', { count: 0 }],
    ['a count of 2.5', { count: 2.5 }],
    ['size 0', { count: 3, size: 0 }],
  ])('%s measures nothing: roundTrip rejects with a RangeError', async (_, opts) => {
    const { port } = await EchoPeer.start();
    await expect(roundTrip(LOOPBACK, port, opts)).rejects.toBeInstanceOf(RangeError);
  });

  test.each<[string, RoundTripOptions, number]>([
    ['count 0', { count: 0 }, 0],
    ['a count of 2.5', { count: 2.5 }, 2.5],
    ['size 0', { count: 3, size: 0 }, 0],
    ['a size of -7', { count: 3, size: -7 }, -7],
  ])('the RangeError for %s names the bad value', async (_, opts, bad) => {
    const { port } = await EchoPeer.start();
    const error = await roundTrip(LOOPBACK, port, opts).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(RangeError);
    // the number on its own, not a digit of another one (0 is not the 0 of 1024)
    const alone = new RegExp(`(?<![0-9.])${String(bad).replace('.', '\\.')}(?![0-9.])`);
    expect((error as RangeError).message).toMatch(alone);
  });
});
