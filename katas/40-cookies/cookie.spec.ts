import * as peer from 'cookie';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { curl, HAS_CURL, nodeRequest, withCurl } from '../27-hello-server/fixtures/clients.ts';
import type { App, ResponseHeaders } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import {
  COOKIE_RULES,
  type CookieOptions,
  type CookieRule,
  deleteCookie,
  parseCookie,
  serializeCookie,
} from './cookie.ts';

/** What serializeCookie threw: its rule, or a note that it threw nothing or something else. */
function ruleOf(write: () => unknown): CookieRule | string {
  try {
    write();
  } catch (error) {
    if (error instanceof Error && error.name === 'CookieError' && 'rule' in error) {
      return String(error.rule);
    }
    return `not a CookieError: ${String(error)}`;
  }
  return 'nothing thrown';
}

/** A Set-Cookie field value cut as RFC 6265 §4.1.1 writes it: the pair, then each attribute. */
const attributes = (setCookie: string) => setCookie.split('; ');

/** RFC 6265 §3.1's own example date, "Expires=Sun, 06 Nov 1994 08:49:37 GMT" in IMF-fixdate. */
const NOV_6_1994 = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));

/** The raw value, written as it is: the check on the cookie-value grammar has to do the work. */
const raw = { encode: (value: string) => value } as const;

