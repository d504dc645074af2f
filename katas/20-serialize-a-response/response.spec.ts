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

  test('the year is four digits even before 1000', () => {
    const early = new Date(Date.UTC(2000, 0, 1));
    early.setUTCFullYear(999);
    expect(imfFixdate(early)).toBe(early.toUTCString());
    expect(imfFixdate(early)).toContain(' 0999 ');
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

/** RFC 9110 §15.2 to §15.6: each status code the RFC defines, with the name its section gives it. */
const RFC_9110_NAMES: readonly (readonly [number, string])[] = [
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-Authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [421, 'Misdirected Request'],
  [422, 'Unprocessable Content'],
  [426, 'Upgrade Required'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
];

describe('RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]', () => {
  test.each(RFC_9110_NAMES)('%i is written with the name RFC 9110 gives it, %s', (status, name) => {
    // node:http's STATUS_CODES (Node 20 to 26) still has RFC 7231's names for 413 and 422.
    expect(split(formatResponse({ status }, NOW)).lines[0]).toBe(`HTTP/1.1 ${status} ${name}`);
  });

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

  test('with no fields given, the head is the status-line, Date and Content-Length', () => {
    expect(split(formatResponse({ status: 200 }, NOW)).lines).toEqual([
      'HTTP/1.1 200 OK',
      `Date: ${RFC_EXAMPLE.toUTCString()}`,
      'Content-Length: 0',
    ]);
  });

  test('obs-text in a value is one octet on the wire, and node:http reads it back', async () => {
    const bytes = formatResponse({ status: 200, headers: [['X-Name', 'caf\xe9']] }, NOW);
    expect(Buffer.from(bytes).includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]))).toBe(
      true,
    );
    const reading = await readWithNodeHttp(await serveRaw(bytes));
    expect(reading.rawHeaders).toContain('caf\xe9');
  });

  test('obs-text in a value is one octet in a response with no content too (HEAD, 204)', () => {
    const octets = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]);
    const field = { headers: [['X-Name', 'caf\xe9']] as const };
    const toHead = formatResponse({ status: 200, ...field }, { ...NOW, requestMethod: 'HEAD' });
    expect(Buffer.from(toHead).includes(octets)).toBe(true);
    expect(Buffer.from(formatResponse({ status: 204, ...field }, NOW)).includes(octets)).toBe(true);
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

  test.each([103, 204, 205, 304])('a %i response with a body is refused', (status) => {
    expect(refusal({ status, body: 'x' })).toBe('body-not-allowed');
  });

  test('a 2xx to CONNECT with a body is refused: the tunnel starts after the head', () => {
    expect(() =>
      formatResponse({ status: 200, body: 'x' }, { ...NOW, requestMethod: 'CONNECT' }),
    ).toThrow(expect.objectContaining({ reason: 'body-not-allowed' }));
  });

  test('RFC 9110 §15.3.6: a 205 has no content, and says so with Content-Length: 0', async () => {
    const bytes = formatResponse({ status: 205 }, NOW);
    expect(split(bytes).lines).toContain('Content-Length: 0');
    expect(await readWithFetch(await serveRaw(bytes))).toMatchObject({
      status: 205,
      body: Buffer.alloc(0),
    });
  });

  test.each([101, 300, 407])('a %i to CONNECT is no tunnel: it is framed as usual', (status) => {
    const connect = { ...NOW, requestMethod: 'CONNECT' } as const;
    const { lines } = split(formatResponse({ status }, connect));
    const plain = split(formatResponse({ status }, NOW)).lines;
    expect(lines).toEqual(plain);
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

describe('which error: the status, the phrase, each field in order, then the body', () => {
  test.each([
    ['the status before the phrase', { status: 600, reason: 'a\r' }, 'bad-status'],
    [
      'the phrase before the fields',
      { status: 200, reason: 'a\n', headers: [['X A', '1']] },
      'bad-reason',
    ],
    ['the name before the value', { status: 200, headers: [['X A', 'a\n']] }, 'bad-name'],
    [
      'the value before the framing fields',
      { status: 200, headers: [['Content-Length', ' 5']] },
      'bad-value',
    ],
    [
      'the fields in order',
      {
        status: 200,
        headers: [
          ['Content-Length', '5'],
          ['X A', '1'],
        ],
      },
      'framing-field',
    ],
    [
      'the fields before the body',
      { status: 204, headers: [['X-A', 'a\n']], body: 'x' },
      'bad-value',
    ],
  ] as const)('%s', (_order, response, reason) => {
    expect(refusal(response)).toBe(reason);
  });
});
