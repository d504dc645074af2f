import { describe, expect, test } from 'vitest';
import { startLlhttp } from '../17-parse-a-request-line/fixtures/llhttp.ts';
import {
  DEFAULT_MAX_BYTES,
  type ErrorStatus,
  FieldError,
  type InvalidReason,
  parseHeaders,
} from './header-fields.ts';

const HTTP11 = { version: 'HTTP/1.1' } as const;
const HOST = 'Host: example.com';

/** The status and reason parseHeaders refuses `lines` with, or what it accepted. */
function refusal(
  lines: readonly string[],
  options: Parameters<typeof parseHeaders>[1] = HTTP11,
): { status: ErrorStatus; reason: InvalidReason } | string {
  try {
    return `accepted as ${JSON.stringify(parseHeaders(lines, options).lines)}`;
  } catch (error) {
    if (error instanceof FieldError) return { status: error.status, reason: error.reason };
    throw error;
  }
}

describe('RFC 9112 §5: field-line = field-name ":" OWS field-value OWS', () => {
  test('each line gives its name as written and its value', () => {
    expect(parseHeaders([HOST, 'Accept: text/html'], HTTP11).lines).toEqual([
      { name: 'Host', value: 'example.com' },
      { name: 'Accept', value: 'text/html' },
    ]);
  });

  test('RFC 9110 §5.6.3: OWS (spaces and tabs) around the value is not part of it', () => {
    const [, line] = parseHeaders([HOST, 'X-A: \t a  b \t '], HTTP11).lines;
    expect(line).toEqual({ name: 'X-A', value: 'a  b' });
  });

  test('an empty value is a value', () => {
    expect(parseHeaders([HOST, 'X-Empty:'], HTTP11).get('x-empty')).toBe('');
  });

  test('a colon in the value belongs to the value', () => {
    expect(parseHeaders([HOST, 'X-Time: 12:30:00'], HTTP11).get('x-time')).toBe('12:30:00');
  });

  test('a line without a colon: 400', () => {
    expect(refusal([HOST, 'NoColonHere'])).toEqual({ status: 400, reason: 'no-colon' });
  });

  test('§5.1: whitespace between the name and the colon is 400 (Host : x), as llhttp says', async () => {
    // "A server MUST reject ... any received request message that contains whitespace
    // between a header field name and colon": one parser's "Host " is another's "Host".
    const peer = await startLlhttp();
    expect(await peer.readHead('GET / HTTP/1.1\r\nHost : x\r\n')).toMatchObject({
      accepted: false,
    });
    expect(refusal(['Host : x'])).toEqual({ status: 400, reason: 'space-before-colon' });
    expect(refusal([HOST, 'Accept\t: */*'])).toEqual({ status: 400, reason: 'space-before-colon' });
  });

  test('whitespace inside a name is a bad name, not whitespace before the colon', () => {
    expect(refusal([HOST, 'X A: 1'])).toEqual({ status: 400, reason: 'bad-name' });
  });

  test('RFC 9110 §5.1: a field name is a token', () => {
    expect(refusal([HOST, 'X(A): 1'])).toEqual({ status: 400, reason: 'bad-name' });
    expect(refusal([HOST, ': empty name'])).toEqual({ status: 400, reason: 'bad-name' });
    expect(refusal([HOST, 'Ü: 1'])).toEqual({ status: 400, reason: 'bad-name' });
  });

  test('§5.2: obs-fold (a line starting with SP or HTAB) is 400', () => {
    expect(refusal([HOST, 'X-A: one', ' two'])).toEqual({ status: 400, reason: 'obs-fold' });
    expect(refusal([HOST, 'X-A: one', '\ttwo'])).toEqual({ status: 400, reason: 'obs-fold' });
  });

  test('RFC 9110 §5.5: CR, LF and NUL in a value are 400 ("invalid and dangerous")', () => {
    for (const octet of ['\r', '\n', '\0']) {
      expect(refusal([HOST, `X-A: a${octet}b`]), JSON.stringify(octet)).toEqual({
        status: 400,
        reason: 'bad-value',
      });
    }
  });

  test('RFC 9110 §5.5: other control characters but HTAB are 400; obs-text is allowed', () => {
    expect(refusal([HOST, 'X-A: a\x01b'])).toEqual({ status: 400, reason: 'bad-value' });
    expect(refusal([HOST, 'X-A: a\x7fb'])).toEqual({ status: 400, reason: 'bad-value' });
    expect(parseHeaders([HOST, 'X-A: caf\xe9\tau lait'], HTTP11).get('x-a')).toBe(
      'caf\xe9\tau lait',
    );
  });

  test('RFC 9110 §5.5: obs-text is every octet from 0x80 to 0xFF, kept as received', () => {
    expect(parseHeaders([HOST, 'X-A: \x80a\xff'], HTTP11).get('x-a')).toBe('\x80a\xff');
  });

  test('the error names the status, the reason and the line', () => {
    expect(() => parseHeaders(['Host : x'], HTTP11)).toThrow(/400 space-before-colon.*"Host : x"/);
  });
});

