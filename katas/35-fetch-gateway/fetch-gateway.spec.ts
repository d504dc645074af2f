import http from 'node:http';
import { Pool } from 'undici';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import { curl, HAS_CURL, withCurl } from '../27-hello-server/fixtures/clients.ts';
import { INTERNAL_ERROR_TEXT } from '../27-hello-server/server.ts';
import { call, environ, header } from '../33-gateway-apps/fixtures/gateway.ts';
import type { AppResult, Environ, StartResponse } from '../33-gateway-apps/gateway.ts';
import { gate } from '../34-implement-the-gateway-interface/fixtures/apps.ts';
import { type FetchHandler, fetchApp, requestOf, serveFetch } from './fetch-gateway.ts';
import { COOKIES, honoApp } from './fixtures/hono-app.ts';

const encoder = new TextEncoder();
const text = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);

/** The Request of this environ. */
const seen = (env: Environ): Request => requestOf(env);

/** A response body that counts how often it was pulled and whether it was cancelled. */
function counted(chunks: readonly string[]) {
  const state = { pulls: 0, cancelled: false };
  let index = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls += 1;
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(encoder.encode(chunk));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

/** Calls the app as a server would, but by hand: the result and what startResponse got. */
function started(handler: FetchHandler, env: Environ = environ()) {
  const calls: Parameters<StartResponse>[] = [];
  const result: AppResult = fetchApp(handler)(env, (...args) => {
    calls.push(args);
    return () => {};
  });
  const chunks = (result as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return { result, chunks, calls };
}

/** An environ whose gateway.input yields `first`, then waits for the gate, then `last`. */
function slowUpload(first: string, last: string) {
  const rest = gate();
  const state = { reads: 0, ended: false, returned: false };
  async function* input(): AsyncGenerator<Uint8Array> {
    try {
      state.reads += 1;
      yield encoder.encode(first);
      await rest.promise;
      state.reads += 1;
      yield encoder.encode(last);
      state.ended = true;
    } finally {
      state.returned = !state.ended;
    }
  }
  const env = environ({
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' },
    extra: { 'gateway.input': input() },
  });
  return { env, rest, state };
}

describe('PEP 3333 "URL Reconstruction": the Request URL from the environ', () => {
  test('the scheme, HTTP_HOST, the path and the query', async () => {
    const request = seen(environ({ target: '/a/b?x=1&y=%20' }));
    expect(request.url).toBe('http://127.0.0.1:8080/a/b?x=1&y=%20');
  });

  test('gateway.url_scheme https gives an https URL', async () => {
    const request = seen(environ({ scheme: 'https' }));
    expect(new URL(request.url).protocol).toBe('https:');
  });

  test('without HTTP_HOST: SERVER_NAME and SERVER_PORT', async () => {
    const env = environ({
      extra: { HTTP_HOST: undefined, SERVER_NAME: 'example.test', SERVER_PORT: '8443' },
    });
    expect(new URL(seen(env).url).host).toBe('example.test:8443');
  });

  test('without HTTP_HOST, a default port is left out of the URL (":80" for http)', async () => {
    const env = environ({
      extra: { HTTP_HOST: undefined, SERVER_NAME: 'example.test', SERVER_PORT: '80' },
    });
    expect(new URL(seen(env).url).host).toBe('example.test');
  });

  test('an empty HTTP_HOST counts as none: SERVER_NAME and SERVER_PORT', async () => {
    const env = environ({
      extra: { HTTP_HOST: '', SERVER_NAME: 'example.test', SERVER_PORT: '8443' },
    });
    expect(new URL(seen(env).url).host).toBe('example.test:8443');
  });

  test('HTTP_HOST wins over SERVER_NAME and SERVER_PORT', async () => {
    const env = environ({ headers: { Host: 'named.test:1234' } });
    expect(new URL(seen(env).url).host).toBe('named.test:1234');
  });

  test('RFC 3875 §4.1.13: the path is SCRIPT_NAME followed by PATH_INFO', async () => {
    const request = seen(environ({ scriptName: '/app', target: '/x/y' }));
    expect(new URL(request.url).pathname).toBe('/app/x/y');
  });

  test('RFC 3875 §4.1.5: PATH_INFO is decoded, so it is percent-encoded again', async () => {
    const request = seen(environ({ target: '/caf%C3%A9%20x' }));
    expect(new URL(request.url).pathname).toBe('/caf%C3%A9%20x');
  });

  test.each([
    ['%', '/100%25'],
    ['?', '/a%3Fb'],
    ['#', '/a%23b'],
  ])('a decoded "%s" in PATH_INFO stays part of the path', async (_, encoded) => {
    const path = decodeURIComponent(encoded);
    const url = new URL(seen(environ({ extra: { PATH_INFO: path } })).url);
    expect([url.pathname, url.search, url.hash]).toEqual([encoded, '', '']);
  });

  test('no QUERY_STRING: the URL has no "?"', async () => {
    const request = seen(environ({ target: '/a' }));
    expect(request.url.includes('?')).toBe(false);
  });
});

describe('RFC 3875 §4.1.18, backwards: the Request header fields and method', () => {
  test('HTTP_USER_AGENT is User-Agent, HTTP_X_REQUEST_ID is X-Request-Id', async () => {
    const request = seen(environ({ headers: { 'User-Agent': 'curl/8', 'X-Request-Id': 'r-1' } }));
    expect([request.headers.get('user-agent'), request.headers.get('x-request-id')]).toEqual([
      'curl/8',
      'r-1',
    ]);
  });

  test('RFC 3875 §4.1.2, §4.1.3: CONTENT_TYPE and CONTENT_LENGTH are Content-Type and Content-Length', async () => {
    const request = seen(
      environ({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: ['hello'] }),
    );
    expect([request.headers.get('content-type'), request.headers.get('content-length')]).toEqual([
      'text/plain',
      '5',
    ]);
  });

  test('an empty CONTENT_TYPE or CONTENT_LENGTH is no field at all', async () => {
    const request = seen(environ());
    expect([request.headers.has('content-type'), request.headers.has('content-length')]).toEqual([
      false,
      false,
    ]);
  });

  test('a key of the environ that is not HTTP_* is no field', async () => {
    const request = seen(environ({ extra: { HTTP_HOST: undefined } }));
    const names = [...request.headers.keys()];
    expect(names.filter((name) => /server|remote|gateway|query|path/i.test(name))).toEqual([]);
    expect(request.headers.has('host')).toBe(false);
  });

  test.each(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    'RFC 3875 §4.1.12: REQUEST_METHOD %s is the method',
    async (method) => {
      const env = environ({ method, body: method === 'GET' ? undefined : [] });
      expect(seen(env).method).toBe(method);
    },
  );
});

describe('the Request body: a ReadableStream over gateway.input', () => {
  test('a POST with a Content-Length: the handler reads the body', async () => {
    const request = requestOf(environ({ method: 'POST', body: ['hel', 'lo'] }));
    expect(await within(request.text(), 'the body never ended')).toBe('hello');
  });

  test('RFC 9112 §7.1: a chunked upload (no CONTENT_LENGTH, Transfer-Encoding) has a body', async () => {
    const request = requestOf(
      environ({
        method: 'POST',
        headers: { 'Transfer-Encoding': 'chunked' },
        extra: {
          'gateway.input': (async function* () {
            yield encoder.encode('abc');
          })(),
        },
      }),
    );
    expect(await within(request.text(), 'the body never ended')).toBe('abc');
  });

  test('RFC 9112 §6.3: a POST with neither Content-Length nor Transfer-Encoding has no body', async () => {
    expect(seen(environ({ method: 'POST' })).body).toBeNull();
  });

  test.each(['GET', 'HEAD'])('fetch forbids a body on %s: the Request has none', async (method) => {
    const env = environ({ method, headers: { 'Content-Length': '3' }, body: ['abc'] });
    expect(seen(env).body).toBeNull();
  });

  test('streamed: the handler reads the first chunk before the client sent the last', async () => {
    const { env, rest, state } = slowUpload('first ', 'last');
    const reader = (requestOf(env).body as ReadableStream<Uint8Array>).getReader();
    const first = await within(reader.read(), 'the first chunk never came out of the body');
    expect([text(first.value), state.ended]).toEqual(['first ', false]);
    rest.open();
  });

  test('nothing is read ahead: one read of the body takes one chunk of gateway.input', async () => {
    const { env, rest, state } = slowUpload('first ', 'last');
    rest.open();
    const reader = (requestOf(env).body as ReadableStream<Uint8Array>).getReader();
    await within(reader.read(), 'the first chunk never came out of the body');
    expect(state.reads).toBe(1);
  });

  test('a handler that cancels the body stops gateway.input (its return() runs)', async () => {
    const { env, state } = slowUpload('first ', 'last');
    const reader = (requestOf(env).body as ReadableStream<Uint8Array>).getReader();
    await within(reader.read(), 'the first chunk never came out of the body');
    await within(reader.cancel(), 'the cancel never finished');
    expect(state.returned).toBe(true);
  });

  test('an input whose iterator has no return() (it is optional) can be cancelled too', async () => {
    const input: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: encoder.encode('more') }),
      }),
    };
    const env = environ({
      method: 'PUT',
      headers: { 'Content-Length': '8' },
      extra: { 'gateway.input': input },
    });
    const reader = (requestOf(env).body as ReadableStream<Uint8Array>).getReader();
    await within(reader.read(), 'the first chunk never came out of the body');
    await expect(within(reader.cancel(), 'the cancel never finished')).resolves.toBeUndefined();
  });
});

