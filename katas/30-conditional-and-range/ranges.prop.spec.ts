import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { readParts } from './fixtures/multipart.ts';
import { byteranges, parseRange } from './ranges.ts';

/** A range-spec as a client writes it, and the positions it asks for (RFC 9110 §14.1.2). */
type Spec = { text: string; wants: (size: number) => [number, number] | undefined };

const intRange: fc.Arbitrary<Spec> = fc
  .tuple(fc.nat(400), fc.option(fc.nat(400), { nil: undefined }))
  .map(([a, b]) => {
    const [first, last] = b === undefined ? [a, undefined] : [Math.min(a, b), Math.max(a, b)];
    return {
      text: `${first}-${last ?? ''}`,
      // satisfiable when first-pos < length; last-pos past the end is the last byte
      wants: (size) => (first < size ? [first, Math.min(last ?? size - 1, size - 1)] : undefined),
    };
  });
const suffixRange: fc.Arbitrary<Spec> = fc.nat(400).map((n) => ({
  text: `-${n}`,
  // satisfiable when the suffix-length is not zero; longer than the file is all of it
  wants: (size) => (n > 0 ? [Math.max(0, size - n), size - 1] : undefined),
}));
const specs = fc.array(fc.oneof(intRange, suffixRange), { minLength: 1, maxLength: 8 });
const size = fc.integer({ min: 1, max: 300 });

/** The set of positions a list of [first, last] pairs covers. */
function covered(pairs: readonly (readonly [number, number])[]): number[] {
  const positions = new Set<number>();
  for (const [first, last] of pairs) for (let i = first; i <= last; i++) positions.add(i);
  return [...positions].sort((a, b) => a - b);
}

describe('RFC 9110 §14.1.2, §15.3.7.2: the ranges sent are exactly the octets asked for', () => {
  test.prop([size, specs], { numRuns: 400 })(
    'the partial ranges cover the satisfiable range-specs, no more, no less',
    (length, list) => {
      const outcome = parseRange(`bytes=${list.map((s) => s.text).join(',')}`, length);
      const wanted = list.map((s) => s.wants(length)).filter((w) => w !== undefined);
      if (wanted.length === 0) {
        expect(outcome).toEqual({ kind: 'unsatisfiable' });
        return;
      }
      expect(outcome.kind).toBe('partial');
      if (outcome.kind !== 'partial') return;
      const sent = outcome.ranges.map((r) => [r.first, r.last] as const);
      expect(covered(sent)).toEqual(covered(wanted));
    },
  );

  test.prop([size, specs], { numRuns: 400 })(
    'no two ranges sent overlap or touch, and each lies inside the representation',
    (length, list) => {
      const outcome = parseRange(`bytes=${list.map((s) => s.text).join(',')}`, length);
      if (outcome.kind !== 'partial') return;
      const sorted = [...outcome.ranges].sort((a, b) => a.first - b.first);
      for (const r of sorted) {
        expect(r.first).toBeGreaterThanOrEqual(0);
        expect(r.first).toBeLessThanOrEqual(r.last);
        expect(r.last).toBeLessThan(length);
      }
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i]?.first ?? 0).toBeGreaterThan((sorted[i - 1]?.last ?? 0) + 1);
      }
    },
  );

  test.prop([size, specs], { numRuns: 400 })(
    'the ranges come in the order of the first range-spec each one serves',
    (length, list) => {
      const outcome = parseRange(`bytes=${list.map((s) => s.text).join(',')}`, length);
      if (outcome.kind !== 'partial') return;
      const firstAsked = outcome.ranges.map((r) =>
        list.findIndex((s) => {
          const w = s.wants(length);
          return w !== undefined && w[0] <= r.last && w[1] >= r.first;
        }),
      );
      expect(firstAsked).toEqual([...firstAsked].sort((a, b) => a - b));
    },
  );
});

/** What a Range field is made of, in any order: mostly no ranges-specifier at all. */
const rangeish = fc
  .array(
    fc.constantFrom(
      'bytes',
      'BYTES',
      'items',
      '=',
      '-',
      ',',
      ' ',
      '\t',
      '0',
      '7',
      '42',
      '99999999999999999999',
      'x',
      '',
    ),
    { maxLength: 14 },
  )
  .map((pieces) => pieces.join(''));

describe('RFC 9110 §14.2: any Range text is read or ignored, never an exception', () => {
  test.prop([rangeish, fc.nat(1000)], { numRuns: 1000 })(
    'parseRange gives whole, unsatisfiable or partial for anything',
    (value, length) => {
      expect(['whole', 'unsatisfiable', 'partial']).toContain(parseRange(value, length).kind);
    },
  );
});

describe('RFC 9110 §14.6: every part of a multipart/byteranges holds its slice', () => {
  test.prop(
    [
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.array(fc.tuple(fc.nat(299), fc.nat(299)), { minLength: 2, maxLength: 5 }),
      fc.stringMatching(/^[0-9A-Za-z'()+_,./:=?-]{1,40}$/),
    ],
    { numRuns: 300 },
  )(
    'read back by an RFC 2046 reader, each body is content[first..last]',
    (content, pairs, boundary) => {
      fc.pre(!Buffer.from(content).includes(`--${boundary}`));
      const ranges = pairs.map(([a, b]) => ({
        first: Math.min(a, b) % content.length,
        last: Math.min(Math.max(a, b), content.length - 1),
      }));
      fc.pre(ranges.every((r) => r.first <= r.last));
      const parts = readParts(
        Buffer.from(byteranges(content, ranges, 'text/plain', boundary)),
        boundary,
      );
      expect(parts.map((p) => [...p.body])).toEqual(
        ranges.map((r) => [...content.subarray(r.first, r.last + 1)]),
      );
    },
  );
});