describe('RFC 6265 §4.2.1: cookie-string = cookie-pair *( ";" SP cookie-pair )', () => {
  test('§3.1\'s example: "Cookie: SID=31d4d96e407aad42; lang=en-US" is two cookies', () => {
    expect(parseCookie('SID=31d4d96e407aad42; lang=en-US')).toEqual({
      SID: '31d4d96e407aad42',
      lang: 'en-US',
    });
  });

  test('one cookie, no ";" at all', () => {
    expect(parseCookie('SID=31d4d96e407aad42')).toEqual({ SID: '31d4d96e407aad42' });
  });

  test('no Cookie header, or an empty one, is no cookies', () => {
    expect(parseCookie('')).toEqual({});
  });

  test('the value is everything after the first "=": a value may hold "=" itself', () => {
    expect(parseCookie('sig=abc==; b=1')).toEqual({ sig: 'abc==', b: '1' });
  });

  test('an empty value is a cookie too', () => {
    expect(parseCookie('a=; b=2')).toEqual({ a: '', b: '2' });
  });

  test('names come from the client: __proto__ and constructor are keys like any other', () => {
    const cookies = parseCookie('__proto__=x; constructor=y; toString=z');
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(Object.keys(cookies)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(cookies.constructor).toBe('y');
  });

  test('a name is case-sensitive: SID and sid are two cookies', () => {
    expect(parseCookie('SID=1; sid=2')).toEqual({ SID: '1', sid: '2' });
  });
});

describe('RFC 6265 §5.2, read leniently: WSP trimmed, a piece without "=" or without a name ignored', () => {
  test('spaces and tabs around a name and a value are trimmed, and ";" needs no SP after it', () => {
    expect(parseCookie(' a = 1 ;\tb\t=\t2;c=3 ')).toEqual({ a: '1', b: '2', c: '3' });
  });

  test('any run of spaces and tabs is trimmed, not only one', () => {
    expect(parseCookie('  \t a \t  =  \t1\t  ;\t\tb=  2  ')).toEqual({ a: '1', b: '2' });
  });

  test('whitespace inside a value is kept', () => {
    expect(parseCookie('a=x  y; b=2')).toEqual({ a: 'x  y', b: '2' });
  });

  test('"If the name-value-pair string lacks a %x3D ("=") character, ignore" it', () => {
    expect(parseCookie('flag; a=1; other')).toEqual({ a: '1' });
  });

  test('"If the name string is empty, ignore" it (the cookie package keeps "" as a name)', () => {
    expect(parseCookie('=x; a=1; =y')).toEqual({ a: '1' });
    expect(peer.parse('=x; a=1')).toEqual({ '': 'x', a: '1' });
  });

  test('empty pieces between ";" are nothing', () => {
    expect(parseCookie(';; a=1 ;;; b=2;')).toEqual({ a: '1', b: '2' });
  });

  test('DQUOTEs around a value are part of it, as the cookie package reads them', () => {
    expect(parseCookie('a="x"; b=""')).toEqual({ a: '"x"', b: '""' });
    expect(parseCookie('a="x"; b=""')).toEqual(peer.parse('a="x"; b=""'));
  });
});

describe('RFC 6265 §5.4: the user agent lists "cookies with longer paths … before cookies with shorter paths"', () => {
  test('of two cookies with one name, the first wins: the one scoped closest to this path', () => {
    expect(parseCookie('id=inner; id=outer')).toEqual({ id: 'inner' });
  });

  test('the cookie package reads the same', () => {
    const header = 'id=inner; lang=en; id=outer; lang=fr';
    expect(parseCookie(header)).toEqual(peer.parse(header));
  });

  test('a later cookie with an empty value does not overwrite the first either', () => {
    expect(parseCookie('id=inner; id=')).toEqual({ id: 'inner' });
  });
});

describe('values are percent-decoded, as the cookie package does by default', () => {
  test('%XX escapes become the characters they encode, UTF-8 included', () => {
    expect(parseCookie('a=hello%20world%3B%2C; b=Zo%C3%AB')).toEqual({
      a: 'hello world;,',
      b: 'Zoë',
    });
  });

  test('a malformed escape never throws: the value comes as it is', () => {
    for (const value of ['100%', '%zz', '%E0%A4%A', '%C3', 'a%2']) {
      expect(parseCookie(`a=${value}`)).toEqual({ a: value });
    }
  });

  test('a malformed escape leaves the other cookies decoded', () => {
    expect(parseCookie('a=%zz; b=%41')).toEqual({ a: '%zz', b: 'A' });
  });

  test('names are not decoded', () => {
    expect(parseCookie('a%20b=1')).toEqual({ 'a%20b': '1' });
  });

  test('decode: the caller chooses; the identity keeps every escape', () => {
    expect(parseCookie('a=x%20y; b=%41', { decode: (value) => value })).toEqual({
      a: 'x%20y',
      b: '%41',
    });
  });

  test('decode runs on the value only once it is trimmed', () => {
    expect(parseCookie('a= x ', { decode: (value) => `[${value}]` })).toEqual({ a: '[x]' });
  });
});

describe('RFC 6265 §4.1.1: set-cookie-string = cookie-pair *( ";" SP cookie-av )', () => {
  test('no options: the pair alone, "Set-Cookie: SID=31d4d96e407aad42" as §3.1 writes it', () => {
    expect(serializeCookie('SID', '31d4d96e407aad42')).toBe('SID=31d4d96e407aad42');
  });

  test('an empty value is "name="', () => {
    expect(serializeCookie('lang', '')).toBe('lang=');
  });

  test('Path=, Domain=, Secure and HttpOnly, each after "; "', () => {
    const setCookie = serializeCookie('SID', '31d4d96e407aad42', {
      path: '/',
      domain: 'example.com',
      secure: true,
      httpOnly: true,
    });
    expect(attributes(setCookie)[0]).toBe('SID=31d4d96e407aad42');
    expect(attributes(setCookie).slice(1).sort()).toEqual(
      ['Domain=example.com', 'HttpOnly', 'Path=/', 'Secure'].sort(),
    );
  });

  test('Max-Age= a number of seconds', () => {
    expect(attributes(serializeCookie('a', '1', { maxAge: 3600 }))).toEqual([
      'a=1',
      'Max-Age=3600',
    ]);
  });

  test('Expires= an IMF-fixdate (rfc1123-date): §3.1\'s "Sun, 06 Nov 1994 08:49:37 GMT"', () => {
    expect(attributes(serializeCookie('lang', '', { expires: NOV_6_1994 }))).toEqual([
      'lang=',
      'Expires=Sun, 06 Nov 1994 08:49:37 GMT',
    ]);
  });

  test('SameSite=Strict, SameSite=Lax, and SameSite=None with Secure', () => {
    expect(attributes(serializeCookie('a', '1', { sameSite: 'Strict' }))).toEqual([
      'a=1',
      'SameSite=Strict',
    ]);
    expect(attributes(serializeCookie('a', '1', { sameSite: 'Lax' }))).toEqual([
      'a=1',
      'SameSite=Lax',
    ]);
    expect(
      attributes(serializeCookie('a', '1', { sameSite: 'None', secure: true })).sort(),
    ).toEqual(['a=1', 'SameSite=None', 'Secure'].sort());
  });

  test('secure: false and httpOnly: false write nothing', () => {
    expect(serializeCookie('a', '1', { secure: false, httpOnly: false })).toBe('a=1');
  });

  test('Max-Age=0 and a negative Max-Age are written: §5.2.2 expires them at once', () => {
    expect(attributes(serializeCookie('a', '1', { maxAge: 0 }))).toEqual(['a=1', 'Max-Age=0']);
    expect(attributes(serializeCookie('a', '1', { maxAge: -1 }))).toEqual(['a=1', 'Max-Age=-1']);
  });

  test('every attribute at once reads back, through the cookie package, as the options given', () => {
    const options = {
      path: '/docs',
      domain: 'example.com',
      maxAge: 60,
      expires: NOV_6_1994,
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    } as const satisfies CookieOptions;
    expect(peer.parseSetCookie(serializeCookie('SID', 'x', options))).toEqual({
      name: 'SID',
      value: 'x',
      ...options,
      sameSite: 'lax',
    });
  });

  test('an empty Path is written as Path= (the user agent then uses the default-path, §5.2.4)', () => {
    expect(attributes(serializeCookie('a', '1', { path: '' }))).toEqual(['a=1', 'Path=']);
  });
});

describe('RFC 6265 §4.1.1: cookie-name = token (RFC 9110 §5.6.2: 1*tchar)', () => {
  test('every tchar is allowed', () => {
    const tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    expect(serializeCookie(tchars, '1')).toBe(`${tchars}=1`);
  });

  test('an empty name is refused', () => {
    expect(ruleOf(() => serializeCookie('', '1'))).toBe('cookie-name');
  });

  test('separators, space, CTLs and non-ASCII are refused, naming the rule', () => {
    for (const name of ['a b', 'a;b', 'a=b', 'a,b', 'a\tb', 'a\r\nb', 'a\u0000', 'é', 'a\u007f']) {
      expect(
        ruleOf(() => serializeCookie(name, '1')),
        JSON.stringify(name),
      ).toBe('cookie-name');
    }
  });

  test('a name cannot smuggle a second header field', () => {
    expect(ruleOf(() => serializeCookie('a\r\nSet-Cookie: admin', '1'))).toBe('cookie-name');
  });

  test('the cookie package is laxer: it writes ( ) " @ : , as names; the RFC does not', () => {
    for (const name of ['(a)', '"a"', 'a@b', 'a:b', 'a,b', 'a/b', '[a]', '{a}', 'a?', 'a\\b']) {
      expect(() => peer.serialize(name, '1')).not.toThrow();
      expect(
        ruleOf(() => serializeCookie(name, '1')),
        name,
      ).toBe('cookie-name');
    }
  });

  test('the error message says the rule', () => {
    expect(() => serializeCookie('a b', '1')).toThrow(COOKIE_RULES['cookie-name']);
  });
});

describe('RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )', () => {
  test('by default the value is percent-encoded, as encodeURIComponent writes it', () => {
    expect(serializeCookie('a', 'x y;z,"é"\\')).toBe(`a=${encodeURIComponent('x y;z,"é"\\')}`);
  });

  test('the same as the cookie package writes by default', () => {
    const value = 'fish & chips; 50% off, "now" \\ é 😀';
    expect(serializeCookie('a', value)).toBe(peer.serialize('a', value));
  });

  test('"; Domain=evil.example" in a value stays in the value: no attribute is injected', () => {
    const setCookie = serializeCookie('a', 'x; Domain=evil.example; Max-Age=99999');
    expect(attributes(setCookie)).toHaveLength(1);
    expect(parseCookie(setCookie)).toEqual({ a: 'x; Domain=evil.example; Max-Age=99999' });
  });

  test('CR LF in a value cannot start a new header field', () => {
    const setCookie = serializeCookie('a', 'x\r\nSet-Cookie: admin=1');
    expect(setCookie).not.toMatch(/[\r\n]/);
  });

  test('a lone surrogate has no UTF-8 to encode: refused, naming the rule', () => {
    expect(ruleOf(() => serializeCookie('a', 'x\ud800'))).toBe('cookie-value');
  });

  test('raw (encode as the identity): ";", ",", SP, CR, LF, DQUOTE, backslash, CTLs and non-ASCII are refused', () => {
    for (const value of [
      'a;b',
      'a,b',
      'a b',
      'a\rb',
      'a\nb',
      'a"b',
      'a\\b',
      'a\tb',
      '\u0000',
      '\u007f',
      'é',
    ]) {
      expect(
        ruleOf(() => serializeCookie('a', value, raw)),
        JSON.stringify(value),
      ).toBe('cookie-value');
    }
  });

  test("raw: base64 (the RFC's advice for arbitrary data) goes as it is", () => {
    expect(serializeCookie('a', 'YWJj+/8=', raw)).toBe('a=YWJj+/8=');
  });

  test('raw: cookie-octets inside a pair of DQUOTEs are a cookie-value, and "" too', () => {
    expect(serializeCookie('a', '"abc"', raw)).toBe('a="abc"');
    expect(serializeCookie('a', '""', raw)).toBe('a=""');
  });

  test('raw: a DQUOTE anywhere else is refused', () => {
    for (const value of ['"abc', 'abc"', 'a"b"', '"', '"a"b"']) {
      expect(
        ruleOf(() => serializeCookie('a', value, raw)),
        value,
      ).toBe('cookie-value');
    }
  });

  test('the check is on what is written: an encoder that lets ";" through is refused', () => {
    expect(ruleOf(() => serializeCookie('a', 'x', { encode: () => 'x; Secure' }))).toBe(
      'cookie-value',
    );
  });

  test('the cookie package lets "," and DQUOTE through a raw value; the RFC does not', () => {
    expect(() => peer.serialize('a', 'a,b"c', raw)).not.toThrow();
    expect(ruleOf(() => serializeCookie('a', 'a,b"c', raw))).toBe('cookie-value');
  });
});

describe('RFC 6265 §4.1.1: domain-value = <subdomain> (RFC 1034 §3.5, as RFC 1123 §2.1 relaxes it)', () => {
  test('host names, in any case, with digits first (RFC 1123) and hyphens inside', () => {
    for (const domain of [
      'example.com',
      'WWW.Example.COM',
      '3com.example',
      'a-b.example',
      'localhost',
    ]) {
      expect(attributes(serializeCookie('a', '1', { domain }))).toEqual([
        'a=1',
        `Domain=${domain}`,
      ]);
    }
  });

  test('a label of 63 octets is allowed, 64 is not', () => {
    const longest = `${'a'.repeat(63)}.example`;
    expect(serializeCookie('a', '1', { domain: longest })).toBe(`a=1; Domain=${longest}`);
    expect(ruleOf(() => serializeCookie('a', '1', { domain: `${'a'.repeat(64)}.example` }))).toBe(
      'domain-value',
    );
  });

  test('an empty domain, an empty label, a hyphen at a label\'s end, a space or ";" are refused', () => {
    for (const domain of [
      '',
      'a..example',
      'example.com.',
      '-a.example',
      'a-.example',
      'ex ample.com',
      'a;b',
    ]) {
      expect(
        ruleOf(() => serializeCookie('a', '1', { domain })),
        domain,
      ).toBe('domain-value');
    }
  });

  test('"example.com; Secure" cannot inject an attribute through Domain', () => {
    expect(ruleOf(() => serializeCookie('a', '1', { domain: 'example.com; Secure' }))).toBe(
      'domain-value',
    );
  });

  test('a leading dot is not in the grammar (§4.1.2 says user agents ignore it; the cookie package writes it)', () => {
    expect(() => peer.serialize('a', '1', { domain: '.example.com' })).not.toThrow();
    expect(ruleOf(() => serializeCookie('a', '1', { domain: '.example.com' }))).toBe(
      'domain-value',
    );
  });
});

describe('RFC 6265 §4.1.1: path-value = <any CHAR except CTLs or ";">', () => {
  test('printable ASCII, the space included', () => {
    for (const path of ['/', '/docs', '/a b', "/~x/!$&'()*+,=:@"]) {
      expect(attributes(serializeCookie('a', '1', { path }))).toEqual(['a=1', `Path=${path}`]);
    }
  });

  test('"<" is a CHAR like any other (the cookie package refuses it; the RFC does not)', () => {
    expect(() => peer.serialize('a', '1', { path: '/a<b' })).toThrow();
    expect(serializeCookie('a', '1', { path: '/a<b' })).toBe('a=1; Path=/a<b');
  });

  test('";", CTLs (CR, LF, NUL, HTAB, DEL) and what is not a CHAR (non-ASCII) are refused', () => {
    for (const path of ['/a;b', '/a\r\nSet-Cookie: x=1', '/\u0000', '/a\tb', '/\u007f', '/é']) {
      expect(
        ruleOf(() => serializeCookie('a', '1', { path })),
        JSON.stringify(path),
      ).toBe('path-value');
    }
  });
});

describe('RFC 6265 §4.1.1: max-age-av and expires-av', () => {
  test('a Max-Age that is not a whole number of seconds is refused', () => {
    for (const maxAge of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2]) {
      expect(
        ruleOf(() => serializeCookie('a', '1', { maxAge })),
        String(maxAge),
      ).toBe('max-age');
    }
  });

  test('an invalid Date is refused, not written as "Invalid Date"', () => {
    expect(ruleOf(() => serializeCookie('a', '1', { expires: new Date(Number.NaN) }))).toBe(
      'expires',
    );
  });

  test("Expires is written in GMT, whatever the Date's own time zone", () => {
    const setCookie = serializeCookie('a', '1', { expires: new Date('2031-06-09T12:18:14+02:00') });
    expect(attributes(setCookie)).toEqual(['a=1', 'Expires=Mon, 09 Jun 2031 10:18:14 GMT']);
  });
});

