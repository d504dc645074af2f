import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import {
  type CrawlOptions,
  type CrawlResult,
  crawl,
  DEFAULT_PRODUCT_TOKEN,
  findHrefs,
  pageUrl,
  sameOrigin,
} from './crawl.ts';
import { links, type Served, type SitePage, serveSite } from './fixtures/site.ts';

/** A crawl of a loopback site takes milliseconds: one that takes a second never ends. */
const crawled = (start: string, options?: CrawlOptions): Promise<CrawlResult> =>
  within(crawl(start, options), `the crawl of ${start} never finished`, 1_500);

/** The pages of a result as [path, depth, status], for a site on `port`. */
const visits = (result: CrawlResult, port: number) =>
  result.pages.map((page) => [
    page.url.replace(`http://127.0.0.1:${port}`, ''),
    page.depth,
    page.status,
  ]);

/** What the server was asked for, robots.txt included, in order. */
const targets = (site: Served) => site.received.map((r) => r.target);

const ROBOTS_OK: SitePage = { contentType: 'text/plain', body: 'User-agent: *\nDisallow:\n' };

describe('findHrefs: the href of every <a> start tag, a small scan (kata 25 reads HTML properly)', () => {
  test('double-quoted, single-quoted and unquoted values, in document order', () => {
    expect(findHrefs(`<a href="/one">1</a><a href='/two'>2</a><a href=/three>3</a>`)).toEqual([
      '/one',
      '/two',
      '/three',
    ]);
  });
  test('tag and attribute names in any case, whitespace around "="', () => {
    expect(findHrefs('<A HREF = "/x">x</A><a\nclass="c"\nHref=\'/y\'>')).toEqual(['/x', '/y']);
  });
  test('other attributes before and after href', () => {
    expect(findHrefs('<a id=k title="a > b" href="/z" rel=next>')).toEqual(['/z']);
  });
  test('an unquoted value ends at whitespace or ">"', () => {
    expect(findHrefs('<a href=/u?v=1 class=c><a href=/w>')).toEqual(['/u?v=1', '/w']);
  });
  test('only <a>: not <abbr>, <area>, <link>, <base>', () => {
    expect(
      findHrefs(
        '<abbr href="/1"></abbr><area href="/2"><link href="/3"><base href="/4"><a href="/5">',
      ),
    ).toEqual(['/5']);
  });
  test('only href: data-href and an <a> without href give nothing', () => {
    expect(findHrefs('<a name="top">t</a><a data-href="/no">n</a>')).toEqual([]);
  });
  test('an empty href is a link (to the page itself)', () => {
    expect(findHrefs('<a href="">self</a>')).toEqual(['']);
  });
  test('&amp; in a value is "&"', () => {
    expect(findHrefs('<a href="/s?a=1&amp;b=2">s</a>')).toEqual(['/s?a=1&b=2']);
  });
  test('text that only looks like a link is no link', () => {
    expect(findHrefs('see href="/not" and <b>bold</b>')).toEqual([]);
  });
});

describe('pageUrl: RFC 3986 §5.2 resolution, the fragment dropped (§3.5), one spelling per page', () => {
  const base = 'http://example.com/dir/page.html?q=1';
  test('a relative path is resolved against the page', () => {
    expect(pageUrl(base, 'other.html')).toBe('http://example.com/dir/other.html');
  });
  test('dot segments are removed', () => {
    expect(pageUrl(base, '../up/./x')).toBe('http://example.com/up/x');
  });
  test('an absolute path, a query-only and a network-path reference', () => {
    expect(pageUrl(base, '/root')).toBe('http://example.com/root');
    expect(pageUrl(base, '?q=2')).toBe('http://example.com/dir/page.html?q=2');
    expect(pageUrl(base, '//other.example/x')).toBe('http://other.example/x');
  });
  test('the fragment is dropped: a link to "#part" is the page itself', () => {
    expect(pageUrl(base, '#part')).toBe('http://example.com/dir/page.html?q=1');
    expect(pageUrl(base, 'other.html#part')).toBe('http://example.com/dir/other.html');
  });
  test('scheme and host in lowercase, the default port left out, another port kept', () => {
    expect(pageUrl(base, 'HTTP://Example.COM:80/A')).toBe('http://example.com/A');
    expect(pageUrl(base, 'http://example.com:8080/')).toBe('http://example.com:8080/');
    expect(pageUrl(base, 'https://example.com:443/s')).toBe('https://example.com/s');
  });
  test('surrounding whitespace of an href is not part of it', () => {
    expect(pageUrl(base, '  other.html \n')).toBe('http://example.com/dir/other.html');
  });
  test('userinfo is not part of a page URL', () => {
    expect(pageUrl(base, 'http://user:pw@example.com/x')).toBe('http://example.com/x');
  });
  test('no http(s) URL: mailto:, javascript:, a broken host', () => {
    expect(pageUrl(base, 'mailto:someone@example.com')).toBeUndefined();
    expect(pageUrl(base, 'javascript:void(0)')).toBeUndefined();
    expect(pageUrl(base, 'http://exa mple.com/')).toBeUndefined();
  });
});

