import { fc, test } from '@fast-check/vitest';
import * as peer from 'cookie';
import { describe, expect } from 'vitest';
import { type CookieOptions, parseCookie, type SameSite, serializeCookie } from './cookie.ts';

/** RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
const TCHARS = [
  ..."!#$%&'*+-.^_`|~0123456789",
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
];

/** RFC 6265 §4.1.1: cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
const isCookieOctet = (char: string) => {
  const code = char.codePointAt(0) ?? -1;
  return (
    code === 0x21 ||
    (code >= 0x23 && code <= 0x2b) ||
    (code >= 0x2d && code <= 0x3a) ||
    (code >= 0x3c && code <= 0x5b) ||
    (code >= 0x5d && code <= 0x7e)
  );
};

/** cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) */
const isCookieValue = (value: string) => {
  const inner =
    value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  return [...inner].every(isCookieOctet);
};

/** Names a server would choose: tokens, none starting "__", so no prefix rule applies. */
const tokenName = fc
  .string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 10 })
  .filter((name) => !name.toLowerCase().startsWith('__'));

/** Values as an app holds them: any text, the separators, CR LF and non-ASCII above all. */
const anyValue = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      ';',
      ',',
      ' ',
      '\t',
      '\r',
      '\n',
      '"',
      '\\',
      '=',
      '%',
      '%2',
      '%zz',
      '+',
      'é',
      '😀',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 16,
});

