import http from 'node:http';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  chunkings,
  connect,
  listen,
  readToEnd,
  within,
  writeChunks,
} from '../../support/harness/index.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { echo } from './fixtures/apps.ts';
import { serveGateway } from './gateway-server.ts';

/** RFC 9110 §5.6.2: tchar, the characters of a token. */
const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 12 });
/** A field name the server leaves to the app: not one it frames the message with. */
const fieldName = token.map((name) => `X-${name}`).filter((name) => !/^x-$/i.test(name));
/** RFC 9110 §5.5: a visible field value, no whitespace at either end. */
const fieldValue = fc
  .string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  })
  .map((value) => value.trim());

interface ResponseSpec {
  readonly code: number;
  readonly reason: string;
  readonly headers: [string, string][];
  readonly chunks: Uint8Array[];
  readonly withLength: boolean;
  readonly asynchronous: boolean;
}

const response: fc.Arbitrary<ResponseSpec> = fc.record({
  code: fc.constantFrom(200, 201, 202, 299, 400, 404, 418, 451, 500, 503),
  reason: fc.constantFrom('OK', 'Fine Indeed', 'Nope', 'x\ty'),
  headers: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 6 }),
  chunks: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
  withLength: fc.boolean(),
  asynchronous: fc.boolean(),
});

/** An app that gives exactly the generated response. */
function appOf(spec: ResponseSpec): App {
  return (_environ, startResponse) => {
    const body = Buffer.concat(spec.chunks);
    startResponse(`${spec.code} ${spec.reason}`, [
      ...spec.headers,
      ...(spec.withLength ? ([['Content-Length', String(body.length)]] as const) : []),
    ]);
    if (!spec.asynchronous) return spec.chunks;
    return (async function* () {
      for (const chunk of spec.chunks) {
        await Promise.resolve();
        yield chunk;
      }
    })();
  };
}

describe('PEP 3333: any response an app gives arrives intact, status, fields and body', () => {
  test.prop([response], { numRuns: 25 })(
    'node:http reads the status, every field in order and every chunk, Content-Length or chunked',
    async (spec) => {
      const port = await listen(serveGateway(appOf(spec)));
      const reply = await within(
        new Promise<{ status: number; reason: string; raw: string[]; body: Buffer }>(
          (resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, agent: false }, (res) => {
                const pieces: Buffer[] = [];
                res.on('data', (piece: Buffer) => pieces.push(piece));
                res.on('end', () =>
                  resolve({
                    status: res.statusCode ?? 0,
                    reason: res.statusMessage ?? '',
                    raw: res.rawHeaders,
                    body: Buffer.concat(pieces),
                  }),
                );
              })
              .on('error', reject);
          },
        ),
        'node:http never read a whole response',
      );
      expect([reply.status, reply.reason]).toEqual([spec.code, spec.reason]);
      const pairs: [string, string][] = [];
      for (let i = 0; i < reply.raw.length; i += 2) {
        const name = reply.raw[i] ?? '';
        if (name.toLowerCase().startsWith('x-')) pairs.push([name, reply.raw[i + 1] ?? '']);
      }
      expect(pairs).toEqual(spec.headers);
      expect(reply.body).toEqual(Buffer.concat(spec.chunks));
    },
  );
});

describe('RFC 3875 §4.1, PEP 3333: the environ the app sees is the request as sent', () => {
  const segment = fc.string({ unit: fc.constantFrom(...'abcz09-._~ é/'), maxLength: 8 });
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
    query: fc.option(
      fc.string({ unit: fc.constantFrom('a', 'b', '=', '&', '%20', '+'), maxLength: 12 }),
      {
        nil: undefined,
      },
    ),
    fields: fc.uniqueArray(fc.tuple(token, fieldValue), {
      maxLength: 5,
      selector: ([name]) => name.toLowerCase(),
    }),
  });

  test.prop([request.chain((r) => fc.tuple(fc.constant(r), chunkings(Buffer.from(headOf(r)))))], {
    numRuns: 25,
  })(
    'REQUEST_METHOD, PATH_INFO decoded, QUERY_STRING raw, HTTP_* per field, the head cut anywhere',
    async ([r, chunks]) => {
      const environs: Environ[] = [];
      const app: App = (environ, startResponse) => {
        environs.push(environ);
        startResponse('204 No Content', []);
        return [];
      };
      const port = await listen(serveGateway(app));
      const socket = await connect(port);
      await writeChunks(socket, chunks);
      await readToEnd(socket, 'the server never answered and closed');
      const [environ] = environs;
      expect(environ?.REQUEST_METHOD).toBe(r.method);
      expect(environ?.PATH_INFO).toBe(r.path);
      expect(environ?.QUERY_STRING).toBe(r.query ?? '');
      for (const [name, value] of fieldsOf(r)) {
        if (['content-length', 'content-type', 'connection'].includes(name.toLowerCase())) continue;
        if (!/^[A-Za-z0-9-]+$/.test(name)) continue;
        expect(environ?.[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`], name).toBe(value);
      }
    },
  );
});

type RequestSpec = {
  method: string;
  path: string;
  query: string | undefined;
  fields: [string, string][];
};

/** The fields sent: the generated ones, Host, and a close so the exchange ends. */
function fieldsOf(r: RequestSpec): [string, string][] {
  const reserved = [
    'host',
    'connection',
    'content-length',
    'transfer-encoding',
    'expect',
    'content-type',
  ];
  return [
    ...r.fields.filter(([name]) => !reserved.includes(name.toLowerCase())),
    ['Host', 'example.test'],
    ['Connection', 'close'],
  ];
}

function headOf(r: RequestSpec): string {
  // RFC 3986 §2.1: the path goes percent-encoded on the wire, "/" kept as the separator
  const target = `${r.path.split('/').map(encodeURIComponent).join('/')}${r.query === undefined ? '' : `?${r.query}`}`;
  const lines = fieldsOf(r).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${r.method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

describe('PEP 3333: gateway.input is the request body, unchanged, however it was framed', () => {
  test.prop(
    [
      fc.tuple(fc.uint8Array({ maxLength: 2000 }), fc.boolean()).chain(([body, chunked]) => {
        const head = `POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n${
          chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`
        }\r\n\r\n`;
        const framed = chunked
          ? Buffer.concat([
              Buffer.from(body.length === 0 ? '' : `${body.length.toString(16)}\r\n`),
              Buffer.from(body),
              Buffer.from(body.length === 0 ? '0\r\n\r\n' : '\r\n0\r\n\r\n'),
            ])
          : Buffer.from(body);
        const bytes = Buffer.concat([Buffer.from(head), framed]);
        return fc.tuple(fc.constant(Buffer.from(body)), chunkings(bytes));
      }),
    ],
    { numRuns: 25 },
  )(
    'an app that echoes gateway.input gets back the bytes sent, cut anywhere',
    async ([body, chunks]) => {
      const port = await listen(serveGateway(echo));
      const socket = await connect(port);
      await writeChunks(socket, chunks);
      const reply = await readToEnd(socket, 'the server never answered and closed');
      const end = reply.indexOf('\r\n\r\n');
      expect(reply.subarray(end + 4)).toEqual(body);
    },
  );
});
