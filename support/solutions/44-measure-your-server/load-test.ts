/**
 * A load generator from bare sockets: a fixed number of keep-alive connections of its own
 * (`net`), each sending GET after GET (pipelined when asked), every response read by a
 * scan that finds where it ends and nothing more, every latency recorded in a log-linear
 * histogram (HdrHistogram's idea), the percentiles read from the histogram. Closed loop by default: a connection
 * sends its next request when the last is answered, so the latencies are service times
 * (coordinated omission); with a `rate`, open loop: every request has an intended start on
 * a fixed schedule, and its latency is measured from that start.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { splitUrl } from '../16-parse-a-url/uri-reference.ts';
import { formatRequest } from '../21-http-get/http-get.ts';

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

const CRLF = Buffer.from('\r\n');
/** RFC 9112 §2.1: the header section ends with an empty line. */
const HEAD_END = Buffer.from('\r\n\r\n');
/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ] */
const STATUS_LINE = /^HTTP\/1\.[0-9] ([0-9]{3}) /;
/**
 * The three fields that frame a response and its connection, one field-line each:
 * RFC 9112 §5.1, "No whitespace is allowed between the field name and colon".
 */
const FRAMING_FIELD = /\r\n(content-length|transfer-encoding|connection):([^\r]*)/gi;
/** RFC 9112 §7.1: chunk-size = 1*HEXDIG, then chunk-ext, CRLF */
const CHUNK_SIZE = /^[0-9a-fA-F]+(?=[ \t;]|$)/;
const DIGITS = /^[0-9]+$/;
const PARTIAL = { kind: 'partial' } as const;

/** RFC 9112 §6.3, rule 1: no content after a 1xx, 204 or 304, whatever the fields say. */
const hasNoContent = (status: number) => status < 200 || status === 204 || status === 304;

/** Lowercase comma-separated members of a field value (RFC 9110 §5.6.1). */
const members = (value: string) => value.split(',').map((member) => member.trim().toLowerCase());

/**
 * Finds the end of the response that starts `bytes`: the head up to its empty line, then a
 * body of Content-Length octets or of chunks (RFC 9112 §6.3). A response with neither, and
 * content to carry, could only end with the connection: on keep-alive it is malformed.
 */
export function scanResponse(bytes: Uint8Array): ResponseScan {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd === -1) return PARTIAL;
  const head = buffer.toString('latin1', 0, headEnd + CRLF.length);
  const status = STATUS_LINE.exec(head)?.[1];
  if (status === undefined) return { kind: 'malformed', why: 'not a status-line' };
  let contentLength: string | undefined;
  let codings: string[] = [];
  let close = false;
  for (const [, name, value = ''] of head.matchAll(FRAMING_FIELD)) {
    const field = name?.toLowerCase();
    if (field === 'content-length') contentLength = value.trim();
    else if (field === 'transfer-encoding') codings = [...codings, ...members(value)];
    else close ||= members(value).includes('close');
  }
  const bodyStart = headEnd + HEAD_END.length;
  const end = hasNoContent(Number(status))
    ? bodyStart
    : codings.length > 0
      ? chunkedEnd(buffer, bodyStart, codings)
      : DIGITS.test(contentLength ?? '')
        ? bodyStart + Number(contentLength)
        : 'no valid Content-Length and not chunked: only the close could end it';
  if (typeof end === 'string') return { kind: 'malformed', why: end };
  if (end === undefined || end > buffer.length) return PARTIAL;
  return { kind: 'response', status: Number(status), length: end, close };
}

/**
 * Where a chunked body that starts at `from` ends; undefined while it is not all there, the
 * reason when it cannot be read. RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF
 * chunk-data CRLF, until last-chunk and the trailer section.
 */
function chunkedEnd(
  buffer: Buffer,
  from: number,
  codings: readonly string[],
): number | string | undefined {
  // RFC 9112 §6.3: chunked must be the last coding, or the length is unknown
  if (codings.at(-1) !== 'chunked') return 'a transfer coding that is not chunked';
  let at = from;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, at);
    if (lineEnd === -1) return undefined;
    const hex = CHUNK_SIZE.exec(buffer.toString('latin1', at, lineEnd))?.[0];
    if (hex === undefined) return 'a chunk-size that is not hexadecimal';
    const size = Number.parseInt(hex, 16);
    at = lineEnd + CRLF.length;
    // last-chunk = 1*("0") [ chunk-ext ] CRLF
    if (size === 0) break;
    at += size + CRLF.length;
  }
  // trailer-section = *( field-line CRLF ), then CRLF: from the last-chunk's own CRLF, the
  // first empty line ends the body, with or without trailers
  const trailersEnd = buffer.indexOf(HEAD_END, at - CRLF.length);
  return trailersEnd === -1 ? undefined : trailersEnd + HEAD_END.length;
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
  /** `requests / seconds`. */
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

