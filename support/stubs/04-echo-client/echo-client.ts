/**
 * Kata 04 · An echo client. Read the lesson first: README.md in this folder.
 *
 * Send bytes to an echo server (kata 03's, or any RFC 862 server), read until
 * every one of them is back, then time round trips of 1 KB on one connection
 * (the course's exercise 1.5).
 */
import { KataTodo } from '../../support/kata-todo.ts';

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
  throw new KataTodo('echo');
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
  throw new KataTodo('roundTrip');
}
