import { describe, expect, test } from 'vitest';
import {
  isAllowed,
  normalizeForMatch,
  PARSE_LIMIT_BYTES,
  parseRobots,
  patternMatches,
  type RobotsPolicy,
  robotsPolicy,
  rulesFor,
} from './robots.ts';

/** The policy of a robots.txt fetched with a 200, for the crawler named `token`. */
const policy = (text: string, token: string): RobotsPolicy =>
  robotsPolicy({ kind: 'response', status: 200, body: text }, token);
const allowed = (text: string, token: string, path: string) => isAllowed(policy(text, token), path);

/** RFC 9309 §5.1, "Simple Example", as the RFC writes it. */
const SIMPLE_EXAMPLE = [
  'User-Agent: *',
  'Disallow: *.gif$',
  'Disallow: /example/',
  'Allow: /publications/',
  '',
  'User-Agent: foobot',
  'Disallow:/',
  'Allow:/example/page.html',
  'Allow:/example/allowed.gif',
  '',
  'User-Agent: barbot',
  'User-Agent: bazbot',
  'Disallow: /example/page.html',
  '',
  'User-Agent: quxbot',
  '',
].join('\n');

describe('RFC 9309 §5.1: the simple example', () => {
  test('"*": /publications/ is allowed', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'OtherBot', '/publications/2022.html')).toBe(true);
  });
  test('"*": the /example/ prefix is disallowed', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'OtherBot', '/example/index.html')).toBe(false);
  });
  test('"*": a .gif suffix is disallowed anywhere, "*" matching the slash too', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'OtherBot', '/images/a/b.gif')).toBe(false);
  });
  test('"*": "$" anchors the end: b.gif?size=2 is not a .gif suffix', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'OtherBot', '/images/b.gif?size=2')).toBe(true);
  });
  test('foobot: only its two allowed paths', () => {
    const paths = ['/example/page.html', '/example/allowed.gif', '/publications/', '/'];
    expect(paths.map((p) => allowed(SIMPLE_EXAMPLE, 'foobot', p))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
  test('barbot and bazbot share one group', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'barbot', '/example/page.html')).toBe(false);
    expect(allowed(SIMPLE_EXAMPLE, 'bazbot', '/example/page.html')).toBe(false);
    expect(allowed(SIMPLE_EXAMPLE, 'bazbot', '/example/other.gif')).toBe(true);
  });
  test('quxbot: an empty group at the end allows everything', () => {
    expect(allowed(SIMPLE_EXAMPLE, 'quxbot', '/example/x.gif')).toBe(true);
  });
});

describe('RFC 9309 §5.2: the longest match is used', () => {
  const text =
    'User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n';
  test('the longer Disallow wins over the shorter Allow', () => {
    expect(allowed(text, 'foobot', '/example/page/disallowed.gif')).toBe(false);
  });
  test('the Allow applies where the Disallow does not match', () => {
    expect(allowed(text, 'foobot', '/example/page/other.gif')).toBe(true);
  });
  test('the longer Allow wins over the shorter Disallow, whatever their order', () => {
    const reversed = 'User-agent: *\nDisallow: /a\nAllow: /a/b\n';
    expect(allowed(reversed, 'x', '/a/b/c')).toBe(true);
    expect(allowed(reversed, 'x', '/a/c')).toBe(false);
  });
  test('the match with the most octets wins, not the rule written first', () => {
    expect(allowed('User-agent: *\nAllow: /p\nDisallow: /p*q\n', 'x', '/pq')).toBe(false);
  });
});

describe('RFC 9309 §2.2.2: "If an "allow" rule and a "disallow" rule are equivalent, then the "allow" rule SHOULD be used"', () => {
  test('Disallow then Allow of the same path', () => {
    expect(allowed('User-agent: *\nDisallow: /x\nAllow: /x\n', 'a', '/x/y')).toBe(true);
  });
  test('Allow then Disallow of the same path', () => {
    expect(allowed('User-agent: *\nAllow: /x\nDisallow: /x\n', 'a', '/x/y')).toBe(true);
  });
  test('equally long patterns that both match', () => {
    expect(allowed('User-agent: *\nDisallow: /*b\nAllow: /a*\n', 'a', '/ab')).toBe(true);
  });
});