describe("fetchApp: the handler is called with the environ's Request", () => {
  test('its method, URL, fields and body', async () => {
    const got = gate<[string, string, string | null, string]>();
    const env = environ({
      method: 'PUT',
      target: '/items/7?x=1',
      headers: { 'X-Trace': 't-1' },
      body: ['pay', 'load'],
    });
    await call(
      fetchApp(async (request) => {
        got.open([
          request.method,
          request.url,
          request.headers.get('x-trace'),
          await request.text(),
        ]);
        return new Response(null, { status: 204 });
      }),
      env,
    );
    expect(await got.promise).toEqual([
      'PUT',
      'http://127.0.0.1:8080/items/7?x=1',
      't-1',
      'payload',
    ]);
  });
});

describe('PEP 3333 start_response: the status and fields of the Response', () => {
  test("the Response's statusText is the reason phrase", async () => {
    const called = await call(
      fetchApp(() => new Response('x', { status: 201, statusText: 'Made' })),
    );
    expect(called.status).toBe('201 Made');
  });

  test.each([200, 201, 404, 405, 503])(
    "an empty statusText: kata 20's reason phrase for %d",
    async (status) => {
      const called = await call(fetchApp(() => new Response('x', { status })));
      expect(called.status).toBe(`${status} ${REASON_PHRASES[status]}`);
    },
  );

  test.each([
    [299, 'Successful'],
    [399, 'Redirection'],
    [499, 'Client Error'],
    [599, 'Server Error'],
  ])('RFC 9110 §15: a code with no phrase is named by its class: %d', async (status, reason) => {
    const called = await call(fetchApp(() => new Response('x', { status })));
    expect(called.status).toBe(`${status} ${reason}`);
  });

  test("the Response's fields are the app's fields", async () => {
    const called = await call(
      fetchApp(
        () => new Response('{}', { headers: { 'Content-Type': 'application/json', 'X-A': '1' } }),
      ),
    );
    expect([header(called, 'content-type'), header(called, 'x-a')]).toEqual([
      'application/json',
      '1',
    ]);
  });

  test('RFC 9110 §5.3: each Set-Cookie stays a field of its own, commas and all', async () => {
    const cookies = ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT', 'c=3'];
    const headers = new Headers();
    for (const cookie of cookies) headers.append('Set-Cookie', cookie);
    const called = await call(fetchApp(() => new Response('x', { headers })));
    const fields = called.headers.filter(([name]) => name.toLowerCase() === 'set-cookie');
    expect(fields.map(([, value]) => value)).toEqual(cookies);
  });

  test.each(['Connection', 'Keep-Alive', 'Proxy-Connection', 'TE', 'Transfer-Encoding', 'Upgrade'])(
    'RFC 9110 §7.6.1: the hop-by-hop %s is left to the server',
    async (name) => {
      const headers = new Headers({ [name]: 'x', 'X-Kept': 'yes' });
      const { chunks, calls } = started(() => new Response(null, { headers }));
      await within(chunks.next(), 'the app never gave its first chunk');
      const fields = calls[0]?.[1] ?? [];
      expect(fields.map(([field]) => field.toLowerCase())).toEqual(['x-kept']);
    },
  );
});

