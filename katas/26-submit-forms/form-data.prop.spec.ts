import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunkings, within } from '../../support/harness/index.ts';
import type { HtmlField, HtmlForm } from '../25-extract-information/extract.ts';
import { busboyEntries, fetchEntries, type PeerEntry, serveForms } from './fixtures/peers.ts';
import {
  type Entry,
  encodeForm,
  encodeMultipart,
  type FormFile,
  MAX_BOUNDARY_TRIES,
  type MultipartBody,
  type NameValuePair,
  submit,
} from './form-data.ts';

// What the rules do to a string, written from their text (not from the reference):
/** HTML: every CR not followed by LF, every LF not preceded by CR, made CR LF. */
const crlf = (text: string) => text.replace(/\r\n|\r|\n/g, '\r\n');
/** The Encoding Standard's UTF-8 encode, then decode: a lone surrogate is U+FFFD. */
const wellFormed = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text));
/** HTML 4.10.22.8: LF, CR and " in names and filenames as %0A, %0D, %22. */
const escaped = (text: string) =>
  text.replace(/[\n\r"]/g, (c) => ({ '\n': '%0A', '\r': '%0D', '"': '%22' })[c] ?? c);

/** Characters the rules treat specially, then any code point, then lone surrogates. */
const SPECIAL = [
  ' ',
  '"',
  '\\',
  '\r',
  '\n',
  '\r\n',
  '+',
  '&',
  '=',
  '%',
  '-',
  '--',
  ';',
  'é',
  '€',
  '😀',
];
const char = (extra: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.constantFrom(...SPECIAL),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    extra,
  );
const anyText = fc.string({ unit: char(fc.constant('a')), maxLength: 12 });

/**
 * busboy reads parameters as RFC 9110's quoted-string: a backslash escapes the next character
 * and a control character (but HTAB) ends it as malformed. HTML escapes neither, so names and
 * filenames for busboy leave them out; fetch's parser takes them (the next property).
 */
const isControl = (c: string) => (c < ' ' && !'\t\r\n'.includes(c)) || c === '\u007f';
const busboyParameter = anyText.map((text) =>
  [...text].map((c) => (c === '\\' ? '/' : isControl(c) ? '?' : c)).join(''),
);
/** fetch's parser decodes %22, %0D and %0A back: a % in the name would be read so too. */
const fetchParameter = anyText.map((text) => text.replace(/%/g, '#'));

const mediaTypes = fc.constantFrom('', 'image/png', 'application/x-thing', 'Text/CSV');
const fileOf = (filename: fc.Arbitrary<string>): fc.Arbitrary<FormFile> =>
  fc.record({ filename, type: mediaTypes, data: fc.uint8Array({ maxLength: 64 }) });

/**
 * busboy takes a part for a file by its filename; an empty one it reads as no filename, and
 * the part as a field unless its type is application/octet-stream (a browser's "no file").
 * So files for busboy have a name.
 */
const busboyFilename = busboyParameter.filter((name) => name !== '');

const entries = (parameter: fc.Arbitrary<string>, filename: fc.Arbitrary<string>) =>
  fc.array(
    fc.tuple(parameter, fc.oneof(anyText, fileOf(filename))).map((entry): Entry => entry),
    { maxLength: 6 },
  );

/** What a peer should read from an entry, by the rules: `name` as the peer reads names. */
function expected([name, value]: Entry, readName: (name: string) => string): PeerEntry {
  if (typeof value === 'string') return { name: readName(name), value: wellFormed(crlf(value)) };
  return {
    name: readName(name),
    filename: wellFormed(readName === escapedName ? escaped(value.filename) : value.filename),
    // RFC 7578 §4.4: unknown is application/octet-stream; File API: a type is lowercase.
    type: value.type === '' ? 'application/octet-stream' : value.type.toLowerCase(),
    data: Buffer.from(value.data),
  };
}
const escapedName = (name: string) => wellFormed(escaped(crlf(name)));
const decodedName = (name: string) => wellFormed(crlf(name));

/**
 * The entries, the Content-Type encodeMultipart gives them and a random cutting of its body,
 * down to one octet at a time (or what it threw, for the property to throw again).
 */
type Cut =
  | { readonly generated: Entry[]; readonly contentType: string; readonly chunks: Buffer[] }
  | { readonly generated: Entry[]; readonly threw: unknown };

function cut(arbitrary: fc.Arbitrary<Entry[]>): fc.Arbitrary<Cut> {
  return arbitrary.chain((generated): fc.Arbitrary<Cut> => {
    let encoded: MultipartBody;
    try {
      encoded = encodeMultipart(generated);
    } catch (threw) {
      return fc.constant({ generated, threw });
    }
    const { contentType, body } = encoded;
    return chunkings(Buffer.from(body)).map((chunks) => ({ generated, contentType, chunks }));
  });
}

const pairs = fc.array(fc.tuple(anyText, anyText), { maxLength: 6 });

describe('URL Standard 5.2: the urlencoded serializer, as URLSearchParams implements it', () => {
  test.prop([pairs], { numRuns: 300 })(
    'encodeForm writes what new URLSearchParams(pairs).toString() writes, for any Unicode',
    (generated) => {
      expect(encodeForm(generated)).toBe(
        new URLSearchParams(
          generated.map(([name, value]): [string, string] => [name, value]),
        ).toString(),
      );
    },
  );

  test.prop([pairs], { numRuns: 200 })(
    'URLSearchParams reads back the same pairs, a lone surrogate as U+FFFD',
    (generated) => {
      const read = [...new URLSearchParams(encodeForm(generated))];
      expect(read).toEqual(generated.map(([name, value]) => [wellFormed(name), wellFormed(value)]));
    },
  );
});

describe('RFC 7578: busboy and fetch read back what encodeMultipart writes', () => {
  test.prop([cut(entries(busboyParameter, busboyFilename))], { numRuns: 60 })(
    'busboy, fed the body in random pieces: the same fields and file bytes, names and filenames as HTML escapes them',
    async (drawn) => {
      if ('threw' in drawn) throw drawn.threw;
      const read = await busboyEntries(drawn.contentType, drawn.chunks);
      expect(read).toEqual(drawn.generated.map((entry) => expected(entry, escapedName)));
    },
  );

  test.prop([entries(fetchParameter, fetchParameter)], { numRuns: 60 })(
    "fetch's multipart parser: the same names and filenames, quotes, backslashes and newlines included",
    async (generated) => {
      const { body, contentType } = encodeMultipart(generated);
      const read = await fetchEntries(contentType, body);
      expect(read).toEqual(generated.map((entry) => expected(entry, decodedName)));
    },
  );
});

/** RFC 2046 §5.1.1 boundaries, from the characters generated content is most likely to hold. */
const boundary = fc.string({
  unit: fc.constantFrom('a', 'b', '-', '='),
  minLength: 1,
  maxLength: 4,
});

describe('RFC 2046 §5.1: the boundary delimiter MUST NOT appear inside any of the encapsulated parts', () => {
  test.prop(
    [
      fc.array(boundary, { maxLength: MAX_BOUNDARY_TRIES - 1 }),
      fc.array(fc.tuple(boundary, boundary), { maxLength: 5 }),
    ],
    { numRuns: 200 },
  )(
    'proposals found in the content are passed over: the boundary occurs only in the delimiters',
    (proposals, contents) => {
      let next = 0;
      const nextBoundary = () => proposals[next++] ?? 'final';
      const generated = contents.map(
        ([name, value], i): Entry =>
          i % 2 === 0
            ? [name, value]
            : [name, { filename: value, type: '', data: Buffer.from(value) }],
      );
      const { body, boundary: chosen } = encodeMultipart(generated, { nextBoundary });
      // RFC 2046 §5.1.1: dash-boundary CRLF part *( CRLF dash-boundary CRLF part ) CRLF
      // dash-boundary "--" CRLF; cut at every CRLF "--" boundary, the pieces are the parts.
      const pieces = `\r\n${Buffer.from(body).toString('latin1')}`.split(`\r\n--${chosen}`);
      expect(pieces.length, 'the boundary occurs in a part as a delimiter').toBe(
        generated.length + 2,
      );
      expect(pieces.at(-1)).toBe('--\r\n');
      const parts = pieces.slice(1, -1).map((piece) => piece.slice('\r\n'.length));
      expect(parts.filter((part) => part.includes(chosen))).toEqual([]);
      // And a proposal is passed over only when it occurs in a part.
      const at = chosen === 'final' ? proposals.length : proposals.indexOf(chosen);
      expect(at).not.toBe(-1);
      for (const passed of proposals.slice(0, at)) {
        expect(
          parts.some((part) => part.includes(passed)),
          `${passed} was passed over`,
        ).toBe(true);
      }
    },
  );
});

/** A form of text, hidden, textarea and file fields; the user's files for the file fields. */
const formCase = fc
  .record({
    method: fc.constantFrom<HtmlForm['method']>('get', 'post'),
    enctype: fc.constantFrom<HtmlForm['enctype']>(
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ),
    fields: fc.array(
      fc.record({
        name: busboyParameter.filter(
          (name) => name !== '' && !name.toLowerCase().startsWith('_charset_'),
        ),
        value: anyText,
        type: fc.constantFrom<HtmlField['type']>('text', 'hidden', 'textarea', 'file'),
      }),
      { maxLength: 5 },
    ),
    upload: fileOf(busboyFilename),
  })
  .filter(({ fields }) => new Set(fields.map((f) => f.name)).size === fields.length);

describe('HTML 4.10.22.3: what a node:http server decodes from a submitted form', () => {
  test.prop([formCase], { numRuns: 20 })(
    'GET in the query and urlencoded bodies by URLSearchParams, multipart bodies by busboy: the entry list',
    async ({ method, enctype, fields, upload }) => {
      const server = await serveForms();
      const values = Object.fromEntries(
        fields.filter((f) => f.type === 'file').map((f) => [f.name, upload]),
      );
      const action = `${server.origin}/form?old=1`;
      await within(
        submit({ action, method, enctype, fields }, values),
        'the submission never completed',
      );
      const [seen] = server.seen;
      const entryList: Entry[] = fields.map((f) => [f.name, f.type === 'file' ? upload : f.value]);
      const asPairs = entryList.map(
        ([name, value]): NameValuePair => [
          wellFormed(crlf(name)),
          wellFormed(crlf(typeof value === 'string' ? value : value.filename)),
        ],
      );
      if (method === 'get') {
        expect(seen?.method).toBe('GET');
        expect([...new URLSearchParams(seen?.target.slice('/form?'.length))]).toEqual(asPairs);
      } else if (enctype === 'multipart/form-data') {
        const read = await busboyEntries(seen?.headers['content-type'] ?? '', [
          seen?.body ?? Buffer.alloc(0),
        ]);
        expect(read).toEqual(entryList.map((entry) => expected(entry, escapedName)));
      } else {
        expect([...new URLSearchParams(seen?.body.toString())]).toEqual(asPairs);
      }
    },
  );
});