describe('RFC 9309 §2.2.2: no match, no rules, /robots.txt', () => {
  test('a path no rule matches is allowed', () => {
    expect(allowed('User-agent: *\nDisallow: /private\n', 'a', '/public')).toBe(true);
  });
  test('"The matching MUST start with the first octet of the path": no match in the middle', () => {
    expect(allowed('User-agent: *\nDisallow: /private\n', 'a', '/a/private')).toBe(true);
  });
  test('a prefix matches: /private matches /private-notes', () => {
    expect(allowed('User-agent: *\nDisallow: /private\n', 'a', '/private-notes')).toBe(false);
  });
  test('"The matching SHOULD be case sensitive"', () => {
    expect(allowed('User-agent: *\nDisallow: /Private\n', 'a', '/private')).toBe(true);
  });
  test('the query is part of what is matched', () => {
    expect(allowed('User-agent: *\nDisallow: /search?q=\n', 'a', '/search?q=cats')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /search?q=\n', 'a', '/search')).toBe(true);
  });
  test('an empty Disallow matches nothing', () => {
    expect(allowed('User-agent: *\nDisallow:\n', 'a', '/anything')).toBe(true);
  });
  test('"The /robots.txt URI is implicitly allowed", even under Disallow: /', () => {
    expect(allowed('User-agent: *\nDisallow: /\n', 'a', '/robots.txt')).toBe(true);
    expect(isAllowed({ kind: 'disallow-all' }, '/robots.txt')).toBe(true);
  });
});

describe('RFC 9309 §2.2.1: the group of a product token', () => {
  test('"Crawlers MUST use case-insensitive matching to find the group"', () => {
    const text = 'User-agent: ExampleBot\nDisallow: /foo\n';
    expect(allowed(text, 'examplebot', '/foo')).toBe(false);
    expect(allowed(text, 'EXAMPLEBOT', '/foo')).toBe(false);
  });
  test('a product token is matched whole: ExampleBot is not Example', () => {
    expect(allowed('User-agent: ExampleBot\nDisallow: /foo\n', 'Example', '/foo')).toBe(true);
  });
  test('the token is read up to the first character an identifier has not: ExampleBot/1.0', () => {
    expect(allowed('User-agent: ExampleBot/1.0\nDisallow: /foo\n', 'ExampleBot', '/foo')).toBe(
      false,
    );
  });
  test('Figure 2: two groups of the same product token are merged', () => {
    const text = [
      'user-agent: ExampleBot',
      'disallow: /foo',
      'disallow: /bar',
      '',
      'user-agent: ExampleBot',
      'disallow: /baz',
    ].join('\n');
    expect(rulesFor(parseRobots(text), 'ExampleBot')).toEqual([
      { kind: 'disallow', pattern: '/foo' },
      { kind: 'disallow', pattern: '/bar' },
      { kind: 'disallow', pattern: '/baz' },
    ]);
  });
  test('Figure 3: with no matching group, the "*" group applies', () => {
    const text = [
      'user-agent: *',
      'disallow: /foo',
      'disallow: /bar',
      '',
      'user-agent: BazBot',
      'disallow: /baz',
    ].join('\n');
    expect(rulesFor(parseRobots(text), 'ExampleBot')).toEqual([
      { kind: 'disallow', pattern: '/foo' },
      { kind: 'disallow', pattern: '/bar' },
    ]);
  });
  test('a matching group replaces the "*" group entirely', () => {
    const text = 'User-agent: *\nDisallow: /\n\nUser-agent: KataBot\nDisallow: /admin\n';
    expect(allowed(text, 'KataBot', '/page')).toBe(true);
    expect(allowed(text, 'KataBot', '/admin')).toBe(false);
  });
  test('no matching group and no "*" group: "no rules apply"', () => {
    expect(rulesFor(parseRobots('User-agent: BazBot\nDisallow: /\n'), 'ExampleBot')).toEqual([]);
  });
  test('no groups at all: no rules apply', () => {
    expect(rulesFor(parseRobots('# nothing here\n'), 'ExampleBot')).toEqual([]);
  });
});

describe('RFC 9309 §2.1, §2.2: groups and lines', () => {
  test('a user-agent line without a product token is skipped', () => {
    expect(
      parseRobots('User-agent:\nDisallow: /x\nUser-agent: /path\nUser-agent: b\nAllow: /y\n'),
    ).toEqual([{ agents: ['b'], rules: [{ kind: 'allow', pattern: '/y' }] }]);
  });
  test('consecutive user-agent lines start one group', () => {
    expect(parseRobots('User-agent: a\nUser-agent: b\nDisallow: /x\n')).toEqual([
      { agents: ['a', 'b'], rules: [{ kind: 'disallow', pattern: '/x' }] },
    ]);
  });
  test('"The group is terminated by a user-agent line": after a rule, a new group', () => {
    expect(parseRobots('User-agent: a\nAllow: /x\nUser-agent: b\nDisallow: /y\n')).toEqual([
      { agents: ['a'], rules: [{ kind: 'allow', pattern: '/x' }] },
      { agents: ['b'], rules: [{ kind: 'disallow', pattern: '/y' }] },
    ]);
  });
  test('keys in any case, whitespace around the colon, no space at all', () => {
    expect(parseRobots(' USER-AGENT :a\n\tdisALLOW\t:\t/x \nALLOW:/y\n')).toEqual([
      {
        agents: ['a'],
        rules: [
          { kind: 'disallow', pattern: '/x' },
          { kind: 'allow', pattern: '/y' },
        ],
      },
    ]);
  });
  test('"#" designates a comment, on its own line or after a rule', () => {
    expect(parseRobots('# hello\nUser-agent: a # me\nDisallow: /x # not /y\n')).toEqual([
      { agents: ['a'], rules: [{ kind: 'disallow', pattern: '/x' }] },
    ]);
  });
  test('NL is CR, LF or CR LF', () => {
    const expected = [{ agents: ['a'], rules: [{ kind: 'disallow', pattern: '/x' }] }];
    expect(parseRobots('User-agent: a\rDisallow: /x\r')).toEqual(expected);
    expect(parseRobots('User-agent: a\r\nDisallow: /x\r\n')).toEqual(expected);
  });
  test('§2.2.4: other records (Sitemap) are skipped and end no group', () => {
    const text = 'User-agent: a\nSitemap: http://x/s.xml\nCrawl-delay: 5\nDisallow: /x\n';
    expect(parseRobots(text)).toEqual([
      { agents: ['a'], rules: [{ kind: 'disallow', pattern: '/x' }] },
    ]);
  });
  test('"The crawler SHOULD ignore "disallow" and "allow" rules that are not in any group"', () => {
    expect(parseRobots('Disallow: /x\nUser-agent: a\nAllow: /y\n')).toEqual([
      { agents: ['a'], rules: [{ kind: 'allow', pattern: '/y' }] },
    ]);
  });
  test('§2.3.1.5: lines that do not parse are skipped, the rest is used', () => {
    expect(parseRobots('User-agent: a\nthis is no line\nDisallow /\nDisallow: /x\n')).toEqual([
      { agents: ['a'], rules: [{ kind: 'disallow', pattern: '/x' }] },
    ]);
  });
  test('the file is read as UTF-8, from octets', () => {
    expect(parseRobots(Buffer.from('User-agent: a\nDisallow: /ü\n', 'utf8'))).toEqual([
      { agents: ['a'], rules: [{ kind: 'disallow', pattern: '/ü' }] },
    ]);
  });
});

describe('RFC 9309 §2.5: "The parsing limit MUST be at least 500 kibibytes"', () => {
  test('rules within the first 500 KiB are read', () => {
    const padding = `# ${'x'.repeat(PARSE_LIMIT_BYTES - 40)}\n`;
    const text = `User-agent: *\n${padding}Disallow: /in\n`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(PARSE_LIMIT_BYTES);
    expect(allowed(text, 'a', '/in')).toBe(false);
  });
  test('a file of exactly 500 KiB is read whole, its last line too', () => {
    const head = 'User-agent: *\n';
    const last = 'Disallow: /last';
    const text = `${head}#${'x'.repeat(PARSE_LIMIT_BYTES - head.length - last.length - 2)}\n${last}`;
    expect(Buffer.byteLength(text)).toBe(PARSE_LIMIT_BYTES);
    expect(allowed(text, 'a', '/last')).toBe(false);
  });
  test('rules past the limit are not read', () => {
    const padding = `# ${'x'.repeat(PARSE_LIMIT_BYTES)}\n`;
    expect(allowed(`User-agent: *\n${padding}Disallow: /out\n`, 'a', '/out')).toBe(true);
  });
  test('a line cut by the limit is not read', () => {
    const head = 'User-agent: *\n';
    const padding = `#${'x'.repeat(PARSE_LIMIT_BYTES - head.length - 13)}\n`;
    const text = `${head}${padding}Disallow: /abcdefgh\n`;
    // the limit falls inside the Disallow line: "Disallow: /" would disallow everything
    expect(Buffer.byteLength(`${head}${padding}Disallow: /`)).toBe(PARSE_LIMIT_BYTES);
    expect(allowed(text, 'a', '/zzz')).toBe(true);
  });
});

describe('RFC 9309 §2.2.3: special characters', () => {
  test('"*" designates 0 or more instances of any character', () => {
    expect(patternMatches('/this/*/exactly', '/this/is/exactly')).toBe(true);
    expect(patternMatches('/this/*/exactly', '/this//exactly')).toBe(true);
    expect(patternMatches('/this/*/exactly', '/this/is/not/exactly-so')).toBe(true);
    expect(patternMatches('/this/*/exactly', '/this/exactly')).toBe(false);
  });
  test('"$" designates the end of the match pattern', () => {
    expect(patternMatches('/this/path/exactly$', '/this/path/exactly')).toBe(true);
    expect(patternMatches('/this/path/exactly$', '/this/path/exactly/more')).toBe(false);
  });
  test('"*" and "$" together', () => {
    expect(patternMatches('/*.php$', '/a/b.php')).toBe(true);
    expect(patternMatches('/*.php$', '/a/b.php5')).toBe(false);
    expect(patternMatches('/*.php$', '/.php')).toBe(true);
  });
  test('several "*", each matching as little or as much as needed', () => {
    expect(patternMatches('/a*b*c', '/axxbyyc')).toBe(true);
    expect(patternMatches('/a*b*c', '/axxcyyb')).toBe(false);
    expect(patternMatches('/a*b*c$', '/abcbc')).toBe(true);
  });
  test('with "$", the last piece must fit after the others: /a*ab$ does not match /ab', () => {
    expect(patternMatches('/a*ab$', '/ab')).toBe(false);
    expect(patternMatches('/a*ab$', '/aab')).toBe(true);
  });
  test('without "$" a pattern is a prefix', () => {
    expect(patternMatches('/fish', '/fish.html')).toBe(true);
    expect(patternMatches('/fish', '/Fish')).toBe(false);
    expect(patternMatches('/fish', '/fis')).toBe(false);
  });
  test('Figure 6: "%2A" in a pattern matches a literal "*" in the URI', () => {
    expect(
      allowed(
        'User-agent: *\nDisallow: /path/file-with-a-%2A.html\n',
        'a',
        '/path/file-with-a-*.html',
      ),
    ).toBe(false);
  });
  test('Figure 6: "%24" in a pattern matches a literal "$" in the URI', () => {
    expect(allowed('User-agent: *\nDisallow: /path/foo-%24\n', 'a', '/path/foo-$')).toBe(false);
  });
  test('a literal "*" in the URI is no wildcard', () => {
    expect(allowed('User-agent: *\nDisallow: /a%2Ab\n', 'a', '/axxb')).toBe(true);
  });
});

describe('RFC 9309 §2.2.2, Figure 4: percent-encoding before comparison', () => {
  test('octets outside ASCII are percent-encoded as UTF-8: /foo/bar/ツ', () => {
    expect(normalizeForMatch('/foo/bar/ツ', 'path')).toBe('/foo/bar/%E3%83%84');
  });
  test('an encoded path stays as it is: /foo/bar/%E3%83%84', () => {
    expect(normalizeForMatch('/foo/bar/%E3%83%84', 'path')).toBe('/foo/bar/%E3%83%84');
  });
  test('encoded unreserved characters are decoded: /foo/bar/%62%61%7A is /foo/bar/baz', () => {
    expect(normalizeForMatch('/foo/bar/%62%61%7A', 'path')).toBe('/foo/bar/baz');
  });
  test('encoded reserved characters stay encoded: https%3A%2F%2Ffoo.bar', () => {
    expect(normalizeForMatch('/foo/bar?baz=https%3A%2F%2Ffoo.bar', 'path')).toBe(
      '/foo/bar?baz=https%3A%2F%2Ffoo.bar',
    );
  });
  test('the hex digits of an encoding are compared in uppercase', () => {
    expect(normalizeForMatch('/a%2fb%e3%83%84', 'path')).toBe('/a%2Fb%E3%83%84');
  });
  test('a "%" not followed by two hex digits is left as it is', () => {
    expect(normalizeForMatch('/100%/%zz', 'path')).toBe('/100%/%zz');
    // one hex digit, then a non-digit or the end: still no encoding
    expect(normalizeForMatch('/%g4/%a', 'path')).toBe('/%g4/%a');
  });
  test('the octets %x21 to %x7E stay as they are; space, controls and DEL are encoded', () => {
    expect(normalizeForMatch('/!~', 'path')).toBe('/!~');
    expect(normalizeForMatch('/a b\t\x7f', 'path')).toBe('/a%20b%09%7F');
  });
  test('a pattern keeps "*" and "$" special; a path encodes them', () => {
    expect(normalizeForMatch('/a*b$', 'pattern')).toBe('/a*b$');
    expect(normalizeForMatch('/a*b$', 'path')).toBe('/a%2Ab%24');
  });
  test('a rule written in UTF-8 matches the encoded URI, and the other way round', () => {
    expect(allowed('User-agent: *\nDisallow: /foo/bar/ツ\n', 'a', '/foo/bar/%E3%83%84')).toBe(
      false,
    );
    expect(allowed('User-agent: *\nDisallow: /foo/bar/%E3%83%84\n', 'a', '/foo/bar/ツ')).toBe(
      false,
    );
  });
  test('a rule with encoded unreserved characters matches the plain URI', () => {
    expect(allowed('User-agent: *\nDisallow: /%7Ejoe/\n', 'a', '/~joe/index.html')).toBe(false);
  });
  test('an encoded "/" is not a "/": /a%2Fb does not match /a/', () => {
    expect(allowed('User-agent: *\nDisallow: /a/\n', 'a', '/a%2Fb')).toBe(true);
  });
  test('the length of a match is counted in the octets compared', () => {
    // /%7Ex is /~x once decoded: three octets, shorter than the four of /~xy
    const text = 'User-agent: *\nAllow: /%7Ex\nDisallow: /~xy\n';
    expect(allowed(text, 'a', '/~xyz')).toBe(false);
  });
});

describe('RFC 9309 §2.3.1: the status of the robots.txt fetch', () => {
  test('§2.3.1.1: a 2xx: "the crawler MUST follow the parseable rules"', () => {
    expect(
      robotsPolicy({ kind: 'response', status: 200, body: 'User-agent: *\nDisallow: /x\n' }, 'a'),
    ).toEqual({
      kind: 'rules',
      rules: [{ kind: 'disallow', pattern: '/x' }],
    });
  });
  test.each([400, 401, 403, 404, 410, 429, 499])(
    '§2.3.1.3: a %i is "Unavailable": "the crawler MAY access any resources"',
    (status) => {
      const result = robotsPolicy(
        { kind: 'response', status, body: 'User-agent: *\nDisallow: /\n' },
        'a',
      );
      expect(result).toEqual({ kind: 'allow-all' });
      expect(isAllowed(result, '/anything')).toBe(true);
    },
  );
  test.each([500, 502, 503, 599])(
    '§2.3.1.4: a %i is "Unreachable": "the crawler MUST assume complete disallow"',
    (status) => {
      const result = robotsPolicy({ kind: 'response', status, body: '' }, 'a');
      expect(result).toEqual({ kind: 'disallow-all' });
      expect(isAllowed(result, '/anything')).toBe(false);
    },
  );
  test('§2.3.1.4: no response at all (a network error) is "Unreachable"', () => {
    expect(robotsPolicy({ kind: 'unreachable' }, 'a')).toEqual({ kind: 'disallow-all' });
  });
  test.each([300, 301, 308, 399])(
    '§2.3.1.2: a %i still there after the redirects is "Unavailable"',
    (status) => {
      expect(policyOf(status, 'User-agent: *\nDisallow: /\n')).toEqual({ kind: 'allow-all' });
    },
  );
  test.each([203, 299])('a %i (a 2xx other than 200) is read too', (status) => {
    expect(isAllowed(policyOf(status, 'User-agent: *\nDisallow: /x\n'), '/x')).toBe(false);
  });
});

function policyOf(status: number, body: string): RobotsPolicy {
  return robotsPolicy({ kind: 'response', status, body }, 'a');
}