describe('RFC 9110 §7.6.1: a proxy handler that returns the upstream fetch() Response', () => {
  test("the upstream's Connection, Keep-Alive and Transfer-Encoding stay behind; the rest passes", async () => {
    const upstream = http.createServer((_request, response) => {
      response.setHeader('X-Upstream', 'yes');
      response.write('a');
      response.end('b');
    });
    const port = await listen(upstream);
    const called = await within(
      call(fetchApp(() => fetch(`http://127.0.0.1:${port}/`))),
      'the proxied response never ended',
    );
    const names = called.headers.map(([name]) => name.toLowerCase());
    expect(
      names.filter((name) => ['connection', 'keep-alive', 'transfer-encoding'].includes(name)),
    ).toEqual([]);
    expect([header(called, 'x-upstream'), called.text]).toEqual(['yes', 'ab']);
  });
});

describe('the Response body: streamed chunk by chunk', () => {
  test('each chunk of response.body is one chunk of the app, in order', async () => {
    const { body } = counted(['a', 'bb', 'ccc']);
    const called = await call(fetchApp(() => new Response(body)));
    expect(called.chunks.map(text)).toEqual(['a', 'bb', 'ccc']);
  });

  test('an async handler: the body after the promise', async () => {
    const called = await call(fetchApp(async () => new Response('later')));
    expect(called.text).toBe('later');
  });

  test('backpressure: response.body is read only as the server asks for chunks', async () => {
    const { body, state } = counted(['a', 'b', 'c', 'd', 'e']);
    const { chunks } = started(() => new Response(body));
    await within(chunks.next(), 'the app never gave its first chunk');
    expect(state.pulls).toBe(1);
  });

  test('a null body: no chunk at all', async () => {
    const called = await call(fetchApp(() => new Response(null, { status: 204 })));
    expect([called.status, called.chunks.length]).toEqual(['204 No Content', 0]);
  });

  test('RFC 9110 §9.3.2: HEAD: no body, the Content-Length kept, the body cancelled unread', async () => {
    const { body, state } = counted(['hello']);
    const called = await call(
      fetchApp(() => new Response(body, { headers: { 'Content-Length': '0' } })),
      environ({ method: 'HEAD' }),
    );
    expect([called.chunks.length, header(called, 'content-length')]).toEqual([0, '0']);
    expect([state.pulls, state.cancelled]).toEqual([0, true]);
  });

  test('a handler that throws: the app throws its error', async () => {
    const error = new Error('the handler failed');
    await expect(
      call(
        fetchApp(() => {
          throw error;
        }),
      ),
    ).rejects.toBe(error);
  });
});

