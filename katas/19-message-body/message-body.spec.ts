import { describe, expect, test } from 'vitest';
import { startLlhttp } from '../17-parse-a-request-line/fixtures/llhttp.ts';
import type { HttpVersion } from '../17-parse-a-request-line/request-line.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import {
  BodyError,
  type BodyOptions,
  createBodyDecoder,
  DEFAULT_MAX_BODY_BYTES,
  type DecodeStep,
  type ErrorStatus,
  type Framing,
  type FramingOptions,
  type InvalidReason,
  MAX_LINE_BYTES,
  messageFraming,
} from './message-body.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const text = (data: Uint8Array) => Buffer.from(data).toString('latin1');

/** The framing of a request with these field lines (Host is added). */
function framingOf(
  lines: readonly string[],
  version: HttpVersion = 'HTTP/1.1',
  options?: FramingOptions,
): Framing {
  return messageFraming(parseHeaders(['Host: x', ...lines], { version }), version, options);
}

/** The status and reason `run` is refused with, or what it returned. */
function refusal(run: () => unknown): { status: ErrorStatus; reason: InvalidReason } | string {
  try {
    return `accepted: ${JSON.stringify(run())}`;
  } catch (error) {
    if (error instanceof BodyError) return { status: error.status, reason: error.reason };
    throw error;
  }
}

/** Feeds `pieces` one by one; returns the body, what came after it, and the trailers. */
function decode(framing: Framing, pieces: readonly string[], options?: BodyOptions) {
  const decoder = createBodyDecoder(framing, options);
  let body = '';
  let last: DecodeStep | undefined;
  for (const piece of pieces) {
    last = decoder.push(bytes(piece));
    body += text(last.data);
    if (last.done) return { body, rest: text(last.rest), trailers: last.trailers };
  }
  return { body, rest: undefined, trailers: undefined };
}