describe('RFC 9110 §4.3.1: the same origin is the same scheme, host and port', () => {
  test('hosts that differ only in case are one origin', () => {
    expect(sameOrigin('http://example.com/a', 'http://EXAMPLE.com/b')).toBe(true);
  });
  test('the default port written or not is one origin', () => {
    expect(sameOrigin('http://example.com/a', 'http://example.com:80/b')).toBe(true);
  });
  test('another port, another scheme, another host: another origin', () => {
    expect(sameOrigin('http://example.com/', 'http://example.com:8080/')).toBe(false);
    expect(sameOrigin('http://example.com/', 'https://example.com/')).toBe(false);
    expect(sameOrigin('http://example.com/', 'http://www.example.com/')).toBe(false);
  });
});

describe('crawl: robots.txt first (RFC 9309 §2.3), and honoured', () => {
  test('robots.txt is the first request, then the start page', async () => {
    const site = await serveSite({ '/robots.txt': ROBOTS_OK, '/': links() });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/']);
  });
  test('the User-Agent names the product token (RFC 9309 §2.2.1), on every request', async () => {
    const site = await serveSite({ '/robots.txt': ROBOTS_OK, '/': links('/a'), '/a': links() });
    await crawled(`http://127.0.0.1:${site.port}/`, { productToken: 'SpecBot' });
    expect(site.received).toHaveLength(3);
    for (const r of site.received) expect(r.userAgent).toContain('SpecBot');
  });
  test(`the default product token is ${DEFAULT_PRODUCT_TOKEN}`, async () => {
    const site = await serveSite({ '/robots.txt': ROBOTS_OK, '/': links() });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(site.received[0]?.userAgent).toContain(DEFAULT_PRODUCT_TOKEN);
  });
  test('a disallowed link is not fetched, and is listed', async () => {
    const site = await serveSite({
      '/robots.txt': { body: 'User-agent: *\nDisallow: /private\n' },
      '/': links('/private/a', '/public'),
      '/public': links(),
      '/private/a': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/public']);
    expect(result.disallowed).toEqual([`http://127.0.0.1:${site.port}/private/a`]);
  });
  test('the group of the crawler’s product token is the one obeyed', async () => {
    const site = await serveSite({
      '/robots.txt': { body: 'User-agent: *\nDisallow: /\n\nUser-agent: specbot\nDisallow: /b\n' },
      '/': links('/a', '/b'),
      '/a': links(),
      '/b': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`, { productToken: 'SpecBot' });
    expect(targets(site)).toEqual(['/robots.txt', '/', '/a']);
  });
  test('a "$" rule matches the path of a page without a query', async () => {
    const site = await serveSite({
      '/robots.txt': { body: 'User-agent: *\nDisallow: /*.pdf$\n' },
      '/': links('/doc.pdf', '/doc.pdf?v=2'),
      '/doc.pdf?v=2': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/doc.pdf?v=2']);
  });
  test('§2.3.1.2: a 3xx for robots.txt without a Location is "Unavailable"', async () => {
    const site = await serveSite({ '/robots.txt': { status: 302 }, '/': links() });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.robots).toEqual({ kind: 'allow-all' });
    expect(targets(site)).toEqual(['/robots.txt', '/']);
  });
  test('the query is matched too', async () => {
    const site = await serveSite({
      '/robots.txt': { body: 'User-agent: *\nDisallow: /*?sort=\n' },
      '/': links('/list?sort=up', '/list'),
      '/list': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/list']);
  });
  test('a disallowed start page: nothing but robots.txt is fetched', async () => {
    const site = await serveSite({ '/robots.txt': { body: 'User-agent: *\nDisallow: /\n' } });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt']);
    expect(result.pages).toEqual([]);
    expect(result.disallowed).toEqual([`http://127.0.0.1:${site.port}/`]);
  });
  test('§2.3.1.3: robots.txt answered 404: everything is allowed', async () => {
    const site = await serveSite({ '/': links('/a'), '/a': links() });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.robots).toEqual({ kind: 'allow-all' });
    expect(targets(site)).toEqual(['/robots.txt', '/', '/a']);
  });
  test('§2.3.1.4: robots.txt answered 503: complete disallow', async () => {
    const site = await serveSite({ '/robots.txt': { status: 503 }, '/': links() });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.robots).toEqual({ kind: 'disallow-all' });
    expect(targets(site)).toEqual(['/robots.txt']);
  });
  test('§2.3.1.4: robots.txt unreachable (the connection reset): complete disallow', async () => {
    const site = await serveSite({ '/robots.txt': { reset: true }, '/': links() });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.robots).toEqual({ kind: 'disallow-all' });
    expect(targets(site)).toEqual(['/robots.txt']);
  });
  test('a Location on a robots.txt answered 200 is not followed', async () => {
    const site = await serveSite({
      '/robots.txt': { body: 'User-agent: *\nDisallow: /a\n', location: '/other.txt' },
      '/': links('/a'),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/']);
  });
  test('§2.3.1.2: a redirect of robots.txt is followed', async () => {
    const site = await serveSite({
      '/robots.txt': { status: 301, location: '/rules.txt' },
      '/rules.txt': { body: 'User-agent: *\nDisallow: /a\n' },
      '/': links('/a', '/b'),
      '/b': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/rules.txt', '/', '/b']);
  });
  test('§2.3.1.2: five consecutive redirects are followed; a sixth is not, and means "Unavailable"', async () => {
    const hops = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          i === 0 ? '/robots.txt' : `/r${i}`,
          { status: 302, location: `/r${i + 1}` },
        ]),
      );
    const five = await serveSite({ ...hops(5), '/r5': { body: 'User-agent: *\nDisallow: /\n' } });
    await crawled(`http://127.0.0.1:${five.port}/`);
    expect(targets(five)).toEqual(['/robots.txt', '/r1', '/r2', '/r3', '/r4', '/r5']);
    const six = await serveSite({
      ...hops(6),
      '/r6': { body: 'User-agent: *\nDisallow: /\n' },
      '/': links(),
    });
    const result = await crawled(`http://127.0.0.1:${six.port}/`);
    expect(targets(six)).toEqual(['/robots.txt', '/r1', '/r2', '/r3', '/r4', '/r5', '/']);
    expect(result.robots).toEqual({ kind: 'allow-all' });
  });
});

describe('crawl: breadth first, each page once, with its depth', () => {
  test('level by level, in the order of the links, each page at its fewest links from the start', async () => {
    // / -> a, b; a -> c, b; b -> d; c -> d, /; d -> e
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/a', '/b'),
      '/a': { ...links('/c', '/b'), delayMs: 5 },
      '/b': links('/d'),
      '/c': links('/d', '/'),
      '/d': links('/e'),
      '/e': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port)).toEqual([
      ['/', 0, 200],
      ['/a', 1, 200],
      ['/b', 1, 200],
      ['/c', 2, 200],
      ['/d', 2, 200],
      ['/e', 3, 200],
    ]);
  });
  test('a level is fetched whole before the next, however its responses are delayed', async () => {
    // /a answers last: its link /c is still at depth 2, before /b's link /d
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/a', '/b'),
      '/a': { ...links('/c'), delayMs: 20 },
      '/b': links('/d', '/c'),
      '/c': links(),
      '/d': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port)).toEqual([
      ['/', 0, 200],
      ['/a', 1, 200],
      ['/b', 1, 200],
      ['/c', 2, 200],
      ['/d', 2, 200],
    ]);
  });
  test('relative links are resolved against the page they are on', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/dir/': links('page', '../top', './'),
      '/dir/page': links(),
      '/top': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/dir/`);
    expect(visits(result, site.port).map(([path]) => path)).toEqual(['/dir/', '/dir/page', '/top']);
  });
  test('fragments are dropped and duplicates folded: one request per page', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/a#top', '/a', '/a#bottom', '#self', '/./a', '/b/../a'),
      '/a': links('/', '/a#x'),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/a']);
    expect(result.pages[0]?.links).toEqual([
      `http://127.0.0.1:${site.port}/a`,
      `http://127.0.0.1:${site.port}/`,
    ]);
  });
  test('a redirect is recorded with its status, and its Location is its one link', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/old'),
      '/old': { status: 301, location: '/new' },
      '/new': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port)).toEqual([
      ['/', 0, 200],
      ['/old', 1, 301],
      ['/new', 2, 200],
    ]);
    expect(result.pages[1]?.links).toEqual([`http://127.0.0.1:${site.port}/new`]);
  });
  test('non-2xx pages are recorded, and their links not followed', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/gone', '/broken'),
      '/gone': { ...links('/from-404'), status: 404 },
      '/broken': { ...links('/from-500'), status: 500 },
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port)).toEqual([
      ['/', 0, 200],
      ['/gone', 1, 404],
      ['/broken', 1, 500],
    ]);
  });
  test('a 300 is a redirect too: its Location is the preferred choice (RFC 9110 §15.4.1)', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { ...links('/a'), status: 300, location: '/b' },
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.pages[0]?.links).toEqual([`http://127.0.0.1:${site.port}/b`]);
  });
  test('a 3xx without a Location has no links', async () => {
    const site = await serveSite({ '/robots.txt': ROBOTS_OK, '/': { status: 302 } });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.pages).toEqual([
      { url: `http://127.0.0.1:${site.port}/`, depth: 0, status: 302, links: [] },
    ]);
  });
  test('a Location on a 2xx is no redirect (RFC 9110 §10.2.2: a 201 names what it created)', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { ...links('/a'), status: 201, location: '/created' },
      '/a': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.pages[0]?.links).toEqual([`http://127.0.0.1:${site.port}/a`]);
  });
  test('a Location on a 4xx is no redirect', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { ...links('/a'), status: 400, location: '/elsewhere' },
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(result.pages[0]?.links).toEqual([]);
  });
  test('every connection is closed when the crawl ends', async () => {
    const site = await serveSite({ '/robots.txt': ROBOTS_OK, '/': links('/a'), '/a': links() });
    await crawled(`http://127.0.0.1:${site.port}/`);
    await site.allClosed();
  });
  test('a page whose connection fails is recorded as failed, and the crawl goes on', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links('/reset', '/fine'),
      '/reset': { reset: true },
      '/fine': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port)).toEqual([
      ['/', 0, 200],
      ['/reset', 1, 'failed'],
      ['/fine', 1, 200],
    ]);
  });
});

