import autocannon from 'autocannon';
import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { refusal } from './fixtures/refusal.ts';
import { closedPort, nodeServer, RAW_CLOSE, RAW_OK, rawServer } from './fixtures/servers.ts';
import {
  COORDINATED_OMISSION_NOTE,
  createHistogram,
  DEFAULTS,
  formatReport,
  type LoadReport,
  loadTest,
  SUB_BUCKETS,
  scanResponse,
} from './load-test.ts';

/** Long enough for any run below on a busy loopback; each run is a few hundred ms. */
const RUN_MS = 3_000;
const run = (promise: Promise<LoadReport>) =>
  within(promise, 'the load test never finished', RUN_MS);
/** A server's setTimeout(ms) may fire up to a millisecond early on this clock: libuv counts whole ms. */
const EARLY_MS = 1;

describe('a log-linear histogram (HdrHistogram): buckets of width 2^k / SUB_BUCKETS', () => {
  test('an empty histogram has no count, no max, and every percentile is 0', () => {
    const histogram = createHistogram();
    expect([histogram.count, histogram.max, histogram.percentile(50)]).toEqual([0, 0, 0]);
  });

  test('values below SUB_BUCKETS are kept exactly: the median of 0..127 is 63 (nearest rank)', () => {
    const histogram = createHistogram();
    const values = Array.from({ length: SUB_BUCKETS }, (_, i) => (i * 37) % SUB_BUCKETS);
    for (const value of values) histogram.record(value);
    // rank ⌈0.5 × 128⌉ = 64: the 64th smallest of 0..127
    expect(histogram.percentile(50)).toBe(63);
    expect(histogram.percentile(0)).toBe(0);
    expect(histogram.percentile(100)).toBe(SUB_BUCKETS - 1);
  });

  test('a large value lands in a bucket at most 1/SUB_BUCKETS wide, at or above it', () => {
    const histogram = createHistogram();
    const value = 1_234_567;
    histogram.record(value);
    const at = histogram.percentile(99);
    expect(at).toBeGreaterThanOrEqual(value);
    expect(at).toBeLessThan(value * (1 + 1 / SUB_BUCKETS));
  });

  test('two values in different buckets of one power of two are told apart', () => {
    const histogram = createHistogram();
    // 2^20 .. 2^21 is cut in SUB_BUCKETS buckets of 2^13: these two are 3 buckets apart
    histogram.record(2 ** 20);
    histogram.record(2 ** 20 + 3 * 2 ** 13);
    expect(histogram.percentile(50)).toBe(2 ** 20 + 2 ** 13 - 1);
    // the top bucket's highest value is above the max: the max it is
    expect(histogram.percentile(100)).toBe(2 ** 20 + 3 * 2 ** 13);
  });

  test('the max is the largest value exactly, not its bucket', () => {
    const histogram = createHistogram();
    for (const value of [5, 1_000_003, 70_000]) histogram.record(value);
    expect(histogram.max).toBe(1_000_003);
    expect(histogram.count).toBe(3);
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'record(%s) throws a RangeError naming the value: values are non-negative safe integers',
    (value) => {
      const histogram = createHistogram();
      expect(() => histogram.record(value)).toThrow(RangeError);
      expect(() => histogram.record(value)).toThrow(String(value));
    },
  );

  test.each([-1, 100.5, Number.NaN])('percentile(%s) throws a RangeError naming it', (p) => {
    const histogram = createHistogram();
    histogram.record(1);
    expect(() => histogram.percentile(p)).toThrow(RangeError);
    expect(() => histogram.percentile(p)).toThrow(String(p));
  });
});

const bytes = (text: string) => Buffer.from(text, 'latin1');
const head = (status: string, ...fields: string[]) =>
  `HTTP/1.1 ${status}\r\n${fields.map((field) => `${field}\r\n`).join('')}\r\n`;

describe('scanResponse: where a response ends (RFC 9112 §6.3), and nothing more', () => {
  test('Content-Length: the head, then that many octets; the next response starts there', () => {
    const first = `${head('200 OK', 'Content-Length: 5')}hello`;
    expect(scanResponse(bytes(`${first}HTTP/1.1 204 No Content\r\n`))).toEqual({
      kind: 'response',
      status: 200,
      length: first.length,
      close: false,
    });
  });

  test('a head without its empty line, or a body not all there, is partial', () => {
    const whole = `${head('200 OK', 'Content-Length: 5')}hello`;
    expect(scanResponse(bytes(whole.slice(0, whole.indexOf('\r\n\r\n') + 2)))).toEqual({
      kind: 'partial',
    });
    expect(scanResponse(bytes(whole.slice(0, -1)))).toEqual({ kind: 'partial' });
  });

  test('field names in any case, whole names only: X-Content-Length is not Content-Length', () => {
    const fields = ['X-Content-Length: 99', 'Content-Lengthy: 99', 'content-LENGTH:  2 '];
    const text = `${head('201 Created', ...fields)}ok`;
    expect(scanResponse(bytes(text))).toMatchObject({ status: 201, length: text.length });
  });

  test('OWS around a field value is optional (RFC 9112 §5.1): Content-Length:2', () => {
    const text = `${head('200 OK', 'Content-Length:2')}ok`;
    expect(scanResponse(bytes(text))).toMatchObject({ length: text.length });
  });

  test('chunked (RFC 9112 §7.1): chunk sizes in hex, extensions skipped, to the last chunk', () => {
    const body = `5;name=value\r\nhello\r\nA\r\n0123456789\r\n1a\r\n${'z'.repeat(26)}\r\n0\r\n\r\n`;
    const text = `${head('200 OK', 'Transfer-Encoding: chunked')}${body}`;
    expect(scanResponse(bytes(`${text}HTTP/1.1`))).toMatchObject({ length: text.length });
    expect(scanResponse(bytes(text))).toMatchObject({ length: text.length });
    expect(scanResponse(bytes(text.slice(0, -2)))).toEqual({ kind: 'partial' });
  });

  test('chunk data may hold CR LF CR LF: only the chunk sizes say where the body ends', () => {
    const text = `${head('200 OK', 'Transfer-Encoding: chunked')}4\r\n\r\n\r\n\r\n0\r\n\r\n`;
    expect(scanResponse(bytes(`${text}HTTP/1.1`))).toMatchObject({ length: text.length });
  });

  test('chunked with a trailer section: it ends at the empty line after the trailers', () => {
    const text = `${head('200 OK', 'Transfer-Encoding: gzip, chunked')}2\r\nhi\r\n0\r\nX-Sum: 1\r\n\r\n`;
    expect(scanResponse(bytes(`${text}HTTP/1.1`))).toMatchObject({ length: text.length });
    expect(scanResponse(bytes(text.slice(0, -2)))).toEqual({ kind: 'partial' });
  });

  test('a chunk cut anywhere is partial', () => {
    const text = `${head('200 OK', 'Transfer-Encoding: chunked')}5\r\nhello\r\n0\r\n\r\n`;
    const start = text.indexOf('\r\n\r\n') + 4;
    for (let cut = start; cut < text.length; cut++) {
      expect(scanResponse(bytes(text.slice(0, cut))), `cut at ${cut}`).toEqual({ kind: 'partial' });
    }
  });

  test('Connection: close, in any case and in a list, says nothing more comes (RFC 9112 §9.6)', () => {
    const closing = `${head('200 OK', 'Connection: keep-alive, CLOSE', 'Content-Length: 0')}`;
    expect(scanResponse(bytes(closing))).toMatchObject({ close: true });
    const staying = `${head('200 OK', 'Connection: closed', 'Content-Length: 0')}`;
    expect(scanResponse(bytes(staying))).toMatchObject({ close: false });
  });

  test.each(['204 No Content', '304 Not Modified', '103 Early Hints'])(
    '%s has no content, whatever its fields say (RFC 9112 §6.3, rule 1)',
    (status) => {
      const text = head(status, 'Content-Length: 10');
      expect(scanResponse(bytes(`${text}HTTP/1.1 200`))).toMatchObject({ length: text.length });
    },
  );

  test.each([
    ['not a status-line', 'HELLO\r\n\r\n'],
    ['HTTP/2 in a status-line', `${head('200 OK', 'Content-Length: 0').replace('1.1', '2')}`],
    ['no length on a 200', head('200 OK')],
    ['garbage before the status-line', `x${head('200 OK', 'Content-Length: 0')}`],
    ['a Content-Length that is not digits', head('200 OK', 'Content-Length: -1')],
    ['a Content-Length with more after its digits', `${head('200 OK', 'Content-Length: 2x')}ok`],
    ['whitespace before the colon (RFC 9112 §5.1)', `${head('200 OK', 'Content-Length : 2')}ok`],
    ['a last coding that is not chunked', head('200 OK', 'Transfer-Encoding: chunked, gzip')],
    ['a chunk-size that is not hex', `${head('200 OK', 'Transfer-Encoding: chunked')}zz\r\n`],
    ['a chunk-size with a sign', `${head('200 OK', 'Transfer-Encoding: chunked')}-5\r\n`],
  ])('malformed, with a reason in words: %s', (_, text) => {
    expect(scanResponse(bytes(text))).toEqual({
      kind: 'malformed',
      why: expect.stringMatching(/\w/),
    });
  });
});

describe('loadTest: a fixed number of keep-alive connections (RFC 9112 §9.3), against node:http', () => {
  test('sends exactly `amount` requests and counts every response by status', async () => {
    const server = await nodeServer();
    const report = await run(loadTest(server.url, { connections: 3, amount: 7 }));
    expect(server.seen.requests).toBe(7);
    expect(report.requests).toBe(7);
    expect(report.statuses).toEqual({ 200: 7 });
    expect(report.errors).toEqual({ connect: 0, reset: 0, timeout: 0, malformed: 0 });
  });

  test('opens each connection once and keeps it alive for all its requests', async () => {
    const server = await nodeServer();
    await run(loadTest(server.url, { connections: 4, amount: 200 }));
    expect(server.seen.connections).toBe(4);
  });

  test('keeps `connections` requests outstanding at once, never more (closed loop)', async () => {
    const server = await nodeServer(() => ({ delay: 10 }));
    const report = await run(loadTest(server.url, { connections: 5, amount: 20 }));
    expect(server.seen.mostAtOnce).toBe(5);
    expect(report.connections).toBe(5);
  });

  test('sends GET with the path and query of the URL and a Host field (RFC 9110 §7.2)', async () => {
    const server = await nodeServer();
    await run(loadTest(`${server.url}hello?x=1`, { connections: 1, amount: 1 }));
    expect(server.seen.first).toEqual({ url: '/hello?x=1', host: `127.0.0.1:${server.port}` });
  });

  test('an IPv6 literal: connects to the address inside the brackets (RFC 3986 §3.2.2)', async () => {
    const server = await nodeServer(() => ({}), '::1');
    const report = await run(
      loadTest(`http://[::1]:${server.port}/`, { connections: 1, amount: 2 }),
    );
    expect(report.requests).toBe(2);
    expect(server.seen.first?.host).toBe(`[::1]:${server.port}`);
  });

  test('counts each status the server sent', async () => {
    const rotation = [200, 404, 503, 200];
    const server = await nodeServer((n) => ({ status: rotation[n % rotation.length] }));
    const report = await run(loadTest(server.url, { connections: 2, amount: 30 }));
    expect(report.statuses).toEqual(Object.fromEntries(server.seen.statuses));
  });

  test('runs for `duration` seconds when no amount is given, and divides by the time it took', async () => {
    const server = await nodeServer();
    const report = await run(loadTest(server.url, { connections: 2, duration: 0.3 }));
    expect(report.seconds).toBeGreaterThanOrEqual(0.3);
    expect(report.seconds).toBeLessThan(1);
    expect(report.requests).toBe(server.seen.requests);
    expect(report.requestsPerSecond).toBeCloseTo(report.requests / report.seconds, 6);
  });

  test('pipelining N: a connection sends N requests before the first answer (RFC 9112 §9.3.2)', async () => {
    // the server holds its answers until three heads have arrived on the connection
    const server = await rawServer({ reply: RAW_OK, heads: 3 });
    const report = await run(
      loadTest(server.url, { connections: 1, pipelining: 3, amount: 6, timeout: 500 }),
    );
    expect(report.errors.timeout).toBe(0);
    expect(report.requests).toBe(6);
    expect(report.pipelining).toBe(3);
  });

  test('pipelining 1 by default: never a second request before the first answer', async () => {
    const server = await rawServer({ reply: RAW_OK });
    const report = await run(loadTest(server.url, { connections: 1, amount: 20 }));
    expect(server.seen.mostAtOnce).toBe(1);
    expect(report.pipelining).toBe(DEFAULTS.pipelining);
  });

  test('reconnects when the server closes after a response, and counts no error', async () => {
    const server = await nodeServer(() => ({ close: true }));
    const report = await run(loadTest(server.url, { connections: 2, amount: 10 }));
    expect(report.requests).toBe(10);
    expect(server.seen.connections).toBe(10);
    expect(report.errors).toEqual({ connect: 0, reset: 0, timeout: 0, malformed: 0 });
  });

  test('the requests pipelined behind a Connection: close are lost (RFC 9112 §9.6)', async () => {
    // three heads arrive, one answer comes back, and it says close
    const server = await rawServer({ reply: RAW_CLOSE, heads: 3, once: true });
    const report = await run(
      loadTest(server.url, { connections: 1, pipelining: 3, amount: 3, timeout: 500 }),
    );
    expect(report.requests).toBe(1);
    expect(report.errors.reset).toBe(2);
  });

  test('with an amount, the duration is ignored: every request is sent', async () => {
    const server = await nodeServer();
    const report = await run(loadTest(server.url, { connections: 1, amount: 30, duration: 0.001 }));
    expect(report.requests).toBe(30);
  });

  test('rate and timeout may be fractions', async () => {
    const server = await nodeServer();
    const options = { connections: 1, amount: 3, rate: 200.5, timeout: 999.5 };
    const report = await run(loadTest(server.url, options));
    expect(report.requests).toBe(3);
  });
});

describe('loadTest: latency percentiles from the histogram, not from means', () => {
  test('a server that answers after 25 ms: no latency is under 25 ms', async () => {
    const server = await nodeServer(() => ({ delay: 25 }));
    const report = await run(loadTest(server.url, { connections: 2, duration: 0.2 }));
    const { p50, p90, p99, max } = report.latency;
    expect(p50).toBeGreaterThanOrEqual(25 - EARLY_MS);
    expect(p50).toBeLessThan(250);
    expect([p50 <= p90, p90 <= p99, p99 <= max]).toEqual([true, true, true]);
    // closed loop: two connections, one request each per 25 ms at best
    expect(report.requestsPerSecond).toBeLessThanOrEqual((2 * 1000) / 25);
  });

  test('two slow answers in twenty: the median is fast, the p99 and max are slow', async () => {
    const server = await nodeServer((n) => ({ delay: n % 10 === 9 ? 300 : 0 }));
    const report = await run(loadTest(server.url, { connections: 1, amount: 20 }));
    // a mean would be above 30 ms: 600 ms over twenty
    expect(report.latency.p50).toBeLessThan(20);
    expect(report.latency.p99).toBeGreaterThanOrEqual(300 - EARLY_MS);
    expect(report.latency.max).toBeGreaterThanOrEqual(300 - EARLY_MS);
  });
});

describe('loadTest: requests that got no response are errors, by why', () => {
  test('connect: nobody listens, so each connection fails once and nothing is answered', async () => {
    const port = await closedPort();
    const report = await run(loadTest(`http://127.0.0.1:${port}/`, { connections: 3, amount: 9 }));
    expect(report.errors.connect).toBe(3);
    expect([report.requests, report.requestsPerSecond]).toEqual([0, 0]);
  });

  test('reset: the server drops the connection with a request in flight', async () => {
    const server = await nodeServer((n) => ({ destroy: n % 3 === 2 }));
    const report = await run(loadTest(server.url, { connections: 1, amount: 9 }));
    expect(report.errors.reset).toBe(3);
    expect(report.requests).toBe(6);
  });

  test('timeout: a request the server never answers, after `timeout` ms of silence', async () => {
    const server = await nodeServer((n) => ({ never: n === 1 }));
    const report = await run(loadTest(server.url, { connections: 1, amount: 4, timeout: 100 }));
    expect(report.errors.timeout).toBe(1);
    expect(report.requests).toBe(3);
  });

  test('malformed: bytes that are not an HTTP response (scanResponse says so)', async () => {
    const server = await rawServer({ reply: 'HELLO\r\n\r\n' });
    const report = await run(loadTest(server.url, { connections: 1, amount: 3 }));
    expect(report.errors.malformed).toBe(3);
    expect(report.requests).toBe(0);
  });
});

describe('loadTest: refuses what it cannot do', () => {
  test('an https: URL is refused with a RangeError naming it: this generator speaks plain TCP', async () => {
    const url = 'https://127.0.0.1:1/';
    const error = await refusal(loadTest(url, { amount: 1 }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toContain(url);
  });
});

describe('coordinated omission: an open loop measures from each intended start', () => {
  test('a connection waiting for an intended start is idle, not timed out', async () => {
    const server = await nodeServer();
    const options = { connections: 1, duration: 0.3, rate: 10, timeout: 40 };
    const report = await run(loadTest(server.url, options));
    expect(report.errors.timeout).toBe(0);
    expect(server.seen.connections).toBe(1);
  });

  test('a rate: requests start on a fixed schedule, rate × duration of them', async () => {
    const server = await nodeServer();
    const report = await run(loadTest(server.url, { connections: 2, duration: 0.3, rate: 100 }));
    // intended starts at 0, 10, 20 … 290 ms: thirty
    expect(report.requests).toBe(30);
    expect(report.mode).toBe('open');
  });

  test('one stall of 200 ms: the closed loop hides it, the open loop shows it', async () => {
    const stall = 200;
    const stalled = (at: number) => (n: number) => ({ delay: n === at ? stall : 0 });
    const closed = await nodeServer(stalled(4));
    const closedReport = await run(loadTest(closed.url, { connections: 1, duration: 0.4 }));
    const open = await nodeServer(stalled(4));
    const openReport = await run(loadTest(open.url, { connections: 1, duration: 0.4, rate: 100 }));
    // closed: one request of 200 ms among hundreds; open: the twenty scheduled behind it
    // waited from their intended starts, 190, 180, … ms
    expect(closedReport.mode).toBe('closed');
    expect(closedReport.latency.max).toBeGreaterThanOrEqual(stall - EARLY_MS);
    expect(closedReport.latency.p90).toBeLessThan(stall / 10);
    expect(openReport.latency.p90).toBeGreaterThanOrEqual(stall / 2);
  });
});

interface Figures {
  readonly requests: number;
  readonly seconds: number;
}

/**
 * autocannon's figures for `amount` requests. It ends a run at its next sample and rounds
 * its duration to 10 ms: so it samples every millisecond, and the spec times it, from the
 * call (before it connects, as loadTest's clock starts) to its answer.
 */
async function cannon(url: string, connections: number, amount: number): Promise<Figures> {
  const start = performance.now();
  const requests = await new Promise<number>((resolve, reject) => {
    autocannon({ url, connections, amount, sampleInt: 1 }, (error, result) =>
      error
        ? reject(error)
        : resolve(
            // in a worker thread (Stryker runs vitest in threads) autocannon skips its
            // aggregation and reports its raw totals: read either
            result.requests.total ??
              (result as { totalCompletedRequests?: number }).totalCompletedRequests,
          ),
    );
  });
  return { requests, seconds: (performance.now() - start) / 1_000 };
}

describe('sanity check: the same server, side by side with autocannon', () => {
  // Both generators share this process with the server. On a hello world, each one's own
  // cost per request would be half of what it measures (and Stryker's instrumentation
  // doubles ours): so the server here takes 5 ms per answer, which both must measure, ten
  // connections at a time. 25 % covers what is left: timers that fire late, runs of about
  // 70 ms where one late millisecond is 1.5 %, and the noise of a busy machine; the
  // median of five pairs leaves out two pairs a burst of other work spoilt. A generator that
  // serialises its connections, opens one per request or counts wrong is off by 2× or more.
  const TOLERANCE = 0.25;

  test('requests per second within 25 % of autocannon’s, in alternating rounds', async () => {
    const server = await nodeServer(() => ({ delay: 5 }));
    const connections = 10;
    const amount = 100;
    const ours = async () => {
      const report = await loadTest(server.url, { connections, amount });
      return report.requests / report.seconds;
    };
    const theirs = async () => {
      const figures = await cannon(server.url, connections, amount);
      return figures.requests / figures.seconds;
    };
    // warm both up (the JIT), then pairs in alternating order, so that a machine that slows
    // down slows both
    await ours();
    await theirs();
    const ratios: number[] = [];
    const shown: string[] = [];
    for (let pair = 0; pair < 5; pair++) {
      const first = pair % 2 === 0 ? ours : theirs;
      const second = pair % 2 === 0 ? theirs : ours;
      const one = await first();
      const other = await second();
      const [mine, autocannon] = pair % 2 === 0 ? [one, other] : [other, one];
      ratios.push(mine / autocannon);
      shown.push(`${Math.round(mine)}/${Math.round(autocannon)}`);
    }
    const median = [...ratios].sort((x, y) => x - y)[2] ?? Number.NaN;
    const figures = `loadTest/autocannon req/s, in pairs: ${shown.join(', ')}`;
    expect(median, figures).toBeGreaterThan(1 - TOLERANCE);
    expect(median, figures).toBeLessThan(1 + TOLERANCE);
  }, 5_000);
});

describe('formatReport: the figures in words', () => {
  const report: LoadReport = {
    requests: 12_345,
    seconds: 1.5,
    requestsPerSecond: 8_230.4,
    latency: { p50: 1.234, p90: 2.5, p99: 10.126, max: 42 },
    errors: { connect: 0, reset: 2, timeout: 0, malformed: 1 },
    statuses: { 200: 12_000, 404: 345 },
    connections: 10,
    pipelining: 1,
    mode: 'closed',
  };

  test('says the requests, the seconds and the requests per second', () => {
    const text = formatReport(report);
    expect(text).toContain('12,345 requests');
    expect(text).toContain('1.50 s');
    expect(text).toContain('8,230 requests per second');
    expect(text).toContain('10 connections');
  });

  test('says each percentile in milliseconds with two decimals', () => {
    const text = formatReport(report);
    for (const part of ['p50 1.23 ms', 'p90 2.50 ms', 'p99 10.13 ms', 'max 42.00 ms']) {
      expect(text).toContain(part);
    }
  });

  test('says each status and each error with its count, a comma between them', () => {
    const text = formatReport(report);
    for (const part of ['200 × 12,000, 404 × 345', 'reset × 2, malformed × 1']) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('connect ×');
  });

  test('no error, no status: says none', () => {
    const quiet = {
      ...report,
      statuses: {},
      errors: { connect: 0, reset: 0, timeout: 0, malformed: 0 },
    };
    const lines = formatReport(quiet).split('\n');
    expect(lines.filter((line) => line.endsWith(': none'))).toHaveLength(2);
  });

  test('one line each: the run, the latency, the statuses, the errors, then the note', () => {
    const lines = formatReport(report).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^latency/);
    expect(formatReport({ ...report, mode: 'open' }).split('\n')).toHaveLength(4);
  });

  test('a closed loop says that it measured service times (coordinated omission)', () => {
    expect(formatReport(report)).toContain(COORDINATED_OMISSION_NOTE);
    expect(formatReport({ ...report, mode: 'open' })).not.toContain(COORDINATED_OMISSION_NOTE);
  });
});
