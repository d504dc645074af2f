/**
 * A breadth-first crawler of one origin (RFC 9110 §4.3.1) over kata 23's agent: robots.txt
 * first (RFC 9309), then the pages level by level, links found by a small scan of
 * `<a href>`, resolved with kata 16's resolveReference (RFC 3986 §5.2), at most
 * `concurrency` requests in flight.
 */
import {
  DEFAULT_PORTS,
  InvalidUrl,
  resolveReference,
  splitUrl,
} from '../16-parse-a-url/uri-reference.ts';
import {
  DEFAULT_USER_AGENT,
  type HeaderField,
  type HttpResponse,
} from '../21-http-get/http-get.ts';
import { type Agent, createAgent, originOf } from '../23-keep-alive-client/agent.ts';
import {
  isAllowed,
  ROBOTS_PATH,
  type RobotsFetch,
  type RobotsPolicy,
  robotsPolicy,
} from './robots.ts';

export interface CrawlOptions {
  /** The deepest level fetched: the start page is depth 0, the pages it links to depth 1. */
  readonly maxDepth?: number;
  /** The most pages fetched (robots.txt not counted). */
  readonly maxPages?: number;
  /** The most page requests in flight at once. */
  readonly concurrency?: number;
  /** RFC 9309 §2.2.1: the crawler's name, matched against robots.txt user-agent lines. */
  readonly productToken?: string;
}

export interface CrawledPage {
  /** The page's URL as `pageUrl` writes it. */
  readonly url: string;
  /** The fewest links from the start page to it. */
  readonly depth: number;
  /** The response's status code, or `failed` when no response came (refused, reset, garbled). */
  readonly status: number | 'failed';
  /** The links of an HTML 2xx page, or the Location of a 3xx, as `pageUrl` writes them, each
   * once, in document order: every origin's. `[]` for anything else. */
  readonly links: readonly string[];
}

export interface CrawlResult {
  /** What robots.txt allowed (RFC 9309 §2.3.1). */
  readonly robots: RobotsPolicy;
  /** Every page fetched, in the order its request started. */
  readonly pages: readonly CrawledPage[];
  /** The same-origin URLs found and not fetched because robots.txt disallows them, in order. */
  readonly disallowed: readonly string[];
}

export const DEFAULT_MAX_DEPTH = 3;
export const DEFAULT_MAX_PAGES = 100;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_PRODUCT_TOKEN = 'KataBot';
/** RFC 9309 §2.3.1.2: "crawlers SHOULD follow at least five consecutive redirects". */
export const ROBOTS_MAX_REDIRECTS = 5;

const BAD_OPTION = (name: string, value: number, least: number) =>
  `${name} is a whole number, at least ${least}: not ${value}`;
