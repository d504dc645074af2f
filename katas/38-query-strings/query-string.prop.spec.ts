import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { formatQuery, parseQuery, type QueryPairs, queryObject } from './query-string.ts';

/**
 * Query text as clients and attackers write it: the separators, +, %, the characters on
 * either side of the hex digits in ASCII (/ : @ G ` g), hex digits, escapes well and badly
 * formed (of any byte, so invalid UTF-8 too), non-ASCII, and lone surrogates.
 */
const HEXDIG = '0123456789ABCDEFabcdef';
const piece = fc.oneof(
  fc.constantFrom(...'&=+%;?#/:@G`g', ...HEXDIG, 'a', ' ', 'é', '😀', '\ufeff'),
  fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
  fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).toUpperCase()}`),
  fc.constantFrom('%EF%BB%BF', '%C3', '%E2%82', '%ED%A0%80', '%F0%9F%98%80'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const queryText = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

/** Names and values as a user types them: any Unicode, lone surrogates and the separators too. */
const anyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(..."&=+% ~!'()*-._"),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  ),
  maxLength: 10,
});
const anyPairs = fc.array(fc.tuple(anyString, anyString), { maxLength: 6 });

/**
 * USVString: what a string becomes through UTF-8 (a lone surrogate is U+FFFD), as on its way
 * into URLSearchParams. ignoreBOM: a TextDecoder would otherwise drop a leading U+FEFF.
 */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const scalar = (text: string) => utf8.decode(new TextEncoder().encode(text));

const RUNS = { numRuns: 300 };

/** What URLSearchParams, the peer, writes for the same pairs. */
const peerFormat = (pairs: QueryPairs) =>
  new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, value])).toString();

/**
 * URL Standard 5.3: the string parser UTF-8 encodes its input first, so a character that is
 * not ASCII reads the same as its UTF-8 bytes percent-encoded (a lone surrogate as U+FFFD's).
 * The encoding starts with % and no such character is a hex digit, so no escape around it
 * changes meaning.
 */
const asciiForm = (text: string) =>
  [...text].map((char) => (char <= '\u007f' ? char : encodeURIComponent(scalar(char)))).join('');

/** Text whose escapes are all well formed and UTF-8: Node's own fast path (decodeURIComponent). */
const wellFormedText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'&=+;?#/:@ a', 'é', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '%'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).map(encodeURIComponent),
    ),
    { maxLength: 24 },
  )
  .map((pieces) => pieces.join(''));

describe('URL Standard 5.1: parseQuery reads what URLSearchParams reads', () => {
  test.prop([queryText], RUNS)(
    'the same pairs, in the same order, for any text (malformed escapes and invalid UTF-8 included)',
    (text) => {
      // Node's URLSearchParams (20 at least) decodes a piece that decodeURIComponent refuses
      // with querystring.unescapeBuffer, which writes each UTF-16 unit as one byte: wrong for
      // characters past U+007F (a=%41%0é gives A%0\ufffd). So the peer reads the ASCII form,
      // which the standard reads the same (see asciiForm). It strips one leading ?; the parser
      // itself does not, so it is given one to strip.
      expect(parseQuery(text)).toEqual([...new URLSearchParams(`?${asciiForm(text)}`)]);
    },
  );

  test.prop([queryText], RUNS)('the same pairs for the UTF-8 bytes of any text', (text) => {
    expect(parseQuery(new TextEncoder().encode(text))).toEqual([
      ...new URLSearchParams(`?${asciiForm(text)}`),
    ]);
  });

  test.prop([wellFormedText], RUNS)(
    'the same pairs for any text with well-formed escapes, read as it is',
    (text) => {
      expect(parseQuery(text)).toEqual([...new URLSearchParams(`?${text}`)]);
    },
  );

  test.prop([queryText], RUNS)('never throws, for any text', (text) => {
    expect(() => parseQuery(text)).not.toThrow();
  });
});

describe('URL Standard 5.2: formatQuery writes what URLSearchParams writes', () => {
  test.prop([anyPairs], RUNS)('the same text for any pairs, lone surrogates as U+FFFD', (pairs) => {
    expect(formatQuery(pairs)).toBe(peerFormat(pairs));
  });

  // WebIDL makes a record's keys USVStrings: two keys that differ only in a lone surrogate
  // become one for URLSearchParams (the last wins) and stay two here. Keys are scalar here.
  test.prop([fc.dictionary(anyString.map(scalar), anyString, { maxKeys: 5 })], RUNS)(
    'the same text for any record of strings, in its own key order',
    (record) => {
      expect(formatQuery(record)).toBe(new URLSearchParams(record).toString());
    },
  );

  test.prop(
    [fc.dictionary(anyString, fc.array(anyString, { maxLength: 3 }), { maxKeys: 4 })],
    RUNS,
  )('a record of arrays is the pairs of each name, each value in order', (record) => {
    const pairs = Object.entries(record).flatMap(([name, values]) =>
      values.map((value) => [name, value] as const),
    );
    expect(formatQuery(record)).toBe(peerFormat(pairs));
  });
});

describe('parse∘format: the pairs come back', () => {
  test.prop([anyPairs], RUNS)(
    'parseQuery(formatQuery(pairs)) is pairs, each string as a scalar value string',
    (pairs) => {
      const expected: QueryPairs = pairs.map(([name, value]) => [scalar(name), scalar(value)]);
      expect(parseQuery(formatQuery(pairs))).toEqual(expected);
    },
  );
});

describe('queryObject: every name once, its values as URLSearchParams.getAll gives them', () => {
  const fewNames = fc.array(
    fc.tuple(fc.constantFrom('a', 'b', 'c', '', '__proto__', 'constructor'), anyString),
    { maxLength: 8 },
  );
  test.prop([fewNames], RUNS)(
    'one value a string, repeats an array, in first-seen order',
    (generated) => {
      const params = new URLSearchParams();
      for (const [name, value] of generated) params.append(name, value);
      const object = queryObject([...params]);
      const names = [...new Set(params.keys())];
      expect(Object.keys(object)).toEqual(names);
      for (const name of names) {
        const all = params.getAll(name);
        expect(Object.getOwnPropertyDescriptor(object, name)?.value).toEqual(
          all.length === 1 ? all[0] : all,
        );
      }
    },
  );
});
