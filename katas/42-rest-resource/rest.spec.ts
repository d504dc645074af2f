import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import {
  call as callApp,
  environ,
  header,
  input,
  type RequestShape,
} from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { acceptsJson, JSON_TYPE, MESSAGES, notesApp, serveNotes } from './rest.ts';

/** Kata 33's fixture plays the server; an app that never finishes its answer fails fast. */
const call = (app: App, env: Environ) =>
  within(callApp(app, env), 'the app never finished its response (startResponse, then the body)');

const ask = (app: App, request: RequestShape = {}) => call(app, environ(request));

/** RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; a strong one has no W/. */
const STRONG_TAG = /^"[\x21\x23-\x7e\x80-\xff]*"$/;

const jsonBody = (text: string) => ({
  headers: { 'Content-Type': 'application/json' },
  body: [text],
});

/** POST a note; the response. */
const create = (app: App, text: string, extra: RequestShape = {}) =>
  ask(app, {
    method: 'POST',
    target: '/notes',
    ...jsonBody(JSON.stringify({ text })),
    ...extra,
  });

const get = (app: App, target: string, headers: Record<string, string> = {}) =>
  ask(app, { target, headers });

const put = (app: App, target: string, body: unknown, headers: Record<string, string> = {}) =>
  ask(app, {
    method: 'PUT',
    target,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: [JSON.stringify(body)],
  });

const remove = (app: App, target: string, headers: Record<string, string> = {}) =>
  ask(app, { method: 'DELETE', target, headers });

/** The ETag a GET of the note gives now. */
async function tagOf(app: App, target: string): Promise<string> {
  const response = await get(app, target);
  const tag = header(response, 'etag');
  expect(tag, `GET ${target} sent no ETag`).toBeDefined();
  return tag as string;
}

/** An app with one note, `/notes/1`, holding `text`. */
async function withNote(text = 'first', options = {}) {
  const app = notesApp(options);
  await create(app, text);
  return app;
}

describe('RFC 9110 §12.5.1: Accept: the most specific media range that applies decides, q=0 is "not acceptable"', () => {
  test('no Accept field: any media type, JSON too', () => {
    expect(acceptsJson(undefined)).toBe(true);
  });

  test('application/json itself is acceptable', () => {
    expect(acceptsJson('application/json')).toBe(true);
  });

  test('*/* and application/* apply to application/json', () => {
    expect([acceptsJson('*/*'), acceptsJson('application/*')]).toEqual([true, true]);
  });

  test('a list without a range for JSON is not acceptable: text/html, image/*', () => {
    expect(acceptsJson('text/html, image/*')).toBe(false);
  });

  test('q=0 means "not acceptable": application/json;q=0', () => {
    expect(acceptsJson('application/json;q=0')).toBe(false);
  });

  test('a small weight is still acceptable: text/html, application/json;q=0.001', () => {
    expect(acceptsJson('text/html, application/json;q=0.001')).toBe(true);
  });

  test('the exact type overrides */* whatever their order: application/json;q=0, */*', () => {
    expect([
      acceptsJson('application/json;q=0, */*'),
      acceptsJson('*/*, application/json;q=0'),
    ]).toEqual([false, false]);
  });

  test('application/* overrides */*: application/*;q=0, */*;q=1', () => {
    expect(acceptsJson('*/*;q=1, application/*;q=0')).toBe(false);
  });

  test('a more specific range with a weight wins over a less specific q=0: */*;q=0, application/json;q=0.5', () => {
    expect(acceptsJson('*/*;q=0, application/json;q=0.5')).toBe(true);
  });

  test('of two equally specific ranges, the higher weight counts, in either order', () => {
    expect([
      acceptsJson('application/json;q=0, application/json;q=0.5'),
      acceptsJson('application/json;q=0.5, application/json;q=0'),
      acceptsJson('*/*;q=0.5, */*;q=0'),
    ]).toEqual([true, true, true]);
  });

  test('§8.3.1: type and subtype are case-insensitive; so is the q of §12.4.2', () => {
    expect([acceptsJson('Application/JSON'), acceptsJson('application/json;Q=0')]).toEqual([
      true,
      false,
    ]);
  });

  test('whitespace around elements and parameters is optional', () => {
    expect(acceptsJson('  text/plain ,  application/json ; q=0.5 ')).toBe(true);
  });

  test('parameters other than q are not compared: application/json; charset=utf-8', () => {
    expect(acceptsJson('application/json; charset=utf-8')).toBe(true);
  });

  test('a parameter whose name only ends in q is not the weight: application/json;xq=0', () => {
    expect(acceptsJson('application/json;xq=0')).toBe(true);
  });

  test('§12.5.1: q is the weight wherever it stands among the parameters', () => {
    expect(acceptsJson('application/json;q=0;charset=utf-8')).toBe(false);
  });

  test('* is a wildcard only as */*: */json applies to no type', () => {
    expect(acceptsJson('*/json')).toBe(false);
  });

  test('a +json type is another media type: application/vnd.api+json alone is not JSON', () => {
    expect(acceptsJson('application/vnd.api+json, application/problem+json')).toBe(false);
  });

  test('§12.4.2: a qvalue outside its grammar (q=2, q=0.0001, q=abc) makes its element skipped', () => {
    expect([
      acceptsJson('application/json;q=2'),
      acceptsJson('application/json;q=0.0001'),
      acceptsJson('application/json;q=abc'),
      acceptsJson('application/json;q=1.000'),
    ]).toEqual([false, false, false, true]);
  });

  test('an element that is not type/subtype is skipped: json, application', () => {
    expect(acceptsJson('json, application, /json')).toBe(false);
  });

  test('an element that is not one media range is skipped: a comma missing between two', () => {
    expect([
      acceptsJson('application/json text/html'),
      acceptsJson('text/html application/json'),
    ]).toEqual([false, false]);
  });

  test('an empty field value names no range: not acceptable', () => {
    expect(acceptsJson('')).toBe(false);
  });
});

