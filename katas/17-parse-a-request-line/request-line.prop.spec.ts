import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { startLlhttp } from './fixtures/llhttp.ts';
import { METHODS, type Method, parseRequestLine, RequestLineError } from './request-line.ts';

/** RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@" */
const pchar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@") },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 255 })
      .map((octet) => `%${octet.toString(16).padStart(2, '0').toUpperCase()}`),
  },
);
const segment = fc.array(pchar, { maxLength: 6 }).map((chars) => chars.join(''));
/** RFC 9110 §4.1: absolute-path = 1*( "/" segment ) */
const absolutePath = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((segments) => segments.map((s) => `/${s}`).join(''));
/** RFC 3986 §3.4: query = *( pchar / "/" / "?" ) */
const query = fc
  .array(fc.oneof(pchar, fc.constantFrom('/', '?')), { maxLength: 8 })
  .map((chars) => chars.join(''));
const originForm = fc
  .tuple(absolutePath, fc.option(query, { nil: undefined }))
  .map(([path, q]) => (q === undefined ? path : `${path}?${q}`));
const host = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,2}$/),
  fc.ipV4(),
  fc.constantFrom('[::1]', '[2001:db8::7]'),
);
const port = fc.integer({ min: 1, max: 65_535 });
const absoluteForm = fc
  .tuple(fc.constantFrom('http', 'https'), host, fc.option(port, { nil: undefined }), originForm)
  .map(([scheme, h, p, rest]) => `${scheme}://${h}${p === undefined ? '' : `:${p}`}${rest}`);
const authorityForm = fc.tuple(host, port).map(([h, p]) => `${h}:${p}`);

/** A valid request-line: each method with a target in a form it may use (RFC 9112 §3.2). */
const requestLine = fc
  .record({
    method: fc.constantFrom<Method>(...METHODS),
    version: fc.constantFrom('HTTP/1.0', 'HTTP/1.1'),
    origin: originForm,
    absolute: absoluteForm,
    authority: authorityForm,
    form: fc.constantFrom('origin', 'absolute', 'asterisk'),
  })
  .map(({ method, version, origin, absolute, authority, form }) => {
    const target =
      method === 'CONNECT'
        ? authority
        : form === 'asterisk' && method === 'OPTIONS'
          ? '*'
          : form === 'absolute'
            ? absolute
            : origin;
    return { method, target, version, line: `${method} ${target} ${version}` };
  });

describe('RFC 9112 §3: request-line = method SP request-target SP HTTP-version', () => {
  test.prop([requestLine], { numRuns: 300 })(
    'parse then format is the identity on valid request-lines',
    ({ method, target, version, line }) => {
      const parsed = parseRequestLine(line);
      expect({
        method: parsed.method,
        target: parsed.target.text,
        version: parsed.version,
      }).toEqual({
        method,
        target,
        version,
      });
      expect(`${parsed.method} ${parsed.target.text} ${parsed.version}`).toBe(line);
    },
  );

  test.prop([requestLine], { numRuns: 60 })(
    'a valid request-line reads as llhttp reads it',
    async ({ line }) => {
      const peer = await startLlhttp();
      const verdict = await peer.read(line);
      const parsed = parseRequestLine(line);
      expect(verdict).toMatchObject({
        accepted: true,
        method: parsed.method,
        url: parsed.target.text,
        version: parsed.version.slice('HTTP/'.length),
      });
    },
  );

  /**
   * One octet inserted or replaced anywhere: the whitespace and control octets that
   * smuggling uses, delimiters, letters of the wrong case, bytes above 0x7F.
   */
  const damaged = fc
    .record({
      valid: requestLine,
      at: fc.nat(),
      replace: fc.boolean(),
      octet: fc.oneof(
        fc.constantFrom(
          ' ',
          '\t',
          '\r',
          '\v',
          '\f',
          '\0',
          '\x7f',
          '#',
          '"',
          '<',
          '\\',
          'h',
          'p',
          '.',
          '/',
          '1',
          '9',
        ),
        fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
      ),
    })
    .map(({ valid, at, replace, octet }) => {
      const index = at % (valid.line.length + 1);
      return valid.line.slice(0, index) + octet + valid.line.slice(replace ? index + 1 : index);
    });

  test.prop([damaged], { numRuns: 120 })(
    'a line llhttp rejects is rejected too, with a RequestLineError',
    async (line) => {
      const peer = await startLlhttp();
      const verdict = await peer.read(line);
      let outcome: string;
      try {
        outcome = `accepted as ${JSON.stringify(parseRequestLine(line))}`;
      } catch (error) {
        expect(error).toBeInstanceOf(RequestLineError);
        outcome = 'rejected';
      }
      // RFC 9110 §6.2 reads HTTP/1.2 to HTTP/1.9 as HTTP/1.1, where llhttp refuses them
      const higherMinor = /HTTP\/1\.[2-9]$/.test(line);
      if (!verdict.accepted && !higherMinor)
        expect(outcome, `llhttp: ${verdict.code}`).toBe('rejected');
    },
  );
});