describe('close() before the end: the client went away', () => {
  test("the Request's signal aborts", async () => {
    const got = gate<Request>();
    const { body } = counted(['a', 'b', 'c']);
    const { result, chunks } = started((request) => {
      got.open(request);
      return new Response(body);
    });
    await within(chunks.next(), 'the app never gave its first chunk');
    result.close?.();
    expect((await got.promise).signal.aborted).toBe(true);
  });

  test("the Response's body is cancelled", async () => {
    const { body, state } = counted(['a', 'b', 'c']);
    const { result, chunks } = started(() => new Response(body));
    await within(chunks.next(), 'the app never gave its first chunk');
    result.close?.();
    expect(state.cancelled).toBe(true);
  });

  test('a body whose cancel fails: close() still returns, nothing is thrown', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(encoder.encode('x')),
      cancel: () => Promise.reject(new Error('cancel failed')),
    });
    const { result, chunks } = started(() => new Response(body));
    await within(chunks.next(), 'the app never gave its first chunk');
    expect(() => result.close?.()).not.toThrow();
    // a rejection nobody caught would fail the run: let it surface now if there is one
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('after the whole body was sent, close() aborts nothing', async () => {
    const got = gate<Request>();
    const called = await call(
      fetchApp((request) => {
        got.open(request);
        return new Response('all of it');
      }),
    );
    expect([called.closes, (await got.promise).signal.aborted]).toEqual([1, false]);
  });

  test("requestOf: the signal given is the Request's signal", () => {
    const controller = new AbortController();
    const request = requestOf(environ(), controller.signal);
    controller.abort();
    expect(request.signal.aborted).toBe(true);
  });
});

