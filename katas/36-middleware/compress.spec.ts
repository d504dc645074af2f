import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { call, environ, header } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, ResponseHeaders } from '../33-gateway-apps/gateway.ts';
import { type ContentCoding, compress, DEFAULT_THRESHOLD, negotiateEncoding } from './compress.ts';
import { bridge } from './fixtures/bridge.ts';
import { callHead } from './fixtures/head.ts';

const CURL = '/usr/bin/curl';
const HAS_CURL = existsSync(CURL);
const BOTH: readonly ContentCoding[] = ['br', 'gzip'];

const encoder = new TextEncoder();
/** Text well over the threshold, that compresses well. */
const LONG = 'All work and no play makes Jack a dull boy.\n'.repeat(100);

/** An app that answers `text` in `pieces` chunks, with the fields given. */
function textApp(
  text: string,
  options: { status?: string; headers?: ResponseHeaders; pieces?: number } = {},
): App {
  return (_environ, startResponse) => {
    startResponse(options.status ?? '200 OK', options.headers ?? [['Content-Type', 'text/plain']]);
    const bytes = encoder.encode(text);
    const pieces = options.pieces ?? 1;
    const size = Math.ceil(bytes.length / pieces);
    return Array.from({ length: pieces }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  };
}

const withLength = (text: string): ResponseHeaders => [
  ['Content-Type', 'text/plain'],
  ['Content-Length', String(encoder.encode(text).length)],
];

const request = (acceptEncoding?: string, method = 'GET') =>
  environ({
    method,
    headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding },
  });

const decode = (coding: string | undefined, body: Uint8Array): string => {
  if (coding === 'gzip') return zlib.gunzipSync(body).toString();
  if (coding === 'br') return zlib.brotliDecompressSync(body).toString();
  return Buffer.from(body).toString();
};

