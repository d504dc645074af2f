import { describe, expect, test } from 'vitest';
import {
  type ConditionalRequest,
  type EntityTag,
  entityTagsMatch,
  evaluatePreconditions,
  formatEntityTag,
  parseEntityTag,
  parseEntityTagList,
  parseHttpDate,
  type Validators,
  validatorsFor,
} from './preconditions.ts';

const strong = (opaque: string): EntityTag => ({ weak: false, opaque });
const weak = (opaque: string): EntityTag => ({ weak: true, opaque });

describe('RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/"; opaque-tag = DQUOTE *etagc DQUOTE', () => {
  test('"xyzzy" is a strong tag whose opaque-tag is xyzzy', () => {
    expect(parseEntityTag('"xyzzy"')).toEqual(strong('xyzzy'));
  });

  test('W/"xyzzy" is weak', () => {
    expect(parseEntityTag('W/"xyzzy"')).toEqual(weak('xyzzy'));
  });

  test('"" is a tag too: an empty opaque-tag (the RFC\'s own example)', () => {
    expect(parseEntityTag('""')).toEqual(strong(''));
  });

  test('a comma is an etagc: "a,b" is one tag', () => {
    expect(parseEntityTag('"a,b"')).toEqual(strong('a,b'));
  });

  test('obs-text (octets 0x80-0xFF) is an etagc', () => {
    expect(parseEntityTag('"caf\xe9"')).toEqual(strong('caf\xe9'));
  });

  test('w/"x" is not weak: "W/" is case-sensitive (%s), so it is no entity-tag at all', () => {
    expect(parseEntityTag('w/"x"')).toBeUndefined();
  });

  test('a tag without its quotes is no entity-tag: xyzzy', () => {
    expect(parseEntityTag('xyzzy')).toBeUndefined();
  });

  test('a DQUOTE is not an etagc: "a"b"', () => {
    expect(parseEntityTag('"a"b"')).toBeUndefined();
  });

  test('a space is not an etagc: "a b"', () => {
    expect(parseEntityTag('"a b"')).toBeUndefined();
  });

  test('an unterminated tag is no entity-tag: "abc', () => {
    expect(parseEntityTag('"abc')).toBeUndefined();
  });

  test('nothing may come before or after the tag: a space before, a comma after', () => {
    expect(parseEntityTag(' "x"')).toBeUndefined();
    expect(parseEntityTag('"x",')).toBeUndefined();
  });

  test('formatEntityTag writes a strong tag in quotes', () => {
    expect(formatEntityTag(strong('1a-2b'))).toBe('"1a-2b"');
  });

  test('formatEntityTag writes a weak tag with W/ before the quotes', () => {
    expect(formatEntityTag(weak('1a-2b'))).toBe('W/"1a-2b"');
  });
});

describe('RFC 9110 §13.1.1, §5.6.1: If-Match = "*" / #entity-tag (If-None-Match alike)', () => {
  test('"*" is any representation', () => {
    expect(parseEntityTagList('*')).toEqual({ kind: 'any' });
  });

  test('a list is its tags in order, whatever OWS surrounds the commas', () => {
    expect(parseEntityTagList('"xyzzy" ,\t"r2d2xxxx",  W/"c3piozzzz"')).toEqual({
      kind: 'tags',
      tags: [strong('xyzzy'), strong('r2d2xxxx'), weak('c3piozzzz')],
    });
  });

  test('a comma inside an opaque-tag does not split the list: "a,b", "c" is two tags', () => {
    expect(parseEntityTagList('"a,b", "c"')).toEqual({
      kind: 'tags',
      tags: [strong('a,b'), strong('c')],
    });
  });

  test('empty list elements are skipped (§5.6.1.2): , "a",,"b" ,', () => {
    expect(parseEntityTagList(', "a",,"b" ,')).toEqual({
      kind: 'tags',
      tags: [strong('a'), strong('b')],
    });
  });

  test('an empty value is an empty list', () => {
    expect(parseEntityTagList('')).toEqual({ kind: 'tags', tags: [] });
  });

  test('"*" among tags is syntactically invalid (§13.1.1): "a", *', () => {
    expect(parseEntityTagList('"a", *')).toEqual({ kind: 'invalid' });
  });

  test('two tags with no comma between them are invalid: "a" "b"', () => {
    expect(parseEntityTagList('"a" "b"')).toEqual({ kind: 'invalid' });
  });

  test('a member that is no entity-tag makes the list invalid: "a", xyzzy', () => {
    expect(parseEntityTagList('"a", xyzzy')).toEqual({ kind: 'invalid' });
  });

  test('text before a tag makes the list invalid, even when a tag follows it: xx"a,,""', () => {
    expect(parseEntityTagList('xx"a,,""')).toEqual({ kind: 'invalid' });
  });

  test('an unterminated last tag makes the list invalid: "a", "b', () => {
    expect(parseEntityTagList('"a", "b')).toEqual({ kind: 'invalid' });
  });
});

