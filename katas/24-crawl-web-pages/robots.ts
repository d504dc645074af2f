/**
 * The Robots Exclusion Protocol (RFC 9309): a robots.txt read into groups of rules
 * (§2.2), the group for one crawler's product token (§2.2.1), a path matched against
 * the rules by the longest match (§2.2.2) with `*` and `$` (§2.2.3), and what the
 * status of the robots.txt fetch means when there are no rules to read (§2.3.1).
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** RFC 9309 §2.2.2: a rule "defines how a crawler may access URIs". */
export interface RobotsRule {
  readonly kind: 'allow' | 'disallow';
  /** The path-pattern as written (`*` and a final `$` are special, §2.2.3); never empty. */
  readonly pattern: string;
}

/** RFC 9309 §2.1: "One or more user-agent lines that are followed by one or more rules." */
export interface RobotsGroup {
  /** The product tokens of its user-agent lines, as written (`*` for every crawler). */
  readonly agents: readonly string[];
  readonly rules: readonly RobotsRule[];
}

/** What a crawler may do on a site, from the outcome of fetching its robots.txt (§2.3.1). */
export type RobotsPolicy =
  /** §2.3.1.1: the file was read; these are the rules of the crawler's group. */
  | { readonly kind: 'rules'; readonly rules: readonly RobotsRule[] }
  /** §2.3.1.3: "Unavailable" (a 4xx): "the crawler MAY access any resources on the server". */
  | { readonly kind: 'allow-all' }
  /** §2.3.1.4: "Unreachable" (a 5xx, a network error): "the crawler MUST assume complete disallow". */
  | { readonly kind: 'disallow-all' };

/** What came of fetching /robots.txt: a final response, or none at all. */
export type RobotsFetch =
  | { readonly kind: 'response'; readonly status: number; readonly body: Uint8Array | string }
  | { readonly kind: 'unreachable' };

/** RFC 9309 §2.5: "The parsing limit MUST be at least 500 kibibytes." This parser's limit. */
export const PARSE_LIMIT_BYTES = 500 * 1024;
/** RFC 9309 §2.3: the rules are in "a file named "/robots.txt" (all lowercase)". */
export const ROBOTS_PATH = '/robots.txt';

/**
 * Reads a robots.txt (RFC 9309 §2.2) into its groups, in order: at most the first
 * PARSE_LIMIT_BYTES octets, and of those only whole lines. Keys are case-insensitive; a
 * comment runs from "#" to the end of the line; lines that are not user-agent, allow or
 * disallow lines (sitemap, crawl-delay, garbage) are skipped and end no group; rules
 * before the first user-agent line belong to no group and are dropped.
 */
export function parseRobots(body: Uint8Array | string): RobotsGroup[] {
  throw new KataTodo('parseRobots');
}

/**
 * RFC 9309 §2.2.1: the rules a crawler obeys. "Crawlers MUST use case-insensitive
 * matching to find the group that matches the product token"; "If there is more than one
 * group matching the user-agent, the matching groups' rules MUST be combined into one
 * group"; "If no matching group exists, crawlers MUST obey the group with a user-agent
 * line with the "*" value, if present"; otherwise "no rules apply".
 */
export function rulesFor(groups: readonly RobotsGroup[], productToken: string): RobotsRule[] {
  throw new KataTodo('rulesFor');
}

/**
 * RFC 9309 §2.2.2: a path (with its query) or a pattern written the way they are compared:
 * octets outside ASCII percent-encoded (their UTF-8), a percent-encoded unreserved
 * character decoded ("it MUST be unencoded prior to comparison, unless it is a reserved
 * character"), other percent-encodings with uppercase hex (RFC 3986 §6.2.2.1). In a
 * path, `*` and `$` are encoded too (§2.2.3: "If crawlers match special characters
 * verbatim in the URI, crawlers SHOULD use "%" encoding").
 */
export function normalizeForMatch(text: string, role: 'path' | 'pattern'): string {
  throw new KataTodo('normalizeForMatch');
}

/**
 * RFC 9309 §2.2.2: whether the pattern matches the path (both normalized): "The matching
 * MUST start with the first octet of the path", and "The match evaluates positively if
 * and only if the end of the path from the rule is reached before a difference in octets
 * is encountered". §2.2.3: `*` "Designates 0 or more instances of any character", a
 * final `$` "Designates the end of the match pattern".
 */
export function patternMatches(pattern: string, path: string): boolean {
  throw new KataTodo('patternMatches');
}

/**
 * RFC 9309 §2.2.2: whether the rules allow the path (with its query, `/a?b=c`). "The most
 * specific match found MUST be used. The most specific match is the match that has the
 * most octets"; "If an "allow" rule and a "disallow" rule are equivalent, then the "allow"
 * rule SHOULD be used"; "If no match is found ... the URI is allowed. The /robots.txt URI
 * is implicitly allowed."
 */
export function isAllowed(policy: RobotsPolicy, pathAndQuery: string): boolean {
  throw new KataTodo('isAllowed');
}

/**
 * RFC 9309 §2.3.1: what the crawler with this product token may do, from the outcome of
 * its robots.txt fetch (redirects already followed, §2.3.1.2). A 2xx is read with
 * parseRobots and rulesFor (§2.3.1.1); a 4xx, and a 3xx left over after the redirects,
 * is "Unavailable" (§2.3.1.3); a 5xx and no response at all are "Unreachable" (§2.3.1.4).
 */
export function robotsPolicy(fetched: RobotsFetch, productToken: string): RobotsPolicy {
  throw new KataTodo('robotsPolicy');
}
