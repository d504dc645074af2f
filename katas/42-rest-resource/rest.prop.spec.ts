import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunked, listen, within } from '../../support/harness/index.ts';
import { call, environ, header } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { acceptsJson, type NotesOptions, notesApp, serveNotes } from './rest.ts';

/** RFC 9110 §12.4.2: a qvalue in thousandths, written as a client might, or left out (1). */
const weight = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 1000 }).chain((thousandths) => {
    if (thousandths === 1000) return fc.constantFrom('1', '1.', '1.0', '1.000');
    if (thousandths === 0) return fc.constantFrom('0', '0.', '0.0', '0.000');
    const digits = String(thousandths).padStart(3, '0').replace(/0+$/, '');
    return fc.constantFrom(`0.${digits}`, `0.${digits.padEnd(3, '0')}`);
  }),
);
const weightOf = (q: string | undefined) => (q === undefined ? 1 : Number(q));

/** Media ranges that do not apply to application/json. */
const OTHER_RANGES = [
  'text/html',
  'text/*',
  'image/png',
  'application/xml',
  'application/vnd.api+json',
  'application/json-seq',
];

/** One element, in random letter case, with optional whitespace. */
const element = (range: string, q: string | undefined) =>
  fc
    .tuple(
      fc.boolean(),
      fc.constantFrom('', ' ', '\t'),
      fc.constantFrom('', ' '),
      fc.constantFrom('q', 'Q'),
    )
    .map(
      ([upper, ows, sp, name]) =>
        `${ows}${upper ? range.toUpperCase() : range}${q === undefined ? '' : `${sp};${sp}${name}=${q}`}${ows}`,
    );

/** Up to two elements of one media range, each with its weight and its text. */
const elements = (range: string) =>
  fc.array(
    weight.chain((q) => element(range, q).map((text) => ({ range, q, text }))),
    { maxLength: 2 },
  );

describe('RFC 9110 §12.5.1: the weight of the most specific range that applies decides, in any order', () => {
  test.prop(
    [
      fc
        .tuple(
          fc.array(fc.constantFrom(...OTHER_RANGES).chain(elements), { maxLength: 3 }),
          elements('*/*'),
          elements('application/*'),
          elements('application/json'),
        )
        .chain((groups) => {
          const parts = groups.flat(2);
          return fc
            .shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length })
            .map((shuffled) => ({ groups, field: shuffled.map(({ text }) => text).join(',') }));
        }),
    ],
    { numRuns: 200 },
  )('application/json, else application/*, else */*, else not acceptable', ({ groups, field }) => {
    const [, any, type, exact] = groups;
    const decisive = [exact, type, any].find((ranges) => ranges.length > 0) ?? [];
    const expected = decisive.length > 0 && Math.max(...decisive.map(({ q }) => weightOf(q))) > 0;
    expect(acceptsJson(field), field).toBe(expected);
  });
});

const utf8 = new TextEncoder();

/** A note's JSON body, any text in it (emoji, quotes, line breaks), cut at random points. */
const noteBody = fc.string({ unit: 'grapheme', maxLength: 12 }).chain((text) =>
  chunked(fc.constant(utf8.encode(JSON.stringify({ text })))).map(({ chunks }) => ({
    text,
    chunks,
  })),
);

describe('RFC 9110 §9.3.3, §9.3.4: the text a POST or a PUT sends is the text a GET gives back, however its body is cut', () => {
  test.prop([noteBody, noteBody], { numRuns: 60 })(
    'POST one body, PUT the other: GET gives each text in turn, its ETag the one the POST gave first',
    async (first, second) => {
      const app = notesApp();
      const json = { 'Content-Type': 'application/json' };
      const created = await call(
        app,
        environ({ method: 'POST', target: '/notes', headers: json, body: first.chunks }),
      );
      const afterPost = await call(app, environ({ target: '/notes/1' }));
      await call(
        app,
        environ({ method: 'PUT', target: '/notes/1', headers: json, body: second.chunks }),
      );
      const afterPut = await call(app, environ({ target: '/notes/1' }));
      expect([
        created.code,
        JSON.parse(afterPost.text).text,
        header(afterPost, 'etag'),
        JSON.parse(afterPut.text).text,
      ]).toEqual([201, first.text, header(created, 'etag'), second.text]);
    },
  );
});

