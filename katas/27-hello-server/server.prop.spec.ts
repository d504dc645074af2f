import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  anyBytes,
  Conversation,
  chunkings,
  connect,
  listen,
  shown,
  writeChunks,
} from '../../support/harness/index.ts';
import { nodeRequest, readAll, WAIT_MS, waitFor } from './fixtures/clients.ts';
import { createRequestReader, createServer, type RequestStep } from './server.ts';

/** RFC 9110 §5.6.2: tchar; the names a client may send, Host and framing fields aside. */
const TCHAR = [..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding']);
const fieldName = fc
  .string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 12 })
  .filter((name) => !RESERVED.has(name.toLowerCase()));
/** RFC 9110 §5.5: field-value, without OWS at either end (a reader strips it). */
const fieldValue = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  })
  .map((value) => value.trim());
/** RFC 3986 §3.3: pchar, as an origin-form path of one to three segments, and a query. */
const PCHAR = [..."abcXYZ019-._~!$&'()*+,;=:@"];
const segment = fc.string({ unit: fc.constantFrom(...PCHAR), maxLength: 8 });
const target = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.option(segment, { nil: undefined }))
  .map(([segments, query]) => `/${segments.join('/')}${query === undefined ? '' : `?${query}`}`);

/** A request a client may send: its parts, and its bytes with a body framed either way. */
const generatedRequest = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    target,
    fields: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 6 }),
    body: anyBytes({ maxLength: 300 }),
    chunked: fc.boolean(),
    cuts: fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 4 }),
    emptyLines: fc.integer({ min: 0, max: 3 }),
  })
  .map((r) => {
    const framing = r.chunked
      ? ['Transfer-Encoding: chunked']
      : r.body.length > 0
        ? [`Content-Length: ${r.body.length}`]
        : [];
    const lines = [
      `${r.method} ${r.target} HTTP/1.1`,
      'Host: example.test',
      ...r.fields.map(([name, value]) => `${name}: ${value}`),
      ...framing,
    ];
    const head = Buffer.from(
      `${'\r\n'.repeat(r.emptyLines)}${lines.join('\r\n')}\r\n\r\n`,
      'latin1',
    );
    return {
      ...r,
      bytes: shown(Buffer.concat([head, r.chunked ? chunkedBody(r.body, r.cuts) : r.body])),
    };
  });

/** RFC 9112 §7.1: the body cut into chunks at the given sizes, then last-chunk and CRLF. */
function chunkedBody(body: Uint8Array, sizes: readonly number[]): Buffer {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const size of [...sizes, body.length]) {
    const chunk = body.subarray(at, at + size);
    if (chunk.length === 0) continue;
    pieces.push(
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      Buffer.from(chunk),
      Buffer.from('\r\n'),
    );
    at += chunk.length;
  }
  return Buffer.concat([...pieces, Buffer.from('0\r\n\r\n')]);
}

describe('RFC 9112 §2.1, §6.3: any request, cut anywhere, reads back as the client wrote it', () => {
  test.prop(
    [
      fc.tuple(generatedRequest, anyBytes({ maxLength: 40 })).chain(([request, next]) =>
        chunkings(Buffer.concat([request.bytes, next])).map((pieces) => ({
          request,
          next,
          pieces,
        })),
      ),
    ],
    { numRuns: 150 },
  )(
    'method, target, fields in order, body, and the bytes after it in rest',
    ({ request, next, pieces }) => {
      const reader = createRequestReader();
      let step: RequestStep = { done: false };
      let index = 0;
      while (!step.done && index < pieces.length)
        step = reader.push(pieces[index++] ?? Buffer.alloc(0));
      expect(step.done).toBe(true);
      if (!step.done) return;
      const framing = request.chunked ? 1 : request.body.length > 0 ? 1 : 0;
      expect({
        method: step.request.method,
        target: step.request.target.text,
        fields: step.request.headers.lines.slice(1, step.request.headers.lines.length - framing),
        body: Buffer.from(step.request.body),
        rest: Buffer.concat([step.rest, ...pieces.slice(index)]),
      }).toEqual({
        method: request.method,
        target: request.target,
        fields: request.fields.map(([name, value]) => ({ name, value })),
        body: Buffer.from(request.body),
        rest: Buffer.from(next),
      });
    },
  );
});

describe('RFC 9112 §9.6: over a socket, any request in any cuts gets one response, then the close', () => {
  test.prop(
    [
      generatedRequest.chain((request) =>
        chunkings(request.bytes).map((pieces) => ({ request, pieces })),
      ),
    ],
    {
      numRuns: 20,
    },
  )(
    'the handler sees the body; the response comes once; the server closes',
    async ({ request, pieces }) => {
      const port = await listen(createServer((received) => ({ status: 200, body: received.body })));
      const conversation = await Conversation.open(port);
      await writeChunks(conversation.socket, pieces);
      const reply = await conversation.takeRest(WAIT_MS);
      // one response: its status-line first, then exactly Content-Length octets and the close
      const end = reply.indexOf('\r\n\r\n');
      const head = reply.subarray(0, end + 2).toString('latin1');
      expect(
        {
          statusLine: head.slice(0, head.indexOf('\r\n')),
          length: /\r\nContent-Length: ([0-9]+)\r\n/i.exec(head)?.[1],
          body: reply.subarray(end + 4),
        },
        conversation.transcript(),
      ).toEqual({
        statusLine: 'HTTP/1.1 200 OK',
        length: String(request.body.length),
        body: Buffer.from(request.body),
      });
    },
  );
});

describe('robustness: whatever bytes a client sends, the server answers at most once, closes, and serves on', () => {
  test.prop(
    [
      anyBytes({ maxLength: 200 }).chain((bytes) =>
        chunkings(bytes).map((pieces) => ({ bytes, pieces })),
      ),
    ],
    {
      numRuns: 25,
    },
  )(
    'nothing, or one response that is a 4xx or 5xx; then the close; the next client is served',
    async ({ pieces }) => {
      const port = await listen(createServer(() => ({ status: 200, body: 'ok' })));
      const socket = await connect(port);
      await writeChunks(socket, pieces);
      socket.end();
      const reply = await readAll(socket, 'the server never closed the connection');
      const statusLine = /^HTTP\/1\.1 ([1-5][0-9]{2}) /.exec(reply.toString('latin1'));
      expect(reply.length === 0 || (statusLine !== null && Number(statusLine[1]) >= 400)).toBe(
        true,
      );
      expect((await waitFor(nodeRequest(port), 'the server stopped serving')).status).toBe(200);
    },
  );
});
