import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { METHOD_NOT_ALLOWED_TEXT } from '../28-serve-static-files/static-files.ts';
import { call, environ, header, type RequestShape } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { compress } from './compress.ts';
import { bridge } from './fixtures/bridge.ts';
import { callHead } from './fixtures/head.ts';
import { makeTree, type Tree } from './fixtures/tree.ts';
import {
  compose,
  ERROR_PAGE,
  ERROR_STATUS,
  errors,
  logger,
  type Middleware,
  NO_STATUS,
  staticFiles,
} from './middleware.ts';

const encoder = new TextEncoder();
const LONG = 'To be, or not to be, that is the question.\n'.repeat(60);

/** An app that answers `text`, 200, text/plain with its Content-Length. */
const hello =
  (text = 'hello\n'): App =>
  (_environ, startResponse) => {
    const body = encoder.encode(text);
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(body.length)],
    ]);
    return [body];
  };

/** A middleware that notes when the request passes it, and when the response does. */
const traced =
  (name: string, trace: string[]): Middleware =>
  (app) =>
  (env, startResponse) => {
    trace.push(`${name} request`);
    return app(env, (status, headers, excInfo) => {
      trace.push(`${name} response`);
      return startResponse(status, [...headers, ['X-Trace', name]], excInfo);
    });
  };

describe('PEP 3333 "Middleware: Components that Play Both Sides": compose(a, b)(app) is a(b(app))', () => {
  test('the first listed sees the request first and the response last', async () => {
    const trace: string[] = [];
    const app: App = (env, startResponse) => {
      trace.push('app');
      return hello()(env, startResponse);
    };
    const response = await call(compose(traced('a', trace), traced('b', trace))(app), environ());
    expect(trace).toEqual(['a request', 'b request', 'app', 'b response', 'a response']);
    expect(response.headers.filter(([name]) => name === 'X-Trace')).toEqual([
      ['X-Trace', 'b'],
      ['X-Trace', 'a'],
    ]);
  });
  test('three deep, in the order listed', async () => {
    const trace: string[] = [];
    const names = ['one', 'two', 'three'];
    await call(compose(...names.map((name) => traced(name, trace)))(hello()), environ());
    expect(trace).toEqual([
      'one request',
      'two request',
      'three request',
      'three response',
      'two response',
      'one response',
    ]);
  });
  test('compose() with nothing is the app itself', () => {
    const app = hello();
    expect(compose()(app)).toBe(app);
  });
  test('a composition composes: compose(a, compose(b, c)) is compose(a, b, c)', async () => {
    const left: string[] = [];
    const right: string[] = [];
    await call(
      compose(traced('a', left), compose(traced('b', left), traced('c', left)))(hello()),
      environ(),
    );
    await call(
      compose(traced('a', right), traced('b', right), traced('c', right))(hello()),
      environ(),
    );
    expect(left).toEqual(right);
  });
});

