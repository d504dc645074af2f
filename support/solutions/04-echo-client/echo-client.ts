/**
 * Kata 04 · An echo client. Read the lesson first: README.md in this folder.
 *
 * Send bytes to an echo server (kata 03's, or any RFC 862 server), read until
 * every one of them is back, then time round trips of 1 KB on one connection
 * (the course's exercise 1.5).
 */
import net from 'node:net';

/**
 * Why an echo did not come back. RFC 9293 §3.6 (MUST-12): the application is
 * told whether the server closed normally (FIN) or aborted (RST).
 */
export type EchoFailure =
  /** Nothing listens on host:port: the SYN was answered with a RST (ECONNREFUSED). */
  | { readonly reason: 'refused'; readonly host: string; readonly port: number }
  /** The server closed its side (FIN) after echoing `received` of `sent` bytes. */
  | { readonly reason: 'closed-early'; readonly received: number; readonly sent: number }
  /** The server aborted (RST: ECONNRESET or EPIPE) after echoing `received` of `sent` bytes. */
  | { readonly reason: 'reset'; readonly received: number; readonly sent: number }
  /** Nothing was sent or received for `timeoutMs`; `received` of `sent` bytes had come back. */
  | {
      readonly reason: 'timeout';
      readonly received: number;
      readonly sent: number;
      readonly timeoutMs: number;
    };

export type EchoFailureReason = EchoFailure['reason'];

/** What an EchoError says, one sentence per reason. */
export const ECHO_FAILURE_TEXT = {
  refused: (host: string, port: number) => `nothing accepts connections on ${host}:${port}`,
  'closed-early': (received: number, sent: number) =>
    `the server closed the connection after echoing ${received} of ${sent} bytes`,
  reset: (received: number, sent: number) =>
    `the server reset the connection after echoing ${received} of ${sent} bytes`,
  timeout: (timeoutMs: number, received: number, sent: number) =>
    `nothing happened for ${timeoutMs} ms: ${received} of ${sent} bytes had come back`,
} as const;

function explain(failure: EchoFailure): string {
  switch (failure.reason) {
    case 'refused':
      return ECHO_FAILURE_TEXT.refused(failure.host, failure.port);
    case 'closed-early':
      return ECHO_FAILURE_TEXT['closed-early'](failure.received, failure.sent);
    case 'reset':
      return ECHO_FAILURE_TEXT.reset(failure.received, failure.sent);
    case 'timeout':
      return ECHO_FAILURE_TEXT.timeout(failure.timeoutMs, failure.received, failure.sent);
  }
}

/** What `echo` and `roundTrip` reject with when the server does not give every byte back. */
export class EchoError extends Error {
  override readonly name = 'EchoError';

  constructor(
    readonly failure: EchoFailure,
    options?: ErrorOptions,
  ) {
    super(explain(failure), options);
  }

  get reason(): EchoFailureReason {
    return this.failure.reason;
  }
}

export interface EchoOptions {
  /**
   * How long the connection may sit idle (nothing sent, nothing received) before
   * the client gives up with reason 'timeout'. Default: 5000 ms.
   */
  readonly timeoutMs?: number;
}

export interface RoundTripOptions extends EchoOptions {
  /** Bytes sent per round trip: a whole number ≥ 1. Default: 1024 (1 KB, exercise 1.5). */
  readonly size?: number;
  /** How many round trips to time: a whole number ≥ 1. */
  readonly count: number;
}

/** Round-trip times in milliseconds, as measured by the client. */
export interface RoundTrips {
  readonly count: number;
  readonly minMs: number;
  /** The middle sample once sorted; for an even count, the mean of the two middle ones. */
  readonly medianMs: number;
  readonly maxMs: number;
  /** Every sample, in the order measured. */
  readonly samplesMs: readonly number[];
}

/** The idle timeout when the caller gives none. */
const DEFAULT_TIMEOUT_MS = 5_000;
/** Course exercise 1.5: time round trips of 1 KB. */
const DEFAULT_SIZE = 1024;
/** What a round trip carries: the bytes do not matter, only how many. */
const FILLER = 0x2a;

const BAD_ROUND_TRIP = (count: number, size: number) =>
  `roundTrip needs whole numbers count ≥ 1 and size ≥ 1, got count ${count} and size ${size}`;

/** The errno codes that mean the server aborted the connection with a RST. */
const ABORTED: ReadonlySet<string | undefined> = new Set(['ECONNRESET', 'EPIPE']);

/**
 * One connection to an echo server. It counts the bytes sent and the bytes that
 * came back; an exchange is complete when the two are equal.
 */
class EchoConnection {
  private readonly socket: net.Socket;
  private readonly arrived: Buffer[] = [];
  private connected = false;
  private sent = 0;
  private received = 0;
  /** Set once the server closed (FIN) or aborted (RST): nothing more will come. */
  private gone: 'closed-early' | 'reset' | undefined;
  /** Set once the connection failed for good: every wait rejects with it. */
  private failure: Error | undefined;
  private wake: () => void = () => {};

