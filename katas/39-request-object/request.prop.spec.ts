import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunkings } from '../../support/harness/index.ts';
import type { Entry } from '../26-submit-forms/form-data.ts';
import { environ } from '../33-gateway-apps/fixtures/gateway.ts';
import { HttpError } from '../37-routing/routing.ts';
import { busboyEntries, comparable, encodeFormData, honoBody } from './fixtures/peers.ts';
import { MESSAGES, request, required } from './request.ts';

/** One character of a name or value as users type them: separators, quotes, non-ASCII, any. */
const char = (...specials: string[]) =>
  fc.oneof(
    fc.constantFrom(...specials, 'a', 'Z', '0', 'é', '😀', '\ufeff'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );

/**
 * Names busboy reads as sent: it does not undo HTML's %22, %0D, %0A (so no ", CR, LF, %), it
 * reads an empty name as none (undefined), a backslash as RFC 9110 §5.6.4's quoted-pair (HTML
 * sends it as it is), and it refuses a part field holding a control
 * character (RFC 9110 §5.5) that fetch writes and this parser reads as it is.
 */
const plainName = fc
  .string({ unit: char(...';=&+ /:-_'), minLength: 1, maxLength: 8 })
  .filter((name) => ![...name].some((c) => '"%\\'.includes(c) || c < ' ' || c === '\x7f'));
/**
 * Any name at all: HTML's escapes too. Hono makes a name ending in [] an array, and its
 * parser (undici's) drops a leading BOM of a name or a filename (Node 20's of a value too):
 * not compared.
 */
const anyName = fc
  .string({ unit: char(...';="\r\n%&+ \\', '%22', '%0A', '%0d'), maxLength: 8 })
  .filter((name) => !name.endsWith('[]'));
const noBom = (text: string) => !text.startsWith('\ufeff');
/** Any value: CR and LF alone (fetch writes them as CR LF), a boundary's dashes, a BOM. */
const anyValue = fc.string({ unit: char(...'\r\n-=;"'), maxLength: 12 });
const TYPES = ['text/plain', 'image/png', 'application/octet-stream', 'application/vnd.api+json'];
/** A file's bytes: any, and some that begin like a delimiter. */
const fileData = fc.oneof(
  anyBytes({ maxLength: 40 }),
  anyBytes({ maxLength: 8 }).map((tail) => new Uint8Array([13, 10, 45, 45, ...tail])),
);

const entries = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.array(
    fc.tuple(
      name,
      fc.oneof(
        value,
        fc.record({ filename: name, type: fc.constantFrom(...TYPES), data: fileData }),
      ),
    ) as fc.Arbitrary<Entry>,
    { maxLength: 5 },
  );

/**
 * Where to cut a body not known yet (fetch's encoder is async): offsets taken modulo its
 * length, or every byte apart.
 */
const cutting = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 1 << 20 }), { maxLength: 16 }),
  fc.constant('every byte' as const),
);

function cut(body: Uint8Array, how: readonly number[] | 'every byte'): Uint8Array[] {
  const points =
    how === 'every byte'
      ? Array.from({ length: body.length }, (_, i) => i)
      : [0, ...how.map((offset) => offset % Math.max(body.length, 1))];
  const sorted = [...new Set(points)].sort((x, y) => x - y);
  return sorted.map((start, i) => body.subarray(start, sorted[i + 1] ?? body.length));
}

const post = (type: string, chunks: readonly Uint8Array[]) =>
  environ({ method: 'POST', headers: { 'Content-Type': type }, body: chunks });

const RUNS = { numRuns: 40 };

describe('RFC 7578: a multipart/form-data body as fetch writes it reads back as busboy reads it', () => {
  test.prop([entries(plainName, anyValue), cutting], RUNS)(
    "form() is busboy's entries, in order, for any cutting of the body",
    async (list, how) => {
      const { contentType, body } = await encodeFormData(list);
      const form = await request(post(contentType, cut(body, how))).form();
      expect(form).toEqual(await busboyEntries(contentType, body));
    },
  );
});

describe("RFC 7578, HTML's escapes undone: input() is what Hono's c.req.parseBody({ all: true }) reads", () => {
  test.prop([entries(anyName.filter(noBom), anyValue.filter(noBom)), cutting], RUNS)(
    'the same names, values and files',
    async (list, how) => {
      const { contentType, body } = await encodeFormData(list);
      const input = await request(post(contentType, cut(body, how))).input();
      expect(comparable(input)).toEqual(await honoBody(contentType, body));
    },
  );
});

const pairs = fc.array(fc.tuple(anyName, anyValue), { maxLength: 6 });

