import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  DEFAULT_PORTS,
  InvalidUrl,
  removeDotSegments,
  resolveReference,
  type Scheme,
  splitUrl,
} from './uri-reference.ts';

/** Characters of one class of RFC 3986 §2, each once. */
const chars = (alphabet: string) => fc.constantFrom(...alphabet);
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UNRESERVED = `${ALPHA}0123456789-._~`;
const SUB_DELIMS = "!$&'()*+,;=";

/** §2.1: pct-encoded = "%" HEXDIG HEXDIG, either case, any octet. */
const pctEncoded = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.boolean())
  .map(([octet, upper]) => {
    const hex = octet.toString(16).padStart(2, '0');
    return `%${upper ? hex.toUpperCase() : hex}`;
  });

const textOf = (alphabet: string, minLength = 0) =>
  fc
    .array(
      fc.oneof({ weight: 8, arbitrary: chars(alphabet) }, { weight: 1, arbitrary: pctEncoded }),
      {
        minLength,
        maxLength: 8,
      },
    )
    .map((pieces) => pieces.join(''));

/**
 * Where RFC 3986 and WHATWG URL agree. WHATWG URL, for http(s) URLs:
 * - percent-encodes "'" in a query (the special-query percent-encode set), and ";", "=",
 *   ":" inside a username or password (the userinfo percent-encode set);
 * - removes "." and ".." segments (and "%2e" spellings of them) while parsing;
 * - decodes percent-encoding in a host and maps it through IDNA; lowercases it;
 * - writes an IPv4-mapped IPv6 host in hex, where RFC 5952 §5 uses a dotted quad.
 * The generators below stay clear of those; the unit specs cover each difference.
 */
const USER = `${UNRESERVED}!$&'()*+,`;
const userinfo = fc.option(
  fc
    .tuple(textOf(USER), fc.option(textOf(USER, 1), { nil: undefined }))
    .map(([user, password]) => (password === undefined ? user : `${user}:${password}`)),
  { nil: undefined },
);

/** No "xn--" label: IDNA (UTS #46) in WHATWG URL rejects a Punycode label that does not decode. */
const label = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/).filter((text) => !/^xn--/i.test(text));
/** A reg-name whose last label starts with a letter, so it cannot be read as IPv4. */
const regName = fc
  .tuple(
    fc.array(label, { maxLength: 3 }),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}$/).filter((text) => !/^xn--/i.test(text)),
  )
  .map(([labels, last]) => [...labels, last].join('.'));
const dottedQuad = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
  .map((octets) => octets.join('.'));
/** Eight groups, zero runs likely, in full form and random case; never ::ffff:0:0/96. */
const ipv6Literal = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  })
  .filter((groups) => !(groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff))
  .chain((groups) =>
    fc.boolean().map((upper) => {
      const text = groups.map((group) => group.toString(16)).join(':');
      return `[${upper ? text.toUpperCase() : text}]`;
    }),
  );
const host = fc.oneof(regName, dottedQuad, ipv6Literal);

/** A segment that is not "." or ".." in any spelling WHATWG URL recognises. */
const segment = textOf(`${UNRESERVED}${SUB_DELIMS}:@`).filter(
  (text) => !/^(?:\.|%2e){1,2}$/i.test(text),
);
const path = fc
  .array(segment, { maxLength: 4 })
  .map((segments) => segments.map((s) => `/${s}`).join(''));
const query = fc.option(textOf(`${UNRESERVED}!$&()*+,;=:@/?`, 1), { nil: undefined });
const fragment = fc.option(textOf(`${UNRESERVED}${SUB_DELIMS}:@/?`, 1), { nil: undefined });

const url = fc
  .record({
    scheme: fc.constantFrom<Scheme>('http', 'https'),
    upper: fc.boolean(),
    userinfo,
    host,
    port: fc.option(fc.integer({ min: 0, max: 65_535 }), { nil: undefined }),
    path,
    query,
    fragment,
  })
  .map((parts) => ({
    ...parts,
    text:
      `${parts.upper ? parts.scheme.toUpperCase() : parts.scheme}://` +
      (parts.userinfo === undefined ? '' : `${parts.userinfo}@`) +
      parts.host +
      (parts.port === undefined ? '' : `:${parts.port}`) +
      parts.path +
      (parts.query === undefined ? '' : `?${parts.query}`) +
      (parts.fragment === undefined ? '' : `#${parts.fragment}`),
  }));