describe('RFC 9110 §9.3.3: POST to the collection creates a note: 201 (Created) with Location and its ETag', () => {
  test('201 Created, application/json, the new note as its body', async () => {
    const response = await create(notesApp(), 'buy milk');
    expect([response.status, header(response, 'content-type'), JSON.parse(response.text)]).toEqual([
      '201 Created',
      JSON_TYPE,
      { id: 1, text: 'buy milk' },
    ]);
  });

  test('§10.2.2: Location refers to the note created, and a GET of it gives the same body', async () => {
    const app = notesApp();
    const created = await create(app, 'buy milk');
    const location = header(created, 'location') as string;
    const fetched = await get(app, location);
    expect([location, fetched.code, fetched.text]).toEqual(['/notes/1', 200, created.text]);
  });

  test('the ETag of the 201 is strong, and the one a GET of the note gives', async () => {
    const app = notesApp();
    const created = await create(app, 'buy milk');
    const tag = header(created, 'etag') as string;
    expect(tag).toMatch(STRONG_TAG);
    expect(await tagOf(app, '/notes/1')).toBe(tag);
  });

  test('mounted under SCRIPT_NAME, Location starts with it', async () => {
    const response = await create(notesApp(), 'x', {
      scriptName: '/api',
      target: '/notes',
    });
    expect(header(response, 'location')).toBe('/api/notes/1');
  });

  test('ids go up from 1, and a deleted id is never given again', async () => {
    const app = notesApp();
    await create(app, 'a');
    await create(app, 'b');
    await remove(app, '/notes/2');
    const third = await create(app, 'c');
    expect([header(third, 'location'), JSON.parse(third.text).id]).toEqual(['/notes/3', 3]);
  });

  test('the text is kept as sent: quotes, backslashes, line breaks, non-ASCII', async () => {
    const app = notesApp();
    const text = 'say "hi"\\\n\u00e9\u{1f600}';
    await create(app, text);
    expect(JSON.parse((await get(app, '/notes/1')).text)).toEqual({ id: 1, text });
  });
});

describe('RFC 9110 §9.3.1: GET of the collection lists the notes', () => {
  test('an empty collection is []', async () => {
    const response = await get(notesApp(), '/notes');
    expect([response.code, header(response, 'content-type'), JSON.parse(response.text)]).toEqual([
      200,
      JSON_TYPE,
      [],
    ]);
  });

  test('every note, by id', async () => {
    const app = notesApp();
    for (const text of ['a', 'b', 'c']) await create(app, text);
    await remove(app, '/notes/2');
    expect(JSON.parse((await get(app, '/notes')).text)).toEqual([
      { id: 1, text: 'a' },
      { id: 3, text: 'c' },
    ]);
  });

  test('each app has its own store', async () => {
    await withNote('mine');
    expect(JSON.parse((await get(notesApp(), '/notes')).text)).toEqual([]);
  });
});

