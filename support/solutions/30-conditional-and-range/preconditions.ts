/**
 * Validators and preconditions (RFC 9110 §8.8, §13): the entity tag and the
 * modification date a file server derives from a file's stat, the three date
 * formats a recipient reads, and the evaluation of If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since and If-Range in the order of §13.2.2.
 */
import type { FieldSection } from '../18-header-fields/header-fields.ts';

/** RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag. `opaque` is what is between the quotes. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** RFC 9110 §13.1.1, §13.1.2: If-Match = "*" / #entity-tag; If-None-Match likewise. */
export type EntityTagList =
  | { readonly kind: 'any' }
  | { readonly kind: 'tags'; readonly tags: readonly EntityTag[] }
  | { readonly kind: 'invalid' };

/** RFC 9110 §8.8.3.2: which comparison function a field asks for. */
export type Comparison = 'strong' | 'weak';

/** What a file's stat says, in the precision Node gives with `{ bigint: true }`. */
export interface FileStamp {
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

/** The two validators of a representation (RFC 9110 §8.8). */
export interface Validators {
  /** Strong: it changes whenever the size or the modification time does. */
  readonly etag: EntityTag;
  /** Whole seconds, never later than the `now` it was made for (RFC 9110 §8.8.2.1). */
  readonly lastModified: Date;
}

/** The request as preconditions see it: kata 27's HttpRequest is one. */
export interface ConditionalRequest {
  readonly method: string;
  readonly headers: Pick<FieldSection, 'get'>;
}

/** What RFC 9110 §13.2.2 decides, before the method is performed. */
export type Precondition =
  | {
      readonly kind: 'proceed';
      /**
       * The Range field value to apply (step 5: a GET with Range, and If-Range absent or
       * true), or undefined when the whole representation is sent.
       */
      readonly range: string | undefined;
    }
  /** 304: the field whose condition was false (GET and HEAD only). */
  | { readonly kind: 'not-modified'; readonly field: 'If-None-Match' | 'If-Modified-Since' }
  /** 412: the field whose condition was false. */
  | {
      readonly kind: 'failed';
      readonly field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match';
    };

/** RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text; weak = %s"W/" (case-sensitive). */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
/** One list member at the start of the rest of a field value, then OWS. */
const LIST_MEMBER = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*/;
/** RFC 9110 §5.6.3: OWS = *( SP / HTAB ); §5.6.1: empty list elements are skipped. */
const OWS_AND_COMMAS = /^[ \t,]*/;

/**
 * Parses one entity-tag, exactly, with no whitespace around it: `"xyzzy"`, `W/"xyzzy"`,
 * `""`. `W/` is case-sensitive; between the quotes only etagc (RFC 9110 §8.8.3: %x21,
 * %x23-7E, obs-text %x80-FF): no space, no DQUOTE. Anything else is undefined.
 */
export function parseEntityTag(text: string): EntityTag | undefined {
  const match = ENTITY_TAG.exec(text);
  if (match === null) return undefined;
  return { weak: match[1] !== undefined, opaque: match[2] ?? '' };
}

/** Writes an entity-tag back: `W/` for a weak one, then the opaque-tag in quotes. */
export function formatEntityTag(tag: EntityTag): string {
  return `${tag.weak ? 'W/' : ''}"${tag.opaque}"`;
}

/**
 * Parses the value of If-Match or If-None-Match (as kata 18 gives it, without OWS around
 * it): "*" is `any`; a list of entity tags with optional whitespace and empty elements between commas
 * (RFC 9110 §5.6.1) is `tags`, in order (an empty value is an empty list). A comma is an
 * etagc too, so a list is read tag by tag, never split on ",". Anything else, a "*" among
 * tags included (§13.1.1: "syntactically invalid"), is `invalid`.
 */
export function parseEntityTagList(value: string): EntityTagList {
  if (value === '*') return { kind: 'any' };
  const tags: EntityTag[] = [];
  let rest = value.replace(OWS_AND_COMMAS, '');
  while (rest !== '') {
    const member = LIST_MEMBER.exec(rest);
    if (member === null) return { kind: 'invalid' };
    tags.push({ weak: member[1] !== undefined, opaque: member[2] ?? '' });
    rest = rest.slice(member[0].length);
    if (rest !== '' && !rest.startsWith(',')) return { kind: 'invalid' };
    rest = rest.replace(OWS_AND_COMMAS, '');
  }
  return { kind: 'tags', tags };
}

/**
 * RFC 9110 §8.8.3.2: "Strong comparison: two entity tags are equivalent if both are not
 * weak and their opaque-tags match character-by-character. Weak comparison: two entity
 * tags are equivalent if their opaque-tags match character-by-character, regardless of
 * either or both being tagged as "weak"."
 */
export function entityTagsMatch(a: EntityTag, b: EntityTag, comparison: Comparison): boolean {
  if (comparison === 'strong' && (a.weak || b.weak)) return false;
  return a.opaque === b.opaque;
}

/** RFC 9110 §5.6.7: day-name, day-name-l and month are case-sensitive (%s). */
const DAY_NAME = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_NAME_L = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(?<month>${MONTHS.join('|')})`;
/** time-of-day = hour ":" minute ":" second */
const TIME_OF_DAY = '(?<hour>\\d\\d):(?<minute>\\d\\d):(?<second>\\d\\d)';
/** IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT; date1 = day SP month SP year */
const IMF_FIXDATE = new RegExp(
  `^${DAY_NAME}, (?<day>\\d\\d) ${MONTH} (?<year>\\d{4}) ${TIME_OF_DAY} GMT$`,
);
/** rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT; date2 = day "-" month "-" 2DIGIT */
const RFC850_DATE = new RegExp(
  `^${DAY_NAME_L}, (?<day>\\d\\d)-${MONTH}-(?<yy>\\d\\d) ${TIME_OF_DAY} GMT$`,
);
/** asctime-date = day-name SP date3 SP time-of-day SP year; date3 = month SP ( 2DIGIT / ( SP DIGIT ) ) */
const ASCTIME_DATE = new RegExp(
  `^${DAY_NAME} ${MONTH} (?<day>\\d\\d| \\d) ${TIME_OF_DAY} (?<year>\\d{4})$`,
);
const FIFTY_YEARS = 50;

/**
 * Reads an HTTP-date in any of its three formats (RFC 9110 §5.6.7: "A recipient that
 * parses a timestamp value in an HTTP field MUST accept all three HTTP-date formats"),
 * or gives undefined for anything else: another format, a list of dates, a day that
 * month does not have, a time past 23:59:60. The day name is checked for its spelling,
 * not against the date. A two-digit rfc850 year is a year of `now`'s century, or of the
 * century before when that instant would be more than 50 years after `now`.
 */
export function parseHttpDate(value: string, now: Date = new Date()): Date | undefined {
  const groups = (IMF_FIXDATE.exec(value) ?? RFC850_DATE.exec(value) ?? ASCTIME_DATE.exec(value))
    ?.groups;
  if (groups === undefined) return undefined;
  const { day, month, year, yy, hour, minute, second } = groups;
  const [h, m, s] = [Number(hour), Number(minute), Number(second)];
  // RFC 9110 §5.6.7: time-of-day is 00:00:00 - 23:59:60 (leap second)
  if (h > 23 || m > 59 || s > 60) return undefined;
  const monthIndex = MONTHS.indexOf(month ?? '');
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads the years 0-99 as 1900-1999
  date.setUTCFullYear(
    yy === undefined ? Number(year) : centuryOf(now) + Number(yy),
    monthIndex,
    Number(day),
  );
  // a day the month does not have (00, 31 Apr, 30 Feb) rolls over into another month
  if (date.getUTCMonth() !== monthIndex) return undefined;
  date.setUTCHours(h, m, s);
  // RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a
  // two-digit year, MUST interpret a timestamp that appears to be more than 50 years in the
  // future as representing the most recent year in the past that had the same last two digits."
  if (yy !== undefined && date > yearsAfter(now, FIFTY_YEARS)) {
    date.setUTCFullYear(date.getUTCFullYear() - 100);
  }
  return date;
}

/** The first year of the century `now` is in: 2000 for 2026. */
function centuryOf(now: Date): number {
  return now.getUTCFullYear() - (now.getUTCFullYear() % 100);
}

function yearsAfter(now: Date, years: number): Date {
  const later = new Date(now);
  later.setUTCFullYear(now.getUTCFullYear() + years);
  return later;
}

const MS_PER_SECOND = 1000;
const NS_PER_MS = 1_000_000n;

/**
 * The validators of a file from its stat, for a response made at `now`.
 *
 * - the ETag is strong: its opaque-tag is the size and the modification time in
 *   nanoseconds, both in lowercase hex, joined by "-" (RFC 9110 §8.8.3.1: "a combination
 *   of various file attributes, or a modification timestamp that has sub-second resolution");
 * - Last-Modified is the modification time in whole seconds, since an HTTP-date has no
 *   fraction, and never later than `now` (§8.8.2.1: "the origin server MUST replace that
 *   value with the message origination date").
 */
export function validatorsFor(stamp: FileStamp, now: Date): Validators {
  const etag = { weak: false, opaque: `${stamp.size.toString(16)}-${stamp.mtimeNs.toString(16)}` };
  const modified = wholeSeconds(Number(stamp.mtimeNs / NS_PER_MS));
  return { etag, lastModified: new Date(Math.min(modified, wholeSeconds(now.getTime()))) };
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
}

/** RFC 9110 §13.1.1: "*" is true when there is a current representation; here there is one. */
function ifMatch(value: string, current: EntityTag): boolean {
  const list = parseEntityTagList(value);
  if (list.kind === 'any') return true;
  // "If the field value is a list of entity tags, the condition is true if any of the
  // listed tags match"; "Otherwise, the condition is false."
  return list.kind === 'tags' && list.tags.some((tag) => entityTagsMatch(tag, current, 'strong'));
}

/** RFC 9110 §13.1.2: "A recipient MUST use the weak comparison function". */
function ifNoneMatch(value: string, current: EntityTag): boolean {
  const list = parseEntityTagList(value);
  if (list.kind === 'any') return false;
  // "the condition is false if one of the listed tags matches"; "Otherwise, ... true."
  return !(list.kind === 'tags' && list.tags.some((tag) => entityTagsMatch(tag, current, 'weak')));
}

/**
 * RFC 9110 §13.1.5: an entity-tag is compared strongly; an HTTP-date is true only if it
 * is a strong validator (§8.8.2.2), and a file server cannot "reliably know" that a file
 * "did not change twice during the second": so a date is always false here.
 */
function ifRange(value: string, current: EntityTag): boolean {
  const tag = parseEntityTag(value);
  return tag !== undefined && entityTagsMatch(tag, current, 'strong');
}

/**
 * Evaluates the preconditions of a request for a representation that exists, with these
 * validators, in the order of RFC 9110 §13.2.2:
 *
 * 1. If-Match, if present: false is `failed` (412);
 * 2. else If-Unmodified-Since, if a valid date: modified after it is `failed` (412);
 * 3. If-None-Match, if present: false is `not-modified` (304) for GET and HEAD,
 *    `failed` for any other method (the field named is If-None-Match either way);
 * 4. else, for GET and HEAD, If-Modified-Since, if a valid date: not modified after it
 *    is `not-modified` (304);
 * 5. for GET with Range: `proceed` with the Range value, unless If-Range is present and
 *    false, which leaves the Range out;
 * 6. otherwise `proceed` with no range.
 *
 * A date that is not a valid HTTP-date is ignored (§13.1.3, §13.1.4); an If-Match or
 * If-None-Match that is neither "*" nor a list of entity tags takes the "Otherwise" of its
 * section (§13.1.1: false, §13.1.2: true). An If-Range date is never true: a file server
 * cannot know a file did not change twice in that second (§13.1.5, §8.8.2.2).
 */
export function evaluatePreconditions(
  request: ConditionalRequest,
  validators: Validators,
): Precondition {
  const { headers, method } = request;
  const isGetOrHead = method === 'GET' || method === 'HEAD';
  const modified = validators.lastModified.getTime();
  const ifMatchValue = headers.get('if-match');
  if (ifMatchValue !== undefined) {
    if (!ifMatch(ifMatchValue, validators.etag)) return { kind: 'failed', field: 'If-Match' };
  } else {
    const since = parseOptionalDate(headers.get('if-unmodified-since'));
    // §13.1.4: "If the selected representation's last modification date is earlier than
    // or equal to the date provided in the field value, the condition is true."
    if (since !== undefined && modified > since.getTime()) {
      return { kind: 'failed', field: 'If-Unmodified-Since' };
    }
  }
  const ifNoneMatchValue = headers.get('if-none-match');
  if (ifNoneMatchValue !== undefined) {
    if (!ifNoneMatch(ifNoneMatchValue, validators.etag)) {
      return isGetOrHead
        ? { kind: 'not-modified', field: 'If-None-Match' }
        : { kind: 'failed', field: 'If-None-Match' };
    }
  } else if (isGetOrHead) {
    const since = parseOptionalDate(headers.get('if-modified-since'));
    // §13.1.3: "If the selected representation's last modification date is earlier or
    // equal to the date provided in the field value, the condition is false."
    if (since !== undefined && modified <= since.getTime()) {
      return { kind: 'not-modified', field: 'If-Modified-Since' };
    }
  }
  // §14.2: "GET is the only method for which range handling is defined."
  const range = method === 'GET' ? headers.get('range') : undefined;
  // without a Range, the If-Range is ignored: the outcome is the whole representation either
  // way. §13.1.5: "A recipient of an If-Range header field MUST ignore the Range header field
  // if the If-Range condition evaluates to false."
  const ifRangeValue = headers.get('if-range');
  if (ifRangeValue !== undefined && !ifRange(ifRangeValue, validators.etag)) {
    return { kind: 'proceed', range: undefined };
  }
  return { kind: 'proceed', range };
}

function parseOptionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : parseHttpDate(value);
}
