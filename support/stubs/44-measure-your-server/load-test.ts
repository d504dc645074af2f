/**
 * Kata 44: a load generator from bare sockets. A fixed number of keep-alive connections of
 * your own (`net`), GET after GET (pipelined when asked), each response's end found by a
 * scan that reads no more than it must, every latency recorded in a log-linear histogram
 * (HdrHistogram's idea), the percentiles read from the histogram, never from a mean.
 * Closed loop by default; with a `rate`, open loop, measured from each intended start.
 *
 * Import kata 16's `splitUrl` and kata 21's `formatRequest` for the URL and the request bytes.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** Each power of two is cut into this many equal buckets: values are kept to 1/128 (0.8 %). */
export const SUB_BUCKETS = 128;

/** Recorded values (non-negative integers, microseconds here), counted per bucket. */
export interface Histogram {
  /** Counts one value. @throws RangeError for a negative, fractional or unsafe one */
  record(value: number): void;
  /** How many values were recorded. */
  readonly count: number;
  /** The largest value recorded, exactly; 0 when none was. */
  readonly max: number;
  /**
   * The value at percentile `p` (0 to 100): the highest value of the bucket that holds the
   * value of rank ⌈p/100 × count⌉ (at least 1) in sorted order, or the max when that is
   * lower; 0 when nothing was recorded.
   * @throws RangeError for `p` outside 0–100
   */
  percentile(p: number): number;
}

/**
 * Where the response at the start of some bytes ends: all a load generator needs to know of
 * it. `partial`: more bytes are needed; `malformed`: these bytes cannot be delimited.
 */
export type ResponseScan =
  | { readonly kind: 'partial' }
  | { readonly kind: 'malformed'; readonly why: string }
  | {
      readonly kind: 'response';
      readonly status: number;
      /** Octets the response takes, head and body: the next one starts there. */
      readonly length: number;
      /** It has `Connection: close` (RFC 9112 §9.6): nothing more comes on the connection. */
      readonly close: boolean;
    };

/**
 * Finds the end of the response that starts `bytes`: the head up to its empty line, then a
 * body of Content-Length octets or of chunks (RFC 9112 §6.3). A response with neither, and
 * content to carry, could only end with the connection: on keep-alive it is malformed.
 */
export function scanResponse(bytes: Uint8Array): ResponseScan {
  throw new KataTodo('scanResponse');
}

/** Why a request got no response. */
export type LoadErrorKind = 'connect' | 'reset' | 'timeout' | 'malformed';
export const LOAD_ERROR_KINDS = ['connect', 'reset', 'timeout', 'malformed'] as const;

/** Closed loop: send when answered; open loop: send on a schedule (`rate`). */
export type LoadMode = 'closed' | 'open';

export interface LoadTestOptions {
  /** Connections open at once, each a socket of its own. Default 10. */
  readonly connections?: number;
  /** Seconds to send requests for. Default 10; ignored when `amount` is given. */
  readonly duration?: number;
  /** Send exactly this many requests over all connections, then stop. */
  readonly amount?: number;
  /** Requests a connection may have unanswered at once (RFC 9112 §9.3.2). Default 1. */
  readonly pipelining?: number;
  /** Open loop: requests per second over all connections, on a fixed schedule. */
  readonly rate?: number;
  /** Milliseconds a connection with unanswered requests may stay silent. Default 10 000. */
  readonly timeout?: number;
}

/** Milliseconds, from the histogram. */
export interface Latency {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadReport {
  /** Responses received, whatever their status. */
  readonly requests: number;
  /** From the first request to the last answer (or failure). */
  readonly seconds: number;
  /** `requests / seconds`; 0 when nothing was answered. */
  readonly requestsPerSecond: number;
  readonly latency: Latency;
  /** Requests that got no response, by why. */
  readonly errors: Readonly<Record<LoadErrorKind, number>>;
  /** Responses by status code. */
  readonly statuses: Readonly<Record<number, number>>;
  readonly connections: number;
  readonly pipelining: number;
  readonly mode: LoadMode;
}

export const DEFAULTS = {
  connections: 10,
  duration: 10,
  pipelining: 1,
  timeout: 10_000,
} as const;

/** What formatReport says about a closed loop: the limit of what it measured. */
export const COORDINATED_OMISSION_NOTE =
  'Closed loop: each connection waited for its answer before sending again, so these are service times. A user arriving on a schedule would also have waited behind a slow answer (coordinated omission): measure with a rate to see it.';

/** An empty histogram (see `Histogram` and SUB_BUCKETS). */
export function createHistogram(): Histogram {
  throw new KataTodo('createHistogram');
}

/**
 * Runs GET `url` on `connections` keep-alive connections and reports what came back.
 *
 * @throws RangeError for an option that is not a positive number (an integer for
 *   connections, amount, pipelining), or a URL that is not `http:`; kata 16's InvalidUrl
 *   for one that is not a URL
 */
export async function loadTest(url: string, options: LoadTestOptions = {}): Promise<LoadReport> {
  throw new KataTodo('loadTest');
}

/** The report as a learner reads it: a few lines of words and figures. */
export function formatReport(report: LoadReport): string {
  throw new KataTodo('formatReport');
}
