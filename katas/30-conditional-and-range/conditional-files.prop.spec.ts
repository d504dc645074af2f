import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { chunkings, listen, within } from '../../support/harness/index.ts';
import { createConditionalServer } from './conditional-files.ts';
import { exchange, requestBytes } from './fixtures/exchange.ts';
import { boundaryOf, readParts } from './fixtures/multipart.ts';
import { makeSite, type Site } from './fixtures/site.ts';

let site: Site;
beforeAll(async () => {
  site = await makeSite();
});
afterAll(() => site.remove());

let written = 0;
/** A file of the given octets, under a fresh name, and a server for the site. */
async function serveFile(content: Uint8Array): Promise<{ url: string; port: number }> {
  const target = `/generated-${written++}.bin`;
  await site.write(target, Buffer.from(content));
  const port = await listen(createConditionalServer({ root: site.root }));
  return { url: `http://127.0.0.1:${port}${target}`, port };
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** The octets a Content-Range names, checked against the file. */
function sliceOf(content: Uint8Array, contentRange: string | null | undefined): Buffer {
  const match = CONTENT_RANGE.exec(contentRange ?? '');
  if (match === null) throw new Error(`not a byte range-resp: ${contentRange}`);
  expect(Number(match[3])).toBe(content.length);
  return Buffer.from(content.subarray(Number(match[1]), Number(match[2]) + 1));
}

/** A valid range-spec for a file of `length` octets, and the octets it asks for. */
function rangeSpec(length: number): fc.Arbitrary<{ text: string; first: number; last: number }> {
  return fc.oneof(
    fc.tuple(fc.nat(length - 1), fc.nat(length + 20)).map(([first, end]) => {
      const last = Math.max(first, end);
      return { text: `${first}-${last}`, first, last: Math.min(last, length - 1) };
    }),
    fc.nat(length - 1).map((first) => ({ text: `${first}-`, first, last: length - 1 })),
    fc.integer({ min: 1, max: length + 20 }).map((n) => ({
      text: `-${n}`,
      first: Math.max(0, length - n),
      last: length - 1,
    })),
  );
}

describe("RFC 9110 §14.1.2, §15.3.7.1: for any valid range, fetch gets exactly the file's slice", () => {
  test.prop(
    [
      fc
        .uint8Array({ minLength: 1, maxLength: 3000 })
        .chain((content) => rangeSpec(content.length).map((range) => ({ content, range }))),
    ],
    { numRuns: 25 },
  )(
    '206, Content-Range first-last/length, and content[first..last]',
    async ({ content, range }) => {
      const { url } = await serveFile(content);
      const response = await within(
        fetch(url, { headers: { Range: `bytes=${range.text}` } }),
        `no response to bytes=${range.text}`,
      );
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(
        `bytes ${range.first}-${range.last}/${content.length}`,
      );
      const body = Buffer.from(await within(response.arrayBuffer(), 'the 206 never ended'));
      expect(body).toEqual(Buffer.from(content.subarray(range.first, range.last + 1)));
    },
  );

  test.prop(
    [
      fc
        .uint8Array({ minLength: 1, maxLength: 3000 })
        .chain((content) =>
          fc
            .array(rangeSpec(content.length), { minLength: 2, maxLength: 5 })
            .map((ranges) => ({ content, ranges })),
        ),
    ],
    { numRuns: 25 },
  )(
    'several ranges: every part, single or multipart, is the slice its Content-Range names',
    async ({ content, ranges }) => {
      const { url } = await serveFile(content);
      const value = `bytes=${ranges.map((r) => r.text).join(',')}`;
      const response = await within(
        fetch(url, { headers: { Range: value } }),
        `no response to ${value}`,
      );
      expect(response.status).toBe(206);
      const body = Buffer.from(await within(response.arrayBuffer(), 'the 206 never ended'));
      const boundary = boundaryOf(response.headers.get('content-type'));
      const parts =
        boundary === undefined
          ? [{ range: response.headers.get('content-range'), body }]
          : readParts(body, boundary).map((p) => ({
              range: p.headers.get('content-range'),
              body: p.body,
            }));
      const asked = new Set(
        ranges.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i)),
      );
      let sent = 0;
      for (const part of parts) {
        expect(part.body).toEqual(sliceOf(content, part.range));
        sent += part.body.length;
      }
      // coalesced: every asked octet once, and no other
      expect(sent).toBe(asked.size);
    },
  );
});

/** Field values a client might send, and ones nobody should: all valid field-value octets. */
const fieldValue = fc.oneof(
  fc.constantFrom(
    '*',
    '""',
    'W/""',
    '"x", *',
    'bytes=0-',
    'bytes=-0',
    'Sun, 06 Nov 1994 08:49:37 GMT',
  ),
  fc.stringMatching(/^[\x21-\x7e](?:[\x20-\x7e\t]{0,30}[\x21-\x7e])?$/),
);
const FIELDS = [
  'If-Match',
  'If-None-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
  'If-Range',
  'Range',
];
const conditional = fc
  .tuple(
    fc.constantFrom('GET', 'HEAD'),
    fc.constantFrom('/hello.txt', '/bytes.bin', '/empty.txt'),
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), fieldValue), { maxLength: 6 }),
  )
  .chain(([method, target, fields]) =>
    chunkings(requestBytes(target, fields, method)).map((chunks) => ({ method, fields, chunks })),
  );

describe('RFC 9110 §13, §14: generated precondition and Range fields, cut anywhere, never break the server', () => {
  test.prop([conditional], { numRuns: 25 })(
    'the answer is 200, 206, 304, 412 or 416, and the server answers the next request',
    async ({ chunks }) => {
      const port = await listen(createConditionalServer({ root: site.root }));
      const response = await exchange(port, chunks);
      expect([200, 206, 304, 412, 416], response.shown).toContain(response.status);
      const next = await exchange(port, [requestBytes('/hello.txt')]);
      expect(next.status, next.shown).toBe(200);
    },
  );
});