describe('RFC 9110 §8.8.3.2: strong and weak comparison (Table 3)', () => {
  /** The RFC's table, as written: ETag 1, ETag 2, strong comparison, weak comparison. */
  const rows = [
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
  ] as const;
  /** The spec's own reading of an entity-tag, so this table does not depend on parseEntityTag. */
  const tag = (text: string) =>
    text.startsWith('W/') ? weak(text.slice(3, -1)) : strong(text.slice(1, -1));
  test.each(rows)('%s and %s: strong match %s, weak match %s', (a, b, strongResult, weakResult) => {
    expect(entityTagsMatch(tag(a), tag(b), 'strong')).toBe(strongResult);
    expect(entityTagsMatch(tag(a), tag(b), 'weak')).toBe(weakResult);
  });

  test('a strong tag against a weak one, in that order, is no strong match either', () => {
    expect(entityTagsMatch(strong('1'), weak('1'), 'strong')).toBe(false);
  });

  test('opaque-tags are compared character by character: "a" and "A" differ', () => {
    expect(entityTagsMatch(strong('a'), strong('A'), 'weak')).toBe(false);
  });
});

/** The RFC's example instant, Sun, 06 Nov 1994 08:49:37 GMT. */
const EXAMPLE = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));
const NOW = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));

describe('RFC 9110 §5.6.7: HTTP-date = IMF-fixdate / obs-date, all three formats accepted', () => {
  test('IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toEqual(EXAMPLE);
  });

  test('rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toEqual(EXAMPLE);
  });

  test('asctime-date: Sun Nov  6 08:49:37 1994 (a one-digit day after two spaces)', () => {
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toEqual(EXAMPLE);
  });

  test('asctime-date with a two-digit day: Thu Nov 24 08:49:37 1994', () => {
    expect(parseHttpDate('Thu Nov 24 08:49:37 1994', NOW)).toEqual(
      new Date(Date.UTC(1994, 10, 24, 8, 49, 37)),
    );
  });

  test('an rfc850 year more than 50 years ahead of now is a century back: -77 in 2026 is 1977', () => {
    expect(parseHttpDate('Monday, 06-Jun-77 00:00:00 GMT', NOW)?.getUTCFullYear()).toBe(1977);
  });

  test('an rfc850 year less than 50 years ahead is this century: -30 in 2026 is 2030', () => {
    expect(parseHttpDate('Sunday, 06-Jan-30 00:00:00 GMT', NOW)?.getUTCFullYear()).toBe(2030);
  });

  test("the century is now's: -95 in 2090 is 2095, and a year in the past stays: -30 is 2030", () => {
    const later = new Date(Date.UTC(2090, 0, 1));
    expect(parseHttpDate('Sunday, 06-Jan-95 00:00:00 GMT', later)?.getUTCFullYear()).toBe(2095);
    expect(parseHttpDate('Sunday, 06-Jan-30 00:00:00 GMT', later)?.getUTCFullYear()).toBe(2030);
  });

  test('exactly 50 years ahead is not "more than 50 years in the future": -76 at 2026-01-15 12:00:00 is 2076', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));
    expect(parseHttpDate('Thursday, 15-Jan-76 12:00:00 GMT', now)).toEqual(
      new Date(Date.UTC(2076, 0, 15, 12, 0, 0)),
    );
  });

  test('one second more than 50 years ahead is a century back: 12:00:01 of -76 is 1976', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));
    expect(parseHttpDate('Thursday, 15-Jan-76 12:00:01 GMT', now)).toEqual(
      new Date(Date.UTC(1976, 0, 15, 12, 0, 1)),
    );
  });

  test('the year 0050 of an IMF-fixdate is 50, not 1950', () => {
    expect(parseHttpDate('Sat, 01 Jan 0050 00:00:00 GMT', NOW)?.getUTCFullYear()).toBe(50);
  });

  test('a leap second, 23:59:60, is a time-of-day', () => {
    expect(parseHttpDate('Wed, 31 Dec 2008 23:59:60 GMT', NOW)).toBeInstanceOf(Date);
  });

  test('29 Feb of a leap year is a date: Thu, 29 Feb 1996', () => {
    expect(parseHttpDate('Thu, 29 Feb 1996 00:00:00 GMT', NOW)).toEqual(
      new Date(Date.UTC(1996, 1, 29)),
    );
  });

  test.each([
    ['a month in lowercase (%s)', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['a day name in capitals (%s)', 'SUN, 06 Nov 1994 08:49:37 GMT'],
    ['a zone other than GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['no zone', 'Sun, 06 Nov 1994 08:49:37'],
    ['a one-digit day in an IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['a long day name in an IMF-fixdate', 'Sunday, 06 Nov 1994 08:49:37 GMT'],
    ['a short day name in an rfc850-date', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
    ['day 00', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['31 April', 'Sun, 31 Apr 1994 08:49:37 GMT'],
    ['29 February of a common year', 'Wed, 29 Feb 1995 08:49:37 GMT'],
    ['two dates, a list', 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:38 GMT'],
    ['whitespace around it', ' Sun, 06 Nov 1994 08:49:37 GMT'],
    ['seconds since the epoch', '784111777'],
    ['an ISO 8601 date', '1994-11-06T08:49:37Z'],
  ])('%s is not an HTTP-date: %s', (_, text) => {
    expect(parseHttpDate(text, NOW)).toBeUndefined();
  });
});

describe('RFC 9110 §8.8.3.1, §8.8.2.1: the validators of a file come from its stat', () => {
  const MTIME_NS = 1_700_000_000_987_654_321n;
  const now = new Date(Date.UTC(2030, 0, 1));

  test('the ETag is strong: "<size in hex>-<mtime in ns in hex>"', () => {
    const { etag } = validatorsFor({ size: 13n, mtimeNs: MTIME_NS }, now);
    expect(etag).toEqual(strong(`d-${MTIME_NS.toString(16)}`));
  });

  test('one nanosecond of mtime makes another ETag: sub-second resolution', () => {
    const a = validatorsFor({ size: 13n, mtimeNs: MTIME_NS }, now).etag;
    const b = validatorsFor({ size: 13n, mtimeNs: MTIME_NS + 1n }, now).etag;
    expect(a.opaque).not.toBe(b.opaque);
  });

  test('another size makes another ETag, at the same mtime', () => {
    const a = validatorsFor({ size: 13n, mtimeNs: MTIME_NS }, now).etag;
    const b = validatorsFor({ size: 14n, mtimeNs: MTIME_NS }, now).etag;
    expect(a.opaque).not.toBe(b.opaque);
  });

  test('Last-Modified is the mtime cut to whole seconds (an HTTP-date has no fraction)', () => {
    const { lastModified } = validatorsFor({ size: 13n, mtimeNs: MTIME_NS }, now);
    expect(lastModified).toEqual(new Date(1_700_000_000_000));
  });

  test('a mtime in the future gives Last-Modified = now, in whole seconds (§8.8.2.1 MUST)', () => {
    const early = new Date(1_600_000_000_250);
    const { lastModified } = validatorsFor({ size: 13n, mtimeNs: MTIME_NS }, early);
    expect(lastModified).toEqual(new Date(1_600_000_000_000));
  });
});

/** A request whose fields are looked up by name, case-insensitively, as kata 18 does. */
function request(method: string, fields: Record<string, string> = {}): ConditionalRequest {
  const byName = new Map(
    Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { method, headers: { get: (name) => byName.get(name.toLowerCase()) } };
}

const CURRENT: Validators = {
  etag: strong('d-17ab'),
  lastModified: new Date(Date.UTC(2025, 5, 1, 12, 0, 0)),
};
const TAG = '"d-17ab"';
const LAST_MODIFIED = 'Sun, 01 Jun 2025 12:00:00 GMT';
const SECOND_BEFORE = 'Sun, 01 Jun 2025 11:59:59 GMT';
const SECOND_AFTER = 'Sun, 01 Jun 2025 12:00:01 GMT';
const proceed = { kind: 'proceed', range: undefined };

function decide(method: string, fields: Record<string, string> = {}) {
  return evaluatePreconditions(request(method, fields), CURRENT);
}

describe('RFC 9110 §13.1.1: If-Match, compared strongly; false is a 412', () => {
  test('no precondition at all: proceed with the whole representation', () => {
    expect(decide('GET')).toEqual(proceed);
  });

  test('If-Match with the current tag: proceed', () => {
    expect(decide('GET', { 'If-Match': TAG })).toEqual(proceed);
  });

  test('If-Match with the current tag anywhere in a list: proceed', () => {
    expect(decide('GET', { 'If-Match': `"old", ${TAG}, "other"` })).toEqual(proceed);
  });

  test('If-Match with another tag: failed, If-Match', () => {
    expect(decide('GET', { 'If-Match': '"other"' })).toEqual({ kind: 'failed', field: 'If-Match' });
  });

  test('If-Match with the current tag marked weak: failed (strong comparison)', () => {
    expect(decide('GET', { 'If-Match': `W/${TAG}` })).toEqual({
      kind: 'failed',
      field: 'If-Match',
    });
  });

  test('If-Match: * with a current representation: proceed', () => {
    expect(decide('PUT', { 'If-Match': '*' })).toEqual(proceed);
  });

  test('If-Match that is neither "*" nor a list of tags: "Otherwise, the condition is false"', () => {
    expect(decide('GET', { 'If-Match': 'd-17ab' })).toEqual({
      kind: 'failed',
      field: 'If-Match',
    });
  });
});

describe('RFC 9110 §13.1.4: If-Unmodified-Since, only without If-Match; false is a 412', () => {
  test('the Last-Modified date itself: proceed ("earlier than or equal to")', () => {
    expect(decide('GET', { 'If-Unmodified-Since': LAST_MODIFIED })).toEqual(proceed);
  });

  test('a second before Last-Modified: failed, If-Unmodified-Since', () => {
    expect(decide('GET', { 'If-Unmodified-Since': SECOND_BEFORE })).toEqual({
      kind: 'failed',
      field: 'If-Unmodified-Since',
    });
  });

  test('ignored when If-Match is present: If-Match true wins over a date that is false', () => {
    expect(decide('GET', { 'If-Match': TAG, 'If-Unmodified-Since': SECOND_BEFORE })).toEqual(
      proceed,
    );
  });

  test('a value that is not an HTTP-date is ignored: proceed', () => {
    expect(decide('GET', { 'If-Unmodified-Since': 'yesterday' })).toEqual(proceed);
  });
});

describe('RFC 9110 §13.1.2: If-None-Match, compared weakly; false is a 304 for GET and HEAD', () => {
  test('the current tag: not-modified, If-None-Match', () => {
    expect(decide('GET', { 'If-None-Match': TAG })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });

  test('the current tag marked weak still matches (weak comparison): not-modified', () => {
    expect(decide('GET', { 'If-None-Match': `W/${TAG}` })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });

  test('the current tag in a list: not-modified', () => {
    expect(decide('HEAD', { 'If-None-Match': `"old", ${TAG}` })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });

  test('other tags only: proceed', () => {
    expect(decide('GET', { 'If-None-Match': '"old", W/"older"' })).toEqual(proceed);
  });

  test('* with a current representation: not-modified', () => {
    expect(decide('GET', { 'If-None-Match': '*' })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });

  test('a value that is neither "*" nor a list of tags: "Otherwise, the condition is true"', () => {
    expect(decide('GET', { 'If-None-Match': 'd-17ab' })).toEqual(proceed);
  });

  test('false for a method other than GET or HEAD is a 412, not a 304', () => {
    expect(decide('PUT', { 'If-None-Match': '*' })).toEqual({
      kind: 'failed',
      field: 'If-None-Match',
    });
  });
});

describe('RFC 9110 §13.1.3: If-Modified-Since, for GET and HEAD, only without If-None-Match', () => {
  test('the Last-Modified date itself: not-modified ("earlier or equal")', () => {
    expect(decide('GET', { 'If-Modified-Since': LAST_MODIFIED })).toEqual({
      kind: 'not-modified',
      field: 'If-Modified-Since',
    });
  });

  test('a date after Last-Modified: not-modified', () => {
    expect(decide('HEAD', { 'If-Modified-Since': SECOND_AFTER })).toEqual({
      kind: 'not-modified',
      field: 'If-Modified-Since',
    });
  });

  test('a second before Last-Modified: proceed (it was modified since)', () => {
    expect(decide('GET', { 'If-Modified-Since': SECOND_BEFORE })).toEqual(proceed);
  });

  test('ignored when If-None-Match is present: other tags win over a date that is false', () => {
    expect(decide('GET', { 'If-None-Match': '"old"', 'If-Modified-Since': LAST_MODIFIED })).toEqual(
      proceed,
    );
  });

  test('ignored for a method other than GET or HEAD', () => {
    expect(decide('POST', { 'If-Modified-Since': LAST_MODIFIED })).toEqual(proceed);
  });

  test('a date in rfc850 format is read too', () => {
    expect(decide('GET', { 'If-Modified-Since': 'Sunday, 01-Jun-25 12:00:00 GMT' })).toEqual({
      kind: 'not-modified',
      field: 'If-Modified-Since',
    });
  });

  test('a value that is not an HTTP-date is ignored: proceed', () => {
    expect(decide('GET', { 'If-Modified-Since': '2025-06-01' })).toEqual(proceed);
  });
});

describe('RFC 9110 §13.2.2: the order of evaluation', () => {
  test('step 1 before step 3: If-Match false and If-None-Match false is a 412, not a 304', () => {
    expect(decide('GET', { 'If-Match': '"other"', 'If-None-Match': TAG })).toEqual({
      kind: 'failed',
      field: 'If-Match',
    });
  });

  test('step 2 before step 3: If-Unmodified-Since false and If-None-Match false is a 412', () => {
    expect(decide('GET', { 'If-Unmodified-Since': SECOND_BEFORE, 'If-None-Match': TAG })).toEqual({
      kind: 'failed',
      field: 'If-Unmodified-Since',
    });
  });

  test('step 1 true, step 3 false: If-Match and If-None-Match both with the tag is a 304', () => {
    expect(decide('GET', { 'If-Match': TAG, 'If-None-Match': TAG })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });

  test('a 304 wins over a Range (§14.2: "Range is ignored when a conditional GET would result in a 304")', () => {
    expect(decide('GET', { 'If-None-Match': TAG, Range: 'bytes=0-1' })).toEqual({
      kind: 'not-modified',
      field: 'If-None-Match',
    });
  });
});

describe('RFC 9110 §13.2.2 step 5, §13.1.5, §14.2: Range on GET only, If-Range decides', () => {
  test('GET with Range: proceed with the Range value', () => {
    expect(decide('GET', { Range: 'bytes=0-1' })).toEqual({ kind: 'proceed', range: 'bytes=0-1' });
  });

  test('HEAD with Range: the Range is ignored ("GET is the only method")', () => {
    expect(decide('HEAD', { Range: 'bytes=0-1' })).toEqual(proceed);
  });

  test('If-Range with the current tag: the Range is applied', () => {
    expect(decide('GET', { Range: 'bytes=0-1', 'If-Range': TAG })).toEqual({
      kind: 'proceed',
      range: 'bytes=0-1',
    });
  });

  test('If-Range with another tag: the Range is ignored, the whole representation sent', () => {
    expect(decide('GET', { Range: 'bytes=0-1', 'If-Range': '"old"' })).toEqual(proceed);
  });

  test('If-Range with the current tag marked weak: ignored (strong comparison)', () => {
    expect(decide('GET', { Range: 'bytes=0-1', 'If-Range': `W/${TAG}` })).toEqual(proceed);
  });

  test('If-Range with the Last-Modified date: ignored (a file date is no strong validator, §8.8.2.2)', () => {
    expect(decide('GET', { Range: 'bytes=0-1', 'If-Range': LAST_MODIFIED })).toEqual(proceed);
  });

  test('If-Range with garbage: ignored ("Otherwise, the condition is false")', () => {
    expect(decide('GET', { Range: 'bytes=0-1', 'If-Range': 'xyzzy' })).toEqual(proceed);
  });
});