describe('RFC 9110 §12.5.3: which coding the Accept-Encoding field asks for', () => {
  test('no Accept-Encoding at all: identity (the client may not decode anything)', () => {
    expect(negotiateEncoding(undefined, BOTH)).toBe('identity');
  });
  test('an empty field value: "does not want any content coding"', () => {
    expect(negotiateEncoding('', BOTH)).toBe('identity');
  });
  test('one coding named: that one', () => {
    expect(negotiateEncoding('gzip', BOTH)).toBe('gzip');
    expect(negotiateEncoding('br', BOTH)).toBe('br');
  });
  test('a coding not on offer is not chosen', () => {
    expect(negotiateEncoding('br', ['gzip'])).toBe('identity');
  });
  test('codings not listed, and no "*": none is acceptable', () => {
    expect(negotiateEncoding('deflate, compress, zstd', BOTH)).toBe('identity');
  });
  test('the higher weight wins, whatever the order of the list', () => {
    expect(negotiateEncoding('gzip;q=0.5, br;q=0.8', BOTH)).toBe('br');
    expect(negotiateEncoding('br;q=0.5, gzip', BOTH)).toBe('gzip');
  });
  test("equal weights: the server's order of preference decides", () => {
    expect(negotiateEncoding('gzip, br', ['br', 'gzip'])).toBe('br');
    expect(negotiateEncoding('br, gzip', ['gzip', 'br'])).toBe('gzip');
  });
  test('q=0 means "not acceptable"', () => {
    expect(negotiateEncoding('br;q=0, gzip;q=0.1', BOTH)).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0', ['gzip'])).toBe('identity');
  });
  test('the least weight, q=0.001, is still acceptable', () => {
    expect(negotiateEncoding('gzip;q=0.001', BOTH)).toBe('gzip');
  });
  test('"*" matches any coding on offer that is not listed', () => {
    expect(negotiateEncoding('*', ['gzip', 'br'])).toBe('gzip');
    expect(negotiateEncoding('br;q=0, *', BOTH)).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0.2, *;q=0.5', BOTH)).toBe('br');
  });
  test('"*;q=0" refuses every coding not listed', () => {
    expect(negotiateEncoding('*;q=0', BOTH)).toBe('identity');
    expect(negotiateEncoding('gzip;q=0.3, *;q=0', BOTH)).toBe('gzip');
  });
  test('the RFC\'s own example: "gzip;q=1.0, identity; q=0.5, *;q=0"', () => {
    expect(negotiateEncoding('gzip;q=1.0, identity; q=0.5, *;q=0', BOTH)).toBe('gzip');
  });
  test('"identity" listed with a higher weight than any coding: no encoding', () => {
    expect(negotiateEncoding('gzip;q=0.5, identity', BOTH)).toBe('identity');
    expect(negotiateEncoding('identity', BOTH)).toBe('identity');
  });
  test('"identity" listed with a lower or the same weight: the coding', () => {
    expect(negotiateEncoding('gzip, identity;q=0.5', BOTH)).toBe('gzip');
    expect(negotiateEncoding('gzip, identity', ['gzip'])).toBe('gzip');
  });
  test('RFC 9110 §8.4.1: coding names are case-insensitive, and so is the "q"', () => {
    expect(negotiateEncoding('GZIP', BOTH)).toBe('gzip');
    expect(negotiateEncoding('Br;Q=0.9, gzip;q=0.8', BOTH)).toBe('br');
  });
  test('RFC 9110 §8.4.1.3: "x-gzip" is "gzip"', () => {
    expect(negotiateEncoding('x-gzip', BOTH)).toBe('gzip');
  });
  test('RFC 9110 §12.4.2: optional whitespace around ";" and ","', () => {
    expect(negotiateEncoding('gzip ; q=0.9 ,\tbr;q=0.8', BOTH)).toBe('gzip');
    expect(negotiateEncoding(' , br ,', BOTH)).toBe('br');
  });
  test('RFC 9110 §12.4.2: a weight that is not a qvalue makes its element ignored', () => {
    for (const bad of [
      'gzip;q=10',
      'gzip;xq=0.5',
      'gzip;q=2',
      'gzip;q=1.5',
      'gzip;q=0.5555',
      'gzip;q=',
      'gzip;q=abc',
      'gzip;level=1',
      'gzip;q=-1',
      'gzip;q=.5',
    ]) {
      expect(negotiateEncoding(`${bad}, br;q=0.1`, BOTH), bad).toBe('br');
    }
  });
  test('RFC 9110 §12.4.2: qvalues with up to three decimals, and 1.000', () => {
    expect(negotiateEncoding('gzip;q=0.999, br;q=1.000', BOTH)).toBe('br');
    expect(negotiateEncoding('br;q=0.998, gzip;q=0.999', BOTH)).toBe('gzip');
    expect(negotiateEncoding('br;q=1., gzip;q=0.', BOTH)).toBe('br');
  });
  test('RFC 9110 §12.5.3: codings [ weight ] and nothing more: another parameter makes the element ignored', () => {
    expect(negotiateEncoding('gzip;q=0.5;level=9, br;q=0.1', BOTH)).toBe('br');
    expect(negotiateEncoding('gzip;level=9;q=0.5, br;q=0.1', BOTH)).toBe('br');
  });
  test('q=1 with no decimals is the most preferred', () => {
    expect(negotiateEncoding('gzip;q=0.9, br;q=1', BOTH)).toBe('br');
  });
  test('an element that is not a token is ignored', () => {
    expect(negotiateEncoding('g zip, "br", br;q=0.1', ['gzip', 'br'])).toBe('br');
  });
});

