import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { imfFixdate } from '../20-serialize-a-response/response.ts';
import {
  type EntityTag,
  evaluatePreconditions,
  formatEntityTag,
  parseEntityTag,
  parseEntityTagList,
  parseHttpDate,
  type Validators,
} from './preconditions.ts';

/** RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text */
const etagc = fc.oneof(
  fc.constant('!'),
  fc.integer({ min: 0x23, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
const entityTag: fc.Arbitrary<EntityTag> = fc.record({
  weak: fc.boolean(),
  opaque: fc.array(etagc, { maxLength: 12 }).map((cs) => cs.join('')),
});
/** OWS, and the empty list elements a recipient skips (RFC 9110 §5.6.1.2). */
const separator = fc
  .tuple(
    fc.constantFrom('', ' ', '\t', '  '),
    fc.constantFrom(',', ', ,', ',,'),
    fc.constantFrom('', ' ', '\t'),
  )
  .map((parts) => parts.join(''));

describe('RFC 9110 §8.8.3: an entity-tag reads back as it was written', () => {
  test.prop([entityTag], { numRuns: 300 })('parseEntityTag(formatEntityTag(tag)) is tag', (tag) => {
    expect(parseEntityTag(formatEntityTag(tag))).toEqual(tag);
  });
});

describe('RFC 9110 §13.1.1, §5.6.1: a list of entity tags is read tag by tag', () => {
  test.prop([fc.array(fc.tuple(entityTag, separator), { minLength: 1, maxLength: 6 })], {
    numRuns: 300,
  })('tags joined by any OWS, commas and empty elements read back in order', (pairs) => {
    const value = pairs.map(([tag, sep]) => formatEntityTag(tag) + sep).join('');
    expect(parseEntityTagList(value)).toEqual({ kind: 'tags', tags: pairs.map(([tag]) => tag) });
  });

  /** Text made of what lists are made of, in any order: most of it is no list at all. */
  const listish = fc
    .array(fc.constantFrom('"', 'W/', 'w/', ',', ' ', '\t', '*', 'a', 'b', '\x7f', '\xe9', '""'), {
      maxLength: 16,
    })
    .map((pieces) => pieces.join(''));

  test.prop([listish], { numRuns: 500 })(
    'any text is any, tags or invalid, never an exception; tags read back the same',
    (value) => {
      const list = parseEntityTagList(value);
      expect(['any', 'tags', 'invalid']).toContain(list.kind);
      if (list.kind === 'tags') {
        const again = list.tags.map(formatEntityTag).join(', ');
        expect(parseEntityTagList(again)).toEqual(list);
      }
    },
  );
});

/** Any instant in whole seconds, from the year 1 to 9999: what an IMF-fixdate can say. */
const instant = seconds(-62_135_596_800, Date.UTC(9999, 11, 31, 23, 59, 59) / 1000);

function seconds(min: number, max: number): fc.Arbitrary<Date> {
  return fc.integer({ min, max }).map((s) => new Date(s * 1000));
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const two = (n: number) => String(n).padStart(2, '0');
/** The time-of-day of RFC 9110 §5.6.7, from the grammar. */
const timeOf = (d: Date) =>
  `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
const monthOf = (d: Date) => imfFixdate(d).slice(8, 11);

describe('RFC 9110 §5.6.7: every HTTP-date format reads back to its instant', () => {
  test.prop([instant], { numRuns: 300 })('an IMF-fixdate (kata 20 writes them)', (date) => {
    expect(parseHttpDate(imfFixdate(date))).toEqual(date);
  });

  test.prop([instant], { numRuns: 300 })(
    'an asctime-date: day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year',
    (date) => {
      const day = String(date.getUTCDate()).padStart(2, ' ');
      const year = String(date.getUTCFullYear()).padStart(4, '0');
      const text = `${imfFixdate(date).slice(0, 3)} ${monthOf(date)} ${day} ${timeOf(date)} ${year}`;
      expect(parseHttpDate(text)).toEqual(date);
    },
  );

  /** A now, and an instant of the 49 years before it: what a client sends back. */
  const recent = fc.integer({ min: 1950, max: 9000 }).chain((nowYear) =>
    seconds(Date.UTC(nowYear - 49, 0, 1) / 1000, Date.UTC(nowYear, 6, 1) / 1000).map((date) => ({
      date,
      now: new Date(Date.UTC(nowYear, 6, 1)),
    })),
  );

  test.prop([recent], { numRuns: 300 })(
    'an rfc850-date of the 49 years before now, its century restored',
    ({ date, now }) => {
      const year = date.getUTCFullYear();
      const text = `${LONG_DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())}-${monthOf(date)}-${two(year % 100)} ${timeOf(date)} GMT`;
      expect(parseHttpDate(text, now)).toEqual(date);
    },
  );

  /** An IMF-fixdate with one character replaced: mostly no date, sometimes another one. */
  const damaged = fc
    .tuple(instant, fc.nat(28), fc.constantFrom(' ', '0', '9', 'x', ',', '-', ':', 'G', '\t', ''))
    .map(([date, at, c]) => {
      const text = imfFixdate(date);
      return text.slice(0, at) + c + text.slice(at + 1);
    });

  test.prop([damaged], { numRuns: 500 })(
    'a damaged date is undefined or a valid instant, never an exception',
    (text) => {
      const date = parseHttpDate(text);
      if (date !== undefined) expect(Number.isNaN(date.getTime()), text).toBe(false);
    },
  );
});

const CURRENT: Validators = {
  etag: { weak: false, opaque: 'd-17ab' },
  lastModified: new Date(Date.UTC(2025, 5, 1, 12, 0, 0)),
};
const FIELDS = [
  'If-Match',
  'If-Unmodified-Since',
  'If-None-Match',
  'If-Modified-Since',
  'Range',
  'If-Range',
];
/** Values near the current validators, and values that are none. */
const fieldValue = fc.constantFrom(
  '"d-17ab"',
  'W/"d-17ab"',
  '"other"',
  '*',
  '"a", "d-17ab"',
  'd-17ab',
  '',
  'Sun, 01 Jun 2025 12:00:00 GMT',
  'Sun, 01 Jun 2025 11:59:59 GMT',
  'Sun, 01 Jun 2025 12:00:01 GMT',
  'Sunday, 01-Jun-25 12:00:00 GMT',
  'not a date',
  'bytes=0-1',
  'bytes=-5,10-',
  'items=1',
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE');
const fields = fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 6 });

function requestOf(m: string, record: Record<string, string>) {
  const byName = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: m, headers: { get: (name: string) => byName.get(name.toLowerCase()) } };
}

describe('RFC 9110 §13.2.2: any mix of preconditions gives one outcome the rules allow', () => {
  test.prop([method, fields], { numRuns: 500 })(
    'a 304 only ever answers GET or HEAD',
    (m, record) => {
      const decision = evaluatePreconditions(requestOf(m, record), CURRENT);
      if (decision.kind === 'not-modified') expect(['GET', 'HEAD']).toContain(m);
    },
  );

  test.prop([method, fields], { numRuns: 500 })(
    'a Range is applied only to a GET, and only as the client sent it',
    (m, record) => {
      const decision = evaluatePreconditions(requestOf(m, record), CURRENT);
      if (decision.kind === 'proceed' && decision.range !== undefined) {
        expect(m).toBe('GET');
        expect(decision.range).toBe(record.Range);
      }
    },
  );

  test.prop([method, fields], { numRuns: 500 })(
    'an If-Match that names the current tag strongly never fails as If-Match',
    (m, record) => {
      const decision = evaluatePreconditions(
        requestOf(m, { ...record, 'If-Match': `"old", "d-17ab"` }),
        CURRENT,
      );
      expect(decision).not.toEqual({ kind: 'failed', field: 'If-Match' });
    },
  );

  test.prop([method, fc.dictionary(fc.constantFrom('Range', 'If-Range'), fieldValue)], {
    numRuns: 300,
  })('with no precondition field, the outcome is always proceed', (m, record) => {
    expect(evaluatePreconditions(requestOf(m, record), CURRENT).kind).toBe('proceed');
  });
});