/** How a write names the version it expects: RFC 9110 §13.1.1's If-Match, or none. */
type TagChoice = 'seen' | 'weak' | 'star' | 'bogus' | 'none';

type Operation =
  | { readonly kind: 'create'; readonly text: string }
  | { readonly kind: 'read'; readonly id: number; readonly revalidate: boolean }
  | {
      readonly kind: 'replace';
      readonly id: number;
      readonly text: string;
      readonly tag: TagChoice;
    }
  | { readonly kind: 'delete'; readonly id: number; readonly tag: TagChoice };

/** Few texts, so that a note often gets a text it had before (and the tag it had). */
const text = fc.oneof(fc.constantFrom('a', 'b', 'é', '"q"'), fc.string({ maxLength: 6 }));
const id = fc.integer({ min: 1, max: 6 });
const tagChoice = fc.constantFrom<TagChoice>('seen', 'seen', 'weak', 'star', 'bogus', 'none');
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), text }),
  fc.record({ kind: fc.constant('read' as const), id, revalidate: fc.boolean() }),
  fc.record({ kind: fc.constant('replace' as const), id, text, tag: tagChoice }),
  fc.record({ kind: fc.constant('delete' as const), id, tag: tagChoice }),
);

/**
 * What a condition sent matches, as the client knows it: a tag it saw for that note with that
 * text (the tag is derived from the representation, so it matches while the note has that
 * text), any current note (`*`), or never (a weak tag under strong comparison, a made-up one).
 */
type Condition =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'never' };

/** An operation made concrete: what is sent, and what its condition means. */
interface Sent {
  readonly operation: Operation;
  readonly headers: Readonly<Record<string, string>>;
  readonly condition: Condition | undefined;
}

/** What a response said, as far as the model can predict it. */
interface Outcome {
  readonly status: number;
  /** A 201's new id, a 200's note text. */
  readonly detail?: number | string;
}

/** The client's memory: the last ETag each note came with, and its text then. */
type Seen = Map<number, { readonly tag: string; readonly text: string }>;

function concrete(operation: Operation, seen: Seen): Sent {
  if (operation.kind === 'create') return { operation, headers: {}, condition: undefined };
  const known = seen.get(operation.id);
  if (operation.kind === 'read') {
    if (!operation.revalidate || known === undefined) {
      return { operation, headers: {}, condition: undefined };
    }
    return {
      operation,
      headers: { 'If-None-Match': known.tag },
      condition: { kind: 'text', text: known.text },
    };
  }
  switch (operation.tag) {
    case 'seen':
      return known === undefined
        ? { operation, headers: { 'If-Match': '"never-sent"' }, condition: { kind: 'never' } }
        : {
            operation,
            headers: { 'If-Match': known.tag },
            condition: { kind: 'text', text: known.text },
          };
    case 'weak':
      // RFC 9110 §8.8.3.2: strong comparison: a weak tag never matches
      return {
        operation,
        headers: { 'If-Match': `W/${known?.tag ?? '"x"'}` },
        condition: { kind: 'never' },
      };
    case 'star':
      return { operation, headers: { 'If-Match': '*' }, condition: { kind: 'any' } };
    case 'bogus':
      return { operation, headers: { 'If-Match': '"bogus"' }, condition: { kind: 'never' } };
    case 'none':
      return { operation, headers: {}, condition: undefined };
  }
}

/** The model: the notes by id, and the last id given. */
interface Model {
  readonly notes: Map<number, string>;
  lastId: number;
}