describe('RFC 9110 §8.4: compress() encodes the content the client accepts', () => {
  test.each(['gzip', 'br'] as const)('%s: the body decodes to the same octets', async (coding) => {
    const response = await call(compress()(textApp(LONG, { pieces: 7 })), request(coding));
    expect(header(response, 'content-encoding')).toBe(coding);
    expect(decode(coding, response.body)).toBe(LONG);
    expect(response.body.length).toBeLessThan(LONG.length);
  });
  test('the coding the client prefers, among the ones on offer', async () => {
    const app = compress({ codings: ['gzip', 'br'] })(textApp(LONG));
    const response = await call(app, request('gzip;q=0.5, br'));
    expect(header(response, 'content-encoding')).toBe('br');
  });
  test('by default the coding of DEFAULT_CODINGS first accepted: br for "gzip, br"', async () => {
    const response = await call(compress()(textApp(LONG)), request('gzip, deflate, br'));
    expect(header(response, 'content-encoding')).toBe('br');
  });
  test('RFC 9110 §8.6: the Content-Length goes; the encoded length is not known in advance', async () => {
    const response = await call(
      compress()(textApp(LONG, { headers: withLength(LONG) })),
      request('gzip'),
    );
    expect(header(response, 'content-length')).toBeUndefined();
    expect(decode('gzip', response.body)).toBe(LONG);
  });
  test('the other fields stay, in their order, and the status', async () => {
    const headers: ResponseHeaders = [
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Cache-Control', 'max-age=60'],
    ];
    const response = await call(
      compress()(textApp(LONG, { status: '404 Not Found', headers })),
      request('gzip'),
    );
    expect(response.status).toBe('404 Not Found');
    expect(response.headers.filter(([name]) => !/^(vary|content-encoding)$/i.test(name))).toEqual(
      headers,
    );
  });
  test('RFC 9110 §8.8.3: a strong ETag becomes weak, a weak one stays', async () => {
    const strong = await call(
      compress()(textApp(LONG, { headers: [['ETag', '"v1"']] })),
      request('gzip'),
    );
    expect(header(strong, 'etag')).toBe('W/"v1"');
    const weak = await call(
      compress()(textApp(LONG, { headers: [['ETag', 'W/"v1"']] })),
      request('gzip'),
    );
    expect(header(weak, 'etag')).toBe('W/"v1"');
  });
  test('an ETag is left as it is when the response is not encoded', async () => {
    const response = await call(
      compress()(textApp(LONG, { headers: [['ETag', '"v1"']] })),
      request('identity'),
    );
    expect(header(response, 'etag')).toBe('"v1"');
  });
  test("PEP 3333's write(): its octets come first, encoded with the rest", async () => {
    const app: App = (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      write(encoder.encode('written; '));
      return [encoder.encode(LONG)];
    };
    const response = await call(compress()(app), request('gzip'));
    expect(decode('gzip', response.body)).toBe(`written; ${LONG}`);
  });
  test('an app that calls startResponse inside its iterable (a generator) is encoded too', async () => {
    const app: App = (_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield encoder.encode(LONG);
      })();
    const response = await call(compress()(app), request('br'));
    expect(decode('br', response.body)).toBe(LONG);
  });
  test('an empty body encodes to a valid, empty stream', async () => {
    const response = await call(compress()(textApp('')), request('gzip'));
    expect(header(response, 'content-encoding')).toBe('gzip');
    expect(decode('gzip', response.body)).toBe('');
  });
  test('each chunk is flushed: a streamed body streams, the first part readable before the rest exists', async () => {
    let release = () => {};
    const later = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      return (async function* () {
        yield encoder.encode('data: first\n\n');
        await later;
        yield encoder.encode('data: second\n\n');
      })();
    };
    const result = compress()(app)(request('gzip'), () => () => {}) as AsyncIterable<Uint8Array>;
    const iterator = result[Symbol.asyncIterator]();
    const seen: Uint8Array[] = [];
    while (
      !zlib
        .gunzipSync(Buffer.concat(seen), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
        .toString()
        .includes('first')
    ) {
      const next = await within(iterator.next(), 'the first chunk never came out encoded');
      expect(next.done, 'the body ended before the first chunk came out').toBe(false);
      seen.push(next.value as Uint8Array);
    }
    release();
    while (!(await within(iterator.next(), 'the body never ended')).done) {}
  });
  test("close() reaches the app's own result", async () => {
    let closes = 0;
    const app: App = (environ, startResponse) =>
      Object.assign(textApp(LONG)(environ, startResponse) as Uint8Array[], {
        close: () => {
          closes += 1;
        },
      });
    await call(compress()(app), request('gzip'));
    expect(closes).toBe(1);
  });
});

describe('RFC 9110 §12.5.5: Vary: Accept-Encoding on every response the field could change', () => {
  test.each([['gzip'], ['identity'], ['deflate'], [undefined]])(
    'Accept-Encoding %s: Vary names it',
    async (acceptEncoding) => {
      const response = await call(compress()(textApp(LONG)), request(acceptEncoding));
      expect(header(response, 'vary')?.toLowerCase()).toBe('accept-encoding');
    },
  );
  test('without an acceptable coding the body is sent as it is', async () => {
    const response = await call(
      compress()(textApp(LONG, { headers: withLength(LONG) })),
      request('deflate'),
    );
    expect(header(response, 'content-encoding')).toBeUndefined();
    expect(header(response, 'content-length')).toBe(String(LONG.length));
    expect(response.text).toBe(LONG);
  });
});

