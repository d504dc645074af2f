import { describe, expect, test } from 'vitest';
import { boundaryOf, readParts } from './fixtures/multipart.ts';
import {
  byteranges,
  byterangesType,
  contentRange,
  MAX_RANGES,
  parseRange,
  unsatisfiedRange,
} from './ranges.ts';

/** The RFC's examples assume "a representation of length 10000". */
const SIZE = 10_000;
const partial = (...ranges: [number, number][]) => ({
  kind: 'partial',
  ranges: ranges.map(([first, last]) => ({ first, last })),
});

describe('RFC 9110 §14.1.2: the examples of bytes range specifiers, for a length of 10000', () => {
  test('the first 500 bytes: bytes=0-499', () => {
    expect(parseRange('bytes=0-499', SIZE)).toEqual(partial([0, 499]));
  });

  test('the second 500 bytes: bytes=500-999', () => {
    expect(parseRange('bytes=500-999', SIZE)).toEqual(partial([500, 999]));
  });

  test('the final 500 bytes as a suffix-range: bytes=-500', () => {
    expect(parseRange('bytes=-500', SIZE)).toEqual(partial([9500, 9999]));
  });

  test('the final 500 bytes with no last-pos: bytes=9500-', () => {
    expect(parseRange('bytes=9500-', SIZE)).toEqual(partial([9500, 9999]));
  });

  test('the first and last bytes only: bytes=0-0,-1', () => {
    expect(parseRange('bytes=0-0,-1', SIZE)).toEqual(partial([0, 0], [9999, 9999]));
  });

  test('the first, middle and last 1000 bytes, with spaces: bytes= 0-999, 4500-5499, -1000', () => {
    expect(parseRange('bytes= 0-999, 4500-5499, -1000', SIZE)).toEqual(
      partial([0, 999], [4500, 5499], [9000, 9999]),
    );
  });

  test('ranges that touch are coalesced: bytes=500-600,601-999 is 500-999', () => {
    expect(parseRange('bytes=500-600,601-999', SIZE)).toEqual(partial([500, 999]));
  });

  test('ranges that overlap are coalesced: bytes=500-700,601-999 is 500-999', () => {
    expect(parseRange('bytes=500-700,601-999', SIZE)).toEqual(partial([500, 999]));
  });
});

