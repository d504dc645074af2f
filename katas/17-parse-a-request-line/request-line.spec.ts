import { describe, expect, test } from 'vitest';
import { startLlhttp } from './fixtures/llhttp.ts';
import {
  type ErrorStatus,
  type InvalidReason,
  MAX_TARGET_LENGTH,
  parseRequestLine,
  RequestLineError,
} from './request-line.ts';

/** The status and reason parseRequestLine refuses `line` with, or what it accepted. */
function refusal(line: string): { status: ErrorStatus; reason: InvalidReason } | string {
  try {
    return `accepted as ${JSON.stringify(parseRequestLine(line))}`;
  } catch (error) {
    if (error instanceof RequestLineError) return { status: error.status, reason: error.reason };
    throw error;
  }
}

describe('RFC 9112 §3: request-line = method SP request-target SP HTTP-version', () => {
  test('GET / HTTP/1.1 is a GET of / in HTTP/1.1', () => {
    expect(parseRequestLine('GET / HTTP/1.1')).toEqual({
      method: 'GET',
      target: { form: 'origin', text: '/', path: '/', query: undefined },
      version: 'HTTP/1.1',
    });
  });

  test('HTTP/1.0 is read as HTTP/1.0', () => {
    expect(parseRequestLine('HEAD /a HTTP/1.0').version).toBe('HTTP/1.0');
  });

  test('two spaces between method and target: 400, where llhttp accepts it', async () => {
    // §3 allows a recipient to split on any whitespace, and warns that this leniency is how
    // request smuggling starts; llhttp takes it, this parser does not.
    const peer = await startLlhttp();
    expect(await peer.read('GET  / HTTP/1.1')).toMatchObject({ accepted: true });
    expect(refusal('GET  / HTTP/1.1')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('a space at the end of the line: 400', () => {
    expect(refusal('GET / HTTP/1.1 ')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('a space at the start of the line: 400', () => {
    expect(refusal(' GET / HTTP/1.1')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('a TAB instead of SP: 400', () => {
    expect(refusal('GET\t/ HTTP/1.1')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('no version (an HTTP/0.9 simple request): 400', () => {
    expect(refusal('GET /')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('two SPs in a row where the target should be: 400 for the whitespace, not the target', () => {
    expect(refusal('GET  HTTP/1.1')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('a space inside the request-target: 400', () => {
    expect(refusal('GET /a b HTTP/1.1')).toEqual({ status: 400, reason: 'bad-whitespace' });
  });

  test('§2.2: a bare CR inside the line is invalid: 400', () => {
    expect(refusal('GET /a\rb HTTP/1.1')).toEqual({ status: 400, reason: 'bare-cr' });
    expect(refusal('GET / HTTP/1.1\r')).toEqual({ status: 400, reason: 'bare-cr' });
  });

  test('the error names the status, the line and the reason', () => {
    expect(() => parseRequestLine('GET  / HTTP/1.1')).toThrow(
      /400.*"GET {2}\/ HTTP\/1.1".*bad-whitespace/,
    );
  });
});

describe('RFC 9110 §9.1: method = token; methods are case-sensitive', () => {
  test.each(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH'])(
    '%s is a method',
    (method) => {
      expect(parseRequestLine(`${method} /x HTTP/1.1`).method).toBe(method);
    },
  );

  test('a method that is not a token: 400', () => {
    expect(refusal('GE(T / HTTP/1.1')).toEqual({ status: 400, reason: 'bad-method' });
    expect(refusal('GÉT / HTTP/1.1')).toEqual({ status: 400, reason: 'bad-method' });
  });

  test('a token that is no method this server implements: 501, where llhttp fails to parse it', async () => {
    const peer = await startLlhttp();
    expect(await peer.read('BREW / HTTP/1.1')).toMatchObject({ accepted: false });
    expect(refusal('BREW / HTTP/1.1')).toEqual({ status: 501, reason: 'unknown-method' });
  });

  test('get is not GET: 501', () => {
    expect(refusal('get / HTTP/1.1')).toEqual({ status: 501, reason: 'unknown-method' });
  });
});

describe('RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT', () => {
  test('HTTP-name is case-sensitive: http/1.1 is 400', () => {
    expect(refusal('GET / http/1.1')).toEqual({ status: 400, reason: 'bad-version' });
  });

  test('one digit each side of the dot: HTTP/1.10 and HTTP/01.1 are 400', () => {
    expect(refusal('GET / HTTP/1.10')).toEqual({ status: 400, reason: 'bad-version' });
    expect(refusal('GET / HTTP/01.1')).toEqual({ status: 400, reason: 'bad-version' });
    expect(refusal('GET / HTTP/1')).toEqual({ status: 400, reason: 'bad-version' });
  });

  test('RFC 9110 §6.2: a higher minor version is processed as HTTP/1.1, where llhttp refuses it', async () => {
    // the RFC says to read it as the highest 1.x the recipient conforms to
    const peer = await startLlhttp();
    expect(await peer.read('GET / HTTP/1.2')).toMatchObject({ accepted: false });
    expect(parseRequestLine('GET / HTTP/1.2').version).toBe('HTTP/1.1');
  });

  test('RFC 9110 §15.6.6: another major version is 505, where llhttp accepts HTTP/2.0', async () => {
    const peer = await startLlhttp();
    expect(await peer.read('GET / HTTP/2.0')).toMatchObject({ accepted: true, version: '2.0' });
    expect(refusal('GET / HTTP/2.0')).toEqual({ status: 505, reason: 'unsupported-version' });
    expect(refusal('GET / HTTP/0.9')).toEqual({ status: 505, reason: 'unsupported-version' });
  });
});

describe('RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ]', () => {
  test('the path and the query are split at the first "?"', () => {
    expect(parseRequestLine('GET /search/a?q=1?2&x HTTP/1.1').target).toEqual({
      form: 'origin',
      text: '/search/a?q=1?2&x',
      path: '/search/a',
      query: 'q=1?2&x',
    });
  });

  test('a bare "?" is an empty query', () => {
    expect(parseRequestLine('GET /a? HTTP/1.1').target).toMatchObject({ path: '/a', query: '' });
  });

  test('a fragment is never sent: "#" in the target is 400, where llhttp accepts it', async () => {
    const peer = await startLlhttp();
    expect(await peer.read('GET /a#b HTTP/1.1')).toMatchObject({ accepted: true });
    expect(refusal('GET /a#b HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
  });

  test('characters RFC 3986 does not allow in a path are 400, where llhttp accepts them', async () => {
    const peer = await startLlhttp();
    for (const target of ['/"', '/<', '/{', '/|', '/\\', '/^', '/`', '/%zz']) {
      expect(await peer.read(`GET ${target} HTTP/1.1`), target).toMatchObject({ accepted: true });
    }
    for (const target of [
      '/"',
      '/<',
      '/{',
      '/|',
      '/\\',
      '/^',
      '/`',
      '/%zz',
      '/%a',
      '/?%a',
      '/?<',
    ]) {
      expect(refusal(`GET ${target} HTTP/1.1`), target).toEqual({
        status: 400,
        reason: 'bad-target',
      });
    }
  });

  test('a relative path is not a request-target: 400', () => {
    expect(refusal('GET ./a HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
    expect(refusal('GET a HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
  });

  test(`a request-target over ${MAX_TARGET_LENGTH} octets: 414`, () => {
    const target = `/${'a'.repeat(MAX_TARGET_LENGTH)}`;
    expect(refusal(`GET ${target} HTTP/1.1`)).toEqual({ status: 414, reason: 'target-too-long' });
    const longest = `/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`;
    expect(parseRequestLine(`GET ${longest} HTTP/1.1`).target.text).toBe(longest);
  });
});

describe('RFC 9112 §3.2.2: absolute-form = absolute-URI', () => {
  test('an absolute URL is split into its components (kata 16)', () => {
    expect(parseRequestLine('GET http://Example.com:8080/a?b HTTP/1.1').target).toMatchObject({
      form: 'absolute',
      text: 'http://Example.com:8080/a?b',
      url: { host: 'example.com', port: 8080, path: '/a', query: 'b' },
    });
  });

  test('an absolute-URI has no fragment: 400', () => {
    expect(refusal('GET http://a/b#c HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
  });

  test('a URL that kata 16 refuses is 400', () => {
    expect(refusal('GET http:///a HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
    expect(refusal('GET ftp://a/b HTTP/1.1')).toEqual({ status: 400, reason: 'bad-target' });
  });
});

describe('RFC 9112 §3.2.3: authority-form = uri-host ":" port, for CONNECT only', () => {
  test('CONNECT example.com:443 names a host and a port', () => {
    expect(parseRequestLine('CONNECT Example.com:443 HTTP/1.1').target).toEqual({
      form: 'authority',
      text: 'Example.com:443',
      host: 'example.com',
      port: 443,
    });
  });

  test('CONNECT to an IPv6 host', () => {
    expect(parseRequestLine('CONNECT [::1]:8443 HTTP/1.1').target).toMatchObject({
      host: '[::1]',
      port: 8443,
    });
  });

  test('CONNECT with any other form: 400, where llhttp accepts CONNECT /a', async () => {
    const peer = await startLlhttp();
    expect(await peer.read('CONNECT /a HTTP/1.1')).toMatchObject({ accepted: true });
    expect(refusal('CONNECT /a HTTP/1.1')).toEqual({ status: 400, reason: 'wrong-target-form' });
  });

  test('authority-form without a port, or with userinfo: 400', () => {
    expect(refusal('CONNECT example.com HTTP/1.1')).toMatchObject({ status: 400 });
    expect(refusal('CONNECT u@example.com:443 HTTP/1.1')).toMatchObject({ status: 400 });
  });

  test('authority-form is a host and a port and nothing after: example.com:443/x is 400', () => {
    expect(refusal('CONNECT example.com:443/x HTTP/1.1')).toEqual({
      status: 400,
      reason: 'bad-target',
    });
  });

  test('authority-form with another method: 400', () => {
    expect(refusal('GET example.com:443 HTTP/1.1')).toEqual({
      status: 400,
      reason: 'wrong-target-form',
    });
  });
});

describe('RFC 9112 §3.2.4: asterisk-form = "*", for a server-wide OPTIONS only', () => {
  test('OPTIONS * HTTP/1.1', () => {
    expect(parseRequestLine('OPTIONS * HTTP/1.1').target).toEqual({ form: 'asterisk', text: '*' });
  });

  test('"*" with another method: 400, where llhttp accepts GET *', async () => {
    const peer = await startLlhttp();
    expect(await peer.read('GET * HTTP/1.1')).toMatchObject({ accepted: true });
    expect(refusal('GET * HTTP/1.1')).toEqual({ status: 400, reason: 'wrong-target-form' });
  });
});

describe('Which error: the rules are checked in one order, the first broken one answers', () => {
  const long = 'a'.repeat(MAX_TARGET_LENGTH);
  test.each([
    ['a bare CR before the whitespace', 'GET  /\r HTTP/1.1', 400, 'bare-cr'],
    ['the whitespace before the method', 'GE(T  / HTTP/1.1', 400, 'bad-whitespace'],
    ['the method token before the version', 'GE(T / http/1.1', 400, 'bad-method'],
    ['the version syntax before the length', `GET /${long} http/1.1`, 400, 'bad-version'],
    ['the length before the target form', `GET /"${long} HTTP/1.1`, 414, 'target-too-long'],
    ['the target form before the major version', 'GET /a#b HTTP/2.0', 400, 'bad-target'],
    ['the major version before the method', 'BREW / HTTP/2.0', 505, 'unsupported-version'],
    ['a known method before its target form', 'BREW * HTTP/1.1', 501, 'unknown-method'],
  ] as const)('%s', (_order, line, status, reason) => {
    expect(refusal(line)).toEqual({ status, reason });
  });
});
