import { Pool } from 'undici';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import { curl, HAS_CURL, nodeRequest, withCurl } from '../27-hello-server/fixtures/clients.ts';
import {
  call as callApp,
  environ,
  header,
  type RequestShape,
} from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import {
  DEFAULT_CONTENT_TYPE,
  HttpError,
  METHODS,
  type Reply,
  type Route,
  routeParams,
  router,
  UNKNOWN_REASON,
} from './routing.ts';

/** Kata 33's fixture plays the server; a router that never finishes its answer fails fast. */
const call = (app: App, env: Environ) =>
  within(callApp(app, env), 'the app never finished its response (startResponse, then the body)');

const encoder = new TextEncoder();

/** Calls the router of `routes` with a request described as kata 33's fixture takes it. */
const ask = (routes: readonly Route[], request: RequestShape = {}) =>
  call(router(routes), environ(request));

/** The routeParams the GET handler of `pattern` sees for this request. */
async function paramsSeen(pattern: string, request: RequestShape) {
  let params: Readonly<Record<string, string>> = {};
  const resource = {
    GET: (env: Environ) => {
      params = routeParams(env);
      return '';
    },
  };
  await ask([[pattern, resource]], request);
  return params;
}

/** A resource whose GET answers the arguments it got, joined with `|`. */
const echoArgs = {
  GET: (_environ: Environ, ...args: string[]) => args.join('|'),
};

/** An app (`call`) that keeps the environs it was called with and answers `mounted`. */
function recorder() {
  const record = { environs: [] as Environ[], closes: 0, call: undefined as unknown as App };
  record.call = (env, startResponse) => {
    record.environs.push(env);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return Object.assign([encoder.encode('mounted')], {
      close: () => {
        record.closes += 1;
      },
    });
  };
  return record;
}

describe('web.py: each pattern is a regular expression anchored at both ends, the first match wins', () => {
  test('the path that matches a pattern gets its resource', async () => {
    const response = await ask([['/hello', { GET: () => 'hi' }]], { target: '/hello' });
    expect([response.status, response.text]).toEqual(['200 OK', 'hi']);
  });

  test('anchored at the start: /b does not match /a/b', async () => {
    const response = await ask([['/b', { GET: () => 'b' }]], { target: '/a/b' });
    expect(response.code).toBe(404);
  });

  test('anchored at the end: /a does not match /a/b', async () => {
    const response = await ask([['/a', { GET: () => 'a' }]], { target: '/a/b' });
    expect(response.code).toBe(404);
  });

  test('the anchors hold the whole pattern: /a|/b matches neither /ax nor /xb', async () => {
    const routes: Route[] = [['/a|/b', { GET: () => 'ab' }]];
    const answers = await Promise.all(
      ['/ax', '/xb', '/b'].map((target) => ask(routes, { target })),
    );
    expect(answers.map((response) => response.code)).toEqual([404, 404, 200]);
  });

  test('of two patterns that match, the first in the table wins', async () => {
    const routes: Route[] = [
      ['/x/([a-z]+)', { GET: () => 'first' }],
      ['/x/(.+)', { GET: () => 'second' }],
    ];
    expect((await ask(routes, { target: '/x/abc' })).text).toBe('first');
    expect((await ask(routes, { target: '/x/123' })).text).toBe('second');
  });

  test('RFC 9110 §15.5.5: no pattern matches: 404 Not Found, its reason as text/plain', async () => {
    const response = await ask([['/a', { GET: () => 'a' }]], { target: '/nowhere' });
    expect(response.status).toBe(`404 ${REASON_PHRASES[404]}`);
    expect(response.text).toBe(REASON_PHRASES[404]);
    expect(header(response, 'content-type')).toBe(DEFAULT_CONTENT_TYPE);
  });

  test('an empty table answers every path with 404', async () => {
    expect((await ask([], { target: '/' })).code).toBe(404);
  });

  test('a pattern that is not a regular expression is refused when the table is built', () => {
    router([['/(closed)', { GET: () => '' }]]);
    expect(() => router([['/(unclosed', { GET: () => '' }]])).toThrow(SyntaxError);
  });

  test('the u flag: . is one code point, so /(.) matches a path of one emoji', async () => {
    const response = await ask([['/(.)', echoArgs]], { target: `/${encodeURIComponent('😀')}` });
    expect(response.text).toBe('😀');
  });

  test('the s flag: . is any character, an encoded line break too', async () => {
    const response = await ask([['/(.+)', echoArgs]], { target: '/a%0Ab' });
    expect(response.text).toBe('a\nb');
  });

  test('the query is not part of the path the patterns see', async () => {
    const response = await ask([['/a', { GET: () => 'a' }]], { target: '/a?next=/b' });
    expect(response.text).toBe('a');
  });
});

