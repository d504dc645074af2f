import zlib from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunked, shown } from '../../support/harness/index.ts';
import { call, environ, header } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App } from '../33-gateway-apps/gateway.ts';
import { type ContentCoding, compress, negotiateEncoding } from './compress.ts';

/** Names a client may send: the two on offer, identity, the wildcard, an alias, and others. */
const NAMES = ['gzip', 'br', 'identity', '*', 'x-gzip', 'deflate', 'zstd'] as const;
type Name = (typeof NAMES)[number];
/** The name a coding goes by (RFC 9110 §8.4.1.3: x-gzip is gzip). */
const canonical = (name: Name) => (name === 'x-gzip' ? 'gzip' : name);

/** A weight in thousandths, or none (the default weight, 1). */
const element = fc.record({
  name: fc.constantFrom(...NAMES),
  weight: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  ows: fc.constantFrom('', ' ', '\t', '  '),
  digits: fc.integer({ min: 0, max: 2 }),
});
type Element = typeof element extends fc.Arbitrary<infer T> ? T : never;

/** RFC 9110 §12.4.2: a qvalue, written with as many decimals as it needs (and up to three). */
function qvalue(thousandths: number, extra: number): string {
  if (thousandths === 1000) return `1.${'0'.repeat(extra + 1)}`.slice(0, 5);
  const text = (thousandths / 1000).toFixed(3).replace(/0+$/, '');
  const decimals = text.split('.')[1]?.length ?? 0;
  return `${text}${'0'.repeat(Math.min(extra, 3 - decimals))}`.replace(
    /\.$/,
    thousandths === 0 ? '' : '.',
  );
}

function render(elements: readonly Element[]): string {
  return elements
    .map(({ name, weight, upper, ows, digits }) => {
      const cased = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
      return weight === undefined ? cased : `${cased}${ows};${ows}q=${qvalue(weight, digits)}`;
    })
    .join(`,${elements.length % 2 === 0 ? ' ' : ''}`);
}

/** Each name once: the rule for a name listed twice is not the RFC's to say. */
const list = fc.uniqueArray(element, {
  selector: (e) => canonical(e.name),
  maxLength: NAMES.length,
});
const offer = fc.constantFrom<readonly ContentCoding[]>(
  ['br', 'gzip'],
  ['gzip', 'br'],
  ['gzip'],
  ['br'],
);

/** RFC 9110 §12.5.3 and §12.4.2, on the elements as generated (not as parsed). */
function expected(elements: readonly Element[], available: readonly ContentCoding[]) {
  const weightOf = (name: string) => {
    const found = elements.find((e) => canonical(e.name) === name);
    return found === undefined ? undefined : (found.weight ?? 1000);
  };
  const wildcard = weightOf('*') ?? 0;
  const weights = available.map((coding) => weightOf(coding) ?? wildcard);
  const top = Math.max(0, ...weights);
  const identity = weightOf('identity');
  if (top === 0 || (identity !== undefined && identity > top)) return 'identity';
  return available[weights.indexOf(top)];
}

describe('RFC 9110 §12.5.3: the chosen coding, for any Accept-Encoding', () => {
  test.prop([list, offer], { numRuns: 300 })(
    "the acceptable coding of highest weight (ties to the server's order); identity when it weighs more, or when none is acceptable",
    (elements, available) => {
      const value = render(elements);
      expect(negotiateEncoding(value, available), value).toBe(expected(elements, available));
    },
  );
  test.prop([list, offer], { numRuns: 200 })(
    'a coding with weight 0, or not listed without "*", is never chosen',
    (elements, available) => {
      const value = render(elements);
      const chosen = negotiateEncoding(value, available);
      if (chosen === 'identity') return;
      const own = elements.find((e) => canonical(e.name) === chosen);
      const wildcard = elements.find((e) => e.name === '*');
      const weight = own !== undefined ? (own.weight ?? 1000) : (wildcard?.weight ?? 1000);
      expect(own ?? wildcard, value).toBeDefined();
      expect(weight, value).toBeGreaterThan(0);
    },
  );
  test.prop([list, offer], { numRuns: 200 })(
    'the order of the elements does not matter',
    (elements, available) => {
      expect(negotiateEncoding(render([...elements].reverse()), available)).toBe(
        negotiateEncoding(render(elements), available),
      );
    },
  );
});

const codings = fc.constantFrom<ContentCoding>('gzip', 'br');
const decode = (coding: ContentCoding, body: Uint8Array) =>
  coding === 'gzip' ? zlib.gunzipSync(body) : zlib.brotliDecompressSync(body);

describe('RFC 9110 §8.4: an encoded body decodes to the octets the app gave, in any chunks', () => {
  test.prop([chunked(fc.uint8Array({ maxLength: 4000 })), codings, fc.boolean()], { numRuns: 40 })(
    'gzip and br, sync and async bodies',
    async ({ bytes, chunks }, coding, async) => {
      const app: App = (_env, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
        return async
          ? (async function* () {
              yield* chunks;
            })()
          : chunks;
      };
      const response = await call(
        compress()(app),
        environ({ headers: { 'Accept-Encoding': coding } }),
      );
      expect(header(response, 'content-encoding')).toBe(coding);
      expect(shown(Buffer.from(decode(coding, response.body)))).toEqual(bytes);
    },
  );
});
