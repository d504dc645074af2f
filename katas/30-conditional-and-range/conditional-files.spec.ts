import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import { imfFixdate } from '../20-serialize-a-response/response.ts';
import {
  createConditionalHandler,
  createConditionalServer,
  PRECONDITION_FAILED_TEXT,
  RANGE_NOT_SATISFIABLE_TEXT,
} from './conditional-files.ts';
import { send } from './fixtures/exchange.ts';
import { boundaryOf, readParts } from './fixtures/multipart.ts';
import { makeSite, type Site } from './fixtures/site.ts';
import { parseEntityTag, parseHttpDate } from './preconditions.ts';

const CURL = '/usr/bin/curl';
const HAS_CURL = existsSync(CURL);

let site: Site;
beforeAll(async () => {
  site = await makeSite();
});
afterAll(() => site.remove());

async function serve(): Promise<string> {
  const port = await listen(createConditionalServer({ root: site.root }));
  return `http://127.0.0.1:${port}`;
}

/** fetch, bounded: the message says what never happened. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return within(fetch(url, { method, headers }), `no response to ${method} ${url}`);
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await within(response.arrayBuffer(), 'the response body never ended'));
}

/** The ETag of a fresh 200 for this path. */
async function etagOf(base: string, target: string): Promise<string> {
  const response = await get(base + target);
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  if (etag === null) throw new Error(`the 200 for ${target} has no ETag`);
  return etag;
}

/** node:http's view of a response: the fields as received, and the content. */
function httpGet(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return within(
    new Promise((resolve, reject) => {
      const request = http.request(url, { method, headers, agent: false }, (response) => {
        const pieces: Buffer[] = [];
        response.on('data', (piece: Buffer) => pieces.push(piece));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(pieces),
          }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    }),
    `node:http got no response to ${method} ${url}`,
  );
}

describe('RFC 9110 §15.3.1, §8.8: a 200 carries ETag, Last-Modified and Accept-Ranges', () => {
  test('the ETag is one strong entity-tag', async () => {
    const base = await serve();
    const tag = parseEntityTag(await etagOf(base, '/hello.txt'));
    expect(tag?.weak).toBe(false);
  });

  test("Last-Modified is the file's modification time, an IMF-fixdate in whole seconds", async () => {
    await site.touch('/hello.txt', new Date(Date.UTC(2024, 1, 29, 10, 20, 30, 900)));
    const base = await serve();
    const response = await get(`${base}/hello.txt`);
    expect(response.headers.get('last-modified')).toBe('Thu, 29 Feb 2024 10:20:30 GMT');
  });

  test('Accept-Ranges: bytes (§14.3)', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
  });

  test("the content is kata 28's: the file, octet for octet", async () => {
    const base = await serve();
    expect(await bytesOf(await get(`${base}/bytes.bin`))).toEqual(site.bytes('/bytes.bin'));
  });

  test('a new modification time gives a new ETag, the content unchanged', async () => {
    const base = await serve();
    await site.touch('/hello.txt', new Date(Date.UTC(2024, 0, 1)));
    const before = await etagOf(base, '/hello.txt');
    await site.touch('/hello.txt', new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 1)));
    expect(await etagOf(base, '/hello.txt')).not.toBe(before);
  });

  test('new content gives a new ETag', async () => {
    const base = await serve();
    await site.write('/changing.txt', 'first version\n');
    const when = new Date(Date.UTC(2024, 0, 1));
    await site.touch('/changing.txt', when);
    const before = await etagOf(base, '/changing.txt');
    await site.write('/changing.txt', 'the second, longer version\n');
    await site.touch('/changing.txt', when);
    expect(await etagOf(base, '/changing.txt')).not.toBe(before);
  });

  test('a file modified "in the future" has a Last-Modified no later than Date (§8.8.2.1)', async () => {
    await site.write('/future.txt', 'from a build machine whose clock is ahead\n');
    await site.touch('/future.txt', new Date(Date.now() + 86_400_000));
    const base = await serve();
    const response = await get(`${base}/future.txt`);
    const lastModified = parseHttpDate(response.headers.get('last-modified') ?? '');
    const date = parseHttpDate(response.headers.get('date') ?? '');
    expect(lastModified?.getTime()).toBeLessThanOrEqual(date?.getTime() ?? 0);
  });
});