describe("web.py: the groups are the handler's arguments, each decoded once, after the split (RFC 3986 §2.2, §2.4)", () => {
  test('the groups come in order, a named group numbered like the others', async () => {
    const response = await ask([['/(?<first>[^/]+)/([^/]+)', echoArgs]], { target: '/x/y' });
    expect(response.text).toBe('x|y');
  });

  test('the named groups are also in routeParams(environ), decoded', async () => {
    const params = await paramsSeen('/users/(?<user>[^/]+)/(\\d+)', {
      target: '/users/J%C3%BCrgen/7',
    });
    expect(params).toEqual({ user: 'Jürgen' });
  });

  test('routeParams of an environ no router has seen is empty', () => {
    expect(routeParams(environ())).toEqual({});
  });

  test('the handler gets a copy of the environ: the one the server gave is left as it was', async () => {
    const given = environ({ target: '/u/ada' });
    let seen: Environ | undefined;
    const app = router([
      [
        '/u/(?<name>[a-z]+)',
        {
          GET: (env) => {
            seen = env;
            return '';
          },
        },
      ],
    ]);
    await call(app, given);
    expect(routeParams(seen as Environ)).toEqual({ name: 'ada' });
    expect(routeParams(given)).toEqual({});
  });

  test('/files/a%2Fb matches /files/([^/]+): an encoded slash is data, and the argument is a/b', async () => {
    const response = await ask([['/files/([^/]+)', echoArgs]], { target: '/files/a%2Fb' });
    expect([response.code, response.text]).toEqual([200, 'a/b']);
  });

  test('/files/a/b does not match /files/([^/]+): a real slash splits', async () => {
    const response = await ask([['/files/([^/]+)', echoArgs]], { target: '/files/a/b' });
    expect(response.code).toBe(404);
  });

  test('decoded once: %2541 is the three characters %41, not A', async () => {
    const response = await ask([['/p/(.+)', echoArgs]], { target: '/p/%2541' });
    expect(response.text).toBe('%41');
  });

  test('every escape but %2F and %25 is decoded, after an encoded slash too', async () => {
    const response = await ask([['/d/([^/]+)/café', echoArgs]], { target: '/d/a%2Fb/caf%C3%A9' });
    expect([response.code, response.text]).toEqual([200, 'a/b']);
  });

  test('the query is cut off before the path is matched, and an encoded slash stays data', async () => {
    const response = await ask([['/files/([^/]+)', echoArgs]], {
      target: '/files/a%2Fb?x=1&y=%2F',
    });
    expect([response.code, response.text]).toEqual([200, 'a/b']);
  });

  test('a lower-case %2f is an encoded slash too', async () => {
    const response = await ask([['/files/([^/]+)', echoArgs]], { target: '/files/a%2fb' });
    expect(response.text).toBe('a/b');
  });

  test('RFC 3986 §6.2.2.2: an encoded letter matches the letter, /%61bc matches /abc', async () => {
    const response = await ask([['/abc', { GET: () => 'abc' }]], { target: '/%61bc' });
    expect(response.text).toBe('abc');
  });

  test('a pattern written with é matches the path as a browser sends it, /caf%C3%A9', async () => {
    const response = await ask([['/café', { GET: () => 'coffee' }]], { target: '/caf%C3%A9' });
    expect(response.text).toBe('coffee');
  });

  test('an optional group that took no part is an empty argument', async () => {
    const response = await ask([['/a(/b)?/(c)', echoArgs]], { target: '/a/c' });
    expect(response.text).toBe('|c');
  });

  test('an optional named group that took no part is empty in routeParams too', async () => {
    expect(await paramsSeen('/a(?<b>/b)?', { target: '/a' })).toEqual({ b: '' });
  });

  test('mounted at a SCRIPT_NAME by the server, the router sees the raw path after it', async () => {
    const response = await ask([['/([^/]+)', echoArgs]], {
      scriptName: '/app',
      target: '/a%2Fb',
    });
    expect([response.code, response.text]).toEqual([200, 'a/b']);
  });

  test('without REQUEST_URI (a server that does not set it), PATH_INFO is the path, its % a %', async () => {
    const response = await ask([['/(.+)', echoArgs]], {
      target: '/50%25',
      extra: { REQUEST_URI: undefined },
    });
    expect(response.text).toBe('50%');
  });

  test('a REQUEST_URI that disagrees with PATH_INFO (rewritten by a middleware) yields to PATH_INFO', async () => {
    const response = await ask(
      [
        ['/old', { GET: () => 'old' }],
        ['/new', { GET: () => 'new' }],
      ],
      { target: '/old', extra: { PATH_INFO: '/new' } },
    );
    expect(response.text).toBe('new');
  });

  test("a REQUEST_URI that disagrees with SCRIPT_NAME is not trusted: PATH_INFO's slashes decide", async () => {
    const routes: Route[] = [
      ['/([^/]+)', { GET: () => 'one segment' }],
      ['/([^/]+)/([^/]+)', { GET: () => 'two segments' }],
    ];
    const response = await ask(routes, { target: '/a%2Fb', extra: { SCRIPT_NAME: '/elsewhere' } });
    expect(response.text).toBe('two segments');
  });
});