const copy = (model: Model): Model => ({ notes: new Map(model.notes), lastId: model.lastId });

const matches = (model: Model, id: number, condition: Condition) =>
  condition.kind === 'any' || (condition.kind === 'text' && model.notes.get(id) === condition.text);

/** One request on the model, by RFC 9110 and the lesson's order of refusals. */
function step(model: Model, sent: Sent, options: NotesOptions): Outcome {
  const { operation, condition } = sent;
  if (operation.kind === 'create') {
    model.lastId += 1;
    model.notes.set(model.lastId, operation.text);
    return { status: 201, detail: model.lastId };
  }
  const current = model.notes.get(operation.id);
  if (current === undefined) return { status: 404 };
  if (operation.kind === 'read') {
    if (condition !== undefined && matches(model, operation.id, condition)) return { status: 304 };
    return { status: 200, detail: current };
  }
  if (options.requirePreconditions === true && !('If-Match' in sent.headers)) {
    return { status: 428 };
  }
  if (condition !== undefined && !matches(model, operation.id, condition)) return { status: 412 };
  if (operation.kind === 'replace') model.notes.set(operation.id, operation.text);
  else model.notes.delete(operation.id);
  return { status: 204 };
}

const WAIT = 'the served notes app never answered';

const encoder = new TextEncoder();

/**
 * A request body for fetch: the JSON text at once, or (`hold`) a stream that sends a space
 * first (RFC 8259 §2: whitespace may come before a value; fetch sends the head only with the
 * first chunk) and the text only once `hold` settles, so that the server has the request's
 * head long before its body.
 */
function bodyOf(text: string, hold: Promise<void> | undefined) {
  if (hold === undefined) return { body: text };
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(' '));
        return;
      }
      await hold;
      controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
  return { body, duplex: 'half' as const };
}

/** Sends one operation with fetch; what came back, and what the client learns from it. */
async function send(base: string, sent: Sent, seen: Seen, hold?: Promise<void>): Promise<Outcome> {
  const { operation, headers } = sent;
  const json = { 'Content-Type': 'application/json' };
  const response = await within(
    operation.kind === 'create'
      ? fetch(base, {
          method: 'POST',
          headers: json,
          ...bodyOf(JSON.stringify({ text: operation.text }), hold),
        })
      : operation.kind === 'read'
        ? fetch(`${base}/${operation.id}`, { headers })
        : operation.kind === 'replace'
          ? fetch(`${base}/${operation.id}`, {
              method: 'PUT',
              headers: { ...json, ...headers },
              ...bodyOf(JSON.stringify({ text: operation.text }), hold),
            })
          : fetch(`${base}/${operation.id}`, { method: 'DELETE', headers }),
    WAIT,
  );
  const body = await within(response.text(), WAIT);
  const tag = response.headers.get('etag');
  if (response.status === 201 || response.status === 200) {
    const note = JSON.parse(body) as { id: number; text: string };
    if (tag !== null) seen.set(note.id, { tag, text: note.text });
    if (response.status === 201) {
      const location = response.headers.get('location') ?? '';
      return { status: 201, detail: Number(location.slice(location.lastIndexOf('/') + 1)) };
    }
    return { status: 200, detail: note.text };
  }
  return { status: response.status };
}

async function stateOf(base: string): Promise<[number, string][]> {
  const response = await within(fetch(base), WAIT);
  const list = (await within(response.json(), WAIT)) as { id: number; text: string }[];
  return list.map((note) => [note.id, note.text]);
}

const modelState = (model: Model): [number, string][] => [...model.notes];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const options = fc.record({ requirePreconditions: fc.boolean() });