describe('RFC 9110 §13.1.2, §15.4.5: If-None-Match with the current ETag is a 304', () => {
  test('fetch sees a 304', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { 'If-None-Match': etag });
    expect(response.status).toBe(304);
  });

  test('the 304 carries the ETag and Date, and no representation metadata', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await httpGet(`${base}/hello.txt`, { 'If-None-Match': etag });
    expect(response.headers.etag).toBe(etag);
    expect(response.headers.date).toBeDefined();
    expect(response.headers['content-type']).toBeUndefined();
    expect(response.headers['last-modified']).toBeUndefined();
  });

  test('the 304 has no content and no Content-Length: it ends with its header section', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/bytes.bin');
    const response = await send(Number(new URL(base).port), '/bytes.bin', [
      ['If-None-Match', etag],
    ]);
    expect(response.status, response.shown).toBe(304);
    expect(response.body.length, response.shown).toBe(0);
    expect(response.headers.has('content-length'), response.shown).toBe(false);
  });

  test('the ETag marked weak still matches (weak comparison): 304', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { 'If-None-Match': `W/${etag}` });
    expect(response.status).toBe(304);
  });

  test('HEAD with the current ETag is a 304 too', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { 'If-None-Match': etag }, 'HEAD');
    expect(response.status).toBe(304);
  });

  test('an old ETag after the file changed: 200 with the new content', async () => {
    const base = await serve();
    await site.write('/edited.txt', 'draft\n');
    const old = await etagOf(base, '/edited.txt');
    await site.write('/edited.txt', 'final text\n');
    const response = await get(`${base}/edited.txt`, { 'If-None-Match': old });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('final text\n');
  });
});

describe('RFC 9110 §13.1.3: If-Modified-Since', () => {
  test('the Last-Modified value sent back: 304', async () => {
    const base = await serve();
    const first = await get(`${base}/hello.txt`);
    const lastModified = first.headers.get('last-modified') ?? '';
    const response = await get(`${base}/hello.txt`, { 'If-Modified-Since': lastModified });
    expect(response.status).toBe(304);
  });

  test('a date one second before the modification: 200 with the file', async () => {
    const when = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
    await site.touch('/hello.txt', when);
    const base = await serve();
    const since = imfFixdate(new Date(when.getTime() - 1000));
    const response = await get(`${base}/hello.txt`, { 'If-Modified-Since': since });
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(site.bytes('/hello.txt'));
  });
});

describe('RFC 9110 §13.1.1, §13.1.4, §15.5.13: a false If-Match or If-Unmodified-Since is a 412', () => {
  test('If-Match with another ETag: 412, and the text names the field', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { 'If-Match': '"not-the-current-one"' });
    expect(response.status).toBe(412);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await response.text();
    expect(text).toBe(PRECONDITION_FAILED_TEXT['If-Match']);
    expect(text).toContain('If-Match');
  });

  test('If-Match with the current ETag: 200', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { 'If-Match': etag });
    expect(response.status).toBe(200);
  });

  test('If-Unmodified-Since before the modification: 412', async () => {
    const when = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
    await site.touch('/hello.txt', when);
    const base = await serve();
    const response = await get(`${base}/hello.txt`, {
      'If-Unmodified-Since': imfFixdate(new Date(when.getTime() - 1000)),
    });
    expect(response.status).toBe(412);
    const text = await response.text();
    expect(text).toBe(PRECONDITION_FAILED_TEXT['If-Unmodified-Since']);
    expect(text).toContain('If-Unmodified-Since');
  });
});

