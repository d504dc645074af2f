import http from 'node:http';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunkings, connect, listen, readToEnd, within } from '../../support/harness/index.ts';
import { refusal } from './fixtures/refusal.ts';
import { nodeServer, RAW_OK, rawServer } from './fixtures/servers.ts';
import { createHistogram, loadTest, SUB_BUCKETS, scanResponse } from './load-test.ts';

/** The nearest-rank percentile of the values themselves, sorted: what the histogram approximates. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

const values = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 })),
  { minLength: 1, maxLength: 200 },
);
const percent = fc.oneof(
  fc.constantFrom(0, 50, 90, 99, 100),
  fc.double({ min: 0, max: 100, noNaN: true }),
);

describe('a log-linear histogram keeps every value to within 1/SUB_BUCKETS of itself', () => {
  test.prop([values, percent])(
    'the percentile is the exact nearest-rank value, or above it by at most 1/SUB_BUCKETS of it',
    (recorded, p) => {
      const histogram = createHistogram();
      for (const value of recorded) histogram.record(value);
      const exact = nearestRank(recorded, p);
      const at = histogram.percentile(p);
      expect(at).toBeGreaterThanOrEqual(exact);
      expect(at).toBeLessThanOrEqual(exact < SUB_BUCKETS ? exact : exact + exact / SUB_BUCKETS);
      expect(at).toBeLessThanOrEqual(Math.max(...recorded));
    },
  );

  test.prop([values])('count and max are exact', (recorded) => {
    const histogram = createHistogram();
    for (const value of recorded) histogram.record(value);
    expect([histogram.count, histogram.max]).toEqual([recorded.length, Math.max(...recorded)]);
  });
});

/** A response as node:http writes it: a status, a body in pieces, chunked or with a length. */
const written = fc.record({
  status: fc.constantFrom(200, 201, 404, 500, 503),
  pieces: fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }),
  chunked: fc.boolean(),
  trailer: fc.boolean(),
});

type Written = typeof written extends fc.Arbitrary<infer T> ? T : never;

/** The bytes node:http sends for it, captured on a bare socket (the request says close). */
async function capture(response: Written): Promise<Buffer> {
  const server = http.createServer((_, res) => {
    const body = response.pieces.join('');
    if (response.chunked) {
      res.writeHead(response.status, response.trailer ? { Trailer: 'X-Sum' } : {});
      for (const piece of response.pieces) res.write(piece);
      if (response.trailer) res.addTrailers({ 'X-Sum': String(body.length) });
      res.end();
    } else {
      res.writeHead(response.status, { 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }
  });
  const socket = await connect(await listen(server));
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  return readToEnd(socket, 'node:http never finished its response');
}

describe('RFC 9112 §6.3: scanResponse ends a response where node:http ended it', () => {
  test.prop([written.chain((response) => fc.tuple(fc.constant(response), fc.nat()))], {
    numRuns: 25,
  })('every response node:http writes, fed in random pieces', async ([response, seed]) => {
    const bytes = await capture(response);
    const pieces = fc.sample(chunkings(bytes), { numRuns: 1, seed })[0] ?? [bytes];
    let seen = Buffer.alloc(0);
    for (const piece of pieces.slice(0, -1)) {
      seen = Buffer.concat([seen, piece]);
      expect(scanResponse(seen), `after ${seen.length} of ${bytes.length} octets`).toEqual({
        kind: 'partial',
      });
    }
    expect(scanResponse(Buffer.concat([bytes, Buffer.from('HTTP/1.1 200 OK\r\n')]))).toEqual({
      kind: 'response',
      status: response.status,
      length: bytes.length,
      // node:http answers a request that says close with Connection: close
      close: true,
    });
  });
});

describe('a load test sends exactly what it was asked, on the connections it was given', () => {
  test.prop(
    [
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 40 }),
    ],
    { numRuns: 15 },
  )(
    'amount requests, on at most `connections` connections, all answered',
    async (connections, pipelining, amount) => {
      const server = await nodeServer();
      const report = await within(
        loadTest(server.url, { connections, pipelining, amount }),
        'the load test never finished',
      );
      expect(server.seen.requests).toBe(amount);
      // never more connections than asked: each is kept alive (a connection with nothing
      // to send may close before this server even counts it)
      expect(server.seen.connections).toBeLessThanOrEqual(connections);
      expect(server.seen.mostAtOnce).toBeLessThanOrEqual(connections * pipelining);
      expect(report.requests).toBe(amount);
      expect(report.statuses).toEqual({ 200: amount });
    },
  );

  test.prop([fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(), { maxLength: 12 })], {
    numRuns: 15,
  })('answers cut anywhere, across data events, are each counted once', async (amount, cuts) => {
    // each batch of answers is written in pieces, at generated points
    const pieces = (bytes: Buffer) => {
      const points = [...new Set(cuts.map((cut) => 1 + (cut % (bytes.length - 1))))].sort(
        (a, b) => a - b,
      );
      return [0, ...points].map((from, i) => bytes.subarray(from, points[i] ?? bytes.length));
    };
    const server = await rawServer({ reply: RAW_OK, heads: amount, pieces });
    const report = await within(
      loadTest(server.url, { connections: 1, pipelining: amount, amount, timeout: 500 }),
      'the load test never finished',
    );
    expect(report.requests).toBe(amount);
    expect(report.errors.timeout).toBe(0);
  });

  const notPositiveInteger = fc.oneof(
    fc.integer({ min: -1_000, max: 0 }),
    fc.double({ min: 0.001, max: 1_000, noInteger: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
  );
  test.prop([fc.constantFrom('connections', 'pipelining', 'amount'), notPositiveInteger])(
    'connections, pipelining and amount are positive integers, or a RangeError naming the option',
    async (option, value) => {
      const error = await refusal(loadTest('http://127.0.0.1:1/', { [option]: value }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error?.message).toMatch(new RegExp(`${option}.*positive integer`));
    },
  );

  const notPositive = fc.oneof(
    fc.double({ min: -1_000, max: 0 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
  );
  test.prop([fc.constantFrom('duration', 'rate', 'timeout'), notPositive])(
    'duration, rate and timeout are positive numbers, or a RangeError naming the option',
    async (option, value) => {
      const error = await refusal(loadTest('http://127.0.0.1:1/', { [option]: value }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error?.message).toMatch(new RegExp(`${option}.*positive number`));
    },
  );
});