describe('RFC 9110 §9.3.1, §8.8.3: GET of a note gives it with a strong ETag', () => {
  test('200, application/json, the note, a strong ETag', async () => {
    const response = await get(await withNote('hello'), '/notes/1');
    expect([response.code, header(response, 'content-type'), JSON.parse(response.text)]).toEqual([
      200,
      JSON_TYPE,
      { id: 1, text: 'hello' },
    ]);
    expect(header(response, 'etag')).toMatch(STRONG_TAG);
  });

  test('§15.5.5: a note that does not exist is 404 Not Found', async () => {
    const response = await get(await withNote(), '/notes/2');
    expect(response.status).toBe('404 Not Found');
  });

  test('an id is a decimal without leading zeros: /notes/01, /notes/0, /notes/x are 404', async () => {
    const app = await withNote();
    const codes = [];
    for (const target of ['/notes/01', '/notes/0', '/notes/x', '/notes/1/'])
      codes.push((await get(app, target)).code);
    expect(codes).toEqual([404, 404, 404, 404]);
  });

  test('the ETag stays the same while the note does', async () => {
    const app = await withNote();
    expect(await tagOf(app, '/notes/1')).toBe(await tagOf(app, '/notes/1'));
  });

  test('§8.8.1: the ETag changes when the note does', async () => {
    const app = await withNote('before');
    const before = await tagOf(app, '/notes/1');
    await put(app, '/notes/1', { text: 'after' });
    expect(await tagOf(app, '/notes/1')).not.toBe(before);
  });

  test('the tag is derived from the representation: the same text again gives the same tag', async () => {
    const app = await withNote('same');
    const before = await tagOf(app, '/notes/1');
    await put(app, '/notes/1', { text: 'other' });
    await put(app, '/notes/1', { text: 'same' });
    expect(await tagOf(app, '/notes/1')).toBe(before);
  });

  test('two notes with the same text have different tags: the id is part of the representation', async () => {
    const app = notesApp();
    await create(app, 'twin');
    await create(app, 'twin');
    expect(await tagOf(app, '/notes/1')).not.toBe(await tagOf(app, '/notes/2'));
  });

  test('§9.3.2: HEAD has the GET fields, ETag and Content-Length too, and no body', async () => {
    const app = await withNote('hello');
    const got = await get(app, '/notes/1');
    const head = await ask(app, { method: 'HEAD', target: '/notes/1' });
    expect([head.code, header(head, 'etag'), header(head, 'content-length'), head.text]).toEqual([
      200,
      header(got, 'etag'),
      String(got.body.byteLength),
      '',
    ]);
  });
});

describe('RFC 9110 §13.1.2: If-None-Match on a GET: 304 (Not Modified) while the tag matches', () => {
  test('the current tag: 304, its ETag, no body', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    const response = await get(app, '/notes/1', { 'If-None-Match': tag });
    expect([response.status, header(response, 'etag'), response.text]).toEqual([
      '304 Not Modified',
      tag,
      '',
    ]);
  });

  test('weak comparison: W/ and the current tag is a 304 too', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    expect((await get(app, '/notes/1', { 'If-None-Match': `W/${tag}` })).code).toBe(304);
  });

  test('a list holding the current tag, and *, are 304', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    const listed = await get(app, '/notes/1', { 'If-None-Match': `"old", ${tag}` });
    const any = await get(app, '/notes/1', { 'If-None-Match': '*' });
    expect([listed.code, any.code]).toEqual([304, 304]);
  });

  test('a tag of an older version: 200 with the note', async () => {
    const app = await withNote('old');
    const old = await tagOf(app, '/notes/1');
    await put(app, '/notes/1', { text: 'new' });
    const response = await get(app, '/notes/1', { 'If-None-Match': old });
    expect([response.code, JSON.parse(response.text).text]).toEqual([200, 'new']);
  });

  test('a note has no modification date: If-Modified-Since alone is ignored (200)', async () => {
    const app = await withNote();
    const response = await get(app, '/notes/1', {
      'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT',
    });
    expect(response.code).toBe(200);
  });
});