describe('errors(): an app that fails gets a 500 page, and the client no stack trace (RFC 9110 §15.6.1)', () => {
  const failure = new Error('database password is hunter2');
  const throwsAtOnce: App = () => {
    throw failure;
  };
  test('an app that throws when called: 500 with ERROR_PAGE', async () => {
    const response = await call(errors()(throwsAtOnce), environ());
    expect(response.status).toBe(ERROR_STATUS);
    expect(response.status).toBe('500 Internal Server Error');
    expect(response.text).toBe(ERROR_PAGE);
    expect(response.text).toMatch(/Internal Server Error/);
    expect(header(response, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(header(response, 'content-length')).toBe(String(encoder.encode(ERROR_PAGE).length));
  });
  test('the page names neither the error nor a file', async () => {
    const response = await call(errors()(throwsAtOnce), environ());
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('.ts');
  });
  test('the error and its stack go to gateway.errors', async () => {
    const response = await call(errors()(throwsAtOnce), environ());
    expect(response.errors).toContain('database password is hunter2');
    expect(response.errors).toContain(String(failure.stack).split('\n')[1]?.trim());
  });
  test('a thrown value that is not an Error is logged too', async () => {
    const app: App = () => {
      throw 'just a string';
    };
    const response = await call(errors()(app), environ());
    expect(response.status).toBe(ERROR_STATUS);
    expect(response.errors).toContain('just a string');
  });
  test('PEP 3333 exc_info: an app that started 200 and failed before its first octet gets 500', async () => {
    const app: App = (_env, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      return (async function* () {
        yield new Uint8Array(0);
        throw failure;
      })();
    };
    const response = await call(errors()(app), environ());
    expect(response.status).toBe(ERROR_STATUS);
    expect(response.text).toBe(ERROR_PAGE);
    expect(header(response, 'content-type')).toBe('text/plain; charset=utf-8');
  });
  test('an error after the first octet goes on to the server: no status is left to change', async () => {
    const app: App = (_env, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        yield encoder.encode('half a page');
        throw failure;
      })();
    };
    await expect(call(errors()(app), environ())).rejects.toBe(failure);
  });
  test('an app that does not fail passes through untouched', async () => {
    const response = await call(errors()(hello('fine\n')), environ());
    expect(response.status).toBe('200 OK');
    expect(response.text).toBe('fine\n');
    expect(response.errors).toBe('');
  });
  test("close() reaches the wrapped app's result", async () => {
    let closes = 0;
    const app: App = (env, startResponse) =>
      Object.assign(hello()(env, startResponse) as Uint8Array[], {
        close: () => {
          closes += 1;
        },
      });
    await call(errors()(app), environ());
    expect(closes).toBe(1);
  });
});

describe('logger(): one line per request, once its body is done', () => {
  /** A clock that says 1000, then 1042.4, … */
  const clock = (...times: number[]) => {
    let i = 0;
    return () => times[Math.min(i++, times.length - 1)] ?? 0;
  };
  const logged = async (
    middleware: (write: (line: string) => void) => Middleware,
    app: App,
    request: RequestShape = {},
  ) => {
    const lines: string[] = [];
    const response = await call(middleware((line) => lines.push(line))(app), environ(request));
    return { lines, response };
  };
  test('METHOD PATH STATUS BYTES DURATIONms', async () => {
    const { lines } = await logged(
      (write) => logger({ write, now: clock(1000, 1042.4) }),
      hello('hello\n'),
      { method: 'POST', target: '/items' },
    );
    expect(lines).toEqual(['POST /items 200 6 42ms\n']);
  });
  test('the path is SCRIPT_NAME + PATH_INFO, and the query follows a "?"', async () => {
    const { lines } = await logged((write) => logger({ write, now: clock(0, 0) }), hello(''), {
      target: '/b/c?x=1&y=2',
      scriptName: '/a',
    });
    expect(lines).toEqual(['GET /a/b/c?x=1&y=2 200 0 0ms\n']);
  });
  test('the status is the one the app settled on, and the bytes are every chunk, write() included', async () => {
    const app: App = (_env, startResponse) => {
      const write = startResponse('404 Not Found', []);
      write(encoder.encode('abc'));
      return [encoder.encode('de'), new Uint8Array(0), encoder.encode('f')];
    };
    const { lines } = await logged((write) => logger({ write, now: clock(5, 6) }), app);
    expect(lines).toEqual(['GET / 404 6 1ms\n']);
  });
  test("without a clock, the duration is performance.now()'s, in whole milliseconds", async () => {
    const response = await call(logger()(hello('hi')), environ({ target: '/x' }));
    expect(response.errors).toMatch(/^GET \/x 200 2 \d+ms\n$/);
  });
  test('by default the line goes to gateway.errors', async () => {
    const response = await call(
      logger({ now: clock(0, 3) })(hello('hi')),
      environ({ target: '/x' }),
    );
    expect(response.errors).toBe('GET /x 200 2 3ms\n');
  });
  test(`an app that throws: logged with status "${NO_STATUS}", and the error goes on`, async () => {
    const failure = new Error('boom');
    const lines: string[] = [];
    const app: App = () => {
      throw failure;
    };
    const logged = logger({ write: (line) => lines.push(line), now: clock(0, 0) })(app);
    expect(() => logged(environ(), () => () => {})).toThrow(failure);
    expect(lines).toEqual(['GET / - 0 0ms\n']);
  });
  test('a body that fails: logged once, and the error goes on', async () => {
    const failure = new Error('boom');
    const lines: string[] = [];
    const app: App = (_env, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield encoder.encode('1234');
        throw failure;
      })();
    };
    await expect(
      call(logger({ write: (line) => lines.push(line), now: clock(0, 0) })(app), environ()),
    ).rejects.toBe(failure);
    expect(lines).toEqual(['GET / 200 4 0ms\n']);
  });
  test('a body closed before its end (the client went away): logged once, at close()', () => {
    const lines: string[] = [];
    const result = logger({ write: (line) => lines.push(line), now: clock(0, 7) })(hello('abc'))(
      environ(),
      () => () => {},
    );
    result.close?.();
    result.close?.();
    expect(lines).toEqual(['GET / 200 0 7ms\n']);
  });
});