  constructor(
    private readonly host: string,
    private readonly port: number,
    timeoutMs: number,
  ) {
    // RFC 9293 §3.7.4 (MUST-17): the application may turn Nagle's algorithm off;
    // a latency probe must not wait for an ACK before sending a short segment.
    this.socket = net.connect({ host, port, noDelay: true, timeout: timeoutMs });
    this.socket.on('connect', () =>
      this.settle(() => {
        this.connected = true;
      }),
    );
    // RFC 9293 §2.2: a byte stream; a read returns whatever has arrived so far.
    this.socket.on('data', (piece: Buffer) =>
      this.settle(() => {
        this.arrived.push(piece);
        this.received += piece.length;
      }),
    );
    // RFC 9293 §3.6: a FIN means the server will send nothing more.
    this.socket.on('end', () =>
      this.settle(() => {
        this.gone ??= 'closed-early';
      }),
    );
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.settle(() => this.fail(error)));
    // Node only reports the idle timeout: closing the socket is ours to do.
    this.socket.on('timeout', () =>
      this.settle(() => {
        this.failure ??= new EchoError({ reason: 'timeout', ...this.counts(), timeoutMs });
        this.socket.destroy();
      }),
    );
  }

  /** Resolves once the connection is established. */
  opened(): Promise<void> {
    return this.until(() => this.connected);
  }

  /**
   * Writes `data` (Node queues it until the connection is up) and resolves with
   * the echo once connected and as many bytes came back as were sent.
   */
  async exchange(data: Uint8Array): Promise<Buffer> {
    this.sent += data.length;
    this.socket.write(data);
    await this.until(() => this.connected && this.received >= this.sent);
    return Buffer.concat(this.arrived.splice(0));
  }

  /** Ends our side (FIN); the server's FIN, or the idle timeout, completes the close. */
  close(): void {
    this.socket.end();
  }

  private fail(error: NodeJS.ErrnoException): void {
    // RFC 9293 §3.5.2: a SYN to a port nobody listens on is answered with a RST.
    if (error.code === 'ECONNREFUSED') {
      const refused = { reason: 'refused', host: this.host, port: this.port } as const;
      this.failure ??= new EchoError(refused, { cause: error });
    } else if (ABORTED.has(error.code)) this.gone = 'reset';
    // Anything else (EHOSTUNREACH, ENOTFOUND, …) is not about the echo: passed on as is.
    else this.failure ??= error;
  }

  private counts() {
    return { received: this.received, sent: this.sent };
  }

  private settle(change: () => void): void {
    change();
    this.wake();
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.wake = () => {
        if (done()) resolve();
        else if (this.failure) reject(this.failure);
        else if (this.gone) reject(new EchoError({ reason: this.gone, ...this.counts() }));
      };
      this.wake();
    });
  }
}

/**
 * Connects to the echo server at host:port, writes every byte of `data`, reads
 * until as many bytes came back as were sent, closes its side (FIN) and resolves
 * with the bytes that came back.
 *
 * An empty `data` needs no round trip: echo still connects (so a refused port
 * still rejects), then closes and resolves with an empty Buffer.
 *
 * Rejects with an EchoError ('refused', 'closed-early', 'reset' or 'timeout');
 * an error that is not about the echo (a name that does not resolve: ENOTFOUND)
 * is passed on as it is. It never hangs.
 */
export async function echo(
  host: string,
  port: number,
  data: Uint8Array,
  opts: EchoOptions = {},
): Promise<Buffer> {
  const connection = new EchoConnection(host, port, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    return await connection.exchange(data);
  } finally {
    connection.close();
  }
}

/**
 * Times `count` round trips on ONE connection: each sends `size` bytes and waits
 * until all `size` came back before the next starts. Connecting is not timed.
 *
 * Rejects with a RangeError, before connecting, when `count` or `size` is not a
 * whole number ≥ 1; otherwise like `echo`.
 */
export async function roundTrip(
  host: string,
  port: number,
  opts: RoundTripOptions,
): Promise<RoundTrips> {
  const { count, size = DEFAULT_SIZE, timeoutMs = DEFAULT_TIMEOUT_MS } = opts;
  if (!isCount(count) || !isCount(size)) throw new RangeError(BAD_ROUND_TRIP(count, size));
  const payload = Buffer.alloc(size, FILLER);
  const connection = new EchoConnection(host, port, timeoutMs);
  try {
    await connection.opened(); // connecting is not a round trip
    const samplesMs: number[] = [];
    for (let i = 0; i < count; i++) {
      // hrtime is monotonic and in nanoseconds; Date.now() jumps with the wall clock.
      const start = process.hrtime.bigint();
      await connection.exchange(payload);
      samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return summarize(samplesMs);
  } finally {
    connection.close();
  }
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1;
}

function summarize(samplesMs: readonly number[]): RoundTrips {
  const sorted = samplesMs.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  // The median: the middle sample, or the mean of the two middle ones for an even count.
  const medianMs = sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return {
    count: sorted.length,
    minMs: at(0),
    medianMs,
    maxMs: at(sorted.length - 1),
    samplesMs,
  };
}