/** Value 0 to SUB_BUCKETS - 1 are their own bucket; above, 2^k..2^(k+1) is cut in SUB_BUCKETS. */
const SUB_BUCKET_BITS = Math.log2(SUB_BUCKETS);
const MICROSECONDS_PER_MS = 1_000;
const MS_PER_SECOND = 1_000;
const EMPTY = Buffer.alloc(0);

/** The bucket of a value: its index in the counts, which grows with the value. */
function bucketOf(value: number): number {
  if (value < SUB_BUCKETS) return value;
  // the power of two the value is in: 2^magnitude <= value < 2^(magnitude + 1)
  const magnitude = Math.floor(Math.log2(value));
  // log-linear: within it, SUB_BUCKETS buckets of width 2^(magnitude - SUB_BUCKET_BITS)
  const sub = Math.floor(value / 2 ** (magnitude - SUB_BUCKET_BITS));
  return (magnitude - SUB_BUCKET_BITS + 1) * SUB_BUCKETS + (sub - SUB_BUCKETS);
}

/** The highest value that shares a bucket: what a percentile reports. */
function highestOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const width = 2 ** (Math.floor(index / SUB_BUCKETS) - 1);
  const sub = SUB_BUCKETS + (index % SUB_BUCKETS);
  return sub * width + width - 1;
}

export function createHistogram(): Histogram {
  const counts: number[] = [];
  let count = 0;
  let max = 0;
  return {
    record(value) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`a histogram records non-negative integers, not ${value}`);
      }
      const index = bucketOf(value);
      counts[index] = (counts[index] ?? 0) + 1;
      count++;
      max = Math.max(max, value);
    },
    get count() {
      return count;
    },
    get max() {
      return max;
    },
    percentile(p) {
      if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile is from 0 to 100, not ${p}`);
      // nearest rank: the smallest value with at least p % of the values at or below it
      const rank = Math.max(1, Math.ceil((p / 100) * count));
      let seen = 0;
      for (const [index, n] of counts.entries()) {
        seen += n ?? 0;
        // the bucket's highest value, but never above a value that was recorded
        if (seen >= rank) return Math.min(highestOf(index), max);
      }
      return 0;
    },
  };
}

/** Milliseconds of a histogram of microseconds. */
function latencyOf(histogram: Histogram): Latency {
  const ms = (microseconds: number) => microseconds / MICROSECONDS_PER_MS;
  return {
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} is a positive ${integer ? 'integer' : 'number'}, not ${value}`);
  }
  return value;
}

/** The plan of a run: who sends what, when. */
interface Plan {
  readonly connections: number;
  readonly pipelining: number;
  readonly timeout: number;
  /** Milliseconds between intended starts, over all connections (open loop). */
  readonly interval: number | undefined;
  /** Requests to send, over all connections: infinite in a duration run. */
  readonly amount: number;
  /** performance.now() after which no request is started: infinite in an amount run. */
  readonly deadline: number;
}

/**
 * Runs GET `url` on `connections` keep-alive connections and reports what came back.
 *
 * @throws RangeError for an option that is not a positive number (an integer for
 *   connections, amount, pipelining), or a URL that is not `http:`; kata 16's InvalidUrl
 *   for one that is not a URL
 */
