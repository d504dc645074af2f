import http from 'node:http';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunkings, within } from '../../support/harness/index.ts';
import type { HttpResponse, RequestMethod } from '../21-http-get/http-get.ts';
import { type Agent, createAgent, originOf } from './agent.ts';
import { scriptedResponse } from './fixtures/responses.ts';
import { gate, serveHttp, serveRaw } from './fixtures/servers.ts';

/** RFC 9110 §9.2.2: "PUT, DELETE, and safe request methods are idempotent" (§9.2.1: GET, HEAD, OPTIONS). */
const IDEMPOTENT = new Set<RequestMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const WITH_CONTENT = new Set<RequestMethod>(['POST', 'PUT', 'PATCH']);
const EMPTY = Buffer.alloc(0);

/** The error a promise rejects with, or a text saying it resolved. */
async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await within(promise, what);
    return 'resolved';
  } catch (error) {
    return error;
  }
}

/** Runs `body` with a new agent, and closes the agent whatever happens. */
async function withAgent<T>(
  options: Parameters<typeof createAgent>[0],
  body: (agent: Agent) => Promise<T>,
): Promise<T> {
  const agent = createAgent(options);
  try {
    return await body(agent);
  } finally {
    await agent.close();
  }
}

/**
 * What a node:http server does with one request of the sequence: answer it (with a length,
 * chunked, until the close, or with Connection: close), answer and then close the connection
 * while it is idle, or close (FIN) or reset (RST) the connection when the request arrives on a
 * kept-alive connection instead of answering.
 */
const step = fc.record({
  method: fc.constantFrom<RequestMethod>(
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'PATCH',
  ),
  body: anyBytes({ maxLength: 32 }),
  framing: fc.constantFrom('length', 'chunked', 'until close', 'close option'),
  status: fc.constantFrom(200, 201, 404, 500),
  content: anyBytes({ maxLength: 128 }),
  pieces: fc.integer({ min: 1, max: 3 }),
  trailer: fc.boolean(),
  earlyHints: fc.boolean(),
  fate: fc.oneof(
    { weight: 3, arbitrary: fc.constant('answer' as const) },
    { weight: 1, arbitrary: fc.constant('close when idle' as const) },
    { weight: 1, arbitrary: fc.constant('drop with FIN' as const) },
    { weight: 1, arbitrary: fc.constant('drop with RST' as const) },
  ),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The content cut into `count` writes. */
function cut(content: Buffer, count: number): Buffer[] {
  const size = Math.ceil(content.length / count) || 1;
  return Array.from({ length: count }, (_, i) => content.subarray(i * size, (i + 1) * size));
}

/** node:http answering request `/i` as steps[i] says. */
function sequenceServer(steps: readonly Step[]) {
  return serveHttp((received, request, response) => {
    const s = steps[Number(received.target.slice(1))];
    if (s === undefined) throw new Error(`no step for ${received.target}`);
    if (s.fate === 'drop with FIN' && received.index > 0) return void request.socket.destroy();
    if (s.fate === 'drop with RST' && received.index > 0)
      return void request.socket.resetAndDestroy();
    if (s.fate === 'close when idle') response.on('finish', () => request.socket.end());
    if (s.earlyHints) response.writeEarlyHints({ link: '</style.css>; rel=preload' });
    response.statusCode = s.status;
    response.setHeader('X-Step', received.target);
    if (s.framing === 'close option') response.setHeader('Connection', 'close');
    if (s.framing === 'until close') response.useChunkedEncodingByDefault = false;
    if (s.framing === 'length' || s.framing === 'close option') {
      response.setHeader('Content-Length', s.content.length);
    }
    const trailer = s.framing === 'chunked' && s.trailer && s.method !== 'HEAD';
    if (trailer) response.setHeader('Trailer', 'X-Length');
    for (const piece of cut(s.content, s.pieces)) response.write(piece);
    if (trailer) response.addTrailers({ 'X-Length': String(s.content.length) });
    response.end();
  });
}

describe('RFC 9112 §9.3: requests in turn over persistent connections, against node:http', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 6 })], { numRuns: 25 })(
    'each response is the server’s, a connection is reused whenever one is open, and only an idempotent request is sent again after the server closed its connection',
    async (steps) => {
      const server = await sequenceServer(steps);
      /** [connection, step] of each request the server must receive, in order. */
      const expected: (readonly [number, number])[] = [];
      await withAgent({}, async (agent) => {
        let open = -1;
        let opened = 0;
        for (const [i, s] of steps.entries()) {
          const on = open === -1 ? opened++ : open;
          expected.push([on, i]);
          const body = WITH_CONTENT.has(s.method) ? s.body : undefined;
          const run = agent.request(server.url(`/${i}`), { method: s.method, body });
          const dropped = s.fate.startsWith('drop') && open !== -1;
          if (dropped && !IDEMPOTENT.has(s.method)) {
            // RFC 9110 §9.2.2: "A client SHOULD NOT automatically retry a request with a
            // non-idempotent method"
            expect(await rejection(run, 'the request never settled')).toMatchObject({
              reason: 'not-retried',
            });
            open = -1;
            continue;
          }
          const answeredOn = dropped ? opened++ : on;
          if (dropped) expected.push([answeredOn, i]);
          const response: HttpResponse = await within(run, `request ${i} never completed`);
          expect(response.status).toBe(s.status);
          expect(response.headers.get('x-step')).toBe(`/${i}`);
          expect(Buffer.from(response.body)).toEqual(s.method === 'HEAD' ? EMPTY : s.content);
          if (s.framing === 'chunked' && s.trailer && s.method !== 'HEAD') {
            expect(response.trailers).toEqual([
              { name: 'X-Length', value: String(s.content.length) },
            ]);
          }
          const closes = s.framing !== 'length' && s.framing !== 'chunked';
          if (closes || s.fate === 'close when idle') {
            await within(server.closed(answeredOn), `the connection of request ${i} never closed`);
            open = -1;
          } else {
            open = answeredOn;
          }
        }
      });
      expect(server.received.map((r) => [r.connection, Number(r.target.slice(1))])).toEqual(
        expected,
      );
      for (const r of server.received) {
        const s = steps[Number(r.target.slice(1))];
        expect(r.body).toEqual(s !== undefined && WITH_CONTENT.has(s.method) ? s.body : EMPTY);
      }
    },
  );
});