describe('URL Standard 5.1: an urlencoded body reads as URLSearchParams and Hono read it', () => {
  test.prop(
    [
      pairs.chain((list) => {
        const text = new URLSearchParams(list).toString();
        return fc.tuple(fc.constant(text), chunkings(new TextEncoder().encode(text)));
      }),
    ],
    RUNS,
  )("form() is URLSearchParams' pairs, input() is parseBody's object", async ([text, chunks]) => {
    const type = 'application/x-www-form-urlencoded';
    const req = request(post(type, chunks));
    expect(await req.form()).toEqual([...new URLSearchParams(text)]);
    expect(comparable(await req.input())).toEqual(
      await honoBody(type, new TextEncoder().encode(text)),
    );
  });

  test.prop([pairs, pairs], RUNS)(
    "input(): each name's values are the query's getAll and then the form's, one value a string",
    async (query, form) => {
      const queryText = new URLSearchParams(query).toString();
      const formText = new URLSearchParams(form).toString();
      const env = environ({
        method: 'POST',
        target: `/?${queryText}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: [formText],
      });
      const input = await request(env).input();
      const names = new Set([
        ...new URLSearchParams(queryText).keys(),
        ...new URLSearchParams(formText).keys(),
      ]);
      expect(Object.keys(input).sort()).toEqual([...names].sort());
      for (const name of names) {
        const all = [
          ...new URLSearchParams(queryText).getAll(name),
          ...new URLSearchParams(formText).getAll(name),
        ];
        expect(input[name]).toEqual(all.length === 1 ? all[0] : all);
      }
    },
  );
});

describe('RFC 9110 §15.5.14: a body over the limit is a 413, declared or counted; one within it is read whole', () => {
  test.prop(
    [
      fc.nat({ max: 40 }).chain((size) => chunkings(new Uint8Array(size).fill(0x78))),
      fc.nat({ max: 40 }),
      fc.boolean(),
    ],
    { numRuns: 100 },
  )(
    'data() for n bytes and a limit L: the bytes when n <= L, else 413',
    async (chunks, limit, declared) => {
      const size = chunks.reduce((n, chunk) => n + chunk.byteLength, 0);
      const env = environ({
        method: 'POST',
        body: chunks,
        extra: declared ? {} : { CONTENT_LENGTH: '' },
      });
      const outcome = await request(env, { maxBodyBytes: limit })
        .data()
        .then(
          (bytes) => bytes.byteLength,
          (error: unknown) => (error instanceof HttpError ? error.status : error),
        );
      expect(outcome).toBe(size <= limit ? size : 413);
    },
  );
});

describe('RFC 8259: json() is JSON.parse of the body, as Response.json() reads it; what is no JSON text is a 400', () => {
  test.prop([fc.jsonValue()], { numRuns: 100 })('any JSON value comes back', async (value) => {
    const text = JSON.stringify(value);
    const parsed = await request(post('application/json', [new TextEncoder().encode(text)])).json();
    expect(parsed).toEqual(await new Response(text).json());
  });

  test.prop([fc.string({ unit: fc.constantFrom(...'{}[]",:01ae -\\n'), maxLength: 10 })], {
    numRuns: 100,
  })('a 400 exactly when JSON.parse refuses the text, with its message', async (text) => {
    let problem: string | undefined;
    try {
      JSON.parse(text);
    } catch (error) {
      problem = (error as Error).message;
    }
    const outcome = await request(post('application/json', [new TextEncoder().encode(text)]))
      .json()
      .then(
        () => 'parsed',
        (error: HttpError) => [error.status, error.message],
      );
    expect(outcome).toEqual(problem === undefined ? 'parsed' : [400, MESSAGES.badJson(problem)]);
  });
});

const TCHAR = "!#$%&'*+-.^`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

describe('RFC 9110 §5.1: field names are case-insensitive', () => {
  test.prop(
    [
      fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...'abc xyz/;=,'), maxLength: 8 }),
      fc.infiniteStream(fc.boolean()),
    ],
    { numRuns: 100 },
  )('header(name) in any case is the value sent under any case', (name, value, flips) => {
    const recase = (text: string) =>
      [...text].map((c) => (flips.next().value ? c.toUpperCase() : c.toLowerCase())).join('');
    const env = environ({ headers: { [recase(name)]: value } });
    expect(request(env).header(recase(name))).toBe(value);
  });
});

describe('required(): a 400 naming the first name the input does not hold', () => {
  const NAMES = ['a', 'b', 'email', 'constructor', '__proto__', 'toString'] as const;
  test.prop([fc.subarray([...NAMES]), fc.array(fc.constantFrom(...NAMES), { maxLength: 5 })], {
    numRuns: 100,
  })('for any input and names asked', (present, asked) => {
    const input = Object.fromEntries(present.map((name) => [name, `${name}!`]));
    const missing = asked.find((name) => !present.includes(name));
    let outcome: unknown = 'held';
    try {
      expect(required(input, ...asked)).toBe(input);
    } catch (error) {
      outcome = error instanceof HttpError ? [error.status, error.message] : error;
    }
    expect(outcome).toEqual(missing === undefined ? 'held' : [400, MESSAGES.missingField(missing)]);
  });
});
