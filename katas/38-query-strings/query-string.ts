/**
 * Query strings and urlencoded bodies, as the WHATWG URL Standard defines the
 * application/x-www-form-urlencoded format (section 5) and as browsers send it: a list of
 * name-value pairs, in order, with repeats kept. Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** One name-value tuple of the URL Standard's list: a name and a value, both strings. */
export type QueryPair = readonly [name: string, value: string];

/** What the parser returns: every pair in the order of the text, repeated names kept. */
export type QueryPairs = readonly QueryPair[];

/** A query written as an object: one value, or several for a repeated name. */
export type QueryRecord = Readonly<Record<string, string | readonly string[]>>;

/** One name's values at a glance (kata 39's `input()`): one value a string, repeats an array. */
export type QueryObject = Record<string, string | string[]>;

/**
 * URL Standard 5.1, the parser: splits the bytes on `&`, skips the empty pieces, cuts each
 * at its first `=` (no `=`: the value is empty), replaces `+` by a space, percent-decodes
 * (a `%` not followed by two hex digits stays as it is) and reads the bytes as UTF-8
 * without a BOM (an invalid sequence becomes U+FFFD; a leading U+FEFF is kept). A string
 * is UTF-8 encoded first (5.3, the string parser; a lone surrogate becomes U+FFFD); bytes,
 * such as a request body, are parsed as they are. Never throws. The input is the query
 * without its `?` (QUERY_STRING) or a urlencoded body: a leading `?` is data here.
 */
export function parseQuery(input: string | Uint8Array): QueryPairs {
  throw new KataTodo('parseQuery');
}

/**
 * URL Standard 5.2, the serializer: `name=value` pairs joined by `&`, each name and value
 * UTF-8 encoded and percent-encoded with the application/x-www-form-urlencoded
 * percent-encode set, a space as `+` (kata 26's `encodeForm` writes exactly that). A record
 * gives its names in the object's own key order, a `readonly string[]` one pair per value
 * in order (an empty array no pair); a string one pair.
 */
export function formatQuery(query: QueryPairs | QueryRecord): string {
  throw new KataTodo('formatQuery');
}

/**
 * The pairs by name, in the order each name first occurs: a name seen once maps to its
 * value, a repeated name to all its values in order. The object has no prototype, so a name
 * such as `__proto__`, `constructor` or `toString` is a key like any other.
 */
export function queryObject(pairs: QueryPairs): QueryObject {
  throw new KataTodo('queryObject');
}
