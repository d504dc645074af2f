import { describe, expect, test } from 'vitest';
import {
  type InvalidReason,
  InvalidUrl,
  removeDotSegments,
  resolveReference,
  splitUrl,
} from './uri-reference.ts';

/** The reason splitUrl gives for `text`, or a message saying it accepted it. */
function reasonFor(text: string): InvalidReason | string {
  try {
    return `accepted as ${JSON.stringify(splitUrl(text))}`;
  } catch (error) {
    if (error instanceof InvalidUrl) return error.reason;
    throw error;
  }
}

describe('RFC 3986 §3: URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]', () => {
  test('splits a URL that has every component', () => {
    expect(splitUrl('https://ann:secret@example.com:8443/a/b;v=1?x=1&y=2#top')).toEqual({
      scheme: 'https',
      userinfo: 'ann:secret',
      host: 'example.com',
      hostKind: 'reg-name',
      port: 8443,
      path: '/a/b;v=1',
      query: 'x=1&y=2',
      fragment: 'top',
    });
  });

  test('§3.1: the scheme is case-insensitive and its canonical form is lowercase', () => {
    expect(splitUrl('HtTpS://example.com/').scheme).toBe('https');
  });

  test('§3.4, §3.5: no "?" is no query, a bare "?" is an empty one; likewise "#"', () => {
    expect(splitUrl('http://h/p')).toMatchObject({ query: undefined, fragment: undefined });
    expect(splitUrl('http://h/p?#')).toMatchObject({ query: '', fragment: '' });
  });

  test('§3.4: the query ends at the first "#"; a "?" after it belongs to the fragment', () => {
    expect(splitUrl('http://h/p?a?b#c?d')).toMatchObject({ query: 'a?b', fragment: 'c?d' });
  });

  test('§3.5: fragment = *( pchar / "/" / "?" ): a second "#" is rejected', () => {
    // WHATWG URL percent-encodes nothing here and keeps it: new URL('http://h/#a#b').hash is '#a#b'.
    expect(reasonFor('http://h/#a#b')).toBe('invalid-character');
  });

  test('§2.1: percent-encoded octets are kept as written, not decoded', () => {
    expect(splitUrl('http://h/a%2Fb%20c?q=%41')).toMatchObject({
      path: '/a%2Fb%20c',
      query: 'q=%41',
    });
  });

  test('§3.3: dot segments are kept: removing them is resolution (§5.2.4), not splitting', () => {
    // WHATWG URL removes them while parsing: new URL('http://h/a/../b').pathname is '/b'.
    expect(splitUrl('http://h/a/./../b').path).toBe('/a/./../b');
  });
});

describe('RFC 9110 §4.2: http-URI = "http" "://" authority path-abempty [ "?" query ]', () => {
  test('§4.2.1: with no port, an http URL is on port 80', () => {
    expect(splitUrl('http://example.com/').port).toBe(80);
  });

  test('§4.2.2: with no port, an https URL is on port 443', () => {
    expect(splitUrl('https://example.com/').port).toBe(443);
  });

  test('RFC 3986 §3.2.3: an empty port is the default port', () => {
    expect(splitUrl('https://example.com:/').port).toBe(443);
  });

  test('§4.2.3: an empty path is the same as "/"', () => {
    expect(splitUrl('http://example.com?q').path).toBe('/');
  });

  test('§4.2.1: "A recipient that processes such a URI reference MUST reject it as invalid" (empty host)', () => {
    expect(reasonFor('http:///index.html')).toBe('empty-host');
    expect(reasonFor('http://:8080/')).toBe('empty-host');
    expect(reasonFor('http://user@/')).toBe('empty-host');
  });

  test('an http URL needs "//" and an authority: http:/path is not one', () => {
    expect(reasonFor('http:/index.html')).toBe('missing-authority');
    expect(reasonFor('http:index.html')).toBe('missing-authority');
  });

  test('other schemes are not http(s) URLs', () => {
    expect(reasonFor('ftp://example.com/')).toBe('unsupported-scheme');
    expect(reasonFor('mailto:ann@example.com')).toBe('unsupported-scheme');
  });

  test('a relative reference has no scheme: resolve it against a base first', () => {
    expect(reasonFor('/index.html')).toBe('not-absolute');
    expect(reasonFor('//example.com/')).toBe('not-absolute');
  });

  test('§3.1: a scheme starts with a letter and has no spaces', () => {
    expect(reasonFor('1http://example.com/')).toBe('invalid-character');
    expect(reasonFor('ht tp://example.com/')).toBe('invalid-character');
  });

  test('§4.2.4: userinfo is returned as written, so the caller can treat it as an error', () => {
    expect(splitUrl('http://Ann:P%40ss@example.com/').userinfo).toBe('Ann:P%40ss');
    expect(splitUrl('http://@example.com/').userinfo).toBe('');
  });

  test('a raw "@" inside userinfo is rejected: http://good.com@evil.com@x/ hides its host', () => {
    // WHATWG URL takes the last "@" and percent-encodes the others; RFC 3986 §3.2.1 allows none.
    expect(new URL('http://good.com@evil.com@x/').hostname).toBe('x');
    expect(reasonFor('http://good.com@evil.com@x/')).toBe('invalid-character');
  });
});