describe('RFC 9110 §13.1.1: If-Match: the write is done only when the tag matches, else 412 (Precondition Failed)', () => {
  test('PUT with the current tag: 204, and the note has the new text', async () => {
    const app = await withNote('old');
    const tag = await tagOf(app, '/notes/1');
    const response = await put(app, '/notes/1', { text: 'new' }, { 'If-Match': tag });
    expect(response.code).toBe(204);
    expect(JSON.parse((await get(app, '/notes/1')).text)).toEqual({ id: 1, text: 'new' });
  });

  test('PUT with the tag of an older version: 412, the note unchanged (no lost update)', async () => {
    const app = await withNote('v1');
    const stale = await tagOf(app, '/notes/1');
    await put(app, '/notes/1', { text: 'v2' });
    const response = await put(app, '/notes/1', { text: 'v3' }, { 'If-Match': stale });
    expect([response.status, response.text]).toEqual([
      '412 Precondition Failed',
      MESSAGES.preconditionFailed,
    ]);
    expect(JSON.parse((await get(app, '/notes/1')).text).text).toBe('v2');
  });

  test('§8.8.3.2: If-Match compares strongly: W/ and the current tag is 412', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    expect((await put(app, '/notes/1', { text: 'x' }, { 'If-Match': `W/${tag}` })).code).toBe(412);
  });

  test('If-Match: * matches a note that exists: 204', async () => {
    const app = await withNote();
    expect((await put(app, '/notes/1', { text: 'x' }, { 'If-Match': '*' })).code).toBe(204);
  });

  test('a list holding the current tag matches', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    const response = await put(app, '/notes/1', { text: 'x' }, { 'If-Match': `"nope", ${tag}` });
    expect(response.code).toBe(204);
  });

  test('DELETE with a tag that does not match: 412, the note still there', async () => {
    const app = await withNote();
    const response = await remove(app, '/notes/1', { 'If-Match': '"nope"' });
    expect([response.code, (await get(app, '/notes/1')).code]).toEqual([412, 200]);
  });

  test('DELETE with the current tag: 204, then the note is 404', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    const response = await remove(app, '/notes/1', { 'If-Match': tag });
    expect([response.status, (await get(app, '/notes/1')).code]).toEqual(['204 No Content', 404]);
  });

  test('§13.1.2: PUT with If-None-Match: * on a note that exists is 412', async () => {
    const app = await withNote();
    expect((await put(app, '/notes/1', { text: 'x' }, { 'If-None-Match': '*' })).code).toBe(412);
  });

  test('GET with an If-Match that does not match is 412 too', async () => {
    const app = await withNote();
    expect((await get(app, '/notes/1', { 'If-Match': '"nope"' })).code).toBe(412);
  });

  test('§13.2.1: a note that does not exist is 404 whatever the preconditions say', async () => {
    const app = await withNote();
    const codes = [
      (await put(app, '/notes/2', { text: 'x' }, { 'If-Match': '"nope"' })).code,
      (await remove(app, '/notes/2', { 'If-Match': '*' })).code,
    ];
    expect(codes).toEqual([404, 404]);
  });

  test('§13.2.1: preconditions come before the content: a failed If-Match with a bad body is 412', async () => {
    const app = await withNote();
    const response = await ask(app, {
      method: 'PUT',
      target: '/notes/1',
      headers: { 'Content-Type': 'application/json', 'If-Match': '"nope"' },
      body: ['{"text":'],
    });
    expect(response.code).toBe(412);
  });
});

