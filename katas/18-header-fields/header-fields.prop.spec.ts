import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { startLlhttp } from '../17-parse-a-request-line/fixtures/llhttp.ts';
import { FieldError, parseHeaders } from './header-fields.ts';

const HTTP11 = { version: 'HTTP/1.1' } as const;
const HOST_LINE = 'Host: example.test';

/** RFC 9110 §5.6.2: token = 1*tchar; a few names, so that some repeat, in random case. */
const name = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('accept', 'x-forwarded-for', 'cache-control', 'x-a', 'vary'),
      fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/),
    ),
    fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  )
  .map(([text, upper]) =>
    [...text].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''),
  )
  .filter((text) => !['host', 'set-cookie'].includes(text.toLowerCase()));
/** RFC 9110 §5.5: field-content, visible characters with SP and HTAB inside, obs-text too. */
const value = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0x20, 0x09) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    ),
    { maxLength: 16 },
  )
  .map((codes) => String.fromCharCode(...codes).replace(/^[ \t]+|[ \t]+$/g, ''));
const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t');
const field = fc.record({ name, value, before: ows, after: ows });
const section = fc.array(field, { maxLength: 10 });
const lineOf = (f: { name: string; value: string; before: string; after: string }) =>
  `${f.name}:${f.before}${f.value}${f.after}`;

describe('RFC 9110 §5.1, §5.3: names are case-insensitive; repeated lines combine in order', () => {
  test.prop([section, name], { numRuns: 300 })(
    'values(name), in any case, are the values of the lines with that name, in order',
    (fields, asked) => {
      const parsed = parseHeaders([HOST_LINE, ...fields.map(lineOf)], HTTP11);
      for (const key of [asked, ...fields.map((f) => f.name)]) {
        const expected = fields
          .filter((f) => f.name.toLowerCase() === key.toLowerCase())
          .map((f) => f.value);
        expect(parsed.values(key.toUpperCase())).toEqual(expected);
        expect(parsed.values(key.toLowerCase())).toEqual(expected);
        expect(parsed.get(key)).toBe(expected.length === 0 ? undefined : expected.join(', '));
      }
    },
  );
});

describe('RFC 9112 §5: field lines read as llhttp reads them', () => {
  test.prop([section], { numRuns: 60 })(
    'names as written and values without OWS equal llhttp rawHeaders',
    async (fields) => {
      const lines = [HOST_LINE, ...fields.map(lineOf)];
      const peer = await startLlhttp();
      const verdict = await peer.readHead(
        `GET / HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}`,
      );
      const parsed = parseHeaders(lines, HTTP11);
      expect(verdict).toMatchObject({
        accepted: true,
        rawHeaders: parsed.lines.flatMap((line) => [line.name, line.value]),
      });
    },
  );

  /** One octet inserted or replaced in a field line: whitespace, controls, delimiters. */
  const damaged = fc
    .record({
      fields: fc.array(field, { minLength: 1, maxLength: 4 }),
      which: fc.nat(),
      at: fc.nat(),
      replace: fc.boolean(),
      octet: fc.constantFrom(' ', '\t', '\r', '\0', '\x01', '\x7f', ':', '(', '"', '@'),
    })
    .map(({ fields, which, at, replace, octet }) => {
      const lines = fields.map(lineOf);
      const index = which % lines.length;
      const line = lines[index] ?? '';
      const cut = at % (line.length + 1);
      lines[index] = line.slice(0, cut) + octet + line.slice(replace ? cut + 1 : cut);
      return [HOST_LINE, ...lines];
    });

  test.prop([damaged], { numRuns: 100 })(
    'a section llhttp rejects is rejected too, with a FieldError',
    async (lines) => {
      const peer = await startLlhttp();
      const verdict = await peer.readHead(
        `GET / HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}`,
      );
      let outcome: string;
      try {
        outcome = `accepted as ${JSON.stringify(parseHeaders(lines, HTTP11).lines)}`;
      } catch (error) {
        expect(error).toBeInstanceOf(FieldError);
        outcome = 'rejected';
      }
      if (!verdict.accepted) expect(outcome, `llhttp: ${verdict.code}`).toBe('rejected');
    },
  );
});
