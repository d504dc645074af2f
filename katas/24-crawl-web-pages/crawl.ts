/**
 * A breadth-first crawler of one origin (RFC 9110 §4.3.1) over kata 23's agent: robots.txt
 * first (RFC 9309), then the pages level by level, links found by a small scan of
 * `<a href>`, resolved with kata 16's resolveReference (RFC 3986 §5.2), at most
 * `concurrency` requests in flight. Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { RobotsPolicy } from './robots.ts';

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

/**
 * The href of every `<a>` start tag, in document order, as written but with `&amp;`
 * decoded: double-quoted, single-quoted or unquoted, the tag name and the attribute name
 * in any case. A small scan of tags, not an HTML parser: comments and scripts are not
 * skipped.
 */
export function findHrefs(html: string): string[] {
  throw new KataTodo('findHrefs');
}

/**
 * The URL a link on the page at `base` points to: the reference resolved (RFC 3986 §5.2,
 * kata 16), its fragment dropped (a fragment names a part of the same resource, RFC 3986
 * §3.5), written as `scheme://host[:port]path[?query]` with kata 16's lowercase scheme and
 * host, the port left out when it is the scheme's default, and no userinfo. `undefined`
 * when the result is not an http(s) URL (`mailto:`, `javascript:`, a broken host).
 */
export function pageUrl(base: string, reference: string): string | undefined {
  throw new KataTodo('pageUrl');
}

/** RFC 9110 §4.3.1: the same scheme, host and port, as kata 23's originOf writes them. */
export function sameOrigin(a: string, b: string): boolean {
  throw new KataTodo('sameOrigin');
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
  throw new KataTodo('crawl');
}
