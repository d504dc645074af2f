import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunked, chunkings } from '../../support/harness/index.ts';
import { add, DEFAULT_NAME, debug, FORM_TYPE, hello } from './apps.ts';
import { call, environ, header } from './fixtures/gateway.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
/** Integers well past 2^53, where a Number would round. */
const integer = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
/** How an integer may be written: with a "+" or not, with leading zeros or not. */
const written = (n: bigint) =>
  fc.tuple(fc.boolean(), fc.nat({ max: 3 })).map(([plus, zeros]) => {
    const digits = '0'.repeat(zeros) + (n < 0n ? -n : n).toString();
    return n < 0n ? `-${digits}` : plus ? `+${digits}` : digits;
  });

describe('properties', () => {
  test.prop(
    [
      integer.chain((a) =>
        integer.chain((b) => fc.tuple(written(a), written(b), fc.constant(a + b))),
      ),
    ],
    {
      numRuns: 100,
    },
  )(
    'add: for any integers written with optional sign and leading zeros, GET ?a&b answers their exact sum',
    async ([a, b, sum]) => {
      const called = await call(add, environ({ target: `/?${form({ a, b })}` }));
      expect(called.text).toBe(`${sum}\n`);
      expect(header(called, 'content-length')).toBe(String(Buffer.byteLength(called.text)));
    },
  );

  test.prop(
    [
      fc.tuple(integer, integer).chain(([a, b]) =>
        chunkings(Buffer.from(form({ a: String(a), b: String(b) }))).map((chunks) => ({
          chunks,
          sum: a + b,
        })),
      ),
    ],
    { numRuns: 100 },
  )(
    'add: a POST form body gives the same sum however gateway.input cuts it',
    async ({ chunks, sum }) => {
      const called = await call(
        add,
        environ({ method: 'POST', headers: { 'Content-Type': FORM_TYPE }, body: chunks }),
      );
      expect(called.text).toBe(`${sum}\n`);
    },
  );

  test.prop([fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })], { numRuns: 100 })(
    'hello: any name, form-encoded in the query, is greeted as written, its length counted in UTF-8 bytes',
    async (name) => {
      const called = await call(hello, environ({ target: `/?${form({ name })}` }));
      const expected = `Hello, ${name}!\n`;
      expect(called.text).toBe(expected);
      expect(header(called, 'content-length')).toBe(String(Buffer.byteLength(expected)));
    },
  );

  test.prop([fc.constantFrom('', '?', '?name=', '?x=1', '?name=&x=1')])(
    'hello: a query with no name or an empty one greets the default',
    async (query) => {
      const called = await call(hello, environ({ target: `/${query}` }));
      expect(called.text).toBe(`Hello, ${DEFAULT_NAME}!\n`);
    },
  );

  test.prop([chunked(anyBytes())], { numRuns: 100 })(
    'debug: any body, in any chunking, comes back byte for byte after the blank line',
    async ({ bytes, chunks }) => {
      const called = await call(debug, environ({ method: 'POST', body: chunks }));
      const text = Buffer.from(called.body).toString('latin1');
      const blank = text.indexOf('\n\n');
      expect(Buffer.from(called.body.subarray(blank + 2))).toEqual(bytes);
    },
  );

  test.prop(
    [
      fc.dictionary(
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/).map((name) => `HTTP_${name}`),
        fc.stringMatching(/^[ -~]{0,20}$/),
        { maxKeys: 6 },
      ),
    ],
    { numRuns: 100 },
  )('debug: every HTTP_* variable the server sets is listed as name=value', async (fields) => {
    const called = await call(debug, environ({ extra: fields }));
    const lines = called.text.split('\n');
    for (const [name, value] of Object.entries(fields)) expect(lines).toContain(`${name}=${value}`);
  });
});
