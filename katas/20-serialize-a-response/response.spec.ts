import { describe, expect, onTestFinished, test } from 'vitest';
import { readWithFetch, readWithNodeHttp, serveRaw } from './fixtures/clients.ts';
import {
  formatResponse,
  type InvalidReason,
  imfFixdate,
  REASON_PHRASES,
  type Response,
  ResponseError,
} from './response.ts';

/** RFC 9110 §5.6.7's own example of an IMF-fixdate. */
const RFC_EXAMPLE = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));
const NOW = { now: RFC_EXAMPLE } as const;

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
/** The lines of the head, without the CRLFs, and the bytes after the empty line. */
function split(bytes: Uint8Array): { lines: string[]; body: string } {
  const all = text(bytes);
  const end = all.indexOf('\r\n\r\n');
  return { lines: all.slice(0, end).split('\r\n'), body: all.slice(end + 4) };
}

function refusal(response: Response): InvalidReason | string {
  try {
    return `written as ${JSON.stringify(text(formatResponse(response, NOW)))}`;
  } catch (error) {
    if (error instanceof ResponseError) return error.reason;
    throw error;
  }
}

describe('RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT', () => {
  test("the RFC's example: Sun, 06 Nov 1994 08:49:37 GMT", () => {
    expect(imfFixdate(RFC_EXAMPLE)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  test('always in UTC, whatever the time zone of the machine', () => {
    // Node reads TZ again when it changes: run this with a zone far from UTC.
    const zone = process.env.TZ;
    onTestFinished(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });
    process.env.TZ = 'Pacific/Kiritimati';
    const lateEvening = new Date(Date.UTC(2026, 0, 1, 23, 5, 9));
    expect(lateEvening.getHours()).not.toBe(lateEvening.getUTCHours());
    expect(imfFixdate(lateEvening)).toBe('Thu, 01 Jan 2026 23:05:09 GMT');
  });
});

describe('RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]', () => {
  test('the first line is HTTP/1.1, the code and its reason phrase from RFC 9110 §15', () => {
    expect(split(formatResponse({ status: 404 }, NOW)).lines[0]).toBe(
      `HTTP/1.1 404 ${REASON_PHRASES[404]}`,
    );
  });

  test('a reason phrase of your own', () => {
    expect(split(formatResponse({ status: 200, reason: 'Fine, thanks' }, NOW)).lines[0]).toBe(
      'HTTP/1.1 200 Fine, thanks',
    );
  });

  test('a code without a phrase keeps its second SP, and node:http reads an empty message', async () => {
    const bytes = formatResponse({ status: 299 }, NOW);
    expect(split(bytes).lines[0]).toBe('HTTP/1.1 299 ');
    expect(await readWithNodeHttp(await serveRaw(bytes))).toMatchObject({
      status: 299,
      statusMessage: '',
    });
  });

  test('a status outside 100–599, or not an integer, is refused', () => {
    for (const status of [99, 600, 20.5, Number.NaN]) {
      expect(refusal({ status }), String(status)).toBe('bad-status');
    }
  });

  test('a CR or LF in the reason phrase is refused: it would end the line', () => {
    expect(refusal({ status: 200, reason: 'OK\r\nSet-Cookie: admin=1' })).toBe('bad-reason');
  });
});

describe('RFC 9110 §5.5: field values that cannot split the response', () => {
  test('fields come after Date, in order, repeated names as separate lines', () => {
    const bytes = formatResponse(
      {
        status: 200,
        headers: [
          ['Set-Cookie', 'a=1'],
          ['Content-Type', 'text/plain'],
          ['Set-Cookie', 'b=2'],
        ],
      },
      NOW,
    );
    expect(split(bytes).lines.slice(1, 5)).toEqual([
      `Date: ${RFC_EXAMPLE.toUTCString()}`,
      'Set-Cookie: a=1',
      'Content-Type: text/plain',
      'Set-Cookie: b=2',
    ]);
  });

  test('response splitting: a CR or LF in a value is refused', () => {
    // A Location built from user input, "/x\r\nSet-Cookie: admin=1", would add a field
    // (or a whole second response) of the attacker's choosing.
    expect(refusal({ status: 302, headers: [['Location', '/x\r\nSet-Cookie: admin=1']] })).toBe(
      'bad-value',
    );
    expect(refusal({ status: 302, headers: [['Location', '/x\nSet-Cookie: admin=1']] })).toBe(
      'bad-value',
    );
    expect(refusal({ status: 302, headers: [['Location', '/x\rSet-Cookie: admin=1']] })).toBe(
      'bad-value',
    );
  });

  test('NUL and other controls but HTAB are refused; HTAB inside a value is fine', () => {
    expect(refusal({ status: 200, headers: [['X-A', 'a\0b']] })).toBe('bad-value');
    expect(refusal({ status: 200, headers: [['X-A', 'a\x7fb']] })).toBe('bad-value');
    expect(split(formatResponse({ status: 200, headers: [['X-A', 'a\tb']] }, NOW)).lines).toContain(
      'X-A: a\tb',
    );
  });

  test('whitespace at either end of a value is refused: the reader would strip it', () => {
    expect(refusal({ status: 200, headers: [['X-A', ' a']] })).toBe('bad-value');
    expect(refusal({ status: 200, headers: [['X-A', 'a\t']] })).toBe('bad-value');
  });

  test('a name that is not a token is refused', () => {
    expect(refusal({ status: 200, headers: [['X A', '1']] })).toBe('bad-name');
    expect(refusal({ status: 200, headers: [['X-A:', '1']] })).toBe('bad-name');
    expect(refusal({ status: 200, headers: [['', '1']] })).toBe('bad-name');
  });

  test('Content-Length and Transfer-Encoding are not yours to set: the body decides', () => {
    expect(refusal({ status: 200, headers: [['content-length', '5']], body: 'hello' })).toBe(
      'framing-field',
    );
    expect(refusal({ status: 200, headers: [['Transfer-Encoding', 'chunked']] })).toBe(
      'framing-field',
    );
  });

  test('the error names what could not be written and why', () => {
    expect(() => formatResponse({ status: 200, headers: [['X-A', 'a\nb']] }, NOW)).toThrow(
      /"X-A: a\\nb".*bad-value/,
    );
  });
});

describe('RFC 9112 §6, RFC 9110 §8.6: the body and its length', () => {
  test('Content-Length counts octets, not characters', () => {
    const bytes = formatResponse({ status: 200, body: 'héllo €' }, NOW);
    expect(split(bytes).lines).toContain(`Content-Length: ${Buffer.byteLength('héllo €')}`);
  });

  test('node:http reads back the status, the fields and the body', async () => {
    const body = Buffer.from([0, 1, 2, 0xff, 13, 10, 13, 10]);
    const bytes = formatResponse({ status: 201, headers: [['X-Id', '7']], body }, NOW);
    expect(await readWithNodeHttp(await serveRaw(bytes))).toEqual({
      status: 201,
      statusMessage: 'Created',
      rawHeaders: [
        'Date',
        RFC_EXAMPLE.toUTCString(),
        'X-Id',
        '7',
        'Content-Length',
        String(body.length),
      ],
      body,
    });
  });

  test('fetch reads back the status, the fields and the body', async () => {
    const bytes = formatResponse(
      { status: 200, headers: [['Content-Type', 'text/plain']], body: 'hi' },
      NOW,
    );
    const reading = await readWithFetch(await serveRaw(bytes));
    expect(reading).toMatchObject({ status: 200, statusText: 'OK', body: Buffer.from('hi') });
    expect(reading.headers).toContainEqual(['content-type', 'text/plain']);
  });

  test('RFC 9110 §9.3.2: a response to HEAD has the Content-Length of the GET, and no body', async () => {
    const bytes = formatResponse({ status: 200, body: 'hello' }, { ...NOW, requestMethod: 'HEAD' });
    expect(split(bytes)).toMatchObject({ body: '' });
    expect(split(bytes).lines).toContain('Content-Length: 5');
    expect(await readWithNodeHttp(await serveRaw(bytes), 'HEAD')).toMatchObject({
      status: 200,
      body: Buffer.alloc(0),
    });
  });

  test.each([204, 304, 103])('a %i response has no Content-Length and no body', (status) => {
    const { lines, body } = split(formatResponse({ status }, NOW));
    expect(lines.some((line) => /^content-length:/i.test(line))).toBe(false);
    expect(body).toBe('');
  });

  test.each([204, 205, 304])('a %i response with a body is refused', (status) => {
    expect(refusal({ status, body: 'x' })).toBe('body-not-allowed');
  });

  test('RFC 9110 §15.3.6: a 205 has no content, and says so with Content-Length: 0', async () => {
    const bytes = formatResponse({ status: 205 }, NOW);
    expect(split(bytes).lines).toContain('Content-Length: 0');
    expect(await readWithFetch(await serveRaw(bytes))).toMatchObject({
      status: 205,
      body: Buffer.alloc(0),
    });
  });

  test('a 2xx to CONNECT starts a tunnel: no Content-Length', () => {
    const { lines } = split(formatResponse({ status: 200 }, { ...NOW, requestMethod: 'CONNECT' }));
    expect(lines.some((line) => /^content-length:/i.test(line))).toBe(false);
  });

  test('Date is now when no time is given', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const date = split(formatResponse({ status: 200 })).lines[1]?.slice('Date: '.length) ?? '';
    expect(Date.parse(date)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(date)).toBeLessThanOrEqual(Date.now());
  });
});