/** Hono's own answer and ours, over the learner's server. */
async function bothWays(path: string, init?: RequestInit) {
  const app = honoApp();
  const port = await listen(serveFetch(app.fetch));
  const served = await within(
    fetch(`http://127.0.0.1:${port}${path}`, init),
    'fetch never got a response from the server',
  );
  const direct = await app.request(path, init);
  return { served, direct };
}

async function same(served: Response, direct: Response) {
  expect(served.status).toBe(direct.status);
  expect(served.headers.get('content-type')).toBe(direct.headers.get('content-type'));
  expect(await within(served.text(), 'the body never ended')).toBe(await direct.text());
}

describe("peer: an unmodified Hono app served by serveFetch(app.fetch), read with fetch; Hono's own app.request() says what to expect", () => {
  test('a route: GET / is c.text', async () => {
    const { served, direct } = await bothWays('/');
    await same(served, direct);
  });

  test('a route with a param and a query, c.json and c.header', async () => {
    const { served, direct } = await bothWays('/posts/42?page=3');
    expect(served.headers.get('x-message')).toBe(direct.headers.get('x-message'));
    await same(served, direct);
  });

  test('a param that was percent-encoded: Hono decodes it the same way', async () => {
    const { served, direct } = await bothWays('/posts/caf%C3%A9%20au%20lait');
    await same(served, direct);
  });

  test('POST c.req.json(): 201 and the JSON back', async () => {
    const init = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Hi', tags: ['a', 'b'] }),
    };
    const { served, direct } = await bothWays('/posts', init);
    await same(served, direct);
  });

  test('POST c.req.parseBody(): an urlencoded form', async () => {
    const { served, direct } = await bothWays('/form', {
      method: 'POST',
      body: new URLSearchParams({ name: 'Ada Lovelace', lang: 'en' }),
    });
    await same(served, direct);
  });

  test('POST c.req.parseBody(): multipart/form-data with a file', async () => {
    const form = () => {
      const data = new FormData();
      data.append('name', 'Ada');
      data.append('notes', new File(['first line\nsecond'], 'notes.txt', { type: 'text/plain' }));
      return data;
    };
    const app = honoApp();
    const port = await listen(serveFetch(app.fetch));
    const served = await within(
      fetch(`http://127.0.0.1:${port}/form`, { method: 'POST', body: form() }),
      'fetch never got a response',
    );
    await same(served, await app.request('/form', { method: 'POST', body: form() }));
  });

  test('several setCookie: getSetCookie() reads each, as Hono set them', async () => {
    const { served, direct } = await bothWays('/cookies');
    expect(served.headers.getSetCookie()).toEqual(direct.headers.getSetCookie());
    expect(served.headers.getSetCookie()).toHaveLength(COOKIES.length);
  });

  test('getCookie: the Cookie field the client sent', async () => {
    const init = { headers: { Cookie: 'a=1; b=two' } };
    const { served, direct } = await bothWays('/cookie-echo', init);
    await same(served, direct);
  });

  test("a path no route has: Hono's 404", async () => {
    const { served, direct } = await bothWays('/nowhere');
    await same(served, direct);
  });

  test('a 204 (c.body(null, 204)): no content', async () => {
    const { served, direct } = await bothWays('/missing-reason');
    expect([served.status, served.body]).toEqual([direct.status, null]);
  });

  test('HEAD: Hono answers as for GET, the server sends no content', async () => {
    const { served, direct } = await bothWays('/', { method: 'HEAD' });
    expect([served.status, served.headers.get('content-type')]).toEqual([
      direct.status,
      direct.headers.get('content-type'),
    ]);
    expect(await served.text()).toBe('');
  });

  test('hono/streaming streamText: the first line arrives before the stream has ended', async () => {
    const last = gate();
    const port = await listen(serveFetch(honoApp({ lastLine: last.promise }).fetch));
    const response = await within(fetch(`http://127.0.0.1:${port}/lines`), 'no response');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await within(reader.read(), 'the first line never arrived');
    expect(text(first.value)).toBe('Hello\n');
    last.open();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      rest += text(next.value);
    }
    expect(rest).toBe('Hono!\n');
  });

  test('the client goes away mid-stream: c.req.raw.signal aborts, and stream.onAbort runs', async () => {
    const first = gate();
    const signalled = gate();
    const streamAborted = gate();
    const app = honoApp({
      onFirstWrite: first.open,
      onSignalAbort: signalled.open,
      onStreamAbort: streamAborted.open,
    });
    const port = await listen(serveFetch(app.fetch));
    const client = new AbortController();
    const response = await within(
      fetch(`http://127.0.0.1:${port}/forever`, { signal: client.signal }),
      'no response',
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await within(reader.read(), 'the first tick never arrived');
    await within(first.promise, 'the handler never wrote');
    client.abort();
    await within(signalled.promise, "the handler's c.req.raw.signal never aborted");
    await within(streamAborted.promise, "Hono's stream.onAbort never ran");
  });
});