describe('RFC 9110 §5.1: field names are case-insensitive', () => {
  test('get and values find a field whatever the case of the name', () => {
    const fields = parseHeaders([HOST, 'Content-TYPE: text/plain'], HTTP11);
    expect(fields.get('content-type')).toBe('text/plain');
    expect(fields.get('CONTENT-type')).toBe('text/plain');
    expect(fields.values('Content-Type')).toEqual(['text/plain']);
  });

  test('an absent field is undefined, and has no values', () => {
    const fields = parseHeaders([HOST], HTTP11);
    expect(fields.get('accept')).toBeUndefined();
    expect(fields.values('accept')).toEqual([]);
  });
});

describe('RFC 9110 §5.3: repeated field lines combine into one, in order, with ", "', () => {
  test('two Accept lines read as one list', () => {
    const fields = parseHeaders([HOST, 'Accept: text/html', 'X-B: 1', 'accept: */*;q=0.1'], HTTP11);
    expect(fields.get('Accept')).toBe('text/html, */*;q=0.1');
    expect(fields.values('accept')).toEqual(['text/html', '*/*;q=0.1']);
  });

  test('Set-Cookie is the exception: get refuses, values keeps each line', () => {
    // RFC 6265 §3: an Expires date has a comma, so combined cookies cannot be split again.
    const fields = parseHeaders(
      [HOST, 'Set-Cookie: a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'Set-Cookie: b=2'],
      HTTP11,
    );
    expect(fields.values('set-cookie')).toEqual([
      'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
      'b=2',
    ]);
    expect(() => fields.get('Set-Cookie')).toThrow(TypeError);
    expect(() => fields.get('set-cookie')).toThrow(/values\('set-cookie'\)/);
  });
});

describe('RFC 9112 §3.2: Host', () => {
  test('an HTTP/1.1 request without Host: 400', () => {
    expect(refusal(['Accept: */*'])).toEqual({ status: 400, reason: 'missing-host' });
  });

  test('an HTTP/1.0 request may leave Host out', () => {
    expect(parseHeaders(['Accept: */*'], { version: 'HTTP/1.0' }).get('host')).toBeUndefined();
  });

  test('two Host lines: 400, in any version, even when they agree', () => {
    expect(refusal([HOST, 'host: example.com'])).toEqual({ status: 400, reason: 'duplicate-host' });
    expect(refusal([HOST, HOST], { version: 'HTTP/1.0' })).toEqual({
      status: 400,
      reason: 'duplicate-host',
    });
  });

  test('RFC 9110 §7.2: Host = uri-host [ ":" port ]', () => {
    expect(parseHeaders(['Host: [::1]:8080'], HTTP11).get('host')).toBe('[::1]:8080');
    for (const value of ['a b', 'a/b', 'user@a', 'a:port', 'a:99999', '[::1']) {
      expect(refusal([`Host: ${value}`]), value).toEqual({ status: 400, reason: 'bad-host' });
    }
  });

  test('a bad Host is reported with its line', () => {
    expect(() => parseHeaders(['Host: a b'], HTTP11)).toThrow(/400 bad-host.*"Host: a b"/);
  });

  test('an empty Host is allowed: it is what a client sends when the URI has no authority', () => {
    expect(parseHeaders(['Host:'], HTTP11).get('host')).toBe('');
  });
});

describe('RFC 6585 §5: 431 Request Header Fields Too Large', () => {
  test(`the section may take up to ${DEFAULT_MAX_BYTES} octets by default, CRLFs included`, () => {
    const filler = (length: number) => `X-Fill: ${'a'.repeat(length - 'X-Fill: '.length)}`;
    const fits = [HOST, filler(DEFAULT_MAX_BYTES - (HOST.length + 2) - 2)];
    expect(parseHeaders(fits, HTTP11).lines).toHaveLength(2);
    const over = [HOST, filler(DEFAULT_MAX_BYTES - (HOST.length + 2) - 1)];
    expect(refusal(over)).toEqual({ status: 431, reason: 'too-large' });
  });

  test('maxBytes sets another limit', () => {
    expect(refusal([HOST, 'X-A: 12345'], { ...HTTP11, maxBytes: 20 })).toEqual({
      status: 431,
      reason: 'too-large',
    });
  });
});

describe('which error: the size, then each line in order, then the Host rules', () => {
  test.each([
    ['the size before any line', [' folded'], { ...HTTP11, maxBytes: 8 }, 431, 'too-large'],
    ['obs-fold before the colon', [HOST, ' no colon'], HTTP11, 400, 'obs-fold'],
    [
      'whitespace before the colon before the token rule',
      [HOST, 'X(A) : 1'],
      HTTP11,
      400,
      'space-before-colon',
    ],
    ['the name before the value', [HOST, 'X(A): a\0b'], HTTP11, 400, 'bad-name'],
    ['the first broken line first', [HOST, 'X-A: a\0b', 'X(A): 1'], HTTP11, 400, 'bad-value'],
    ['a broken line before a missing Host', ['X(A): 1'], HTTP11, 400, 'bad-name'],
    [
      'two Host lines before a bad Host value',
      ['Host: a b', 'Host: x'],
      HTTP11,
      400,
      'duplicate-host',
    ],
  ] as const)('%s', (_order, lines, options, status, reason) => {
    expect(refusal(lines, options)).toEqual({ status, reason });
  });
});