describe('draft-ietf-httpbis-rfc6265bis (a draft), Store a Cookie: "If cookie\'s same-site is "none" and cookie\'s secure-only is false, then return."', () => {
  test('SameSite=None without Secure is refused: a browser of the current revision drops it', () => {
    expect(ruleOf(() => serializeCookie('a', '1', { sameSite: 'None' }))).toBe('samesite-none');
    expect(ruleOf(() => serializeCookie('a', '1', { sameSite: 'None', secure: false }))).toBe(
      'samesite-none',
    );
  });

  test('Strict and Lax need no Secure', () => {
    expect(serializeCookie('a', '1', { sameSite: 'Strict' })).toBe('a=1; SameSite=Strict');
    expect(serializeCookie('a', '1', { sameSite: 'Lax' })).toBe('a=1; SameSite=Lax');
  });
});

describe('draft-ietf-httpbis-rfc6265bis (a draft), The "__Secure-" Prefix: "the cookie will have been set with a Secure attribute"', () => {
  test('__Secure- without Secure is refused', () => {
    expect(ruleOf(() => serializeCookie('__Secure-SID', '12345', { domain: 'site.example' }))).toBe(
      'secure-prefix',
    );
  });

  test("with Secure it is written, with a Domain too: the draft's own example", () => {
    expect(
      attributes(
        serializeCookie('__Secure-SID', '12345', { domain: 'site.example', secure: true }),
      ).sort(),
    ).toEqual(['Domain=site.example', 'Secure', '__Secure-SID=12345'].sort());
  });

  test('browsers compare the prefix "byte-lowercased": __SECURE- and __secure- are refused too', () => {
    for (const name of ['__SECURE-SID', '__secure-SID', '__sEcUrE-x']) {
      expect(
        ruleOf(() => serializeCookie(name, '1')),
        name,
      ).toBe('secure-prefix');
    }
  });

  test('only a prefix counts: __Secure without its hyphen, or the prefix later in the name, is a name', () => {
    expect(serializeCookie('__Secure', '1')).toBe('__Secure=1');
    expect(serializeCookie('x__Secure-', '1')).toBe('x__Secure-=1');
  });
});