describe('RFC 9110 §13.2.1: preconditions are ignored when the answer would not be a 2xx', () => {
  test('a missing file with If-Match: * is still a 404, not a 412', async () => {
    const base = await serve();
    const response = await get(`${base}/missing.txt`, { 'If-Match': '*' });
    expect(response.status).toBe(404);
  });

  test("a folder with If-None-Match: * is still kata 28's 404, not a 304", async () => {
    const base = await serve();
    const response = await get(`${base}/notes`, { 'If-None-Match': '*' });
    expect(response.status).toBe(404);
  });

  test('POST with If-None-Match: * is still a 405 with Allow', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { 'If-None-Match': '*' }, 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  test("a refused target (a dot-segment) stays kata 28's 400, Range or not", async () => {
    const port = Number(new URL(await serve()).port);
    const response = await send(port, '/notes/%2e%2e/hello.txt', [['Range', 'bytes=0-1']]);
    expect(response.status, response.shown).toBe(400);
  });
});

describe('RFC 9110 §14.2, §15.3.7.1: one range is a 206 with Content-Range', () => {
  test('bytes=0-4 of hello.txt: 206, Content-Range bytes 0-4/13, "hello"', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=0-4' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 0-4/13');
    expect(await response.text()).toBe('hello');
  });

  test("the 206 keeps the 200's Content-Type, ETag and Last-Modified; Content-Length is the part's", async () => {
    const base = await serve();
    const whole = await get(`${base}/hello.txt`);
    await whole.arrayBuffer();
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=7-' });
    for (const name of ['content-type', 'etag', 'last-modified']) {
      expect(response.headers.get(name), name).toBe(whole.headers.get(name));
    }
    expect(response.headers.get('content-length')).toBe('6');
  });

  test('a suffix-range of a binary file: the last 100 octets exactly', async () => {
    const base = await serve();
    const response = await get(`${base}/bytes.bin`, { Range: 'bytes=-100' });
    expect(response.headers.get('content-range')).toBe('bytes 3996-4095/4096');
    expect(await bytesOf(response)).toEqual(site.bytes('/bytes.bin').subarray(3996));
  });

  test('overlapping ranges coalesced into one are a single part, never multipart', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=0-5,3-8' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-range')).toBe('bytes 0-8/13');
  });

  test.skipIf(!HAS_CURL)(
    'curl -r 7-11 gets "world" (skipped without /usr/bin/curl: fetch covers it above)',
    async () => {
      const base = await serve();
      const output = await within(
        new Promise<string>((resolve, reject) =>
          execFile(CURL, ['-s', '-r', '7-11', `${base}/hello.txt`], (error, stdout) =>
            error ? reject(error) : resolve(stdout),
          ),
        ),
        'curl never finished',
      );
      expect(output).toBe('world');
    },
  );
});

describe('RFC 9110 §14.6, §15.3.7.2: several ranges are a multipart/byteranges 206', () => {
  async function multipart(range: string) {
    const base = await serve();
    const response = await get(`${base}/bytes.bin`, { Range: range });
    const boundary = boundaryOf(response.headers.get('content-type'));
    if (boundary === undefined) {
      throw new Error(`not multipart/byteranges: ${response.headers.get('content-type')}`);
    }
    return { response, parts: readParts(await bytesOf(response), boundary), boundary };
  }

  test("two ranges are two parts, each with the file's Content-Type and its Content-Range", async () => {
    const { response, parts } = await multipart('bytes=0-9,100-109');
    expect(response.status).toBe(206);
    expect(parts.map((part) => part.headers.get('content-range'))).toEqual([
      'bytes 0-9/4096',
      'bytes 100-109/4096',
    ]);
    expect(parts.map((part) => part.headers.get('content-type'))).toEqual([
      'application/octet-stream',
      'application/octet-stream',
    ]);
  });

  test('each part holds exactly its octets of the file', async () => {
    const { parts } = await multipart('bytes=4000-4009,-90,10-20');
    const file = site.bytes('/bytes.bin');
    // 4000-4009 and -90 (4006-4095) overlap: one part 4000-4095, in the place of the first
    expect(parts.map((part) => part.headers.get('content-range'))).toEqual([
      'bytes 4000-4095/4096',
      'bytes 10-20/4096',
    ]);
    expect(parts.map((part) => part.body)).toEqual([file.subarray(4000), file.subarray(10, 21)]);
  });

  test("the multipart 206 keeps the 200's ETag, Last-Modified and Accept-Ranges (§15.3.7)", async () => {
    const base = await serve();
    const whole = await get(`${base}/bytes.bin`);
    await whole.arrayBuffer();
    const { response } = await multipart('bytes=0-9,100-109');
    for (const name of ['etag', 'last-modified', 'accept-ranges', 'x-content-type-options']) {
      expect(response.headers.get(name), name).toBe(whole.headers.get(name));
    }
  });

  test('parts come in the order the client asked for them', async () => {
    const { parts } = await multipart('bytes=3000-3009,0-9,2000-2009');
    const file = site.bytes('/bytes.bin');
    expect(parts.map((part) => part.body)).toEqual([
      file.subarray(3000, 3010),
      file.subarray(0, 10),
      file.subarray(2000, 2010),
    ]);
  });

  // Why: a fixed boundary could be written into a file by whoever uploads it, and then read
  // as a part of the server's own making by the client.
  test('the boundary is not the same from one response to the next', async () => {
    const first = await multipart('bytes=0-0,2-2');
    const second = await multipart('bytes=0-0,2-2');
    expect(first.boundary).not.toBe(second.boundary);
  });

  test.skipIf(!HAS_CURL)(
    'curl -r 0-1,5-6 receives both parts (skipped without /usr/bin/curl: fetch covers it above)',
    async () => {
      const base = await serve();
      const output = await within(
        new Promise<string>((resolve, reject) =>
          execFile(CURL, ['-s', '-i', '-r', '0-1,5-6', `${base}/hello.txt`], (error, stdout) =>
            error ? reject(error) : resolve(stdout),
          ),
        ),
        'curl never finished',
      );
      expect(output).toMatch(/^HTTP\/1\.1 206 /);
      expect(output).toContain('Content-Range: bytes 0-1/13\r\n\r\nhe\r\n');
      expect(output).toContain('Content-Range: bytes 5-6/13\r\n\r\n, \r\n');
    },
  );
});

