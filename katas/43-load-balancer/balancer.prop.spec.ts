import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunked, connect, listen, readToEnd, writeChunks } from '../../support/harness/index.ts';
import { split } from '../27-hello-server/fixtures/clients.ts';
import { type Backend, createBalancer, createPool, endToEnd } from './balancer.ts';
import { startBackend } from './fixtures/backends.ts';

/** RFC 9110 §7.6.1 names these, and the gateway interface carries no trailers (Trailer). */
const LISTED = [
  'Connection',
  'Proxy-Connection',
  'Keep-Alive',
  'TE',
  'Transfer-Encoding',
  'Upgrade',
  'Trailer',
];
const OTHERS = ['Accept', 'Set-Cookie', 'X-Trace', 'Cache-Control', 'X-Upgrade', 'Date', 'Vary'];

/** A name of either kind, in any case. */
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) =>
      [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
    );
const name = fc.constantFrom(...LISTED, ...OTHERS).chain(anyCase);
const value = fc
  .string({ unit: fc.constantFrom(...'abc=1;, '), maxLength: 8 })
  .map((v) => v.trim());
/** A Connection field's value: a list of names (any case, any spaces), or a word. */
const connectionValue = fc
  .array(
    fc.tuple(
      fc.constantFrom(...OTHERS, 'close', 'keep-alive').chain(anyCase),
      fc.constantFrom('', ' ', '  '),
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((options) => options.map(([o, space]) => `${space}${o}${space}`).join(','));
const field = fc.oneof(
  fc.tuple(name, value),
  fc.tuple(fc.constantFrom('Connection', 'connection'), connectionValue),
);

describe('RFC 9110 §7.6.1: what is forwarded of any header section', () => {
  test.prop([fc.array(field, { maxLength: 12 })])(
    'a field goes on exactly when its name is not listed and no Connection field names it, in order',
    (fields) => {
      const named = new Set(
        fields
          .filter(([n]) => n.toLowerCase() === 'connection')
          .flatMap(([, v]) => v.split(',').map((o) => o.trim().toLowerCase())),
      );
      const listed = new Set(LISTED.map((n) => n.toLowerCase()));
      const expected = fields.filter(
        ([n]) => !listed.has(n.toLowerCase()) && !named.has(n.toLowerCase()),
      );
      expect(endToEnd(fields)).toEqual(expected);
    },
  );
});

type Step =
  | { readonly op: 'next'; readonly skip: number[] }
  | { readonly op: 'eject' | 'admit'; readonly at: number };
const step = (size: number): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        op: fc.constant('next' as const),
        skip: fc.uniqueArray(fc.nat(size - 1), { maxLength: 2 }),
      }),
      weight: 3,
    },
    fc.record({ op: fc.constantFrom('eject' as const, 'admit' as const), at: fc.nat(size - 1) }),
  );

describe('round robin over the healthy backends', () => {
  test.prop([
    fc
      .integer({ min: 1, max: 5 })
      .chain((size) => fc.tuple(fc.constant(size), fc.array(step(size), { maxLength: 30 }))),
  ])(
    'next() gives a healthy backend not skipped, none only when there is none, and each in turn',
    ([size, steps]) => {
      const backends: Backend[] = Array.from({ length: size }, (_, i) => ({
        host: '127.0.0.1',
        port: i + 1,
      }));
      const pool = createPool(backends);
      const out = new Set<Backend>();
      let sinceChange: Backend[] = [];
      for (const s of steps) {
        if (s.op !== 'next') {
          const backend = backends[s.at] as Backend;
          if (s.op === 'eject') {
            expect(pool.eject(backend)).toBe(!out.has(backend));
            out.add(backend);
          } else {
            pool.admit(backend);
            out.delete(backend);
          }
          sinceChange = [];
          continue;
        }
        const skip = new Set<Backend>(s.skip.map((i) => backends[i] as Backend));
        const given = pool.next(skip);
        const candidates = backends.filter((b) => !out.has(b) && !skip.has(b));
        if (candidates.length === 0) {
          expect(given).toBeUndefined();
          continue;
        }
        expect(candidates).toContain(given);
        if (skip.size > 0) {
          sinceChange = [];
          continue;
        }
        // with the same healthy ones and nothing skipped, no backend twice before all had a turn
        const healthy = backends.filter((b) => !out.has(b));
        if (sinceChange.length === healthy.length) sinceChange = [];
        expect(sinceChange).not.toContain(given);
        sinceChange.push(given as Backend);
      }
    },
  );
});

/** RFC 9110 §5.6.2: a field name of letters, digits and "-" (the ones kata 32 passes as HTTP_*). */
const fieldName = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
    minLength: 1,
    maxLength: 10,
  })
  .map((n) => `X-${n}`);
const fieldValue = fc
  .string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 16,
  })
  .map((v) => v.trim());
/** RFC 3986 §3.3: a path segment, percent-encoding included (`%2F` is not a `/`). */
const segment = fc.string({
  unit: fc.constantFrom('a', 'b', 'z', '0', '9', '-', '.', '_', '~', '%2F', '%20', ':', '@'),
  maxLength: 8,
});

describe('through the balancer, a request and its response arrive as they were sent', () => {
  test.prop(
    [
      fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'),
      fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`),
      fc.uniqueArray(fc.tuple(fieldName, fieldValue), {
        maxLength: 4,
        selector: ([n]) => n.toLowerCase(),
      }),
      chunked(fc.uint8Array({ maxLength: 2048 })),
      fc.constantFrom(200, 201, 203, 299, 400, 404, 409, 500, 503),
      fc.uint8Array({ maxLength: 2048 }),
    ],
    { numRuns: 15 },
  )(
    'the backend sees the method, target, fields and body; the client its status, fields and body',
    async (method, target, fields, { bytes: body, chunks }, status, answer) => {
      const bodies: Buffer[] = [];
      const backend = await startBackend('echo', (request, response) => {
        request.on('data', (piece: Buffer) => bodies.push(piece));
        request.once('end', () => {
          response.writeHead(status, [
            ...fields.map(([n, v]) => [n, v] as [string, string]),
            ['Content-Length', String(answer.length)],
          ]);
          response.end(answer);
        });
      });
      const port = await listen(createBalancer([backend.backend]));
      const socket = await connect(port);
      const head = [
        `${method} ${target} HTTP/1.1`,
        'Host: shop.test',
        ...fields.map(([n, v]) => `${n}: ${v}`),
        `Content-Length: ${body.length}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
      await writeChunks(socket, [Buffer.from(head, 'latin1'), ...chunks]);
      const reply = split(await readToEnd(socket, 'the balancer never closed after its response'));
      const [seen] = backend.seen;
      expect([seen?.method, seen?.url]).toEqual([method, target]);
      for (const [n, v] of fields) expect(seen?.headers[n.toLowerCase()], n).toBe(v);
      expect(Buffer.concat(bodies)).toEqual(Buffer.from(body));
      expect(reply.statusLine.split(' ')[1]).toBe(String(status));
      for (const [n, v] of fields) expect(reply.fields, n).toContain(`${n}: ${v}`);
      // and no other field: node:http's Date, Content-Length, and kata 34's Connection
      const names = reply.fields.map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
      const expected = [
        ...fields.map(([n]) => n.toLowerCase()),
        'content-length',
        'date',
        'connection',
      ];
      expect(names.toSorted()).toEqual(expected.toSorted());
      expect(reply.body).toEqual(Buffer.from(answer));
    },
  );
});