describe('draft-ietf-httpbis-rfc6265bis (a draft), The "__Host-" Prefix: Secure, Path=/ and no Domain', () => {
  test('"Set-Cookie: __Host-SID=12345; Secure; Path=/" is written', () => {
    expect(
      attributes(serializeCookie('__Host-SID', '12345', { secure: true, path: '/' })).sort(),
    ).toEqual(['Path=/', 'Secure', '__Host-SID=12345'].sort());
  });

  test('the draft\'s five cookies that "would always be rejected" are refused', () => {
    const rejected: CookieOptions[] = [
      {},
      { secure: true },
      { domain: 'site.example' },
      { domain: 'site.example', path: '/' },
      { secure: true, domain: 'site.example', path: '/' },
    ];
    for (const options of rejected) {
      expect(
        ruleOf(() => serializeCookie('__Host-SID', '12345', options)),
        JSON.stringify(options),
      ).toBe('host-prefix');
    }
  });

  test('a Path other than "/" is refused', () => {
    expect(ruleOf(() => serializeCookie('__Host-SID', '1', { secure: true, path: '/docs' }))).toBe(
      'host-prefix',
    );
  });

  test('Path=/ without Secure is refused', () => {
    expect(ruleOf(() => serializeCookie('__Host-SID', '1', { path: '/' }))).toBe('host-prefix');
  });

  test('__HOST- and __host- are the prefix too', () => {
    for (const name of ['__HOST-SID', '__host-SID']) {
      expect(
        ruleOf(() => serializeCookie(name, '1', { secure: true })),
        name,
      ).toBe('host-prefix');
    }
  });

  test('__Hostname is no prefix', () => {
    expect(serializeCookie('__Hostname', '1')).toBe('__Hostname=1');
  });
});

