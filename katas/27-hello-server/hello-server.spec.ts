import { describe, expect, test } from 'vitest';
import { listen } from '../../support/harness/index.ts';
import {
  curl,
  exchange,
  fieldValues,
  HAS_CURL,
  nodeRequest,
  split,
  waitFor,
  withCurl,
} from './fixtures/clients.ts';
import { createHelloServer, DEFAULT_NAME, MAX_REPEATS, TEXTS } from './hello-server.ts';

async function get(path: string, init?: RequestInit) {
  const port = await listen(createHelloServer());
  const response = await waitFor(
    fetch(`http://127.0.0.1:${port}${path}`, init),
    `fetch never got a response to ${path}`,
  );
  return { status: response.status, headers: response.headers, body: await response.text() };
}

describe('hello: GET /NAME answers Hello NAME!', () => {
  test('/alice says Hello alice!, with fetch', async () => {
    const { status, body } = await get('/alice');
    expect([status, body]).toEqual([200, 'Hello alice!\n']);
  });

  test('the greeting is text/plain in UTF-8', async () => {
    const { headers } = await get('/alice');
    expect(headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  test(`/ greets ${DEFAULT_NAME}`, async () => {
    expect((await get('/')).body).toBe('Hello world!\n');
  });

  test('the name is percent-decoded as UTF-8 (RFC 3986 §2.1): /J%C3%BCrgen says Hello Jürgen!', async () => {
    expect((await get('/J%C3%BCrgen')).body).toBe('Hello Jürgen!\n');
  });

  test('an encoded slash is part of the one name, not a second segment', async () => {
    expect((await get('/a%2Fb')).body).toBe('Hello a/b!\n');
  });

  test('octets that are not UTF-8 are 400 (RFC 3986 §2.1)', async () => {
    const { status, body } = await get('/%FF');
    expect([status, body]).toEqual([400, TEXTS.badName]);
  });

  test('a path of two segments is 404', async () => {
    const { status, body } = await get('/alice/bob');
    expect([status, body]).toEqual([404, TEXTS.notFound]);
  });

  test('a trailing slash is a second, empty segment: 404', async () => {
    expect((await get('/alice/')).status).toBe(404);
  });

  test('other query parameters are ignored', async () => {
    expect((await get('/alice?lang=fr')).body).toBe('Hello alice!\n');
  });

  test('node:http reads the same greeting', async () => {
    const port = await listen(createHelloServer());
    const reply = await nodeRequest(port, { path: '/bob' });
    expect([reply.status, reply.reason, reply.body.toString()]).toEqual([
      200,
      'OK',
      'Hello bob!\n',
    ]);
  });

  test.skipIf(!HAS_CURL)(withCurl('curl reads the greeting'), async () => {
    const port = await listen(createHelloServer());
    expect(await curl([`http://127.0.0.1:${port}/carol?repeats=2`])).toBe(
      'Hello carol!\n'.repeat(2),
    );
  });
});

describe('hello: ?repeats=N says it N times', () => {
  test('?repeats=3 says it three times', async () => {
    expect((await get('/alice?repeats=3')).body).toBe('Hello alice!\n'.repeat(3));
  });

  test('?repeats=1 says it once', async () => {
    expect((await get('/alice?repeats=1')).body).toBe('Hello alice!\n');
  });

  test(`?repeats=${MAX_REPEATS} is the most`, async () => {
    const { status, body } = await get(`/a?repeats=${MAX_REPEATS}`);
    expect([status, body]).toEqual([200, 'Hello a!\n'.repeat(MAX_REPEATS)]);
  });

  test.each([
    ['zero', '0'],
    ['one more than the most', String(MAX_REPEATS + 1)],
    ['negative', '-2'],
    ['not a number', 'three'],
    ['a fraction', '1.5'],
    ['empty', ''],
    ['digits then letters', '2x'],
    ['letters then digits', 'x2'],
  ])('repeats %s (%j) is 400', async (_, repeats) => {
    const { status, body } = await get(`/alice?repeats=${repeats}`);
    expect([status, body]).toEqual([400, TEXTS.badRepeats]);
  });

  test('a leading zero is still the number: 003 is three', async () => {
    expect((await get('/a?repeats=003')).body).toBe('Hello a!\n'.repeat(3));
  });
});

describe('RFC 9110 §15.5.6: a method the resource does not allow is 405 with Allow', () => {
  test.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s is 405, Allow: GET, HEAD', async (method) => {
    const { status, headers, body } = await get('/alice', {
      method,
      body: method === 'DELETE' ? undefined : 'x',
    });
    expect([status, headers.get('allow'), body]).toEqual([405, 'GET, HEAD', TEXTS.notAllowed]);
  });

  test('OPTIONS * (asterisk-form) is 405 too', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(port, 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(split(reply).statusLine).toBe('HTTP/1.1 405 Method Not Allowed');
  });
});

describe('RFC 9110 §9.3.2: HEAD is GET without the content', () => {
  test('the status and Content-Length of the GET, no content', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(port, 'HEAD /alice?repeats=2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const fields = split(reply);
    expect([fields.statusLine, fieldValues(fields, 'content-length'), fields.body.length]).toEqual([
      'HTTP/1.1 200 OK',
      [String(Buffer.byteLength('Hello alice!\n'.repeat(2)))],
      0,
    ]);
  });
});

describe('RFC 9110 §8.6: Content-Length is the exact number of octets of the content', () => {
  test('a name outside ASCII: octets of UTF-8, not characters', async () => {
    const port = await listen(createHelloServer());
    const { reply, conversation } = await exchange(
      port,
      'GET /%E2%82%AC HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    const fields = split(reply);
    expect(
      [fieldValues(fields, 'content-length'), fields.body.toString()],
      conversation.transcript(),
    ).toEqual([[String(Buffer.byteLength('Hello €!\n'))], 'Hello €!\n']);
  });

  test('nothing after the content: the connection closes right after it (RFC 9112 §9.6)', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(
      port,
      'GET /bob HTTP/1.1\r\nHost: a\r\n\r\nGET /eve HTTP/1.1\r\n\r\n',
    );
    expect(split(reply).body.toString()).toBe('Hello bob!\n');
  });
});

describe('RFC 9112 §3.2.2: a server MUST accept the absolute-form', () => {
  test('GET http://host/dave greets dave', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(
      port,
      `GET http://127.0.0.1:${port}/dave?repeats=2 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    );
    expect(split(reply).body.toString()).toBe('Hello dave!\n'.repeat(2));
  });
});

describe('the server around hello: chapter 3 rules on the wire', () => {
  test('400 on garbage', async () => {
    const port = await listen(createHelloServer());
    const { reply, conversation } = await exchange(port, 'hello?\r\n\r\n');
    expect(split(reply).statusLine, conversation.transcript()).toBe('HTTP/1.1 400 Bad Request');
  });

  test('empty lines before the request-line are ignored (RFC 9112 §2.2)', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(port, [
      '\r\n',
      '\r\n',
      'GET /erin HTTP/1.1\r\nHost: a\r\n\r\n',
    ]);
    expect(split(reply).body.toString()).toBe('Hello erin!\n');
  });

  test('a head that never ends is cut off with 431 (RFC 6585 §5)', async () => {
    const port = await listen(createHelloServer());
    const { reply } = await exchange(port, `GET / HTTP/1.1\r\nHost: a\r\nX: ${'x'.repeat(17_000)}`);
    expect(split(reply).statusLine.split(' ')[1]).toBe('431');
  });
});

describe('the name is the client’s text: it is never served as HTML', () => {
  test('a name with markup comes back as text/plain with X-Content-Type-Options: nosniff', async () => {
    const { headers, body } = await get(`/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect([headers.get('content-type'), headers.get('x-content-type-options'), body]).toEqual([
      'text/plain; charset=utf-8',
      'nosniff',
      'Hello <script>alert(1)</script>!\n',
    ]);
  });

  test('the refusals are text/plain with nosniff too', async () => {
    const { headers } = await get('/a/b');
    expect([headers.get('content-type'), headers.get('x-content-type-options')]).toEqual([
      'text/plain; charset=utf-8',
      'nosniff',
    ]);
  });
});