describe('RFC 9112 §6.3: the length of a request body', () => {
  test('no Content-Length and no Transfer-Encoding: no body', () => {
    expect(framingOf([])).toEqual({ kind: 'none' });
  });

  test('Content-Length: that many octets', () => {
    expect(framingOf(['Content-Length: 42'])).toEqual({ kind: 'length', length: 42 });
  });

  test('Content-Length: 0 is no body', () => {
    expect(framingOf(['Content-Length: 0'])).toEqual({ kind: 'none' });
  });

  test('Transfer-Encoding: chunked, in any case', () => {
    expect(framingOf(['Transfer-Encoding: chunked'])).toEqual({ kind: 'chunked' });
    expect(framingOf(['transfer-encoding: Chunked'])).toEqual({ kind: 'chunked' });
  });

  test('smuggling (CL.TE and TE.CL): Content-Length with chunked is 400, as llhttp says', async () => {
    // A front end that trusts one header and a back end that trusts the other disagree on
    // where this request ends; the rest becomes a request of the attacker's choosing.
    const peer = await startLlhttp();
    const head =
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n';
    expect(await peer.readMessage(head, bytes('0\r\n\r\n'))).toMatchObject({ accepted: false });
    expect(refusal(() => framingOf(['Content-Length: 4', 'Transfer-Encoding: chunked']))).toEqual({
      status: 400,
      reason: 'length-and-chunked',
    });
    expect(refusal(() => framingOf(['Transfer-Encoding: chunked', 'Content-Length: 4']))).toEqual({
      status: 400,
      reason: 'length-and-chunked',
    });
  });

  test('a refused Content-Length is shown with every value received', () => {
    expect(() => framingOf(['Content-Length: 1', 'Content-Length: 2'])).toThrow(
      /400 bad-content-length: "1, 2"/,
    );
  });

  test('two different Content-Length values: 400, as llhttp says', async () => {
    const peer = await startLlhttp();
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n';
    expect(await peer.readMessage(head, bytes('ab'))).toMatchObject({ accepted: false });
    expect(refusal(() => framingOf(['Content-Length: 1', 'Content-Length: 2']))).toEqual({
      status: 400,
      reason: 'bad-content-length',
    });
  });

  test('a repeated Content-Length, even the same value, even as a list: 400, as llhttp says', async () => {
    const peer = await startLlhttp();
    for (const lines of [
      'Content-Length: 5\r\nContent-Length: 5\r\n',
      'Content-Length: 5, 5\r\n',
    ]) {
      const head = `POST / HTTP/1.1\r\nHost: x\r\n${lines}`;
      expect(await peer.readMessage(head, bytes('hello')), lines).toMatchObject({
        accepted: false,
      });
    }
    // RFC 9110 §8.6 lets a recipient accept "42, 42" as 42; refusing is the other choice it allows.
    for (const lines of [['Content-Length: 5', 'Content-Length: 5'], ['Content-Length: 5, 5']]) {
      expect(
        refusal(() => framingOf(lines)),
        lines.join(' | '),
      ).toEqual({
        status: 400,
        reason: 'bad-content-length',
      });
    }
  });

  test('RFC 9110 §8.6: Content-Length = 1*DIGIT, nothing else', () => {
    for (const value of ['+5', '-1', '0x10', '5.0', '1e3', '5 5', 'five']) {
      expect(
        refusal(() => framingOf([`Content-Length: ${value}`])),
        value,
      ).toEqual({
        status: 400,
        reason: 'bad-content-length',
      });
    }
  });

  test('§6.1: Transfer-Encoding in HTTP/1.0 is faulty framing: 400', () => {
    expect(refusal(() => framingOf(['Transfer-Encoding: chunked'], 'HTTP/1.0'))).toEqual({
      status: 400,
      reason: 'transfer-encoding-in-1.0',
    });
  });

  test('§6.3: chunked must be the final coding of a request: 400', () => {
    expect(refusal(() => framingOf(['Transfer-Encoding: chunked, gzip']))).toEqual({
      status: 400,
      reason: 'chunked-not-final',
    });
  });

  test('§6.1: chunked applied twice: 400', () => {
    expect(
      refusal(() => framingOf(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'])),
    ).toEqual({
      status: 400,
      reason: 'chunked-twice',
    });
  });

  test('§6.1: a transfer coding the server does not implement: 501', () => {
    expect(refusal(() => framingOf(['Transfer-Encoding: gzip, chunked']))).toEqual({
      status: 501,
      reason: 'unknown-coding',
    });
  });

  test(`RFC 9110 §15.5.14: a Content-Length above the limit (${DEFAULT_MAX_BODY_BYTES} by default) is 413`, () => {
    expect(framingOf([`Content-Length: ${DEFAULT_MAX_BODY_BYTES}`])).toMatchObject({
      kind: 'length',
    });
    expect(refusal(() => framingOf([`Content-Length: ${DEFAULT_MAX_BODY_BYTES + 1}`]))).toEqual({
      status: 413,
      reason: 'too-large',
    });
    expect(
      refusal(() => framingOf(['Content-Length: 11'], 'HTTP/1.1', { maxBytes: 10 })),
    ).toMatchObject({
      status: 413,
    });
  });
});

describe('RFC 9110 §9.3.6: "A CONNECT request message does not have content."', () => {
  const CONNECT = { method: 'CONNECT' } as const;

  test('a CONNECT with Content-Length is 400, where llhttp tunnels the octets instead', async () => {
    // llhttp emits the CONNECT at the end of the head and hands the ten octets to the
    // tunnel; a hop that frames them as a body reads the next bytes differently. Refused.
    const peer = await startLlhttp();
    const head = 'CONNECT foo.bar.com:443 HTTP/1.0\r\nContent-Length: 10\r\n';
    expect(await peer.readMessage(head, bytes('0123456789'))).toMatchObject({
      accepted: true,
      method: 'CONNECT',
    });
    expect(refusal(() => framingOf(['Content-Length: 10'], 'HTTP/1.0', CONNECT))).toEqual({
      status: 400,
      reason: 'connect-with-content',
    });
  });

  test('a CONNECT with Transfer-Encoding is 400, checked before every other framing rule', () => {
    expect(refusal(() => framingOf(['Transfer-Encoding: chunked'], 'HTTP/1.0', CONNECT))).toEqual({
      status: 400,
      reason: 'connect-with-content',
    });
  });

  test('a CONNECT without either has no body', () => {
    expect(framingOf([], 'HTTP/1.1', CONNECT)).toEqual({ kind: 'none' });
  });

  test('any other method is framed by its fields', () => {
    expect(framingOf(['Content-Length: 10'], 'HTTP/1.1', { method: 'POST' })).toEqual({
      kind: 'length',
      length: 10,
    });
  });
});

describe('RFC 9112 §6.3: which framing error, when the fields break several rules', () => {
  test.each([
    [
      'HTTP/1.0 before both fields',
      ['Transfer-Encoding: chunked', 'Content-Length: 4'],
      'HTTP/1.0',
      'transfer-encoding-in-1.0',
    ],
    [
      'both fields before the final coding',
      ['Transfer-Encoding: gzip', 'Content-Length: 4'],
      'HTTP/1.1',
      'length-and-chunked',
    ],
    [
      'the final coding before chunked twice',
      ['Transfer-Encoding: chunked, chunked, gzip'],
      'HTTP/1.1',
      'chunked-not-final',
    ],
    [
      'chunked twice before an unknown coding',
      ['Transfer-Encoding: gzip, chunked, chunked'],
      'HTTP/1.1',
      'chunked-twice',
    ],
    [
      'the Content-Length syntax before its size',
      [`Content-Length: ${DEFAULT_MAX_BODY_BYTES + 1}, 1`],
      'HTTP/1.1',
      'bad-content-length',
    ],
  ] as const)('%s', (_order, lines, version, reason) => {
    expect(refusal(() => framingOf(lines, version))).toMatchObject({ reason });
  });
});

describe('RFC 9112 §6.2: a body of Content-Length octets', () => {
  test('ends after exactly that many octets; what follows is the next request', () => {
    expect(decode({ kind: 'length', length: 5 }, ['hel', 'loGET / HTTP/1.1'])).toEqual({
      body: 'hello',
      rest: 'GET / HTTP/1.1',
      trailers: [],
    });
  });

  test('is not done until the last octet arrives', () => {
    const decoder = createBodyDecoder({ kind: 'length', length: 3 });
    expect(decoder.push(bytes('ab'))).toMatchObject({ done: false });
    expect(decoder.push(bytes('c'))).toMatchObject({ done: true });
  });

  test('no body: done at once, every byte is the next request', () => {
    expect(decode({ kind: 'none' }, ['GET /next'])).toEqual({
      body: '',
      rest: 'GET /next',
      trailers: [],
    });
  });
});

const CHUNKED: Framing = { kind: 'chunked' };

describe('RFC 9112 §7.1: chunked-body = *chunk last-chunk trailer-section CRLF', () => {
  test('chunks in hex sizes, then the last chunk and the empty line', () => {
    expect(decode(CHUNKED, ['5\r\nhello\r\n', 'A\r\n, world!!!\r\n', '0\r\n\r\nNEXT'])).toEqual({
      body: 'hello, world!!!',
      rest: 'NEXT',
      trailers: [],
    });
  });

  test('fed one octet at a time, it decodes the same', () => {
    const message = '3\r\nabc\r\n1;x=y\r\nd\r\n0\r\n\r\nNEXT';
    expect(decode(CHUNKED, [...message])).toEqual({ body: 'abcd', rest: '', trailers: [] });
  });

  test('hex digits in either case; leading zeros; 000 is the last chunk', () => {
    expect(decode(CHUNKED, ['0a\r\n0123456789\r\n000\r\n\r\n']).body).toBe('0123456789');
    expect(decode(CHUNKED, ['B\r\n0123456789a\r\n0\r\n\r\n']).body).toBe('0123456789a');
  });

  test('§7.1.1: chunk extensions are read and ignored, quoted strings included', () => {
    const message = '3;name=value;flag ; q="a \\"quoted\\" ;value"\r\nabc\r\n0;last\r\n\r\n';
    expect(decode(CHUNKED, [message]).body).toBe('abc');
  });

  test('BWS around ";" and "=" is accepted, where llhttp refuses it', async () => {
    // RFC 9110 §5.6.3: "A recipient MUST parse for such bad whitespace and remove it".
    const peer = await startLlhttp();
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n';
    const encoded = '3 ; a = b\r\nabc\r\n0\r\n\r\n';
    expect(await peer.readMessage(head, bytes(encoded))).toMatchObject({ accepted: false });
    expect(decode(CHUNKED, [encoded]).body).toBe('abc');
  });

  test('§7.1.2: trailer fields come back, the body does not include them', () => {
    expect(decode(CHUNKED, ['2\r\nok\r\n0\r\nChecksum: abc\r\nX-Done: 1\r\n\r\n'])).toEqual({
      body: 'ok',
      rest: '',
      trailers: [
        { name: 'Checksum', value: 'abc' },
        { name: 'X-Done', value: '1' },
      ],
    });
  });

  test('a chunk-size that is not hex: 400', () => {
    for (const size of ['g', '-1', '+5', ' 5', '']) {
      expect(
        refusal(() => decode(CHUNKED, [`${size}\r\nhello\r\n0\r\n\r\n`])),
        size,
      ).toEqual({
        status: 400,
        reason: 'bad-chunk-size',
      });
    }
    expect(refusal(() => decode(CHUNKED, ['0x5\r\nhello\r\n0\r\n\r\n']))).toMatchObject({
      status: 400,
    });
  });

  test('a malformed chunk extension: 400', () => {
    for (const ext of [' 5', ';', ';=x', ';a=', ';a="open', ';a b']) {
      expect(
        refusal(() => decode(CHUNKED, [`5${ext}\r\nhello\r\n0\r\n\r\n`])),
        ext,
      ).toEqual({
        status: 400,
        reason: 'bad-chunk-ext',
      });
    }
  });

  test('a bare LF ending a chunk line: 400 (lenient LF is a known smuggling vector), as llhttp says', async () => {
    const peer = await startLlhttp();
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n';
    expect(await peer.readMessage(head, bytes('5\nhello\r\n0\r\n\r\n'))).toMatchObject({
      accepted: false,
    });
    expect(refusal(() => decode(CHUNKED, ['5\nhello\r\n0\r\n\r\n']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
  });

  test('a CR not followed by LF in a chunk line is 400 at once, without waiting for a LF', () => {
    expect(refusal(() => decode(CHUNKED, ['5\rx']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
    expect(refusal(() => decode(CHUNKED, ['0\r\nX-A: a\rb']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
  });

  test('chunk data longer or shorter than its size (no CRLF right after it): 400', () => {
    expect(refusal(() => decode(CHUNKED, ['5\r\nhellox\n0\r\n\r\n']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
    expect(refusal(() => decode(CHUNKED, ['3\r\nhello\r\n0\r\n\r\n']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
    expect(refusal(() => decode(CHUNKED, ['5\r\nhel\r\n0\r\n\r\n']))).toEqual({
      status: 400,
      reason: 'bad-line-ending',
    });
  });

  test('a bad trailer field: 400', () => {
    expect(refusal(() => decode(CHUNKED, ['0\r\nBad Trailer\r\n\r\n']))).toEqual({
      status: 400,
      reason: 'bad-trailer',
    });
  });

  test('a chunk line that never ends is refused, not buffered without bound', () => {
    expect(refusal(() => decode(CHUNKED, [`5;${'a'.repeat(10_000)}`]))).toEqual({
      status: 400,
      reason: 'line-too-long',
    });
  });

  test('a chunk line may take MAX_LINE_BYTES octets, its CRLF included, and not one more', () => {
    const line = (length: number) => `5;${'a'.repeat(length - '5;\r\n'.length)}\r\n`;
    expect(decode(CHUNKED, [`${line(MAX_LINE_BYTES)}hello\r\n0\r\n\r\n`]).body).toBe('hello');
    expect(
      refusal(() => decode(CHUNKED, [`${line(MAX_LINE_BYTES + 1)}hello\r\n0\r\n\r\n`])),
    ).toEqual({
      status: 400,
      reason: 'line-too-long',
    });
  });

  test('a trailer line is bounded too', () => {
    expect(refusal(() => decode(CHUNKED, [`0\r\nX-Long: ${'a'.repeat(MAX_LINE_BYTES)}`]))).toEqual({
      status: 400,
      reason: 'line-too-long',
    });
  });

  test('chunks that add up to exactly maxBytes are accepted', () => {
    const message = '6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n';
    expect(decode(CHUNKED, [message], { maxBytes: 10 }).body).toBe('abcdefghij');
  });

  test('413 when the chunks add up to more than maxBytes, even before the data arrives', () => {
    expect(refusal(() => decode(CHUNKED, ['6\r\nabcdef\r\n5\r\n'], { maxBytes: 10 }))).toEqual({
      status: 413,
      reason: 'too-large',
    });
  });

  test('a chunk-size too large to be a number is 413, not a wrapped small number', () => {
    // 0x1_0000_0000_0000_0005 would wrap to 5 in 64-bit arithmetic and read "hello".
    expect(refusal(() => decode(CHUNKED, ['10000000000000005\r\nhello\r\n0\r\n\r\n']))).toEqual({
      status: 413,
      reason: 'too-large',
    });
  });

  test('the error names the status, the reason and what was read', () => {
    expect(() => decode(CHUNKED, ['zz\r\n'])).toThrow(/400 bad-chunk-size.*"zz"/);
  });
});