describe('RFC 6265 §3.1: "to remove a cookie, the server returns a Set-Cookie header with an expiration date in the past"', () => {
  test('the name, an empty value, Max-Age=0 and Expires on 1 January 1970', () => {
    const setCookie = deleteCookie('lang');
    expect(attributes(setCookie)[0]).toBe('lang=');
    expect(attributes(setCookie).slice(1).sort()).toEqual(
      ['Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Max-Age=0'].sort(),
    );
  });

  test('the cookie package reads it as expired: Max-Age 0, an Expires in the past', () => {
    const read = peer.parseSetCookie(deleteCookie('lang'));
    expect(read.value).toBe('');
    expect(read.maxAge).toBe(0);
    expect(read.expires?.getTime()).toBeLessThan(Date.now());
  });

  test('"only if the Path and the Domain attribute … match": they are written as given', () => {
    const setCookie = deleteCookie('lang', { path: '/docs', domain: 'example.com' });
    expect(attributes(setCookie)).toContain('Path=/docs');
    expect(attributes(setCookie)).toContain('Domain=example.com');
  });

  test('a __Host- cookie is deleted only with Secure and Path=/ (a browser drops the deletion otherwise)', () => {
    expect(ruleOf(() => deleteCookie('__Host-SID'))).toBe('host-prefix');
    expect(attributes(deleteCookie('__Host-SID', { secure: true, path: '/' }))).toContain('Secure');
  });

  test('the name is checked as when it was set', () => {
    expect(ruleOf(() => deleteCookie('a b'))).toBe('cookie-name');
  });
});