describe('crawl: only text/html is read for links (RFC 9110 §8.3.1, media types are case-insensitive)', () => {
  test('a text/plain page with <a href> in it has no links', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { ...links('/a'), contentType: 'text/plain' },
      '/a': links(),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/']);
    expect(result.pages[0]?.links).toEqual([]);
  });
  test('Text/HTML with parameters is HTML', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { ...links('/a'), contentType: 'Text/HTML ; charset=UTF-8' },
      '/a': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/a']);
  });
  test('no Content-Type: no links', async () => {
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { body: '<a href="/a">a</a>' },
      '/a': links(),
    });
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/']);
  });
});

describe('crawl: the same origin only (RFC 9110 §4.3.1)', () => {
  test('links to another port, scheme or host are not fetched', async () => {
    const other = await serveSite({ '/robots.txt': ROBOTS_OK, '/x': links() });
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': links(
        `http://127.0.0.1:${other.port}/x`,
        `http://localhost:${other.port}/x`,
        'https://127.0.0.1/x',
      ),
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(other.received).toEqual([]);
    expect(targets(site)).toEqual(['/robots.txt', '/']);
    expect(result.pages[0]?.links).toHaveLength(3);
  });
  test('a redirect to another origin is recorded and not followed', async () => {
    const other = await serveSite({ '/x': links() });
    const site = await serveSite({
      '/robots.txt': ROBOTS_OK,
      '/': { status: 302, location: `http://127.0.0.1:${other.port}/x` },
    });
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(other.received).toEqual([]);
    expect(visits(result, site.port)).toEqual([['/', 0, 302]]);
  });
  test('a link with the host in another case is the same origin, and the same page', async () => {
    const pages: Record<string, SitePage> = { '/robots.txt': ROBOTS_OK, '/a': links() };
    const site = await serveSite(pages);
    // the port is known once the server listens: the start page links to itself and to /a
    // with the host, and the scheme, in other cases
    pages['/'] = links(`http://LocalHost:${site.port}/a`, `HTTP://LOCALHOST:${site.port}/`);
    const result = await crawled(`http://localhost:${site.port}/`);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/a']);
    expect(result.pages.map((p) => p.url)).toEqual([
      `http://localhost:${site.port}/`,
      `http://localhost:${site.port}/a`,
    ]);
  });
});