describe('order matters: the same middleware, two orders, two answers', () => {
  const failing: App = () => {
    throw new Error('boom');
  };
  test('compose(logger, errors): the logger sees the 500 page', async () => {
    const lines: string[] = [];
    await call(
      compose(logger({ write: (l) => lines.push(l), now: () => 0 }), errors())(failing),
      environ(),
    );
    expect(lines).toEqual([`GET / 500 ${encoder.encode(ERROR_PAGE).length} 0ms\n`]);
  });
  test('compose(errors, logger): the logger sees the error, before errors() makes it a page', async () => {
    const lines: string[] = [];
    const response = await call(
      compose(errors(), logger({ write: (l) => lines.push(l), now: () => 0 }))(failing),
      environ(),
    );
    expect(lines).toEqual([`GET / ${NO_STATUS} 0 0ms\n`]);
    expect(response.status).toBe(ERROR_STATUS);
  });
  test('compose(logger, compress): the logger counts the encoded octets; the other way round, the plain ones', async () => {
    const outer: string[] = [];
    const inner: string[] = [];
    const request = environ({ headers: { 'Accept-Encoding': 'gzip' } });
    const encoded = await call(
      compose(logger({ write: (l) => outer.push(l), now: () => 0 }), compress())(hello(LONG)),
      request,
    );
    await call(
      compose(compress(), logger({ write: (l) => inner.push(l), now: () => 0 }))(hello(LONG)),
      environ({ headers: { 'Accept-Encoding': 'gzip' } }),
    );
    expect(zlib.gunzipSync(encoded.body).toString()).toBe(LONG);
    expect(outer).toEqual([`GET / 200 ${encoded.body.length} 0ms\n`]);
    expect(inner).toEqual([`GET / 200 ${encoder.encode(LONG).length} 0ms\n`]);
  });
});