/**
 * An app that answers with these Set-Cookie fields and, unless told to keep quiet, the Cookie
 * header it got as its body.
 */
function setting(setCookies: readonly string[] = [], quiet = false): App {
  return (environ, startResponse) => {
    const body = new TextEncoder().encode(quiet ? '' : String(environ.HTTP_COOKIE ?? ''));
    const headers: ResponseHeaders = [
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(body.length)],
      ...setCookies.map((value) => ['Set-Cookie', value] as const),
    ];
    startResponse('200 OK', headers);
    return [body];
  };
}

describe('RFC 6265 §3: "Origin servers SHOULD NOT fold multiple Set-Cookie header fields into a single header field"', () => {
  const cookies = () => [
    serializeCookie('SID', '31d4d96e407aad42', { path: '/', secure: true, httpOnly: true }),
    serializeCookie('lang', 'en-US', { expires: NOV_6_1994, path: '/' }),
    deleteCookie('old'),
  ];

  test('fetch: headers.getSetCookie() gives each field apart, as it was written', async () => {
    const written = cookies();
    const port = await listen(serveGateway(setting(written)));
    const response = await within(fetch(`http://127.0.0.1:${port}/`), 'fetch never got a response');
    await response.arrayBuffer();
    expect(response.headers.getSetCookie()).toEqual(written);
  });

  test('fetch: the comma-joined get() cannot be split back, since Expires holds ", "', async () => {
    const written = cookies();
    const port = await listen(serveGateway(setting(written)));
    const response = await within(fetch(`http://127.0.0.1:${port}/`), 'fetch never got a response');
    await response.arrayBuffer();
    expect(response.headers.get('set-cookie')).toBe(written.join(', '));
    expect(response.headers.get('set-cookie')?.split(', ')).not.toHaveLength(written.length);
  });

  test('node:http: set-cookie is an array of the fields, in order', async () => {
    const written = cookies();
    const port = await listen(serveGateway(setting(written)));
    const reply = await nodeRequest(port, { path: '/' });
    expect(reply.headers['set-cookie']).toEqual(written);
  });

  test('fetch sends a Cookie header the app reads back, values percent-decoded', async () => {
    const port = await listen(serveGateway(setting()));
    const value = 'fish & chips; "50%" off';
    const response = await within(
      fetch(`http://127.0.0.1:${port}/`, {
        headers: { cookie: `${serializeCookie('order', value)}; SID=31d4d96e407aad42` },
      }),
      'fetch never got a response',
    );
    expect(parseCookie(await response.text())).toEqual({ order: value, SID: '31d4d96e407aad42' });
  });
});