/** Batches of requests made at once; each request's response echoes its target and body. */
const batches = fc.record({
  limit: fc.integer({ min: 1, max: 3 }),
  batches: fc.array(
    fc.array(
      fc.record({
        method: fc.constantFrom<RequestMethod>('GET', 'POST'),
        body: anyBytes({ maxLength: 16 }),
        chunked: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
});
type Batches = typeof batches extends fc.Arbitrary<infer T> ? T : never;

/**
 * node:http holding the first min(k, limit) responses of each batch of k until that many
 * requests are in flight at once: a client that uses fewer connections than it may never
 * gets its answers.
 */
function batchServer({ limit, batches }: Batches) {
  const gates = batches.map(() => gate());
  const counts = batches.map(() => 0);
  return serveHttp(async (received, _, response) => {
    const [b = 0] = received.target.slice(1).split('/').map(Number);
    const batch = batches[b] ?? [];
    const need = Math.min(batch.length, limit);
    counts[b] = (counts[b] ?? 0) + 1;
    const mine = counts[b];
    if (mine === need) gates[b]?.open();
    if (mine <= need) await gates[b]?.opened;
    const echo = Buffer.concat([Buffer.from(`${received.target} `), received.body]);
    const [, j = 0] = received.target.slice(1).split('/').map(Number);
    if (batch[j]?.chunked !== true) response.setHeader('Content-Length', echo.length);
    response.end(echo);
  });
}

/** What `http.request` through Node's own keep-alive Agent reads as the body. */
function nodeRequest(agent: http.Agent, url: string, method: string, body?: Buffer) {
  return new Promise<Buffer>((resolve, reject) => {
    const request = http.request(url, { agent, method }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('RFC 9112 §9.4: requests at once, at most maxSocketsPerOrigin connections', () => {
  test.prop([batches], { numRuns: 15 })(
    'never more connections than the limit, as many in flight as the limit allows, each response to its own request, and as many connections as Node’s http.Agent opens',
    async (plan) => {
      const [ours, theirs] = await Promise.all([batchServer(plan), batchServer(plan)]);
      const echo = (b: number, j: number, body: Buffer) =>
        Buffer.concat([Buffer.from(`/${b}/${j} `), body]);
      await withAgent({ maxSocketsPerOrigin: plan.limit }, async (agent) => {
        let most = 0;
        for (const [b, batch] of plan.batches.entries()) {
          const responses = await within(
            Promise.all(
              batch.map(({ method, body }, j) =>
                agent.request(ours.url(`/${b}/${j}`), {
                  method,
                  body: method === 'POST' ? body : undefined,
                }),
              ),
            ),
            `batch ${b} never completed: fewer than ${Math.min(batch.length, plan.limit)} requests were ever in flight at once`,
          );
          for (const [j, response] of responses.entries()) {
            const { method, body } = batch[j] ?? { method: 'GET', body: EMPTY };
            expect(Buffer.from(response.body)).toEqual(
              echo(b, j, method === 'POST' ? body : EMPTY),
            );
          }
          most = Math.max(most, Math.min(batch.length, plan.limit));
          expect(agent.pools().get(originOf(ours.url()))).toEqual({
            busy: 0,
            idle: most,
            waiting: 0,
          });
        }
      });
      const node = new http.Agent({ keepAlive: true, maxSockets: plan.limit });
      try {
        for (const [b, batch] of plan.batches.entries()) {
          await within(
            Promise.all(
              batch.map(({ method, body }, j) =>
                nodeRequest(
                  node,
                  theirs.url(`/${b}/${j}`),
                  method,
                  method === 'POST' ? body : undefined,
                ),
              ),
            ),
            `Node’s http.Agent never completed batch ${b}`,
          );
        }
      } finally {
        node.destroy();
      }
      expect(ours.maxOpen()).toBeLessThanOrEqual(plan.limit);
      expect(ours.connections()).toBe(theirs.connections());
      expect(ours.connections()).toBe(
        Math.min(Math.max(...plan.batches.map((batch) => batch.length)), plan.limit),
      );
    },
  );
});

describe('RFC 9112 §6.3 and §9.3: the framing of each response decides where it ends and whether the connection persists', () => {
  const script = fc
    .array(scriptedResponse, { minLength: 1, maxLength: 5 })
    .chain((responses) =>
      fc.tuple(fc.constant(responses), fc.tuple(...responses.map((r) => chunkings(r.bytes)))),
    );

  test.prop([script], { numRuns: 25 })(
    'responses of every kind, cut anywhere: each read whole, and a new connection exactly after each one that closes',
    async ([responses, pieces]) => {
      const server = await serveRaw((received) => {
        const i = Number(received.target.slice(1));
        const r = responses[i];
        // a body read until the close ends with the server's FIN; after another response
        // that says close, the server waits for the client to close (RFC 9112 §9.6)
        return {
          send: pieces[i] ?? [],
          after: r?.kind === 'until close' ? 'end' : r?.closes ? 'hang' : 'keep',
        };
      });
      const expected: number[] = [];
      await withAgent({}, async (agent) => {
        let connection = 0;
        for (const [i, r] of responses.entries()) {
          expected.push(connection);
          const response = await within(
            agent.request(server.url(`/${i}`)),
            `request ${i} never completed`,
          );
          expect(response.status).toBe(r.status);
          expect(Buffer.from(response.body)).toEqual(r.body);
          expect(response.trailers).toEqual(r.trailers);
          if (r.closes) {
            await within(
              server.closed(connection),
              `the connection after response ${i} (${r.kind}) never closed`,
            );
            connection += 1;
          }
        }
      });
      expect(server.received.map((r) => r.connection)).toEqual(expected);
    },
  );
});