describe('RFC 9110 §14.2, §15.5.17: Ranges that are unsatisfiable or ignored', () => {
  test('a range past the end: 416 with Content-Range: bytes */13', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=13-' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */13');
    const text = await response.text();
    expect(text).toBe(RANGE_NOT_SATISFIABLE_TEXT);
    expect(text).toMatch(/range/i);
  });

  test('an invalid Range is ignored: 200 with the whole file', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=5-1' });
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(site.bytes('/hello.txt'));
  });

  test('a unit this server does not know is ignored: 200', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, { Range: 'lines=1-2' });
    expect(response.status).toBe(200);
  });

  test('an empty file with a Range: 200 and no content', async () => {
    const base = await serve();
    const response = await get(`${base}/empty.txt`, { Range: 'bytes=-5' });
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).length).toBe(0);
  });

  test("HEAD with a Range: 200 with the whole file's Content-Length, no content", async () => {
    const base = await serve();
    const response = await httpGet(`${base}/bytes.bin`, { Range: 'bytes=0-9' }, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('4096');
    expect(response.body.length).toBe(0);
  });

  // Why: CVE-2011-3192, "Apache Killer": each of many overlapping ranges was sent as its own
  // part, so one small request made the server build a response hundreds of times the file.
  test('a hundred overlapping whole ranges are answered with the file once', async () => {
    const base = await serve();
    const range = `bytes=${Array(100).fill('0-').join(',')}`;
    const response = await get(`${base}/bytes.bin`, { Range: range });
    expect(response.status).toBe(206);
    expect((await bytesOf(response)).length).toBe(4096);
  });
});

describe('RFC 9110 §13.1.5: If-Range sends the parts only if the representation is unchanged', () => {
  test('If-Range with the current ETag: 206', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=0-4', 'If-Range': etag });
    expect(response.status).toBe(206);
  });

  test('If-Range with an old ETag: 200 with the whole new content', async () => {
    const base = await serve();
    const response = await get(`${base}/hello.txt`, {
      Range: 'bytes=0-4',
      'If-Range': '"an-old-version"',
    });
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(site.bytes('/hello.txt'));
  });

  test("If-Range with the Last-Modified date: 200 (a file's date is no strong validator)", async () => {
    const base = await serve();
    const first = await get(`${base}/hello.txt`);
    const response = await get(`${base}/hello.txt`, {
      Range: 'bytes=0-4',
      'If-Range': first.headers.get('last-modified') ?? '',
    });
    expect(response.status).toBe(200);
  });

  test('If-None-Match with the ETag wins over a Range: 304', async () => {
    const base = await serve();
    const etag = await etagOf(base, '/hello.txt');
    const response = await get(`${base}/hello.txt`, { Range: 'bytes=0-4', 'If-None-Match': etag });
    expect(response.status).toBe(304);
  });
});

describe('the handler on its own: createConditionalHandler answers without a socket', () => {
  test('a 200 from kata 28 gets its validators, in a Response kata 20 can write', async () => {
    const handler = createConditionalHandler({ root: site.root });
    const response = await handler(
      {
        method: 'GET',
        target: { form: 'origin', text: '/hello.txt', path: '/hello.txt', query: undefined },
        version: 'HTTP/1.1',
        headers: parseHeaders(['Host: 127.0.0.1'], { version: 'HTTP/1.1' }),
        body: new Uint8Array(0),
        trailers: [],
      },
      { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2 },
    );
    const names = (response.headers ?? []).map(([name]) => name.toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['etag', 'last-modified', 'accept-ranges']));
  });
});
