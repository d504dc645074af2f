/**
 * The Robots Exclusion Protocol (RFC 9309): a robots.txt read into groups of rules
 * (§2.2), the group for one crawler's product token (§2.2.1), a path matched against
 * the rules by the longest match (§2.2.2) with `*` and `$` (§2.2.3), and what the
 * status of the robots.txt fetch means when there are no rules to read (§2.3.1).
 */

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

/** RFC 9309 §2.2: identifier = 1*(%x2D / %x41-5A / %x5F / %x61-7A); product-token = identifier / "*" */
const PRODUCT_TOKEN = /^(?:\*|[A-Za-z_-]+)/;
/** RFC 9309 §2.2: NL = %x0D / %x0A / %x0D.0A */
const NL = /\r\n|\r|\n/;
/** RFC 3986 §2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = '0123456789ABCDEF';

/**
 * Reads a robots.txt (RFC 9309 §2.2) into its groups, in order: at most the first
 * PARSE_LIMIT_BYTES octets, and of those only whole lines. Keys are case-insensitive; a
 * comment runs from "#" to the end of the line; lines that are not user-agent, allow or
 * disallow lines (sitemap, crawl-delay, garbage) are skipped and end no group; rules
 * before the first user-agent line belong to no group and are dropped.
 */
export function parseRobots(body: Uint8Array | string): RobotsGroup[] {
  // RFC 9309 §2.3: "The file MUST be UTF-8 encoded" (Buffer.from encodes a string so)
  const octets = Buffer.from(body);
  // RFC 9309 §2.5: "Crawlers SHOULD impose a parsing limit"; a line cut by the limit is
  // not read at all: a cut "Allow: /private" would allow more than the file says
  const limited = octets.length > PARSE_LIMIT_BYTES;
  const lines = octets.subarray(0, PARSE_LIMIT_BYTES).toString('utf8').split(NL);
  if (limited) lines.pop();
  const groups: { agents: string[]; rules: RobotsRule[] }[] = [];
  let current: { agents: string[]; rules: RobotsRule[] } | undefined;
  for (const line of lines) {
    // RFC 9309 §2.2: EOL = *WS [comment] NL
    const content = line.split('#', 1)[0] ?? '';
    const colon = content.indexOf(':');
    if (colon === -1) continue;
    const key = content.slice(0, colon).trim().toLowerCase();
    const value = content.slice(colon + 1).trim();
    if (key === 'user-agent') {
      const token = PRODUCT_TOKEN.exec(value)?.[0];
      if (token === undefined) continue;
      // RFC 9309 §2.1: "The group is terminated by a user-agent line" after its rules
      if (current === undefined || current.rules.length > 0) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(token);
    } else if ((key === 'allow' || key === 'disallow') && current !== undefined) {
      // RFC 9309 §2.2: empty-pattern = *WS: a rule that matches nothing
      if (value !== '') current.rules.push({ kind: key, pattern: value });
    }
  }
  return groups;
}

/**
 * RFC 9309 §2.2.1: the rules a crawler obeys. "Crawlers MUST use case-insensitive
 * matching to find the group that matches the product token"; "If there is more than one
 * group matching the user-agent, the matching groups' rules MUST be combined into one
 * group"; "If no matching group exists, crawlers MUST obey the group with a user-agent
 * line with the "*" value, if present"; otherwise "no rules apply".
 */
export function rulesFor(groups: readonly RobotsGroup[], productToken: string): RobotsRule[] {
  const token = productToken.toLowerCase();
  const named = groups.filter((group) => group.agents.some((a) => a.toLowerCase() === token));
  const chosen = named.length > 0 ? named : groups.filter((group) => group.agents.includes('*'));
  return chosen.flatMap((group) => group.rules);
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
  let out = '';
  const octets = Buffer.from(text);
  for (let i = 0; i < octets.length; i++) {
    const octet = octets[i] as number;
    const char = String.fromCharCode(octet);
    const hex = octets.subarray(i + 1, i + 3).toString('latin1');
    if (char === '%' && /[0-9A-Fa-f]{2}/.test(hex)) {
      const decoded = String.fromCharCode(Number.parseInt(hex, 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (
      octet > 0x7e ||
      octet < 0x21 ||
      (role === 'path' && (char === '*' || char === '$'))
    ) {
      out += `%${HEX[octet >> 4]}${HEX[octet & 15]}`;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * RFC 9309 §2.2.2: whether the pattern matches the path (both normalized): "The matching
 * MUST start with the first octet of the path", and "The match evaluates positively if
 * and only if the end of the path from the rule is reached before a difference in octets
 * is encountered". §2.2.3: `*` "Designates 0 or more instances of any character", a
 * final `$` "Designates the end of the match pattern".
 */
export function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const pieces = (anchored ? pattern.slice(0, -1) : pattern).split('*');
  const first = pieces.shift() as string;
  if (!path.startsWith(first)) return false;
  let at = first.length;
  const last = pieces.pop();
  if (last === undefined) return !anchored || at === path.length;
  for (const piece of pieces) {
    const found = path.indexOf(piece, at);
    if (found === -1) return false;
    at = found + piece.length;
  }
  // the last piece: at the very end when anchored, else anywhere after the rest
  if (anchored) return path.length - last.length >= at && path.endsWith(last);
  return path.indexOf(last, at) !== -1;
}

/**
 * RFC 9309 §2.2.2: whether the rules allow the path (with its query, `/a?b=c`). "The most
 * specific match found MUST be used. The most specific match is the match that has the
 * most octets"; "If an "allow" rule and a "disallow" rule are equivalent, then the "allow"
 * rule SHOULD be used"; "If no match is found ... the URI is allowed. The /robots.txt URI
 * is implicitly allowed."
 */
export function isAllowed(policy: RobotsPolicy, pathAndQuery: string): boolean {
  if (pathAndQuery === ROBOTS_PATH) return true;
  if (policy.kind !== 'rules') return policy.kind === 'allow-all';
  const path = normalizeForMatch(pathAndQuery, 'path');
  let best: { length: number; allow: boolean } | undefined;
  for (const rule of policy.rules) {
    const pattern = normalizeForMatch(rule.pattern, 'pattern');
    if (!patternMatches(pattern, path)) continue;
    const allow = rule.kind === 'allow';
    if (best === undefined || pattern.length > best.length)
      best = { length: pattern.length, allow };
    else if (pattern.length === best.length && allow) best.allow = true;
  }
  return best?.allow ?? true;
}

/**
 * RFC 9309 §2.3.1: what the crawler with this product token may do, from the outcome of
 * its robots.txt fetch (redirects already followed, §2.3.1.2). A 2xx is read with
 * parseRobots and rulesFor (§2.3.1.1); a 4xx, and a 3xx left over after the redirects,
 * is "Unavailable" (§2.3.1.3); a 5xx and no response at all are "Unreachable" (§2.3.1.4).
 */
export function robotsPolicy(fetched: RobotsFetch, productToken: string): RobotsPolicy {
  if (fetched.kind === 'unreachable' || fetched.status >= 500) return { kind: 'disallow-all' };
  if (fetched.status >= 300) return { kind: 'allow-all' };
  return { kind: 'rules', rules: rulesFor(parseRobots(fetched.body), productToken) };
}