describe('RFC 9110 §14.1.2: positions past the end, large numerals, unit case', () => {
  test('a last-pos at or past the length is the last byte: bytes=9000-20000', () => {
    expect(parseRange('bytes=9000-20000', SIZE)).toEqual(partial([9000, 9999]));
  });

  test('a suffix longer than the representation is all of it: bytes=-20000', () => {
    expect(parseRange('bytes=-20000', SIZE)).toEqual(partial([0, 9999]));
  });

  test('a last-pos of 23 digits is no overflow: bytes=0-99999999999999999999999', () => {
    expect(parseRange('bytes=0-99999999999999999999999', SIZE)).toEqual(partial([0, 9999]));
  });

  test('a first-pos of 20 digits is past the end: unsatisfiable', () => {
    expect(parseRange('bytes=99999999999999999999-', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  test('"All range unit names are case-insensitive" (§14.1): BYTES=0-1', () => {
    expect(parseRange('BYTES=0-1', SIZE)).toEqual(partial([0, 1]));
  });

  test('OWS of any length is allowed around each range-spec: bytes= \t0-1 \t, \t5-6\t ', () => {
    expect(parseRange('bytes= \t0-1 \t, \t5-6\t ', SIZE)).toEqual(partial([0, 1], [5, 6]));
  });

  test('empty list elements are skipped (§5.6.1.2): bytes=,0-1,,', () => {
    expect(parseRange('bytes=,0-1,,', SIZE)).toEqual(partial([0, 1]));
  });
});

describe('RFC 9110 §14.2: a Range the server ignores sends the whole representation', () => {
  test('a unit other than bytes "MUST" be ignored: items=0-1', () => {
    expect(parseRange('items=0-1', SIZE)).toEqual({ kind: 'whole', because: 'unit' });
  });

  test.each([
    ['no "="', 'bytes 0-1'],
    ['a unit alone', 'bytes'],
    ['a unit that is no token', 'b@d=0-1'],
    ['whitespace inside a range-spec', 'bytes=0 -1'],
    ['a space before "="', 'bytes =0-1'],
    ['no unit', '=0-1'],
    ['no range-spec', 'bytes='],
    ['only commas', 'bytes=,,'],
    ['last-pos less than first-pos (§14.1.1: invalid)', 'bytes=1-0'],
    ['a range-spec that is not a number', 'bytes=a-b'],
    ['two dashes', 'bytes=--1'],
    ['three positions', 'bytes=0-1-2'],
    ['a lone dash', 'bytes=-'],
    ['a negative first-pos', 'bytes=-1-5'],
    ['a sign', 'bytes=+1-5'],
    ['one invalid range-spec among valid ones', 'bytes=0-1,x,4-5'],
    ['an empty value', ''],
  ])('%s is invalid: ignored (%s)', (_, value) => {
    expect(parseRange(value, SIZE)).toEqual({ kind: 'whole', because: 'syntax' });
  });

  // Why: CVE-2011-3192 ("Apache Killer"): a few hundred overlapping ranges per request made
  // Apache build a huge response for each; §14.2 lets a server ignore such a field.
  test(`more than MAX_RANGES (${MAX_RANGES}) range-specs are ignored: too-many`, () => {
    const value = `bytes=${Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(',')}`;
    expect(parseRange(value, SIZE)).toEqual({ kind: 'whole', because: 'too-many' });
  });

  test(`exactly MAX_RANGES range-specs are read (and coalesced)`, () => {
    const value = `bytes=${Array.from({ length: MAX_RANGES }, (_, i) => `${i}-${i}`).join(',')}`;
    expect(parseRange(value, SIZE)).toEqual(partial([0, MAX_RANGES - 1]));
  });

  test('an empty representation: ignored, even for a suffix-range', () => {
    expect(parseRange('bytes=-5', 0)).toEqual({ kind: 'whole', because: 'empty' });
  });

  test('an invalid field is syntax even for an empty representation', () => {
    expect(parseRange('bytes=5-1', 0)).toEqual({ kind: 'whole', because: 'syntax' });
  });
});

describe('RFC 9110 §14.1.2, §15.5.17: no satisfiable range-spec is a 416', () => {
  test('a first-pos at the length: bytes=10000-', () => {
    expect(parseRange('bytes=10000-', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  test('a suffix-length of zero: bytes=-0', () => {
    expect(parseRange('bytes=-0', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  test('every range-spec past the end: bytes=10000-10005,20000-', () => {
    expect(parseRange('bytes=10000-10005,20000-', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  test('one satisfiable range-spec among unsatisfiable ones is that range alone', () => {
    expect(parseRange('bytes=20000-,-0,5-9', SIZE)).toEqual(partial([5, 9]));
  });

  test('the last byte of a one-byte representation: bytes=0-0 of 1', () => {
    expect(parseRange('bytes=0-0', 1)).toEqual(partial([0, 0]));
  });
});

describe('RFC 9110 §15.3.7.2: coalesced ranges, sent "in the same order that the corresponding range-spec appeared"', () => {
  test("ranges out of order stay in the client's order: bytes=5000-5099,0-99", () => {
    expect(parseRange('bytes=5000-5099,0-99', SIZE)).toEqual(partial([5000, 5099], [0, 99]));
  });

  test('a coalesced range takes the place of its first range-spec: bytes=9000-9099,0-99,50-150', () => {
    expect(parseRange('bytes=9000-9099,0-99,50-150', SIZE)).toEqual(
      partial([9000, 9099], [0, 150]),
    );
  });

  test('the place is the earliest, whichever range-spec starts lower: bytes=50-150,9000-9099,0-99', () => {
    expect(parseRange('bytes=50-150,9000-9099,0-99', SIZE)).toEqual(
      partial([0, 150], [9000, 9099]),
    );
  });

  test('a range inside another is absorbed: bytes=0-999,10-20', () => {
    expect(parseRange('bytes=0-999,10-20', SIZE)).toEqual(partial([0, 999]));
  });

  test('a gap of one byte is kept: bytes=0-9,11-20 is two ranges', () => {
    expect(parseRange('bytes=0-9,11-20', SIZE)).toEqual(partial([0, 9], [11, 20]));
  });

  test('three ranges chained by overlaps become one: bytes=0-10,20-30,5-25', () => {
    expect(parseRange('bytes=0-10,20-30,5-25', SIZE)).toEqual(partial([0, 30]));
  });

  // Why: the Apache Killer again: bytes=0-,0-,0-,… must not make a response many times the
  // file; coalesced, it is the file once.
  test('the same whole range a hundred times is one range', () => {
    const value = `bytes=${Array(MAX_RANGES).fill('0-').join(',')}`;
    expect(parseRange(value, SIZE)).toEqual(partial([0, 9999]));
  });
});

describe('RFC 9110 §14.4: Content-Range = range-unit SP ( range-resp / unsatisfied-range )', () => {
  test('the first 500 bytes of 1234: bytes 0-499/1234', () => {
    expect(contentRange({ first: 0, last: 499 }, 1234)).toBe('bytes 0-499/1234');
  });

  test('the last 500 bytes of 1234: bytes 734-1233/1234', () => {
    expect(contentRange({ first: 734, last: 1233 }, 1234)).toBe('bytes 734-1233/1234');
  });

  test('a 416 says the current length: bytes */1234', () => {
    expect(unsatisfiedRange(1234)).toBe('bytes */1234');
  });
});

describe('RFC 9110 §14.6, RFC 2046 §5.1.1: multipart/byteranges', () => {
  const content = Buffer.from('0123456789');

  test('the Content-Type names the boundary: multipart/byteranges; boundary=…', () => {
    expect(byterangesType('THIS_STRING_SEPARATES')).toBe(
      'multipart/byteranges; boundary=THIS_STRING_SEPARATES',
    );
  });

  test('each part is a delimiter, Content-Type, Content-Range, an empty line and its octets', () => {
    const body = byteranges(
      content,
      [
        { first: 0, last: 1 },
        { first: 7, last: 9 },
      ],
      'text/plain',
      'SEP',
    );
    const expected =
      '--SEP\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01' +
      '\r\n--SEP\r\nContent-Type: text/plain\r\nContent-Range: bytes 7-9/10\r\n\r\n789' +
      '\r\n--SEP--\r\n';
    expect(Buffer.from(body).toString('latin1')).toBe(expected);
  });

  test('the parts carry binary octets exactly, CR and LF included', () => {
    const binary = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0d, 0x0a]);
    const ranges = [
      { first: 0, last: 2 },
      { first: 5, last: 7 },
    ];
    const body = Buffer.from(byteranges(binary, ranges, 'application/octet-stream', 'b0undary'));
    const parts = readParts(body, 'b0undary');
    expect(parts.map((part) => [...part.body])).toEqual([
      [0x0d, 0x0a, 0x2d],
      [0xff, 0x0d, 0x0a],
    ]);
    expect(parts.map((part) => part.headers.get('content-range'))).toEqual([
      'bytes 0-2/8',
      'bytes 5-7/8',
    ]);
    expect(boundaryOf(byterangesType('b0undary'))).toBe('b0undary');
  });
});