describe('RFC 6585 §3: 428 (Precondition Required) for a PUT or DELETE without If-Match, when required', () => {
  test('requirePreconditions: a PUT without If-Match is 428 with the message, the note unchanged', async () => {
    const app = await withNote('kept', { requirePreconditions: true });
    const response = await put(app, '/notes/1', { text: 'lost' });
    expect([response.code, response.text]).toEqual([428, MESSAGES.preconditionRequired]);
    expect(JSON.parse((await get(app, '/notes/1')).text).text).toBe('kept');
  });

  test('requirePreconditions: a DELETE without If-Match is 428, the note still there', async () => {
    const app = await withNote('kept', { requirePreconditions: true });
    const response = await remove(app, '/notes/1');
    expect([response.code, (await get(app, '/notes/1')).code]).toEqual([428, 200]);
  });

  test('requirePreconditions: with the current tag in If-Match, PUT and DELETE are done', async () => {
    const app = await withNote('v1', { requirePreconditions: true });
    const first = await put(
      app,
      '/notes/1',
      { text: 'v2' },
      { 'If-Match': await tagOf(app, '/notes/1') },
    );
    const second = await remove(app, '/notes/1', { 'If-Match': await tagOf(app, '/notes/1') });
    expect([first.code, second.code]).toEqual([204, 204]);
  });

  test('requirePreconditions: only If-Match counts, an If-None-Match alone is still 428', async () => {
    const app = await withNote('kept', { requirePreconditions: true });
    const response = await put(app, '/notes/1', { text: 'x' }, { 'If-None-Match': '"nope"' });
    expect(response.code).toBe(428);
  });

  test('requirePreconditions: a note that does not exist is 404, not 428', async () => {
    const app = await withNote('kept', { requirePreconditions: true });
    expect((await put(app, '/notes/2', { text: 'x' })).code).toBe(404);
  });

  test('requirePreconditions: POST creates without any precondition', async () => {
    const app = notesApp({ requirePreconditions: true });
    expect((await create(app, 'new')).code).toBe(201);
  });

  test('without the option, a PUT and a DELETE without If-Match are done', async () => {
    const app = await withNote();
    const replaced = await put(app, '/notes/1', { text: 'x' });
    const deleted = await remove(app, '/notes/1');
    expect([replaced.code, deleted.code]).toEqual([204, 204]);
  });
});

describe('RFC 9110 §9.3.4: PUT replaces a note: 204 (No Content) and no validator', () => {
  test('204, no ETag (the stored representation is not the content sent), no body', async () => {
    const app = await withNote();
    const response = await put(app, '/notes/1', { text: 'new' });
    expect([response.status, header(response, 'etag'), response.text]).toEqual([
      '204 No Content',
      undefined,
      '',
    ]);
  });

  test('the body may name the note it replaces: {"id": 1} in a PUT to /notes/1', async () => {
    const app = await withNote();
    expect((await put(app, '/notes/1', { id: 1, text: 'x' })).code).toBe(204);
  });

  test("§15.5.10: an id that is not the target's is 409 Conflict, with the message", async () => {
    const app = await withNote();
    const response = await put(app, '/notes/1', { id: 2, text: 'x' });
    expect([response.status, response.text]).toEqual(['409 Conflict', MESSAGES.idConflict(2)]);
  });

  test('an id of another type is not the target\'s either: "1" and null are 409', async () => {
    const app = await withNote();
    const codes = [
      (await put(app, '/notes/1', { id: '1', text: 'x' })).code,
      (await put(app, '/notes/1', { id: null, text: 'x' })).code,
    ];
    expect(codes).toEqual([409, 409]);
  });

  test('a PUT creates nothing: a note that does not exist is 404, and the collection stays empty', async () => {
    const app = notesApp();
    const response = await put(app, '/notes/1', { text: 'x' });
    expect([response.code, JSON.parse((await get(app, '/notes')).text)]).toEqual([404, []]);
  });

  test('the note keeps its id and has the new text', async () => {
    const app = await withNote('old');
    await put(app, '/notes/1', { text: 'new' });
    expect(JSON.parse((await get(app, '/notes')).text)).toEqual([{ id: 1, text: 'new' }]);
  });
});

describe('the body of a POST or PUT: kata 39 (415, 400, 413), then 422 for JSON that is not a note, 409 for an id', () => {
  test('§15.5.16: a body that is not JSON by its Content-Type is 415', async () => {
    const app = notesApp();
    const response = await ask(app, {
      method: 'POST',
      target: '/notes',
      headers: { 'Content-Type': 'text/plain' },
      body: ['{"text":"x"}'],
    });
    expect([response.code, JSON.parse((await get(app, '/notes')).text)]).toEqual([415, []]);
  });

  test('§15.5.1: a JSON body that does not parse is 400', async () => {
    const app = await withNote();
    const response = await ask(app, {
      method: 'PUT',
      target: '/notes/1',
      ...jsonBody('{"text": "x"'),
    });
    expect(response.code).toBe(400);
  });

  test('§15.5.21: JSON that is not a note is 422 Unprocessable Content, with the message', async () => {
    const app = notesApp();
    const bodies = ['[]', '"text"', 'null', '{}', '{"text":1}', '{"text":"a","done":true}'];
    const answers = [];
    for (const body of bodies) {
      const response = await ask(app, { method: 'POST', target: '/notes', ...jsonBody(body) });
      answers.push([response.status, response.text]);
    }
    expect(answers).toEqual(bodies.map(() => ['422 Unprocessable Content', MESSAGES.notANote]));
    expect(JSON.parse((await get(app, '/notes')).text)).toEqual([]);
  });

  test('a PUT whose JSON is not a note is 422, the note unchanged', async () => {
    const app = await withNote('kept');
    const response = await put(app, '/notes/1', { text: 'x', extra: 1 });
    expect([response.code, JSON.parse((await get(app, '/notes/1')).text).text]).toEqual([
      422,
      'kept',
    ]);
  });

  test('a POST that names an id is 409: the collection gives the ids', async () => {
    const app = notesApp();
    const response = await create(app, 'x', jsonBody(JSON.stringify({ id: 1, text: 'x' })));
    expect([response.code, JSON.parse((await get(app, '/notes')).text)]).toEqual([409, []]);
  });

  test('maxBodyBytes: a longer body is 413', async () => {
    const app = notesApp({ maxBodyBytes: 16 });
    const response = await create(app, 'more than sixteen bytes');
    expect(response.code).toBe(413);
  });
});