describe('RFC 3986 §3.2.2: host = IP-literal / IPv4address / reg-name', () => {
  test('a reg-name is case-insensitive: it is returned in lowercase', () => {
    expect(splitUrl('http://WWW.Example.COM/')).toMatchObject({
      host: 'www.example.com',
      hostKind: 'reg-name',
    });
  });

  test('a dotted quad is an IPv4 address', () => {
    expect(splitUrl('http://192.0.2.1:8080/')).toMatchObject({
      host: '192.0.2.1',
      hostKind: 'IPv4',
      port: 8080,
    });
  });

  test('an IPv6 address is in brackets and comes back in its RFC 5952 text', () => {
    const text = 'http://[2001:DB8:0:0:0:0:0:1]/';
    // WHATWG URL writes IPv6 hosts as RFC 5952 §4 does (outside ::ffff:0:0/96).
    expect(splitUrl(text)).toMatchObject({ host: new URL(text).hostname, hostKind: 'IPv6' });
  });

  test('the port of an IPv6 host is the one after "]"', () => {
    expect(splitUrl('http://[::1]:8080/')).toMatchObject({ host: '[::1]', port: 8080 });
    expect(splitUrl('http://[::]:8080/')).toMatchObject({ host: '[::]', port: 8080 });
  });

  test('a bracketed host that is not an IPv6 address is rejected', () => {
    expect(reasonFor('http://[::1/')).toBe('invalid-host');
    expect(reasonFor('http://[1::2::3]/')).toBe('invalid-host');
    expect(reasonFor('http://[::1]x/')).toBe('invalid-host');
    expect(reasonFor('http://[fe80::1%25eth0]/')).toBe('invalid-host');
  });

  test.each(['010.0.0.1', '0x7f.0.0.1', '127.1', '2130706433', '1.2.3.4.5'])(
    '%s is rejected: a host that ends in a number but is not a strict dotted quad',
    (host) => {
      // §7.4: these "rare" forms mean an IPv4 address to inet_aton(3) and to WHATWG URL,
      // which reads 010.0.0.1 as 8.0.0.1 or fails, never as the name it looks like.
      expect(reasonFor(`http://${host}/`)).toBe('ambiguous-ipv4');
    },
  );

  test('a last label that only starts with a digit is a name: a.1b is a reg-name', () => {
    expect(new URL('http://a.1b/').hostname).toBe('a.1b');
    expect(splitUrl('http://a.1b/')).toMatchObject({ host: 'a.1b', hostKind: 'reg-name' });
  });

  test.each(['a.0x1', 'a.0x7f', 'a.0X', 'a.1.'])(
    '%s ends in a number (0x and hex digits, or digits before a final dot), as WHATWG URL reads it',
    (host) => {
      expect(() => new URL(`http://${host}/`)).toThrow();
      expect(reasonFor(`http://${host}/`)).toBe('ambiguous-ipv4');
    },
  );

  test('a name outside the reg-name grammar is rejected, non-ASCII included (IDNA is not this kata)', () => {
    expect(reasonFor('http://exa mple.com/')).toBe('invalid-character');
    expect(reasonFor('http://a<b.com/')).toBe('invalid-character');
    expect(reasonFor('http://bücher.example/')).toBe('invalid-character');
  });
});