describe('RFC 9110 §9.3, §13.1.1, RFC 6585 §3: served with fetch, a sequence of operations gives what a model of the notes gives', () => {
  test.prop([fc.array(operation, { minLength: 1, maxLength: 14 }), options], { numRuns: 25 })(
    'each status, each id created, each text read, and the final collection',
    async (operations, chosen) => {
      const port = await listen(serveNotes(chosen));
      const base = `http://127.0.0.1:${port}/notes`;
      const model: Model = { notes: new Map(), lastId: 0 };
      const seen: Seen = new Map();
      for (const operation of operations) {
        const sent = concrete(operation, seen);
        const expected = step(model, sent, chosen);
        const actual = await send(base, sent, seen);
        expect(actual, JSON.stringify(sent)).toEqual(expected);
      }
      expect(await stateOf(base)).toEqual(modelState(model));
    },
  );
});

/**
 * The notes app on kata 34's server, with a gate for a batch of `expected` requests: each is
 * ready once the app has either started to read its body or started its response; when all
 * are, the promise of `batch` settles and the held bodies are sent. Every write of the batch
 * has then passed its first precondition check before any body arrives.
 */
function gatedNotes(options: NotesOptions) {
  const app = notesApp(options);
  let gate: { expected: number; ready: number; open: () => void } | undefined;
  const gated: App = (environ, startResponse) => {
    let counted = false;
    const ready = () => {
      if (gate === undefined || counted) return;
      counted = true;
      gate.ready += 1;
      if (gate.ready === gate.expected) gate.open();
    };
    const input = environ['gateway.input'];
    const watched: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        ready();
        return input[Symbol.asyncIterator]();
      },
    };
    return app({ ...environ, 'gateway.input': watched } as Environ, (status, headers, excInfo) => {
      ready();
      return startResponse(status, headers, excInfo);
    });
  };
  return {
    server: serveGateway(gated),
    /** The promise the batch's bodies wait on. */
    batch(expected: number): Promise<void> {
      return new Promise((open) => {
        gate = { expected, ready: 0, open };
      });
    },
  };
}

describe('RFC 9110 §9.2.2, §13.1.1: operations sent at once leave the state of one serial order of them', () => {
  test.prop(
    [
      fc.array(operation, { maxLength: 6 }),
      fc.array(
        fc.oneof(
          operation,
          // writes to the first notes, where concurrent ones meet
          fc.record({
            kind: fc.constant('replace' as const),
            id: fc.constantFrom(1, 2),
            text,
            tag: tagChoice,
          }),
        ),
        { minLength: 2, maxLength: 3 },
      ),
      options,
    ],
    { numRuns: 25 },
  )(
    'bodies held until every request of the batch is in: its statuses and the final collection are those of some order',
    async (before, batch, chosen) => {
      const served = gatedNotes(chosen);
      const port = await listen(served.server);
      const base = `http://127.0.0.1:${port}/notes`;
      const model: Model = { notes: new Map(), lastId: 0 };
      const seen: Seen = new Map();
      const setup: Operation[] = [
        { kind: 'create', text: 'one' },
        { kind: 'create', text: 'two' },
        ...before,
      ];
      for (const operation of setup) {
        const sent = concrete(operation, seen);
        step(model, sent, chosen);
        await send(base, sent, seen);
      }
      const sent = batch.map((operation) => concrete(operation, seen));
      const hold = served.batch(sent.length);
      const actual = await Promise.all(sent.map((one) => send(base, one, new Map(), hold)));
      const state = await stateOf(base);
      const explained = permutations(sent.map((_, i) => i)).some((order) => {
        const trial = copy(model);
        const outcomes: Outcome[] = [];
        for (const i of order) outcomes[i] = step(trial, sent[i] as Sent, chosen);
        return (
          JSON.stringify(outcomes) === JSON.stringify(actual) &&
          JSON.stringify(modelState(trial)) === JSON.stringify(state)
        );
      });
      const batchSent = sent.map(({ operation, headers }) => ({ ...operation, headers }));
      expect(
        explained,
        `no serial order of the batch ${JSON.stringify(batchSent)} answers ${JSON.stringify(actual)} and leaves ${JSON.stringify(state)}`,
      ).toBe(true);
    },
  );
});