describe("staticFiles(prefix, root): files under a prefix, kata 28's rules, the rest to the app", () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await makeTree();
  });
  afterAll(() => tree.remove());
  const fallback: App = (_env, startResponse) => {
    startResponse('200 OK', [['X-From', 'app']]);
    return [encoder.encode('the app')];
  };
  const serve = (request: RequestShape) =>
    call(staticFiles('/static', tree.root)(fallback), environ(request));

  test.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['data.bin', 'application/octet-stream'],
  ])('GET /static/%s: 200, the file, its Content-Type and Content-Length', async (name, type) => {
    const response = await serve({ target: `/static/${name}` });
    const expected = tree.files[name as keyof Tree['files']];
    expect(response.status).toBe('200 OK');
    expect(response.text).toBe(expected);
    expect(header(response, 'content-type')).toBe(type);
    expect(header(response, 'content-length')).toBe(String(Buffer.byteLength(expected)));
  });
  test('a file in a folder', async () => {
    expect((await serve({ target: '/static/sub/note.txt' })).text).toBe(tree.files['sub/note.txt']);
  });
  test('names with a space and a "%" (PATH_INFO is already decoded: it is decoded no further)', async () => {
    expect((await serve({ target: '/static/a%20b.txt' })).text).toBe(tree.files['a b.txt']);
    expect((await serve({ target: '/static/100%25.txt' })).text).toBe(tree.files['100%.txt']);
  });
  test('RFC 9110 §9.3.2: HEAD, the same fields and no content', async () => {
    const response = await callHead(
      staticFiles('/static', tree.root)(fallback),
      environ({ method: 'HEAD', target: '/static/style.css' }),
    );
    expect(response.status).toBe('200 OK');
    expect(response.length).toBe(0);
    expect(response.headers).toContainEqual([
      'Content-Length',
      String(tree.files['style.css'].length),
    ]);
  });
  test('RFC 9110 §15.5.6: another method under the prefix is 405, with Allow', async () => {
    const response = await serve({ method: 'POST', target: '/static/style.css', body: ['x'] });
    expect(response.code).toBe(405);
    expect(header(response, 'allow')).toBe('GET, HEAD');
    expect(response.text).toBe(METHOD_NOT_ALLOWED_TEXT);
  });
  test.each(['/', '/about', '/statics/style.css', '/static', '/api/static/style.css'])(
    '%s is not under "/static": the app answers',
    async (target) => {
      const response = await serve({ target });
      expect(response.text).toBe('the app');
    },
  );
  test('a prefix written with a trailing "/" is the same prefix', async () => {
    const response = await call(
      staticFiles('/static/', tree.root)(fallback),
      environ({ target: '/static/style.css' }),
    );
    expect(response.text).toBe(tree.files['style.css']);
  });
  test('no such file: 404, not the app', async () => {
    const response = await serve({ target: '/static/missing.txt' });
    expect(response.code).toBe(404);
    expect(header(response, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(response.text).not.toBe('the app');
  });
  test('a folder is no file: 404', async () => {
    expect((await serve({ target: '/static/sub' })).code).toBe(404);
    expect((await serve({ target: '/static/' })).code).toBe(404);
  });
  test('RFC 9110 §17.3: a ".." segment is refused (400), whatever is behind it', async () => {
    const env: Environ = {
      ...environ({ target: '/static/x' }),
      PATH_INFO: '/static/../../secret.txt',
    };
    const response = await call(staticFiles('/static', tree.root)(fallback), env);
    expect(response.code).toBe(400);
    expect(response.text).not.toContain('SECRET');
  });
  test('RFC 9110 §17.3: a hidden file (.env) is not served: 404', async () => {
    const response = await serve({ target: '/static/.env' });
    expect(response.code).toBe(404);
    expect(response.text).not.toContain('SECRET');
  });
  test('a symbolic link out of the root is refused: 403', async () => {
    const response = await serve({ target: '/static/link.txt' });
    expect(response.code).toBe(403);
    expect(response.text).not.toContain(tree.secret.trim());
  });
  test('a relative root is under the working directory', async () => {
    const relative = path.relative(process.cwd(), tree.root);
    const response = await call(
      staticFiles('/static', relative)(fallback),
      environ({ target: '/static/style.css' }),
    );
    expect(response.text).toBe(tree.files['style.css']);
  });
  test('close() before the end lets the file go', async () => {
    const result = staticFiles('/static', tree.root)(fallback)(
      environ({ target: '/static/index.html' }),
      () => () => {},
    );
    result.close?.();
    const iterator = (result as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    expect((await within(iterator.next(), 'a closed body never ended')).done).toBe(true);
  });
  test('fetch, through node:http: the static file, and the app beside it', async () => {
    const port = await bridge(compose(errors(), staticFiles('/static', tree.root))(fallback));
    const file = await within(fetch(`http://127.0.0.1:${port}/static/style.css`), 'no response');
    expect(await file.text()).toBe(tree.files['style.css']);
    const other = await within(fetch(`http://127.0.0.1:${port}/elsewhere`), 'no response');
    expect(await other.text()).toBe('the app');
  });
});