describe('RFC 3986 §3.2.3: port = *DIGIT', () => {
  test('a port with anything but digits is rejected', () => {
    for (const port of ['8o', '+80', '-1', ' 80', '0x50', '80:81', '80]']) {
      expect(reasonFor(`http://h:${port}/`), port).toBe('invalid-port');
    }
  });

  test('a port above 65535 is rejected: TCP ports are 16 bits', () => {
    expect(reasonFor('http://h:65536/')).toBe('port-out-of-range');
    expect(splitUrl('http://h:65535/').port).toBe(65535);
  });

  test('leading zeros are digits: 0080 is port 80', () => {
    expect(splitUrl('http://h:0080/').port).toBe(80);
  });
});

describe('RFC 3986 §2: characters outside a component\'s grammar are rejected, not "fixed"', () => {
  // WHATWG URL percent-encodes or rewrites these instead of failing; a server that
  // compares URLs must not accept what another parser would read differently.
  test('a space in the path, query or fragment', () => {
    expect(reasonFor('http://h/a b')).toBe('invalid-character');
    expect(reasonFor('http://h/?a b')).toBe('invalid-character');
    expect(reasonFor('http://h/#a b')).toBe('invalid-character');
  });

  test('a backslash, which WHATWG URL reads as "/" in http URLs', () => {
    expect(new URL('http://h\\evil/').hostname).toBe('h');
    expect(reasonFor('http://h\\evil/')).toBe('invalid-character');
  });

  test('CR, LF and TAB, which WHATWG URL silently removes', () => {
    expect(reasonFor('http://h/a\r\nb')).toBe('invalid-character');
    expect(reasonFor('http://h/a\tb')).toBe('invalid-character');
  });

  test('§2.1: a "%" not followed by two hexadecimal digits', () => {
    expect(reasonFor('http://h/100%')).toBe('invalid-percent-encoding');
    expect(reasonFor('http://h/?q=%zz')).toBe('invalid-percent-encoding');
    expect(reasonFor('http://h/%a')).toBe('invalid-percent-encoding');
    expect(reasonFor('http://h/%az')).toBe('invalid-percent-encoding');
  });

  test('the error names the input and the reason', () => {
    expect(() => splitUrl('http://h/a b')).toThrow(/"http:\/\/h\/a b".*invalid-character/);
  });
});

describe('the reason is that of the first component, left to right, that breaks its rule', () => {
  test.each([
    ['the scheme before the authority', '1http://:8080/', 'invalid-character'],
    ['userinfo before the host', 'http://a b@/', 'invalid-character'],
    ['the host before the port', 'http://010.0.0.1:x/', 'ambiguous-ipv4'],
    ['the authority before the path', 'http://:8080/a b', 'empty-host'],
    ['the port before the path', 'http://h:99999/%zz', 'port-out-of-range'],
    ['the path before the query', 'http://h/%zz?a b', 'invalid-percent-encoding'],
    ['the query before the fragment', 'http://h/?a b#%zz', 'invalid-character'],
  ])('%s: %s is %s', (_order, text, reason) => {
    expect(reasonFor(text)).toBe(reason);
  });
});

describe('RFC 3986 §5.2.4: remove_dot_segments', () => {
  test("the RFC's first example: /a/b/c/./../../g is /a/g", () => {
    expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g');
  });

  test("the RFC's second example: mid/content=5/../6 is mid/6", () => {
    expect(removeDotSegments('mid/content=5/../6')).toBe('mid/6');
  });

  test('".." never climbs above the root', () => {
    expect(removeDotSegments('/../../a')).toBe('/a');
  });

  test('a trailing "." or ".." leaves the path ending in "/"', () => {
    expect(removeDotSegments('/a/b/.')).toBe('/a/b/');
    expect(removeDotSegments('/a/b/..')).toBe('/a/');
  });

  test('step A: a leading "../" or "./" is removed from a relative path', () => {
    expect(removeDotSegments('../a/b')).toBe('a/b');
    expect(removeDotSegments('./a/b')).toBe('a/b');
    expect(removeDotSegments('.././a')).toBe('a');
  });

  test('step D: a path that is only "." or ".." becomes empty', () => {
    expect(removeDotSegments('.')).toBe('');
    expect(removeDotSegments('..')).toBe('');
    expect(removeDotSegments('a/..')).toBe('/');
  });

  test('segments that only start or end with dots are names, not dot segments', () => {
    expect(removeDotSegments('/a/.b/c../...')).toBe('/a/.b/c../...');
  });
});