describe('RFC 9110 §9.2.2: PUT and DELETE are idempotent: one or many, the same state', () => {
  test('the same PUT three times: 204 each time, the same note and ETag as after one', async () => {
    const once = await withNote('old');
    await put(once, '/notes/1', { text: 'new' });
    const thrice = await withNote('old');
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await put(thrice, '/notes/1', { text: 'new' })).code);
    const [a, b] = [await get(once, '/notes/1'), await get(thrice, '/notes/1')];
    expect(codes).toEqual([204, 204, 204]);
    expect([b.text, header(b, 'etag')]).toEqual([a.text, header(a, 'etag')]);
  });

  test('DELETE twice: 204, then 404 ("the response might differ"), the same collection after each', async () => {
    const app = notesApp();
    await create(app, 'a');
    await create(app, 'b');
    const first = await remove(app, '/notes/1');
    const after = (await get(app, '/notes')).text;
    const second = await remove(app, '/notes/1');
    expect([first.code, second.code, (await get(app, '/notes')).text]).toEqual([204, 404, after]);
  });

  test('POST is not idempotent: the same POST twice makes two notes', async () => {
    const app = notesApp();
    await create(app, 'a');
    await create(app, 'a');
    expect(JSON.parse((await get(app, '/notes')).text)).toHaveLength(2);
  });
});

describe('RFC 9110 §15.5.7: 406 (Not Acceptable) when Accept allows no JSON', () => {
  test('GET of a note with Accept: text/html is 406 with the message', async () => {
    const app = await withNote();
    const response = await get(app, '/notes/1', { Accept: 'text/html' });
    expect([response.status, response.text]).toEqual([
      '406 Not Acceptable',
      MESSAGES.notAcceptable,
    ]);
  });

  test('GET of the collection with Accept: application/json;q=0 is 406', async () => {
    const response = await get(notesApp(), '/notes', { Accept: 'application/json;q=0' });
    expect(response.code).toBe(406);
  });

  test('a POST with Accept: text/html is 406, and nothing is created', async () => {
    const app = notesApp();
    const response = await create(app, 'x', {
      headers: { 'Content-Type': 'application/json', Accept: 'text/html' },
    });
    expect([response.code, JSON.parse((await get(app, '/notes')).text)]).toEqual([406, []]);
  });

  test('a note that does not exist is 404, not 406', async () => {
    const response = await get(notesApp(), '/notes/1', { Accept: 'text/html' });
    expect(response.code).toBe(404);
  });

  test('§13.2.1: 406 before If-None-Match: a matching tag with Accept: text/html is 406, not 304', async () => {
    const app = await withNote();
    const tag = await tagOf(app, '/notes/1');
    const response = await get(app, '/notes/1', { Accept: 'text/html', 'If-None-Match': tag });
    expect(response.code).toBe(406);
  });

  test('PUT and DELETE send no representation: Accept does not matter to them', async () => {
    const app = await withNote();
    const replaced = await put(app, '/notes/1', { text: 'x' }, { Accept: 'text/html' });
    const deleted = await remove(app, '/notes/1', { Accept: 'text/html' });
    expect([replaced.code, deleted.code]).toEqual([204, 204]);
  });
});