describe('curl, a user agent with RFC 6265 cookie handling, stores what the app sets and sends it back', () => {
  /** One app: /set and /app/set set cookies, /delete deletes, anything else echoes the Cookie header. */
  const site: App = (environ, startResponse) => {
    const path = String(environ.PATH_INFO);
    const set: Record<string, readonly string[]> = {
      '/set': [
        serializeCookie('id', 'outer', { path: '/' }),
        serializeCookie('note', 'x; y, "z" é', { path: '/' }),
        serializeCookie('old', '1', { path: '/' }),
      ],
      '/app/set': [serializeCookie('id', 'inner', { path: '/app' })],
      '/delete': [deleteCookie('old', { path: '/' })],
    };
    return setting(set[path], path in set)(environ, startResponse);
  };

  test.skipIf(!HAS_CURL)(
    withCurl('a deleted cookie is gone, an encoded value comes back whole, the longer path first'),
    async () => {
      const port = await listen(serveGateway(site));
      const base = `http://127.0.0.1:${port}`;
      // -b '' turns on curl's cookie engine: the URLs of one command share its cookie store
      const echoed = await curl([
        '-s',
        '-b',
        '',
        `${base}/set`,
        `${base}/app/set`,
        `${base}/delete`,
        `${base}/app/echo`,
      ]);
      // old is gone; both id cookies are sent, the one of the longer path (/app) first
      expect(echoed.split('; ').sort()).toEqual([
        'id=inner',
        'id=outer',
        'note=x%3B%20y%2C%20%22z%22%20%C3%A9',
      ]);
      expect(echoed.split('; ')[0]).toBe('id=inner');
      expect(parseCookie(echoed)).toEqual({ id: 'inner', note: 'x; y, "z" é' });
    },
  );
});
