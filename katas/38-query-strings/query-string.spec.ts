import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { curl, HAS_CURL, withCurl } from '../27-hello-server/fixtures/clients.ts';
import type { App } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { formatQuery, parseQuery, type QueryPairs, queryObject } from './query-string.ts';

/** What URLSearchParams, the peer, reads from the same text. */
const peer = (text: string): QueryPairs => [...new URLSearchParams(text)];

/** What URLSearchParams writes for the same pairs. */
const peerFormat = (pairs: QueryPairs) =>
  new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, value])).toString();

describe('URL Standard 5.1: split on 0x26 (&), then cut each piece at its first 0x3D (=)', () => {
  test('pairs come back in the order of the text', () => {
    expect(parseQuery('b=2&a=1')).toEqual([
      ['b', '2'],
      ['a', '1'],
    ]);
  });

  test('a repeated name is kept, each time, in place', () => {
    expect(parseQuery('a=1&b=2&a=3')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
  });

  test('"If bytes is the empty byte sequence, then continue": empty pieces give no pair', () => {
    expect(parseQuery('&&a=1&&b=2&')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  test('the empty text is no pairs at all', () => {
    expect(parseQuery('')).toEqual([]);
  });

  test('a piece without = is a name with the empty value', () => {
    expect(parseQuery('flag&x=1')).toEqual([
      ['flag', ''],
      ['x', '1'],
    ]);
  });

  test('only the first = cuts: the value keeps the others', () => {
    expect(parseQuery('expr=a==b=c')).toEqual([['expr', 'a==b=c']]);
  });

  test('"If 0x3D (=) is the first byte, then name will be the empty byte sequence"', () => {
    expect(parseQuery('=x&=')).toEqual([
      ['', 'x'],
      ['', ''],
    ]);
  });

  test('a leading ? is data: the parser takes the query without it (URLSearchParams strips one)', () => {
    expect(parseQuery('?a=1')).toEqual(peer('??a=1'));
    expect(parseQuery('?a=1')[0]?.[0]).toBe('?a');
  });

  test('; is no separator: it is data', () => {
    expect(parseQuery('a=1;b=2')).toEqual([['a', '1;b=2']]);
  });
});

describe('URL Standard 5.1: "Replace any 0x2B (+) in name and value with 0x20 (SP)"; RFC 3986 has no such rule', () => {
  test('+ is a space, in the value and in the name', () => {
    expect(parseQuery('first+name=Ada+Lovelace')).toEqual([['first name', 'Ada Lovelace']]);
  });

  test('%2B is a plus: the + is replaced before percent-decoding, never after', () => {
    expect(parseQuery('lang=C%2B%2B')).toEqual([['lang', 'C++']]);
  });

  test('decodeURIComponent (RFC 3986 percent-decoding) leaves + alone: not the same as the form rule', () => {
    expect(decodeURIComponent('a+b')).toBe('a+b');
    expect(parseQuery('q=a+b')).toEqual([['q', 'a b']]);
  });
});

describe('URL Standard 1.3: percent-decode, "%" followed by two ASCII hex digits is one byte', () => {
  test('upper- and lowercase hex digits are the same byte', () => {
    expect(parseQuery('a=%4a%4A%6f%6F')).toEqual([['a', 'JJoo']]);
  });

  test('every hex digit, 0-9 A-F a-f, has its value', () => {
    const all = '0123456789ABCDEFabcdef';
    const text = [...all].map((digit) => `%3${digit}%${digit}0`).join('');
    expect(parseQuery(`x=${text}`)).toEqual(peer(`x=${text}`));
  });

  test('percent-encoded bytes are UTF-8: %C3%AB is ë', () => {
    expect(parseQuery('name=Zo%C3%AB')).toEqual([['name', 'Zoë']]);
  });

  test('an encoded & or = is data, not a separator', () => {
    expect(parseQuery('a%26b=c%3Dd')).toEqual([['a&b', 'c=d']]);
  });

  test('each escape is decoded once: %2541 is %41, not A', () => {
    expect(parseQuery('p=%2541')).toEqual([['p', '%41']]);
  });

  test('text that is not ASCII is its own UTF-8 bytes', () => {
    expect(parseQuery('q=Zoë+😀')).toEqual([['q', 'Zoë 😀']]);
  });
});

describe('URL Standard 1.3: a % not followed by two hex digits is kept as it is, never an error', () => {
  test.each([
    ['a lone %', '%', [['%', '']]],
    ['% at the end of a value', 'a=50%', [['a', '50%']]],
    ['one hex digit', 'a=%4', [['a', '%4']]],
    ['no hex digits', 'a=%zz', [['a', '%zz']]],
    ['a hex digit then not', 'a=%4g', [['a', '%4g']]],
    ['not then a hex digit', 'a=%g4', [['a', '%g4']]],
    ['a % before an escape', 'a=%%41', [['a', '%A']]],
  ] as const)('%s: %s', (_, text, expected) => {
    expect(parseQuery(text)).toEqual(expected);
  });

  test('the characters next to the hex digits in ASCII (/ : @ G ` g) are no hex digits', () => {
    const text = [
      '%/0',
      '%:0',
      '%@0',
      '%G0',
      '%`0',
      '%g0',
      '%0/',
      '%0:',
      '%0@',
      '%0G',
      '%0`',
      '%0g',
    ]
      .map((percent, i) => `k${i}=${percent}`)
      .join('&');
    expect(parseQuery(text)).toEqual(peer(text));
    expect(parseQuery(text).every(([, value]) => value.startsWith('%'))).toBe(true);
  });

  test('a malformed escape next to a character past U+007F: both kept as they are', () => {
    // The standard's answer. Node's URLSearchParams (20 at least) gives A%0\ufffd here: it
    // falls back to querystring.unescapeBuffer, which writes é (U+00E9) as the one byte E9.
    expect(parseQuery('a=%41%0é')).toEqual([['a', 'A%0é']]);
  });

  test('decodeURIComponent throws on the same text: the form parser must not', () => {
    expect(() => decodeURIComponent('50%')).toThrow(URIError);
    expect(() => parseQuery('a=50%&b=%E0%A4%A')).not.toThrow();
  });
});

describe('URL Standard 5.1: "UTF-8 decode without BOM" (the Encoding Standard)', () => {
  test('a byte that is no UTF-8 becomes U+FFFD', () => {
    expect(parseQuery('a=%FF')).toEqual([['a', '\ufffd']]);
  });

  test('a truncated sequence becomes U+FFFD, the next character kept', () => {
    expect(parseQuery('a=%C3x')).toEqual([['a', '\ufffdx']]);
  });

  test('invalid sequences give as many U+FFFD as URLSearchParams gives', () => {
    const text = 'a=%C0%AF&b=%ED%A0%80&c=%F0%9F%98&d=%E2%82';
    expect(parseQuery(text)).toEqual(peer(text));
  });

  test('"without BOM": a leading EF BB BF is U+FEFF, kept, not stripped', () => {
    expect(parseQuery('%EF%BB%BFa=%EF%BB%BFb')).toEqual([['\ufeffa', '\ufeffb']]);
  });

  test('a lone surrogate in the text is UTF-8 encoded as U+FFFD first (the string parser, 5.3)', () => {
    expect(parseQuery('\ud800=x\udc00')).toEqual([['\ufffd', 'x\ufffd']]);
  });
});

/** Bytes written out: strings as their UTF-8, numbers as one byte each. */
const bytesOf = (...parts: (string | number)[]) =>
  Uint8Array.from(
    parts.flatMap((part) =>
      typeof part === 'number' ? [part] : [...new TextEncoder().encode(part)],
    ),
  );

describe('URL Standard 5.1: the parser takes bytes (a urlencoded body as it came)', () => {
  test('bytes that are the UTF-8 of a text give the pairs of that text', () => {
    const text = 'a=1&b=Zo%C3%AB+x&&c&=d';
    expect(parseQuery(new TextEncoder().encode(text))).toEqual(peer(text));
  });

  test('a raw byte and a percent-encoded one make one UTF-8 sequence: C3 then %A9 is é', () => {
    expect(parseQuery(bytesOf('a=', 0xc3, '%A9'))).toEqual([['a', 'é']]);
  });

  test('a raw byte that is no UTF-8 becomes U+FFFD', () => {
    expect(parseQuery(bytesOf('a=', 0xff, 'b'))).toEqual([['a', '\ufffdb']]);
  });

  test('a raw BOM (EF BB BF) at the start of a body is kept, as U+FEFF in the first name', () => {
    expect(parseQuery(bytesOf(0xef, 0xbb, 0xbf, 'a=1'))).toEqual([['\ufeffa', '1']]);
  });

  test('the empty body is no pairs', () => {
    expect(parseQuery(new Uint8Array(0))).toEqual([]);
  });
});

describe('URL Standard 5.2: the serializer, name=value joined by &, as URLSearchParams writes it', () => {
  test('pairs in order, repeats kept', () => {
    expect(
      formatQuery([
        ['b', '2'],
        ['a', '1'],
        ['b', '3'],
      ]),
    ).toBe('b=2&a=1&b=3');
  });

  test('a space is +, a plus is %2B', () => {
    expect(formatQuery([['q', 'C++ rocks']])).toBe('q=C%2B%2B+rocks');
  });

  test('&, = and % in names and values are percent-encoded', () => {
    const pairs = [['a&b=c', '50%=d&e']] as const;
    expect(formatQuery(pairs)).toBe(peerFormat(pairs));
  });

  test("only the ASCII alphanumerics and *-._ stay as they are; ~!'() are encoded", () => {
    const pairs = [
      ['safe', 'aZ09*-._'],
      ['encoded', "~!'()"],
    ] as const;
    expect(formatQuery(pairs)).toBe(peerFormat(pairs));
  });

  test('the empty name and the empty value are written, with their =', () => {
    expect(formatQuery([['', '']])).toBe('=');
  });

  test('no pairs: the empty string', () => {
    expect(formatQuery([])).toBe('');
  });

  test('a lone surrogate is written as U+FFFD (%EF%BF%BD), as URLSearchParams does', () => {
    expect(formatQuery([['\ud800', 'x\udc00']])).toBe(
      new URLSearchParams([['\ud800', 'x\udc00']]).toString(),
    );
  });
});

describe('formatQuery of a record: its own keys in order, an array one pair per value', () => {
  test('a string is one pair', () => {
    expect(formatQuery({ q: 'fish & chips', page: '2' })).toBe(
      new URLSearchParams({ q: 'fish & chips', page: '2' }).toString(),
    );
  });

  test('an array is one pair per value, in order, where the name stands', () => {
    expect(formatQuery({ tag: ['a', 'b'], q: 'x' })).toBe(
      new URLSearchParams([
        ['tag', 'a'],
        ['tag', 'b'],
        ['q', 'x'],
      ]).toString(),
    );
  });

  test('an empty array is no pair', () => {
    expect(formatQuery({ tag: [], q: 'x' })).toBe('q=x');
  });

  test("the object's own key order: integer-like keys first, as URLSearchParams(record) reads it", () => {
    const record = { b: '1', 2: 'x', a: '3' };
    expect(formatQuery(record)).toBe(new URLSearchParams(record).toString());
  });
});

describe('queryObject: the pairs by name, one value a string, repeats an array', () => {
  test('a name seen once maps to its value', () => {
    expect(
      queryObject([
        ['a', '1'],
        ['b', ''],
      ]),
    ).toEqual({ a: '1', b: '' });
  });

  test('a repeated name maps to all its values, in order', () => {
    expect(
      queryObject([
        ['t', '1'],
        ['x', '0'],
        ['t', '2'],
        ['t', '3'],
      ]),
    ).toEqual({ t: ['1', '2', '3'], x: '0' });
  });

  test('names in the order each first occurs', () => {
    expect(Object.keys(queryObject(parseQuery('z=1&a=2&z=3&m=4')))).toEqual(['z', 'a', 'm']);
  });

  test('the same values as URLSearchParams.getAll(name)', () => {
    const params = new URLSearchParams('a=1&b=2&a=3&c=&a=4');
    const object = queryObject([...params]);
    for (const name of params.keys()) {
      const all = params.getAll(name);
      expect(object[name], name).toEqual(all.length === 1 ? all[0] : all);
    }
  });

  test('__proto__ is a name like any other: an own key, and no prototype is changed', () => {
    const object = queryObject([['__proto__', 'x']]);
    expect(Object.keys(object)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(object, '__proto__')?.value).toBe('x');
  });

  test('constructor and toString are names like any other, not values already there', () => {
    const object = queryObject([
      ['constructor', 'a'],
      ['toString', 'b'],
      ['hasOwnProperty', 'c'],
    ]);
    expect({ ...object }).toEqual({ constructor: 'a', toString: 'b', hasOwnProperty: 'c' });
  });
});

/** An app that answers 204 and keeps the QUERY_STRING of every request. */
function recording(): { app: App; queries: string[] } {
  const queries: string[] = [];
  const app: App = (environ, startResponse) => {
    queries.push(environ.QUERY_STRING);
    startResponse('204 No Content', []);
    return [];
  };
  return { app, queries };
}

describe('real clients through kata 34: what they send, parseQuery reads back', () => {
  test("fetch: a URL whose searchParams were set from pairs, read from the server's QUERY_STRING", async () => {
    const { app, queries } = recording();
    const port = await listen(serveGateway(app));
    const pairs = [
      ['q', 'fish & chips'],
      ['q', '50% off'],
      ['lang', 'C++'],
      ['', 'Zoë'],
    ] as const;
    const url = new URL(`http://127.0.0.1:${port}/search`);
    for (const [name, value] of pairs) url.searchParams.append(name, value);
    const response = await within(fetch(url), 'fetch never got a response');
    expect(response.status).toBe(204);
    expect(parseQuery(queries[0] ?? '')).toEqual(pairs);
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl -G --data-urlencode: + for a space, lowercase hex (%2b), read back the same'),
    async () => {
      const { app, queries } = recording();
      const port = await listen(serveGateway(app));
      await curl([
        '-G',
        '--data-urlencode',
        'q=fish & chips',
        '--data-urlencode',
        'tag=C++',
        `http://127.0.0.1:${port}/search`,
      ]);
      expect(parseQuery(queries[0] ?? '')).toEqual([
        ['q', 'fish & chips'],
        ['tag', 'C++'],
      ]);
    },
  );
});