describe('RFC 9110 §15.5.6 (kata 37): 405 with Allow for a method the resource does not have', () => {
  test('PATCH of a note is 405, Allow: GET, HEAD, PUT, DELETE', async () => {
    const app = await withNote();
    const response = await ask(app, { method: 'PATCH', target: '/notes/1', ...jsonBody('{}') });
    expect([response.code, header(response, 'allow')]).toEqual([405, 'GET, HEAD, PUT, DELETE']);
  });

  test('PUT of the collection is 405, Allow: GET, HEAD, POST', async () => {
    const response = await put(notesApp(), '/notes', []);
    expect([response.code, header(response, 'allow')]).toEqual([405, 'GET, HEAD, POST']);
  });
});

/** A request body that arrives only when `release()` is called. */
function heldBody(text: string) {
  let release: () => void = () => {};
  const arrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* chunks(): AsyncGenerator<Uint8Array> {
    await arrived;
    yield* input([text]);
  }
  return { chunks: chunks(), release: () => release() };
}

/** A PUT whose body is held; the app has started on it (and waits) when this returns. */
function heldPut(app: App, target: string, body: unknown, headers: Record<string, string>) {
  const text = JSON.stringify(body);
  const held = heldBody(text);
  const env = environ({
    method: 'PUT',
    target,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(text.length),
      ...headers,
    },
    extra: { 'gateway.input': held.chunks },
  });
  return { response: call(app, env), release: held.release };
}

describe('RFC 9110 §13.1.1 under concurrency: a PUT checks its precondition again once its body has arrived', () => {
  test('two PUTs with the same If-Match, bodies arriving one after the other: the second is 412', async () => {
    const app = await withNote('v1');
    const tag = await tagOf(app, '/notes/1');
    const first = heldPut(app, '/notes/1', { text: 'from A' }, { 'If-Match': tag });
    const second = heldPut(app, '/notes/1', { text: 'from B' }, { 'If-Match': tag });
    first.release();
    const a = await first.response;
    second.release();
    const b = await second.response;
    expect([a.code, b.code]).toEqual([204, 412]);
    expect(JSON.parse((await get(app, '/notes/1')).text).text).toBe('from A');
  });

  test("a note deleted while a PUT's body was arriving stays deleted: the PUT is 404", async () => {
    const app = await withNote('v1');
    const pending = heldPut(app, '/notes/1', { text: 'late' }, {});
    await remove(app, '/notes/1');
    pending.release();
    const response = await pending.response;
    expect([response.code, JSON.parse((await get(app, '/notes')).text)]).toEqual([404, []]);
  });
});

describe('peers: fetch through kata 34 server (serveNotes)', () => {
  test('fetch: POST, then GET of Location resolved against the request URL, then a conditional PUT', async () => {
    const port = await listen(serveNotes());
    const base = `http://127.0.0.1:${port}/notes`;
    const created = await within(
      fetch(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'from fetch' }),
      }),
      'fetch never got the answer to its POST',
    );
    const url = new URL(created.headers.get('location') ?? '', base);
    const tag = created.headers.get('etag') ?? '';
    await created.arrayBuffer();
    const fetched = await within(fetch(url), 'fetch never got the note');
    expect([created.status, url.pathname, fetched.status, await fetched.json()]).toEqual([
      201,
      '/notes/1',
      200,
      { id: 1, text: 'from fetch' },
    ]);
    const replace = (ifMatch: string) =>
      within(
        fetch(url, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'If-Match': ifMatch },
          body: JSON.stringify({ text: 'changed' }),
        }),
        'fetch never got the answer to its PUT',
      );
    const done = await replace(tag);
    const again = await replace(tag);
    expect([done.status, again.status]).toEqual([204, 412]);
    await again.arrayBuffer();
  });

  test('fetch: If-None-Match with the ETag it got gives 304 and no body', async () => {
    const port = await listen(serveNotes());
    const base = `http://127.0.0.1:${port}/notes`;
    const created = await within(
      fetch(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'cached' }),
      }),
      'fetch never got the answer to its POST',
    );
    await created.arrayBuffer();
    const tag = created.headers.get('etag') ?? '';
    const response = await within(
      fetch(`${base}/1`, { headers: { 'If-None-Match': tag } }),
      'fetch never got the conditional GET',
    );
    expect([response.status, response.headers.get('etag'), await response.text()]).toEqual([
      304,
      tag,
      '',
    ]);
  });
});
