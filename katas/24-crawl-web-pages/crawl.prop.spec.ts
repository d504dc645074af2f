import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { type CrawlOptions, type CrawlResult, crawl } from './crawl.ts';
import { modelAllowed } from './fixtures/robots-model.ts';
import { type Served, type SitePage, serveSite } from './fixtures/site.ts';
import type { RobotsRule } from './robots.ts';

/** Where a link points: a page of the site, a page of another origin, or no http URL. */
type Target = { readonly page: number } | { readonly off: number } | { readonly mailto: true };
/** How a link to a page of the site is written (RFC 3986 §4.1: a URI or a relative reference). */
type Form = 'relative' | 'dot' | 'absolute-path' | 'absolute' | 'host-case';
interface Link {
  readonly to: Target;
  readonly form: Form;
  readonly fragment: boolean;
  readonly quote: '"' | "'" | '';
}
type Node =
  | { readonly kind: 'html'; readonly links: readonly Link[]; readonly delayMs: number }
  | { readonly kind: 'text'; readonly links: readonly Link[] }
  | { readonly kind: 'status'; readonly status: 404 | 500 }
  | { readonly kind: 'redirect'; readonly to: number };
interface Site {
  readonly nodes: readonly Node[];
  readonly robots: {
    readonly status: 200 | 404 | 500;
    readonly agent: string;
    readonly rules: readonly RobotsRule[];
  };
  readonly options: Required<Pick<CrawlOptions, 'maxDepth' | 'maxPages' | 'concurrency'>>;
}

const PAGES = 8;
const path = (i: number) => `/p${i}`;

const link: fc.Arbitrary<Link> = fc.record({
  to: fc.oneof(
    { weight: 6, arbitrary: fc.nat(PAGES - 1).map((page) => ({ page })) },
    { weight: 1, arbitrary: fc.nat(PAGES - 1).map((off) => ({ off })) },
    { weight: 1, arbitrary: fc.constant({ mailto: true as const }) },
  ),
  form: fc.constantFrom('relative', 'dot', 'absolute-path', 'absolute', 'host-case'),
  fragment: fc.boolean(),
  quote: fc.constantFrom('"', "'", ''),
});
const node: fc.Arbitrary<Node> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('html' as const),
      links: fc.array(link, { maxLength: 5 }),
      delayMs: fc.nat(3),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      links: fc.array(link, { maxLength: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(404 as const, 500 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('redirect' as const), to: fc.nat(PAGES - 1) }),
  },
);
/** RFC 9309 rules over the site's paths: prefixes, exact paths, wildcards. */
const robotsRule: fc.Arbitrary<RobotsRule> = fc.record({
  kind: fc.constantFrom('allow', 'disallow'),
  pattern: fc.oneof(
    fc.nat(PAGES - 1).map(path),
    fc.nat(PAGES - 1).map((i) => `${path(i)}$`),
    fc.nat(PAGES - 1).map((i) => `/*${i}`),
    fc.constantFrom('/', '/p', '/*'),
  ),
});
const site: fc.Arbitrary<Site> = fc.record({
  nodes: fc.array(node, { minLength: PAGES, maxLength: PAGES }),
  robots: fc.record({
    status: fc.constantFrom(200 as const, 200 as const, 200 as const, 404 as const, 500 as const),
    agent: fc.constantFrom('*', 'KataBot', 'katabot', 'OtherBot'),
    rules: fc.array(robotsRule, { maxLength: 3 }),
  }),
  options: fc.record({
    maxDepth: fc.nat(4),
    maxPages: fc.integer({ min: 1, max: PAGES }),
    concurrency: fc.integer({ min: 1, max: 4 }),
  }),
});

/** The crawler's rules, as RFC 9309 §2.2.1 and §2.3.1 give them for KataBot. */
function modelPolicy({ robots }: Site): (p: string) => boolean {
  if (robots.status === 404) return () => true;
  if (robots.status === 500) return () => false;
  const applies = robots.agent === '*' || robots.agent.toLowerCase() === 'katabot';
  return (p) => !applies || modelAllowed(robots.rules, p);
}