/** `<a` then its attributes up to `>` (a quoted value may hold one): the tag, not the element. */
const A_TAG = /<a(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
/** An href attribute's value: "double-quoted", 'single-quoted' or unquoted. */
const HREF = /[\s/]href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
/** RFC 9110 §8.3.1: media-type = type "/" subtype parameters; "case-insensitive". */
const HTML = 'text/html';

/**
 * The href of every `<a>` start tag, in document order, as written but with `&amp;`
 * decoded: double-quoted, single-quoted or unquoted, the tag name and the attribute name
 * in any case. A small scan of tags, not an HTML parser: comments and scripts are not
 * skipped.
 */
export function findHrefs(html: string): string[] {
  const hrefs: string[] = [];
  for (const [tag] of html.matchAll(A_TAG)) {
    const found = HREF.exec(tag);
    if (found !== null)
      hrefs.push((found[1] ?? found[2] ?? found[3] ?? '').replaceAll('&amp;', '&'));
  }
  return hrefs;
}

/**
 * The URL a link on the page at `base` points to: the reference resolved (RFC 3986 §5.2,
 * kata 16), its fragment dropped (a fragment names a part of the same resource, RFC 3986
 * §3.5), written as `scheme://host[:port]path[?query]` with kata 16's lowercase scheme and
 * host, the port left out when it is the scheme's default, and no userinfo. `undefined`
 * when the result is not an http(s) URL (`mailto:`, `javascript:`, a broken host).
 */
export function pageUrl(base: string, reference: string): string | undefined {
  try {
    // the fragment, which splitUrl reads apart, is left out
    const { scheme, host, port, path, query } = splitUrl(resolveReference(base, reference.trim()));
    const authority = port === DEFAULT_PORTS[scheme] ? host : `${host}:${port}`;
    return `${scheme}://${authority}${path}${query === undefined ? '' : `?${query}`}`;
  } catch (error) {
    if (error instanceof InvalidUrl) return undefined;
    throw error;
  }
}

/** RFC 9110 §4.3.1: the same scheme, host and port, as kata 23's originOf writes them. */
export function sameOrigin(a: string, b: string): boolean {
  return originOf(a) === originOf(b);
}

/**
 * Crawls the origin of `start`, breadth first. robots.txt is fetched first (redirects
 * followed, up to five, RFC 9309 §2.3.1.2) and its policy honoured for every page, the
 * start included. Then level by level: every page of a level is fetched (at most
 * `concurrency` at once, the requests started in the level's order) before the next
 * level's; the next level is the same-origin links of this level's pages, in order, that
 * no earlier level or page holds. A 3xx is recorded, and its Location is its one link.
 *
 * @throws RangeError for an option that is not a whole number in range
 * @throws kata 16's InvalidUrl when `start` is not an http(s) URL
 */
export async function crawl(start: string, options: CrawlOptions = {}): Promise<CrawlResult> {
  const maxDepth = whole('maxDepth', options.maxDepth ?? DEFAULT_MAX_DEPTH, 0);
  const maxPages = whole('maxPages', options.maxPages ?? DEFAULT_MAX_PAGES, 0);
  const concurrency = whole('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, 1);
  const token = options.productToken ?? DEFAULT_PRODUCT_TOKEN;
  splitUrl(start);
  const first = pageUrl(start, start) as string;
  // RFC 9309 §2.2.1: "the product token SHOULD be a substring in the User-Agent header"
  const headers: readonly HeaderField[] = [['User-Agent', `${token} ${DEFAULT_USER_AGENT}`]];
  const agent = createAgent();
  try {
    const robots = robotsPolicy(await fetchRobots(agent, first, headers), token);
    const pages: CrawledPage[] = [];
    const disallowed: string[] = [];
    const seen = new Set([first]);
    let level = [first];
    for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
      const allowed = level.filter((url) => isAllowed(robots, target(url)));
      disallowed.push(...level.filter((url) => !allowed.includes(url)));
      const batch = allowed.slice(0, maxPages - pages.length);
      const fetched = await inOrder(batch, concurrency, async (url) => {
        const response = await agent.request(url, { headers }).catch(() => undefined);
        return {
          url,
          depth,
          status: response?.status ?? 'failed',
          links: linksOf(url, response),
        } as const;
      });
      pages.push(...fetched);
      level = [];
      for (const link of fetched.flatMap((page) => page.links)) {
        if (sameOrigin(link, first) && !seen.has(link)) {
          seen.add(link);
          level.push(link);
        }
      }
    }
    return { robots, pages, disallowed };
  } finally {
    await agent.close();
  }
}

function whole(name: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least)
    throw new RangeError(BAD_OPTION(name, value, least));
  return value;
}

/** RFC 9309 §2.2.2: the rules are matched against the path and the query of the URI. */
function target(url: string): string {
  const { path, query } = splitUrl(url);
  return query === undefined ? path : `${path}?${query}`;
}

/** RFC 9309 §2.3: "scheme:[//authority]/robots.txt", with up to five redirects followed. */
async function fetchRobots(
  agent: Agent,
  start: string,
  headers: readonly HeaderField[],
): Promise<RobotsFetch> {
  let url = pageUrl(start, ROBOTS_PATH) as string;
  for (let redirects = 0; ; redirects++) {
    const response = await agent.request(url, { headers }).catch(() => undefined);
    // RFC 9309 §2.3.1.4: "unreachable due to server or network errors"
    if (response === undefined) return { kind: 'unreachable' };
    const location = response.headers.get('location');
    const next =
      isRedirect(response) && location !== undefined ? pageUrl(url, location) : undefined;
    // §2.3.1.2: "If there are more than five consecutive redirects, crawlers MAY assume
    // that the robots.txt file is unavailable": the 3xx itself says so in robotsPolicy
    if (next === undefined || redirects === ROBOTS_MAX_REDIRECTS) {
      return { kind: 'response', status: response.status, body: response.body };
    }
    url = next;
  }
}

function isRedirect(response: HttpResponse): boolean {
  return response.status >= 300 && response.status < 400;
}

/** The links of a response: an HTML 2xx's hrefs, a 3xx's Location, each once. */
function linksOf(url: string, response: HttpResponse | undefined): string[] {
  if (response === undefined) return [];
  const location = response.headers.get('location');
  let references: string[] = [];
  if (isRedirect(response)) references = location === undefined ? [] : [location];
  else if (response.status >= 200 && response.status < 300 && isHtml(response)) {
    references = findHrefs(Buffer.from(response.body).toString('utf8'));
  }
  const links = references.map((reference) => pageUrl(url, reference));
  return [...new Set(links.filter((link) => link !== undefined))];
}

/** RFC 9110 §8.3.1: the media type before any parameter, compared case-insensitively. */
function isHtml(response: HttpResponse): boolean {
  const type = response.headers.get('content-type')?.split(';', 1)[0];
  return type?.trim().toLowerCase() === HTML;
}

/** `work` on every item, at most `limit` at once, started in order; the results in order. */
async function inOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