describe('crawl: limits', () => {
  const chain = {
    '/robots.txt': ROBOTS_OK,
    '/': links('/1', '/2'),
    '/1': links('/3'),
    '/2': links('/4'),
    '/3': links('/5'),
    '/4': links(),
    '/5': links('/6'),
    '/6': links(),
  };
  test('maxDepth: no page deeper than it is fetched', async () => {
    const site = await serveSite(chain);
    const result = await crawled(`http://127.0.0.1:${site.port}/`, { maxDepth: 1 });
    expect(visits(result, site.port).map(([p]) => p)).toEqual(['/', '/1', '/2']);
  });
  test('maxDepth 0: the start page alone', async () => {
    const site = await serveSite(chain);
    await crawled(`http://127.0.0.1:${site.port}/`, { maxDepth: 0 });
    expect(targets(site)).toEqual(['/robots.txt', '/']);
  });
  test('the default maxDepth is 3', async () => {
    const site = await serveSite(chain);
    const result = await crawled(`http://127.0.0.1:${site.port}/`);
    expect(visits(result, site.port).at(-1)).toEqual(['/5', 3, 200]);
    expect(targets(site)).not.toContain('/6');
  });
  test('maxPages: no more pages than it are fetched, the first in breadth-first order', async () => {
    const site = await serveSite(chain);
    const result = await crawled(`http://127.0.0.1:${site.port}/`, { maxPages: 4 });
    expect(visits(result, site.port).map(([p]) => p)).toEqual(['/', '/1', '/2', '/3']);
    expect(targets(site)).toEqual(['/robots.txt', '/', '/1', '/2', '/3']);
  });
  test('maxPages 0: only robots.txt', async () => {
    const site = await serveSite(chain);
    await crawled(`http://127.0.0.1:${site.port}/`, { maxPages: 0 });
    expect(targets(site)).toEqual(['/robots.txt']);
  });
  test('concurrency: requests go out in parallel, never more than the limit', async () => {
    const level = ['/1', '/2', '/3', '/4', '/5', '/6'];
    const site = await serveSite(
      {
        '/robots.txt': ROBOTS_OK,
        '/': links(...level),
        ...Object.fromEntries(level.map((p) => [p, links()])),
      },
      { hold: { count: 3, targets: level } },
    );
    const reached = site.inFlightReaches(3);
    await crawled(`http://127.0.0.1:${site.port}/`, { concurrency: 3 });
    await reached;
    expect(site.maxInFlight()).toBe(3);
  });
  test('the default concurrency is 4', async () => {
    const level = ['/1', '/2', '/3', '/4', '/5', '/6', '/7', '/8'];
    const site = await serveSite(
      {
        '/robots.txt': ROBOTS_OK,
        '/': links(...level),
        ...Object.fromEntries(level.map((p) => [p, links()])),
      },
      { hold: { count: 4, targets: level } },
    );
    await crawled(`http://127.0.0.1:${site.port}/`);
    expect(site.maxInFlight()).toBe(4);
  });
  test('a start that is no http(s) URL rejects with kata 16’s InvalidUrl', async () => {
    await expect(crawl('ftp://127.0.0.1/')).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidUrl' }),
    );
  });
  test.each([
    ['maxDepth', -1],
    ['maxPages', 1.5],
    ['concurrency', 0],
  ] as const)('%s %d is refused with a RangeError naming it', async (name, value) => {
    await expect(crawl('http://127.0.0.1:1/', { [name]: value })).rejects.toThrow(
      expect.objectContaining({ name: 'RangeError', message: expect.stringContaining(name) }),
    );
  });
});