export async function loadTest(url: string, options: LoadTestOptions = {}): Promise<LoadReport> {
  const target = splitUrl(url);
  if (target.scheme !== 'http') {
    throw new RangeError(`this generator speaks plain TCP: http: URLs only, not ${url}`);
  }
  const connections = positive('connections', options.connections ?? DEFAULTS.connections, true);
  const pipelining = positive('pipelining', options.pipelining ?? DEFAULTS.pipelining, true);
  const timeout = positive('timeout', options.timeout ?? DEFAULTS.timeout, false);
  const amount =
    options.amount === undefined
      ? Number.POSITIVE_INFINITY
      : positive('amount', options.amount, true);
  const duration = positive('duration', options.duration ?? DEFAULTS.duration, false);
  const rate = options.rate === undefined ? undefined : positive('rate', options.rate, false);

  const request = formatRequest(target, { method: 'GET' });
  const host = target.hostKind === 'IPv6' ? target.host.slice(1, -1) : target.host;
  const histogram = createHistogram();
  const errors: Record<LoadErrorKind, number> = { connect: 0, reset: 0, timeout: 0, malformed: 0 };
  const statuses: Record<number, number> = {};
  const start = performance.now();
  const plan: Plan = {
    connections,
    pipelining,
    timeout,
    interval: rate === undefined ? undefined : MS_PER_SECOND / rate,
    amount,
    deadline:
      options.amount === undefined ? start + duration * MS_PER_SECOND : Number.POSITIVE_INFINITY,
  };
  /** The number of the next request to send, over all connections. */
  let taken = 0;

  /**
   * The intended start of the next request, or undefined when the run has no more. Closed
   * loop: now. Open loop: request n is meant to start at `start + n × interval`, whether
   * or not the ones before it were answered; the first connection with room sends it.
   */
  function next(now: number): number | undefined {
    if (taken >= plan.amount) return undefined;
    const intended = plan.interval === undefined ? now : start + taken * plan.interval;
    return intended < plan.deadline ? intended : undefined;
  }

  /** One connection: reconnects after the server closes, until the run has no more for it. */
  function run(): Promise<void> {
    return new Promise((finished) => {
      let socket: net.Socket;
      /** What has arrived of the next response. */
      let pending: Buffer;
      /** The intended starts of the requests sent and not yet answered, oldest first. */
      let waiting: number[] = [];
      let timer: NodeJS.Timeout | undefined;
      /** Whether the socket of now ever connected: a close before that is a `connect` error. */
      let connected: boolean;

      const lose = (kind: LoadErrorKind) => {
        errors[kind] += waiting.length;
        waiting = [];
      };
      const finish = () => {
        clearTimeout(timer);
        socket.destroy();
        finished();
      };

      /** Sends what the plan allows now; in open loop, wakes up for the next intended start. */
      const send = () => {
        clearTimeout(timer);
        while (waiting.length < plan.pipelining) {
          const now = performance.now();
          const intended = next(now);
          if (intended === undefined) {
            if (waiting.length === 0) finish();
            return;
          }
          if (intended > now) {
            timer = setTimeout(send, intended - now);
            return;
          }
          taken++;
          waiting.push(intended);
          socket.write(request);
        }
      };

      const open = () => {
        connected = false;
        pending = EMPTY;
        socket = net.connect({ host, port: target.port, noDelay: true });
        socket.setTimeout(plan.timeout);
        socket.on('connect', () => {
          connected = true;
          send();
        });
        socket.on('data', (bytes: Buffer) => {
          pending = Buffer.concat([pending, bytes]);
          for (;;) {
            const scan = scanResponse(pending);
            if (scan.kind === 'partial') break;
            if (scan.kind === 'malformed') return again('malformed');
            const answered = performance.now();
            const intended = waiting.shift() ?? answered;
            histogram.record(Math.round((answered - intended) * MICROSECONDS_PER_MS));
            statuses[scan.status] = (statuses[scan.status] ?? 0) + 1;
            pending = pending.subarray(scan.length);
            // RFC 9112 §9.6: no more responses come on a connection the server closes
            if (scan.close) return again('reset');
          }
          send();
        });
        socket.on('timeout', () => {
          if (waiting.length > 0) again('timeout');
        });
        socket.on('error', () => {});
        // after finish(), a close finds nothing waiting and the plan done: it ends again
        socket.on('close', () => {
          // a connection that never opened is not retried: the server is not there
          if (!connected) {
            errors.connect++;
            return finish();
          }
          again('reset');
        });
      };

      /** The connection is lost: what it waited for counts as `kind`, then a new one. */
      const again = (kind: LoadErrorKind) => {
        lose(kind);
        clearTimeout(timer);
        socket.removeAllListeners('close');
        socket.destroy();
        if (next(performance.now()) === undefined) return finish();
        open();
      };

      open();
    });
  }

  await Promise.all(Array.from({ length: connections }, run));
  const seconds = (performance.now() - start) / MS_PER_SECOND;
  const requests = histogram.count;
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    latency: latencyOf(histogram),
    errors,
    statuses,
    connections,
    pipelining,
    mode: rate === undefined ? 'closed' : 'open',
  };
}

const count = (n: number) => n.toLocaleString('en');
const milliseconds = (ms: number) => `${ms.toFixed(2)} ms`;

/** The report as a learner reads it: a few lines of words and figures. */
export function formatReport(report: LoadReport): string {
  const statuses = Object.entries(report.statuses).map(([status, n]) => `${status} × ${count(n)}`);
  const errors = LOAD_ERROR_KINDS.filter((kind) => report.errors[kind] > 0).map(
    (kind) => `${kind} × ${count(report.errors[kind])}`,
  );
  const { p50, p90, p99, max } = report.latency;
  return [
    `${count(report.requests)} requests in ${report.seconds.toFixed(2)} s on ${report.connections} connections (pipelining ${report.pipelining}, ${report.mode} loop): ${count(Math.round(report.requestsPerSecond))} requests per second`,
    `latency: p50 ${milliseconds(p50)}, p90 ${milliseconds(p90)}, p99 ${milliseconds(p99)}, max ${milliseconds(max)}`,
    `statuses: ${statuses.length > 0 ? statuses.join(', ') : 'none'}`,
    `errors: ${errors.length > 0 ? errors.join(', ') : 'none'}`,
    ...(report.mode === 'closed' ? [COORDINATED_OMISSION_NOTE] : []),
  ].join('\n');
}