describe('RFC 3986 §3: the components of generated http(s) URLs', () => {
  test.prop([url], { numRuns: 300 })(
    'splitUrl finds each component as it was written (host case-insensitive, default port filled in)',
    (parts) => {
      const split = splitUrl(parts.text);
      expect(split).toMatchObject({
        scheme: parts.scheme,
        userinfo: parts.userinfo,
        port: parts.port ?? DEFAULT_PORTS[parts.scheme],
        path: parts.path === '' ? '/' : parts.path,
        query: parts.query,
        fragment: parts.fragment,
      });
      if (!parts.host.startsWith('[')) expect(split.host).toBe(parts.host.toLowerCase());
    },
  );

  test.prop([url], { numRuns: 300 })('each component agrees with WHATWG URL', (parts) => {
    const peer = new URL(parts.text);
    const split = splitUrl(parts.text);
    expect(`${split.scheme}:`).toBe(peer.protocol);
    expect(split.userinfo ?? '').toBe(
      peer.password === '' ? peer.username : `${peer.username}:${peer.password}`,
    );
    expect(split.host).toBe(peer.hostname);
    // WHATWG URL leaves the port empty when it is the scheme's default.
    expect(split.port).toBe(peer.port === '' ? DEFAULT_PORTS[split.scheme] : Number(peer.port));
    expect(split.path).toBe(peer.pathname);
    expect(split.query === undefined ? '' : `?${split.query}`).toBe(peer.search);
    expect(split.fragment === undefined ? '' : `#${split.fragment}`).toBe(peer.hash);
  });

  test.prop(
    [
      fc.oneof(
        fc.string(),
        url.map((parts) => parts.text),
        fc.webUrl(),
      ),
    ],
    { numRuns: 300 },
  )('any text is split or rejected with an InvalidUrl, never another error', (text) => {
    try {
      splitUrl(text);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUrl);
    }
  });
});

/**
 * Segments that exercise §5.2.4: names, empty segments, dot segments, and names with dots.
 * No name starts with ".": Node 20's URL (ada) then keeps a "." segment that follows it
 * (new URL('/a/.a/.', 'http://x/').pathname is '/a/.a/.'), where RFC 3986 §5.2.4 and the
 * URL Standard both remove it.
 */
const relativeSegment = fc.oneof(
  fc.constantFrom('.', '..', '', 'g', 'g;x', 'g=1'),
  fc.stringMatching(/^[a-z][a-z.]{0,3}$/),
);
const relativePath = fc
  .array(relativeSegment, { minLength: 1, maxLength: 6 })
  .map((segments) => segments.join('/'))
  // a first segment that is empty would make "//authority", one with ":" a scheme
  .filter((text) => !text.startsWith('/'));
const suffixWith = (emptyQuery: boolean) =>
  fc
    .tuple(
      fc.option(fc.stringMatching(emptyQuery ? /^[a-z=&/.]{0,5}$/ : /^[a-z=&/.]{1,5}$/), {
        nil: undefined,
      }),
      fc.option(fc.stringMatching(/^[a-z/.]{0,5}$/), { nil: undefined }),
    )
    .map(([q, f]) => (q === undefined ? '' : `?${q}`) + (f === undefined ? '' : `#${f}`));
const suffix = suffixWith(true);
const reference = fc.oneof(
  fc.tuple(relativePath, suffix).map(([p, s]) => p + s),
  fc.tuple(relativePath, suffix).map(([p, s]) => `/${p}${s}`),
  fc.tuple(regName, relativePath, suffix).map(([h, p, s]) => `//${h.toLowerCase()}/${p}${s}`),
  suffix,
);
/**
 * A base as WHATWG URL holds one: parsed, so free of dot segments (it removes them). Its
 * query is never empty: for new URL('', 'http://x/a?') Node 20 gives 'http://x/a', dropping
 * the "?" that RFC 3986 §5.2.2 (T.query = Base.query) and the URL Standard keep.
 */
const base = fc
  .tuple(
    fc.array(
      relativeSegment.filter((s) => s !== '.' && s !== '..'),
      { minLength: 1, maxLength: 4 },
    ),
    suffixWith(false),
  )
  .map(([segments, s]) => `http://a.example/${segments.join('/')}${s}`);

describe('RFC 3986 §5.2: reference resolution', () => {
  test.prop([base, reference], { numRuns: 500 })(
    'resolving a reference against an http base agrees with WHATWG URL',
    (baseText, referenceText) => {
      expect(resolveReference(baseText, referenceText)).toBe(new URL(referenceText, baseText).href);
    },
  );

  test.prop([fc.array(relativeSegment, { maxLength: 8 }).map((s) => `/${s.join('/')}`)])(
    'remove_dot_segments leaves no "." or ".." segment and is idempotent',
    (absolutePath) => {
      const once = removeDotSegments(absolutePath);
      expect(once.split('/')).not.toContain('.');
      expect(once.split('/')).not.toContain('..');
      expect(removeDotSegments(once)).toBe(once);
    },
  );
});