/** RFC 3986 §5.4: "Within a representation with a well defined base URI of ..." */
const BASE = 'http://a/b/c/d;p?q';

describe('RFC 3986 §5.4.1: normal examples, against http://a/b/c/d;p?q', () => {
  test.each([
    ['g:h', 'g:h'],
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['g#s', 'http://a/b/c/g#s'],
    ['g?y#s', 'http://a/b/c/g?y#s'],
    [';x', 'http://a/b/c/;x'],
    ['g;x', 'http://a/b/c/g;x'],
    ['g;x?y#s', 'http://a/b/c/g;x?y#s'],
    ['', 'http://a/b/c/d;p?q'],
    ['.', 'http://a/b/c/'],
    ['./', 'http://a/b/c/'],
    ['..', 'http://a/b/'],
    ['../', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../..', 'http://a/'],
    ['../../', 'http://a/'],
    ['../../g', 'http://a/g'],
  ])('"%s" resolves to %s', (reference, target) => {
    expect(resolveReference(BASE, reference)).toBe(target);
  });
});

describe('RFC 3986 §5.4.2: abnormal examples, against http://a/b/c/d;p?q', () => {
  test.each([
    ['../../../g', 'http://a/g'],
    ['../../../../g', 'http://a/g'],
    ['/./g', 'http://a/g'],
    ['/../g', 'http://a/g'],
    ['g.', 'http://a/b/c/g.'],
    ['.g', 'http://a/b/c/.g'],
    ['g..', 'http://a/b/c/g..'],
    ['..g', 'http://a/b/c/..g'],
    ['./../g', 'http://a/b/g'],
    ['./g/.', 'http://a/b/c/g/'],
    ['g/./h', 'http://a/b/c/g/h'],
    ['g/../h', 'http://a/b/c/h'],
    ['g;x=1/./y', 'http://a/b/c/g;x=1/y'],
    ['g;x=1/../y', 'http://a/b/c/y'],
    ['g?y/./x', 'http://a/b/c/g?y/./x'],
    ['g?y/../x', 'http://a/b/c/g?y/../x'],
    ['g#s/./x', 'http://a/b/c/g#s/./x'],
    ['g#s/../x', 'http://a/b/c/g#s/../x'],
    // "for strict parsers"; WHATWG URL, like the RFC's "backward compatibility" parsers,
    // reads it as http://a/b/c/g
    ['http:g', 'http:g'],
  ])('"%s" resolves to %s', (reference, target) => {
    expect(resolveReference(BASE, reference)).toBe(target);
  });
});

describe('RFC 3986 §5.1: the base URI', () => {
  test("the base's fragment is not inherited", () => {
    expect(resolveReference('http://a/b?q#frag', '')).toBe('http://a/b?q');
    expect(resolveReference('http://a/b?q#frag', '?y')).toBe('http://a/b?y');
  });

  test('§5.2.3: a base with an authority and an empty path merges as "/"', () => {
    expect(resolveReference('http://a', 'g')).toBe('http://a/g');
  });

  test('§5.2.3: a base without an authority merges its empty path as it is: a: + g is a:g', () => {
    expect(resolveReference('about:', 'g')).toBe('about:g');
  });

  test('a base without a scheme is rejected: it must be absolute', () => {
    expect(() => resolveReference('/b/c', 'g')).toThrow(
      expect.objectContaining({ reason: 'not-absolute', input: '/b/c' }),
    );
  });
});