describe('what compress() leaves alone, Vary included', () => {
  const untouched = async (app: App, method = 'GET') => {
    const response = await call(compress()(app), request('gzip, br', method));
    expect(header(response, 'content-encoding')).toBeUndefined();
    expect(header(response, 'vary')).toBeUndefined();
    return response;
  };
  test('a body whose Content-Length is below the threshold', async () => {
    const small = 'x'.repeat(DEFAULT_THRESHOLD - 1);
    const response = await untouched(textApp(small, { headers: withLength(small) }));
    expect(response.text).toBe(small);
  });
  test('a body of exactly the threshold is encoded', async () => {
    const text = 'x'.repeat(DEFAULT_THRESHOLD);
    const response = await call(
      compress()(textApp(text, { headers: withLength(text) })),
      request('gzip'),
    );
    expect(header(response, 'content-encoding')).toBe('gzip');
  });
  test('the threshold is an option', async () => {
    const text = 'hello, hello, hello';
    const app = textApp(text, { headers: withLength(text) });
    const response = await call(compress({ threshold: 10 })(app), request('gzip'));
    expect(decode(header(response, 'content-encoding'), response.body)).toBe(text);
    expect(header(response, 'content-encoding')).toBe('gzip');
  });
  test('a small body without a Content-Length is encoded: its size is not known', async () => {
    const response = await call(compress()(textApp('tiny')), request('gzip'));
    expect(header(response, 'content-encoding')).toBe('gzip');
  });
  test('RFC 9110 §8.4: a response that already has a Content-Encoding', async () => {
    const gzipped = zlib.gzipSync(LONG);
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Encoding', 'gzip']]);
      return [gzipped];
    };
    const response = await call(compress()(app), request('br, gzip'));
    expect(Buffer.from(response.body).equals(gzipped)).toBe(true);
    expect(response.headers).toEqual([['Content-Encoding', 'gzip']]);
  });
  test('RFC 9110 §9.3.2: a HEAD response', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', withLength(LONG));
      return [];
    };
    const response = await callHead(compress()(app), request('gzip, br', 'HEAD'));
    expect(response.headers).toEqual(withLength(LONG));
    expect(response.length).toBe(0);
  });
  test.each(['204 No Content', '304 Not Modified', '100 Continue'])(
    'RFC 9110 §15.3.5, §15.4.5: a %s response',
    async (status) => {
      const app: App = (_environ, startResponse) => {
        startResponse(status, [['ETag', '"v1"']]);
        return [];
      };
      const response = await untouched(app);
      expect(response.headers).toEqual([['ETag', '"v1"']]);
    },
  );
  test('a 2xx other than 204 is encoded: 206 … 299 look alike to the rule', async () => {
    const response = await call(
      compress()(textApp(LONG, { status: '203 Non-Authoritative Information' })),
      request('gzip'),
    );
    expect(header(response, 'content-encoding')).toBe('gzip');
  });
});

describe('peers: fetch (which decodes gzip and br) and curl --compressed, over node:http', () => {
  test.each(['gzip', 'br'] as const)('fetch asking for %s reads the text back', async (coding) => {
    const port = await bridge(compress()(textApp(LONG, { pieces: 5 })));
    const response = await within(
      fetch(`http://127.0.0.1:${port}/`, { headers: { 'Accept-Encoding': coding } }),
      'fetch never got a response',
    );
    expect(response.headers.get('content-encoding')).toBe(coding);
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(await within(response.text(), 'the body never ended')).toBe(LONG);
  });
  test.skipIf(!HAS_CURL)(
    'curl --compressed reads the text back (skipped: no /usr/bin/curl; fetch covers it)',
    async () => {
      const port = await bridge(compress()(textApp(LONG)));
      const output = await within(
        new Promise<string>((resolve, reject) =>
          execFile(
            CURL,
            ['-s', '-D', '-', '--compressed', `http://127.0.0.1:${port}/`],
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
          ),
        ),
        'curl never finished',
      );
      expect(output).toMatch(/^content-encoding: (br|gzip)\r$/im);
      expect(output.endsWith(`\r\n\r\n${LONG}`)).toBe(true);
    },
  );
});