/** A breadth-first search over the generated graph: the pages a crawl must fetch, in order. */
function modelCrawl(s: Site): { pages: [number, number, number][]; disallowed: number[] } {
  const allowed = modelPolicy(s);
  const pages: [number, number, number][] = [];
  const disallowed: number[] = [];
  const seen = new Set([0]);
  let level = [0];
  for (let depth = 0; depth <= s.options.maxDepth && level.length > 0; depth++) {
    disallowed.push(...level.filter((i) => !allowed(path(i))));
    const batch = level.filter((i) => allowed(path(i))).slice(0, s.options.maxPages - pages.length);
    level = [];
    for (const i of batch) {
      const n = s.nodes[i] as Node;
      pages.push([i, depth, n.kind === 'status' ? n.status : n.kind === 'redirect' ? 301 : 200]);
      const next =
        n.kind === 'html'
          ? n.links.flatMap((l) => ('page' in l.to ? [l.to.page] : []))
          : n.kind === 'redirect'
            ? [n.to]
            : [];
      for (const j of next) {
        if (!seen.has(j)) {
          seen.add(j);
          level.push(j);
        }
      }
    }
  }
  return { pages, disallowed };
}

function href(l: Link, port: number, otherPort: number): string {
  const frag = l.fragment ? '#frag' : '';
  if ('mailto' in l.to) return 'mailto:crawler@example.com';
  if ('off' in l.to) return `http://127.0.0.1:${otherPort}${path(l.to.off)}${frag}`;
  const p = path(l.to.page);
  const written = {
    relative: p.slice(1),
    dot: `./${p.slice(1)}`,
    'absolute-path': p,
    absolute: `http://localhost:${port}${p}`,
    'host-case': `HTTP://LocalHost:${port}${p}`,
  }[l.form];
  return `${written}${frag}`;
}

const anchors = (links: readonly Link[], port: number, otherPort: number) =>
  links
    .map((l) => `<a class=x href=${l.quote}${href(l, port, otherPort)}${l.quote}>link</a>`)
    .join('\n');

interface Run {
  readonly site: Site;
  readonly served: Served;
  readonly other: Served;
  readonly result: CrawlResult;
}

/** Serves the generated site on loopback and crawls it from /p0 as KataBot. */
async function run(s: Site): Promise<Run> {
  const pages: Record<string, SitePage> = {};
  const served = await serveSite(pages);
  const other = await serveSite({});
  const { port } = served;
  pages['/robots.txt'] = {
    status: s.robots.status,
    contentType: 'text/plain',
    body: `User-agent: ${s.robots.agent}\n${s.robots.rules.map((r) => `${r.kind}: ${r.pattern}\n`).join('')}`,
  };
  s.nodes.forEach((n, i) => {
    pages[path(i)] =
      n.kind === 'html'
        ? { contentType: 'text/html', body: anchors(n.links, port, other.port), delayMs: n.delayMs }
        : n.kind === 'text'
          ? { contentType: 'text/plain', body: anchors(n.links, port, other.port) }
          : n.kind === 'status'
            ? { status: n.status, contentType: 'text/html', body: '<a href="/p0">home</a>' }
            : { status: 301, location: path(n.to) };
  });
  const result = await within(
    crawl(`http://localhost:${port}${path(0)}`, s.options),
    'the crawl of the generated site never finished',
    1_500,
  );
  return { site: s, served, other, result };
}

const RUNS = { numRuns: 15 };

test.prop([site], RUNS)(
  'every page reachable within maxDepth is found at its breadth-first depth, in order',
  async (s) => {
    const { served, result } = await run(s);
    const origin = `http://localhost:${served.port}`;
    const model = modelCrawl(s);
    expect(result.pages.map((p) => [p.url, p.depth, p.status])).toEqual(
      model.pages.map(([i, depth, status]) => [`${origin}${path(i)}`, depth, status]),
    );
    expect(result.disallowed).toEqual(model.disallowed.map((i) => `${origin}${path(i)}`));
  },
);

test.prop([site], RUNS)(
  'never the same page twice: the server gets each target once',
  async (s) => {
    const { served } = await run(s);
    const seen = served.received.map((r) => r.target);
    expect(seen).toEqual([...new Set(seen)]);
    expect(seen[0]).toBe('/robots.txt');
  },
);

test.prop([site], RUNS)(
  'never off the origin (RFC 9110 §4.3.1), whatever the case of the host',
  async (s) => {
    const { served, other } = await run(s);
    expect(other.received).toEqual([]);
    for (const r of served.received) expect(r.host).toBe(`localhost:${served.port}`);
  },
);

test.prop([site], RUNS)('never a path robots.txt disallows (RFC 9309)', async (s) => {
  const { served } = await run(s);
  const allowed = modelPolicy(s);
  const pages = served.received.map((r) => r.target).filter((t) => t !== '/robots.txt');
  expect(pages.filter((t) => !allowed(t))).toEqual([]);
});

test.prop([site], RUNS)(
  'never more requests in flight than the concurrency limit, counted on the server',
  async (s) => {
    const { served } = await run(s);
    expect(served.maxInFlight()).toBeLessThanOrEqual(s.options.concurrency);
  },
);