describe('peer: undici Pool and fetch over the learner server, whole exchanges', () => {
  test('RFC 9112 §9.3: three Hono answers in a row on one persistent connection', async () => {
    const app = honoApp();
    const server = serveFetch(app.fetch);
    let connections = 0;
    server.on('connection', () => {
      connections += 1;
    });
    const port = await listen(server);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
    try {
      for (const path of ['/', '/posts/1?page=2', '/cookie-echo']) {
        const reply = await within(
          pool.request({ path, method: 'GET' }),
          `the pool got no answer for ${path}`,
        );
        const body = await within(reply.body.text(), `the body of ${path} never ended`);
        expect([reply.statusCode, body]).toEqual([200, await (await app.request(path)).text()]);
      }
      expect(connections).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test('a handler that throws: kata 34 answers 500 with its text, nothing of the error', async () => {
    const port = await listen(
      serveFetch(() => {
        throw new Error('secret stack detail');
      }),
    );
    const response = await within(fetch(`http://127.0.0.1:${port}/`), 'fetch never got a 500');
    expect([response.status, await response.text()]).toEqual([500, INTERNAL_ERROR_TEXT]);
  });
});

describe('streaming both ways, with fetch: the answer starts before the upload ends', () => {
  test('a stream body (duplex "half"): each chunk comes back upper-cased before the next is sent', async () => {
    const port = await listen(serveFetch(honoApp().fetch));
    let upload: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        upload = controller;
      },
    });
    upload?.enqueue(encoder.encode('hello '));
    const response = await within(
      fetch(`http://127.0.0.1:${port}/upper`, { method: 'POST', body, duplex: 'half' }),
      'fetch got no response while its upload was still open',
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await within(reader.read(), 'the first chunk never came back');
    expect(text(first.value)).toBe('HELLO ');
    upload?.enqueue(encoder.encode('world'));
    const second = await within(reader.read(), 'the second chunk never came back');
    expect(text(second.value)).toBe('WORLD');
    upload?.close();
    const end = await within(reader.read(), 'the response never ended after the upload did');
    expect(end.done).toBe(true);
  });
});

describe('streaming both ways, with node:http: the answer starts before the upload ends', () => {
  test('each chunk sent comes back upper-cased before the next is sent', async () => {
    const port = await listen(serveFetch(honoApp().fetch));
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/upper',
      agent: false,
      headers: { 'Content-Type': 'text/plain' },
    });
    request.on('error', () => {});
    const response = within(
      new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve)),
      'the response never started while the upload was open',
    );
    const nextData = (reply: http.IncomingMessage) =>
      within(
        new Promise<string>((resolve) =>
          reply.once('data', (piece: Buffer) => resolve(`${piece}`)),
        ),
        'the echo of a chunk never came back before the next was sent',
      );
    request.write('hello ');
    const reply = await response;
    expect(await nextData(reply)).toBe('HELLO ');
    request.write('world');
    expect(await nextData(reply)).toBe('WORLD');
    request.end();
    await within(
      new Promise((resolve) => reply.once('end', resolve).resume()),
      'the response never ended after the upload did',
    );
  });
});

describe('peer: curl, the Set-Cookie fields on the wire', () => {
  test.skipIf(!HAS_CURL)(
    withCurl('curl -i shows one Set-Cookie line per cookie Hono set'),
    async () => {
      const app = honoApp();
      const port = await listen(serveFetch(app.fetch));
      const out = await curl(['-sS', '-i', `http://127.0.0.1:${port}/cookies`]);
      const lines = out.split('\r\n').filter((line) => /^set-cookie:/i.test(line));
      const expected = (await app.request('/cookies')).headers.getSetCookie();
      expect(lines.map((line) => line.replace(/^set-cookie:\s*/i, ''))).toEqual(expected);
    },
  );
});