describe('RFC 9110 §9.1, §15.5.6: a handler per method; 405 with Allow; 501 for a method not known', () => {
  const resource = {
    GET: () => 'got',
    POST: () => 'posted',
    DELETE: () => 'deleted',
  };

  test.each(['GET', 'POST', 'DELETE'] as const)(
    '%s goes to the handler of that name',
    async (method) => {
      const response = await ask([['/r', resource]], { method, target: '/r' });
      expect(response.text).toBe(resource[method]());
    },
  );

  test("a method the resource lacks: 405, and Allow lists its methods in METHODS' order, HEAD with GET", async () => {
    const response = await ask([['/r', resource]], { method: 'PUT', target: '/r' });
    expect(response.status).toBe(`405 ${REASON_PHRASES[405]}`);
    expect(header(response, 'allow')).toBe('GET, HEAD, POST, DELETE');
    expect(response.text).toBe(REASON_PHRASES[405]);
  });

  test('a resource without GET: HEAD is not allowed, and Allow does not list it', async () => {
    const response = await ask([['/r', { POST: () => '', OPTIONS: () => '' }]], {
      method: 'HEAD',
      target: '/r',
    });
    expect([response.code, header(response, 'allow')]).toEqual([405, 'POST, OPTIONS']);
  });

  test('every method of METHODS is routed to its handler', async () => {
    const all = Object.fromEntries(METHODS.map((method) => [method, () => method]));
    for (const method of METHODS) {
      const response = await ask([['/', all]], { method, target: '/' });
      expect(response.code, method).toBe(200);
    }
  });

  test.each(['FOO', 'get', 'CONNECT', 'constructor'])(
    'a method outside METHODS (%s; methods are case-sensitive) is 501 Not Implemented',
    async (method) => {
      const response = await ask([['/r', resource]], { method, target: '/r' });
      expect([response.status, header(response, 'allow')]).toEqual([
        `501 ${REASON_PHRASES[501]}`,
        undefined,
      ]);
    },
  );

  test('the first pattern that matches decides, even when a later one has the method: 405', async () => {
    const routes: Route[] = [
      ['/r', { GET: () => 'get' }],
      ['/r', { POST: () => 'post' }],
    ];
    const response = await ask(routes, { method: 'POST', target: '/r' });
    expect([response.code, header(response, 'allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe("RFC 9110 §9.3.2: HEAD is GET without content, and keeps the GET's Content-Length", () => {
  const resource = { GET: () => 'héllo, world' };

  test("HEAD without a handler of its own: the GET's status and fields, no body", async () => {
    const get = await ask([['/h', resource]], { target: '/h' });
    const head = await ask([['/h', resource]], { method: 'HEAD', target: '/h' });
    expect([head.status, head.headers]).toEqual([get.status, get.headers]);
    expect(head.body.byteLength).toBe(0);
    expect(header(head, 'content-length')).toBe(String(encoder.encode(resource.GET()).length));
  });

  test("a resource's own HEAD handler answers HEAD", async () => {
    const response = await ask([['/h', { GET: () => 'get', HEAD: () => ({ status: 202 }) }]], {
      method: 'HEAD',
      target: '/h',
    });
    expect(response.code).toBe(202);
  });

  test("HEAD of a path no pattern matches: the 404's fields, no body", async () => {
    const response = await ask([], { method: 'HEAD', target: '/none' });
    expect(response.code).toBe(404);
    expect(header(response, 'content-length')).toBe(String(REASON_PHRASES[404]?.length));
    expect(response.body.byteLength).toBe(0);
  });
});

describe('the reply: a string, bytes, or { status, headers, body }; the router frames it', () => {
  const reply = (value: Reply, request: RequestShape = {}) =>
    ask([['/', { GET: () => value, POST: () => value }]], { target: '/', ...request });

  test('a string is a 200, UTF-8, text/plain with its Content-Length in octets', async () => {
    const response = await reply('naïve ☃');
    expect(response.status).toBe(`200 ${REASON_PHRASES[200]}`);
    expect(response.body).toEqual(encoder.encode('naïve ☃'));
    expect(header(response, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(header(response, 'content-length')).toBe(String(encoder.encode('naïve ☃').length));
  });

  test('bytes are sent as they are', async () => {
    const bytes = new Uint8Array([0, 255, 13, 10]);
    const response = await reply(bytes);
    expect([response.body, header(response, 'content-length')]).toEqual([bytes, '4']);
  });

  test('a status with its reason phrase (RFC 9110 §15)', async () => {
    const response = await reply({ status: 201, body: 'made' });
    expect(response.status).toBe(`201 ${REASON_PHRASES[201]}`);
  });

  test('a status RFC 9110 names no reason for gets UNKNOWN_REASON', async () => {
    const response = await reply({ status: 299 });
    expect(response.status).toBe(`299 ${UNKNOWN_REASON}`);
  });

  test('a reply without status or body is a 200 with an empty body', async () => {
    const response = await reply({ headers: [['X-Note', 'n']] });
    expect([response.code, response.text, header(response, 'content-length')]).toEqual([
      200,
      '',
      '0',
    ]);
    expect(header(response, 'x-note')).toBe('n');
  });

  test('a reply that sets its Content-Type (any case) gets no second one', async () => {
    const response = await reply({ headers: [['content-TYPE', 'application/json']], body: '{}' });
    expect(response.headers.filter(([name]) => /^content-type$/i.test(name))).toEqual([
      ['content-TYPE', 'application/json'],
    ]);
  });

  test('a reply that sets its Content-Length gets no second one', async () => {
    const response = await reply({ headers: [['Content-Length', '2']], body: 'ok' });
    expect(response.headers.filter(([name]) => /^content-length$/i.test(name))).toHaveLength(1);
  });

  test('RFC 9110 §15.3.5, §8.6: a 204 has no content, no Content-Length and no Content-Type', async () => {
    const response = await reply({ status: 204, body: 'ignored' });
    expect([response.code, response.body.byteLength]).toEqual([204, 0]);
    expect([header(response, 'content-length'), header(response, 'content-type')]).toEqual([
      undefined,
      undefined,
    ]);
  });

  test('RFC 9110 §15.4.5: a 304 has no content, and no Content-Length of an empty one', async () => {
    const response = await reply({ status: 304, headers: [['ETag', '"v1"']], body: 'ignored' });
    expect([response.code, response.body.byteLength]).toEqual([304, 0]);
    expect([header(response, 'content-length'), header(response, 'content-type')]).toEqual([
      undefined,
      undefined,
    ]);
  });

  test('a handler may answer later: a promise of a reply', async () => {
    const response = await ask([['/', { GET: async () => ({ status: 202, body: 'later' }) }]]);
    expect([response.code, response.text]).toEqual([202, 'later']);
  });
});

describe("HttpError: a handler's error with a status is answered; any other error goes on", () => {
  test('thrown: its status, its message as text/plain, its headers kept', async () => {
    const error = new HttpError(401, 'Who are you?', [['WWW-Authenticate', 'Basic realm="x"']]);
    const response = await ask([
      [
        '/',
        {
          GET: () => {
            throw error;
          },
        },
      ],
    ]);
    expect([response.status, response.text]).toEqual([
      `401 ${REASON_PHRASES[401]}`,
      'Who are you?',
    ]);
    expect(header(response, 'www-authenticate')).toBe('Basic realm="x"');
    expect(header(response, 'content-type')).toBe(DEFAULT_CONTENT_TYPE);
    expect(header(response, 'content-length')).toBe(String('Who are you?'.length));
  });

  test('rejected by an async handler: the same answer', async () => {
    const response = await ask([
      [
        '/',
        {
          // handled once already, so that a router that never awaits it fails this spec
          // alone rather than the whole run with an unhandled rejection
          GET: () => {
            const rejected = Promise.reject(new HttpError(409));
            rejected.catch(() => {});
            return rejected;
          },
        },
      ],
    ]);
    expect([response.code, response.text]).toEqual([409, REASON_PHRASES[409]]);
  });

  test("an error that is not an HttpError is not the router's: it reaches the server", async () => {
    const boom = new Error('boom');
    const routes: Route[] = [
      [
        '/',
        {
          GET: () => {
            throw boom;
          },
        },
      ],
    ];
    await expect(ask(routes)).rejects.toBe(boom);
  });
});

describe('PEP 3333 (SCRIPT_NAME, PATH_INFO): an app in the table is mounted on the prefix its pattern matches', () => {
  test('the prefix moves from PATH_INFO to SCRIPT_NAME', async () => {
    const app = recorder();
    const response = await ask([['/api', app.call]], { target: '/api/users/7' });
    expect(response.text).toBe('mounted');
    expect([app.environs[0]?.SCRIPT_NAME, app.environs[0]?.PATH_INFO]).toEqual([
      '/api',
      '/users/7',
    ]);
  });

  test('the prefix ends at a segment boundary: /api does not take /apis', async () => {
    const app = recorder();
    const response = await ask([['/api', app.call]], { target: '/apis' });
    expect([response.code, app.environs.length]).toEqual([404, 0]);
  });

  test('the whole path as prefix leaves PATH_INFO empty', async () => {
    const app = recorder();
    await ask([['/api', app.call]], { target: '/api' });
    expect([app.environs[0]?.SCRIPT_NAME, app.environs[0]?.PATH_INFO]).toEqual(['/api', '']);
  });

  test('under a SCRIPT_NAME of the server, the prefix is added after it', async () => {
    const app = recorder();
    await ask([['/v1', app.call]], { scriptName: '/site', target: '/v1/x' });
    expect([app.environs[0]?.SCRIPT_NAME, app.environs[0]?.PATH_INFO]).toEqual(['/site/v1', '/x']);
  });

  test('SCRIPT_NAME gets the prefix decoded, as PEP 3333 wants it', async () => {
    const app = recorder();
    await ask([['/café', app.call]], { target: '/caf%C3%A9/x%20y' });
    expect([app.environs[0]?.SCRIPT_NAME, app.environs[0]?.PATH_INFO]).toEqual(['/café', '/x y']);
  });

  test('a mounted app answers every method itself, even one outside METHODS', async () => {
    const app = recorder();
    const response = await ask([['/dav', app.call]], { method: 'PROPFIND', target: '/dav/a' });
    expect([response.code, app.environs[0]?.REQUEST_METHOD]).toEqual([200, 'PROPFIND']);
  });

  test("the mounted app's result is the router's: its close() is called once", async () => {
    const app = recorder();
    const response = await ask([['/m', app.call]], { target: '/m/' });
    expect([response.closes, app.closes]).toEqual([1, 1]);
  });

  test('a router mounted in a router: the inner one matches the raw path after the prefix', async () => {
    const inner = router([['/files/([^/]+)', echoArgs]]);
    const response = await ask([['/v1', inner]], { target: '/v1/files/a%2Fb' });
    expect(response.text).toBe('a/b');
  });

  test('routeParams holds the named groups of the mount and of the route, the inner winning', async () => {
    let params: Readonly<Record<string, string>> = {};
    const inner = router([
      [
        '/posts/(?<post>\\d+)/(?<tag>[a-z]+)',
        {
          GET: (env, ...args) => {
            params = routeParams(env);
            return args.join('|');
          },
        },
      ],
    ]);
    const response = await ask([['/users/(?<user>[^/]+)/(?<tag>[a-z]+)', inner]], {
      target: '/users/ada%20l/x/posts/12/y',
    });
    expect(response.text).toBe('12|y');
    expect(params).toEqual({ user: 'ada l', tag: 'y', post: '12' });
  });

  test('the mount sees the path as the resources do: /m%2Fx is one segment, not /m then /x', async () => {
    const app = recorder();
    const response = await ask([['/m', app.call]], { target: '/m%2Fx' });
    expect([response.code, app.environs.length]).toEqual([404, 0]);
  });
});

describe("peers: fetch, node:http, undici and curl, through kata 34's server", () => {
  const table: Route[] = [
    ['/files/(?<name>[^/]+)', { GET: (_env, name) => `file ${name}\n` }],
    ['/items', { GET: () => 'list\n', POST: () => ({ status: 201, body: 'made\n' }) }],
  ];
  const serving = () => listen(serveGateway(router(table)));

  test('fetch: /files/a%2Fb is one file named a/b (REQUEST_URI through the real server)', async () => {
    const port = await serving();
    const response = await within(fetch(`http://127.0.0.1:${port}/files/a%2Fb`), 'no response');
    expect(await within(response.text(), 'the body never ended')).toBe('file a/b\n');
  });

  test('fetch: a DELETE gets 405 and the Allow header', async () => {
    const port = await serving();
    const response = await within(
      fetch(`http://127.0.0.1:${port}/items`, { method: 'DELETE' }),
      'no response',
    );
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
    await response.arrayBuffer();
  });

  test("node:http: HEAD has the GET's Content-Length and no body", async () => {
    const port = await serving();
    const get = await nodeRequest(port, { path: '/items' });
    const head = await nodeRequest(port, { method: 'HEAD', path: '/items' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.body.length).toBe(0);
  });

  test('undici Pool: GET, POST, an unknown path and HEAD on one connection, each framed right', async () => {
    const port = await serving();
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
    try {
      const answers: [number, string][] = [];
      for (const [method, path] of [
        ['GET', '/items'],
        ['HEAD', '/items'],
        ['POST', '/items'],
        ['GET', '/missing'],
        ['GET', '/files/x'],
      ] as const) {
        const response = await within(pool.request({ method, path }), `no answer to ${method}`);
        answers.push([response.statusCode, await response.body.text()]);
      }
      expect(answers).toEqual([
        [200, 'list\n'],
        [200, ''],
        [201, 'made\n'],
        [404, REASON_PHRASES[404]],
        [200, 'file x\n'],
      ]);
    } finally {
      await pool.close();
    }
  });

  test.skipIf(!HAS_CURL)(withCurl('curl -X PUT sees 405 and Allow'), async () => {
    const port = await serving();
    const output = await curl(['-i', '-X', 'PUT', `http://127.0.0.1:${port}/items`]);
    expect(output).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r$/m);
    expect(output).toMatch(/^Allow: GET, HEAD, POST\r$/m);
  });
});