/** A valid set of attributes, each present or not. */
const LABEL = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const options: fc.Arbitrary<CookieOptions> = fc
  .record(
    {
      path: fc.stringMatching(/^\/[\x20-\x3a\x3d-\x7e]{0,12}$/),
      domain: fc.array(LABEL, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')),
      maxAge: fc.integer({ min: -10, max: 400 * 24 * 3600 }),
      expires: fc.date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      secure: fc.boolean(),
      httpOnly: fc.boolean(),
      sameSite: fc.constantFrom<SameSite>('Strict', 'Lax', 'None'),
    },
    { requiredKeys: [] },
  )
  .map((chosen) => (chosen.sameSite === 'None' ? { ...chosen, secure: true } : chosen));

/** What a user agent keeps of a Set-Cookie (RFC 6265 §5.2): the name-value-pair up to the first ";". */
const pairOf = (setCookie: string) => setCookie.split(';')[0] ?? '';

/** Cookie headers as clients and attackers send them: pieces of every kind, joined anyhow. */
const headerText = fc
  .array(
    fc.oneof(
      fc.constantFrom(';', '; ', '=', ' ', '\t', '%', '%41', '%zz', '%C3%A9', '%E0%A4%A', '"', 'é'),
      fc.constantFrom('a', 'b', 'SID', '__proto__', 'constructor'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    { maxLength: 24 },
  )
  .map((pieces) => pieces.join(''));

const RUNS = { numRuns: 300 };

describe('RFC 6265 §4.1.1 and §5.2: what serializeCookie writes, a user agent reads back', () => {
  test.prop([tokenName, anyValue, options], RUNS)(
    'serialize then parse gives the value back, for any value and any attributes',
    (name, value, chosen) => {
      expect(parseCookie(pairOf(serializeCookie(name, value, chosen)))).toEqual({ [name]: value });
    },
  );

  test.prop([tokenName, anyValue, options], RUNS)(
    'no value ever adds an attribute or a line: one "; " per option given, no CR, no LF',
    (name, value, chosen) => {
      const setCookie = serializeCookie(name, value, chosen);
      const given = Object.values(chosen).filter(
        (option) => option !== undefined && option !== false,
      );
      expect(setCookie).not.toMatch(/[\r\n]/);
      expect(setCookie.split('; ')).toHaveLength(1 + given.length);
    },
  );

  test.prop([tokenName, anyValue, options], RUNS)(
    'the cookie package reads our Set-Cookie as it reads its own, for the same name, value and options',
    (name, value, chosen) => {
      const theirs = peer.serialize(name, value, {
        ...chosen,
        sameSite: chosen.sameSite?.toLowerCase() as 'strict' | 'lax' | 'none' | undefined,
      });
      expect(peer.parseSetCookie(serializeCookie(name, value, chosen))).toEqual(
        peer.parseSetCookie(theirs),
      );
    },
  );

  test.prop([tokenName, anyValue], RUNS)(
    'the value is percent-encoded exactly as the cookie package encodes it',
    (name, value) => {
      expect(serializeCookie(name, value)).toBe(peer.serialize(name, value));
    },
  );
});

describe('RFC 6265 §4.1.1: cookie-name = token; cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )', () => {
  const anyName = fc.string({
    unit: fc.oneof(
      fc.constantFrom(...TCHARS),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.constant('é'),
    ),
    maxLength: 6,
  });

  test.prop([anyName.filter((name) => !name.startsWith('__'))], RUNS)(
    'a name is written if and only if it is a token',
    (name) => {
      const isToken = name.length > 0 && [...name].every((char) => TCHARS.includes(char));
      let written = true;
      try {
        serializeCookie(name, 'x');
      } catch {
        written = false;
      }
      expect(written).toBe(isToken);
    },
  );

  const rawValue = fc.string({
    unit: fc.oneof(
      fc.constantFrom('"', '"', 'a', '='),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.constant('é'),
    ),
    maxLength: 6,
  });

  test.prop([rawValue], RUNS)(
    'a raw value (encode as the identity) is written if and only if it is a cookie-value',
    (value) => {
      let written = true;
      try {
        serializeCookie('a', value, { encode: (text) => text });
      } catch {
        written = false;
      }
      expect(written).toBe(isCookieValue(value));
    },
  );
});

describe('RFC 6265 §4.2.1 and §5.4: parseCookie reads a Cookie header as the cookie package does', () => {
  test.prop([headerText], RUNS)(
    'the same cookies as cookie.parse, but for the empty name, which §5.2 ignores and the package keeps',
    (header) => {
      const { '': _nameless, ...theirs } = peer.parse(header);
      expect({ ...parseCookie(header) }).toEqual(theirs);
    },
  );

  test.prop([fc.dictionary(tokenName, anyValue, { maxKeys: 6 })], RUNS)(
    'what cookie.stringifyCookie writes as a Cookie header reads back as the same cookies',
    (cookies) => {
      expect({ ...parseCookie(peer.stringifyCookie(cookies)) }).toEqual(cookies);
    },
  );

  test.prop([tokenName, fc.array(anyValue, { minLength: 2, maxLength: 4 })], RUNS)(
    'of several cookies with one name, the first is the one read',
    (name, values) => {
      const header = values.map((value) => pairOf(serializeCookie(name, value))).join('; ');
      expect(parseCookie(header)[name]).toBe(values[0]);
    },
  );
});

describe('draft-ietf-httpbis-rfc6265bis (a draft): the prefix and SameSite=None rules a browser applies', () => {
  const prefixed = fc
    .tuple(fc.constantFrom('__Secure-', '__Host-'), fc.boolean(), tokenName)
    .map(([prefix, upper, rest]) => (upper ? prefix.toUpperCase() : prefix.toLowerCase()) + rest);

  const scope = fc.record(
    {
      secure: fc.boolean(),
      path: fc.constantFrom('/', '/docs', ''),
      domain: fc.constantFrom('site.example', 'localhost'),
      sameSite: fc.constantFrom<SameSite>('Strict', 'Lax'),
    },
    { requiredKeys: [] },
  );

  test.prop([prefixed, scope], RUNS)(
    'a prefixed cookie is written if and only if a browser would store it',
    (name, chosen) => {
      const lower = name.toLowerCase();
      const stored = lower.startsWith('__secure-')
        ? chosen.secure === true
        : chosen.secure === true && chosen.domain === undefined && chosen.path === '/';
      let written = true;
      try {
        serializeCookie(name, 'x', chosen);
      } catch {
        written = false;
      }
      expect(written).toBe(stored);
    },
  );

  test.prop([tokenName, fc.boolean()], RUNS)(
    'SameSite=None is written if and only if Secure is',
    (name, secure) => {
      let written = true;
      try {
        serializeCookie(name, 'x', { sameSite: 'None', secure });
      } catch {
        written = false;
      }
      expect(written).toBe(secure);
    },
  );
});
