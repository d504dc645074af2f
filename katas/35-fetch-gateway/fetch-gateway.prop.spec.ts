import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  anyBytes,
  chunked,
  connect,
  listen,
  readToEnd,
  within,
  writeChunks,
} from '../../support/harness/index.ts';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import { call, environ } from '../33-gateway-apps/fixtures/gateway.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import { gate } from '../34-implement-the-gateway-interface/fixtures/apps.ts';
import { fetchApp, requestOf, serveFetch } from './fetch-gateway.ts';

/** The Request of this environ. */
const seen = (env: Environ): Request => requestOf(env);

/** Path characters a decoded PATH_INFO may hold, the awkward ones often. */
const pathChar = fc.oneof(
  fc.constantFrom('/', '%', '?', '#', ' ', '\\', ';', '=', '+', '&', '[', '"', '|', 'é', '😀', '.'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
/** "/" then anything but a "." or ".." segment: the URL parser removes those (RFC 3986 §5.2.4). */
const decodedPath = fc
  .string({ unit: pathChar, maxLength: 24 })
  .map((rest) => `/${rest}`)
  .filter((path) => path.split('/').every((segment) => segment !== '.' && segment !== '..'));
/**
 * RFC 3986 §3.4: query = *( pchar / "/" / "?" ), as a client sends it (encoded already); but
 * "'", which the URL Standard percent-encodes in an http(s) query (the special-query set).
 */
const query = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '!', '$', '&', '(', ')'),
    fc.constantFrom('*', '+', ',', ';', '=', ':', '@', '/', '?', '%20', '%C3%A9', '%25'),
  ),
  maxLength: 16,
});

describe('PEP 3333 "URL Reconstruction": the URL names the path and query of the environ', () => {
  test.prop([fc.constantFrom('', '/app', '/a b/c'), decodedPath, query], { numRuns: 100 })(
    'decoding the Request URL path gives SCRIPT_NAME + PATH_INFO; its query is QUERY_STRING',
    async (scriptName, pathInfo, queryString) => {
      const env = environ({
        extra: { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo, QUERY_STRING: queryString },
      });
      const url = new URL(seen(env).url);
      expect(decodeURIComponent(url.pathname)).toBe(scriptName + pathInfo);
      expect(url.search).toBe(queryString === '' ? '' : `?${queryString}`);
    },
  );
});

/** RFC 9110 §5.6.2 tokens without "_" (HTTP_ names make "-" and "_" one). */
const fieldName = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
    minLength: 1,
    maxLength: 10,
  })
  .map((name) => `x-${name}`);
/** RFC 9110 §5.5: a visible field value, no whitespace at either end. */
const fieldValue = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  })
  .map((value) => value.trim());

describe('RFC 3875 §4.1.18: each HTTP_* meta-variable is the request field it came from', () => {
  test.prop([fc.dictionary(fieldName, fieldValue, { maxKeys: 6 })], { numRuns: 100 })(
    'every field sent is in the Request headers with its value',
    async (fields) => {
      const request = seen(environ({ headers: fields }));
      for (const [name, value] of Object.entries(fields)) {
        expect(request.headers.get(name), name).toBe(value);
      }
    },
  );
});

describe('the Request body is gateway.input, whatever its chunks', () => {
  test.prop([chunked(anyBytes({ maxLength: 200 }))], { numRuns: 100 })(
    'request.arrayBuffer() holds the octets of every chunk, in order',
    async ({ bytes, chunks }) => {
      const request = requestOf(environ({ method: 'PUT', body: chunks }));
      const body = await within(request.arrayBuffer(), 'the body never ended');
      expect(Buffer.from(body).equals(bytes)).toBe(true);
    },
  );
});

describe('the Response body streams chunk by chunk', () => {
  test.prop([fc.array(anyBytes({ minLength: 1, maxLength: 40 }), { maxLength: 8 })], {
    numRuns: 100,
  })('each chunk the handler enqueues is one chunk of the app, in order', async (chunks) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const called = await call(fetchApp(() => new Response(body)));
    expect(called.chunks.map((c) => Buffer.from(c))).toEqual(chunks.map((c) => Buffer.from(c)));
  });
});

describe('PEP 3333: the status is the code and a reason phrase', () => {
  const statusText = fc.oneof(
    fc.constant(''),
    fc
      .string({ unit: fc.constantFrom(...'abcXYZ '), minLength: 1, maxLength: 12 })
      .map((t) => `R${t}`),
  );
  test.prop([fc.integer({ min: 200, max: 599 }), statusText], { numRuns: 100 })(
    "statusText when there is one, else kata 20's phrase, else the class of RFC 9110 §15",
    async (status, text) => {
      const nullBody = [204, 205, 304].includes(status);
      const called = await call(
        fetchApp(() => new Response(nullBody ? null : 'x', { status, statusText: text })),
      );
      const classes = ['Successful', 'Redirection', 'Client Error', 'Server Error'];
      const reason = text || REASON_PHRASES[status] || classes[Math.floor(status / 100) - 2];
      expect(called.status).toBe(`${status} ${reason}`);
    },
  );
});

describe('served by kata 34: the body as the client cut it, the cookies as the handler set them', () => {
  test.prop([chunked(anyBytes({ minLength: 1, maxLength: 300 }))], { numRuns: 15 })(
    'RFC 9112 §6.2: a Content-Length body written in random pieces reaches the handler whole',
    async ({ bytes, chunks }) => {
      const got = gate<Buffer>();
      const port = await listen(
        serveFetch(async (request) => {
          got.open(Buffer.from(await request.arrayBuffer()));
          return new Response('ok');
        }),
      );
      const socket = await connect(port);
      const head = `POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
      const reply = readToEnd(socket, 'the server never closed after its answer');
      await writeChunks(socket, [Buffer.from(head), ...chunks]);
      expect(
        (await within(got.promise, 'the handler never read the whole body')).equals(bytes),
      ).toBe(true);
      expect((await reply).toString('latin1').startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    },
  );

  const cookie = fc
    .tuple(
      fc.string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
        minLength: 1,
        maxLength: 8,
      }),
      fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'), maxLength: 8 }),
      fc.constantFrom('', '; Path=/', '; HttpOnly', '; Expires=Wed, 21 Oct 2037 07:28:00 GMT'),
    )
    .map(([name, value, attributes]) => `${name}=${value}${attributes}`);
  test.prop([fc.array(cookie, { minLength: 1, maxLength: 5 })], { numRuns: 15 })(
    "RFC 6265 §3: fetch's getSetCookie() reads every Set-Cookie the handler appended, in order",
    async (cookies) => {
      const port = await listen(
        serveFetch(() => {
          const headers = new Headers();
          for (const value of cookies) headers.append('Set-Cookie', value);
          return new Response('ok', { headers });
        }),
      );
      const response = await within(
        fetch(`http://127.0.0.1:${port}/`),
        'fetch never got an answer',
      );
      await response.text();
      expect(response.headers.getSetCookie()).toEqual(cookies);
    },
  );
});
