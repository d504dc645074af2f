import http from 'node:http';
import net from 'node:net';
import { describe, expect, test, vi } from 'vitest';
import { connect, listen, within } from '../../support/harness/index.ts';
import { parseRequestLine } from '../17-parse-a-request-line/request-line.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import {
  exchange,
  fieldValues,
  nodeRequest,
  readAll,
  split,
  waitFor,
} from '../27-hello-server/fixtures/clients.ts';
import { type ConnectionInfo, INTERNAL_ERROR_TEXT, REASONS } from '../27-hello-server/server.ts';
import { ADD_ERRORS, add, debug, hello } from '../33-gateway-apps/apps.ts';
import { type App, CGI_VARIABLES, GATEWAY_VERSION } from '../33-gateway-apps/gateway.ts';
import { bytes, echo, fixed, gate, recording } from './fixtures/apps.ts';
import {
  appSpec,
  BAD_PATH_TEXT,
  EXPECTATION_FAILED_TEXT,
  environOf,
  type RequestHead,
  serveDebug,
  serveGateway,
  USAGE,
} from './gateway-server.ts';

const CONNECTION: ConnectionInfo = {
  remoteAddress: '127.0.0.1',
  remotePort: 50_000,
  localAddress: '127.0.0.1',
  localPort: 8080,
};

/** A request's head as katas 17 and 18 read it. */
function head(requestLine: string, ...fields: string[]): RequestHead {
  const line = parseRequestLine(requestLine);
  return { ...line, headers: parseHeaders(fields, { version: line.version }) };
}

/** A server for `app`, listening; its port. */
const serving = (app: App) => listen(serveGateway(app));

const GET = (target: string, fields = '') =>
  `GET ${target} HTTP/1.1\r\nHost: example.test\r\n${fields}\r\n`;

describe('PEP 3333 "environ Variables": the CGI names, HTTP_*, and the gateway.* keys', () => {
  test('the nine CGI names are always strings, empty when the request has nothing for them', () => {
    const environ = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION);
    for (const name of CGI_VARIABLES) expect(typeof environ[name], name).toBe('string');
    expect([environ.CONTENT_TYPE, environ.CONTENT_LENGTH, environ.SCRIPT_NAME]).toEqual([
      '',
      '',
      '',
    ]);
  });

  test('RFC 3875 §4.1.7: QUERY_STRING is the query as sent, still encoded', () => {
    const environ = environOf(head('GET /x?a=1%202&b HTTP/1.1', 'Host: a'), CONNECTION);
    expect(environ.QUERY_STRING).toBe('a=1%202&b');
  });

  test('RFC 3875 §4.1.5: PATH_INFO is the path after SCRIPT_NAME, percent-decoded', () => {
    const environ = environOf(head('GET /app/caf%C3%A9%20x HTTP/1.1', 'Host: a'), CONNECTION, {
      scriptName: '/app',
    });
    expect([environ.SCRIPT_NAME, environ.PATH_INFO]).toEqual(['/app', '/café x']);
  });

  test('RFC 9112 §3.2.2: for an absolute-form target, PATH_INFO is its path, decoded', () => {
    const environ = environOf(
      head('GET http://example.test/a%20b?x=1 HTTP/1.1', 'Host: example.test'),
      CONNECTION,
    );
    expect([environ.PATH_INFO, environ.QUERY_STRING]).toEqual(['/a b', 'x=1']);
  });

  test("REQUEST_URI (Apache's and gunicorn's, not RFC 3875's) is the request-target as sent", () => {
    const environ = environOf(head('GET /app/a%2Fb%20c?x=%41 HTTP/1.1', 'Host: a'), CONNECTION, {
      scriptName: '/app',
    });
    expect([environ.REQUEST_URI, environ.PATH_INFO]).toEqual(['/app/a%2Fb%20c?x=%41', '/a/b c']);
  });

  test('an asterisk-form target (OPTIONS *) has no path: PATH_INFO is empty', () => {
    const environ = environOf(head('OPTIONS * HTTP/1.1', 'Host: a'), CONNECTION);
    expect(environ.PATH_INFO).toBe('');
  });

  test('gateway.errors is the standard error when the options name none', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const environ = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION);
      environ['gateway.errors'].write('logged\n');
      expect(write).toHaveBeenCalledWith('logged\n');
    } finally {
      write.mockRestore();
    }
  });

  test('at the root, SCRIPT_NAME is empty and PATH_INFO the whole path', () => {
    const environ = environOf(head('GET /a/b HTTP/1.1', 'Host: a'), CONNECTION);
    expect([environ.SCRIPT_NAME, environ.PATH_INFO]).toEqual(['', '/a/b']);
  });

  test('RFC 3875 §4.1.12, §4.1.16: REQUEST_METHOD and SERVER_PROTOCOL as sent', () => {
    const environ = environOf(head('DELETE /x HTTP/1.0'), CONNECTION);
    expect([environ.REQUEST_METHOD, environ.SERVER_PROTOCOL]).toEqual(['DELETE', 'HTTP/1.0']);
  });

  test('RFC 3875 §4.1.14, §4.1.15: SERVER_NAME from Host, SERVER_PORT the port it came to', () => {
    const environ = environOf(head('GET / HTTP/1.1', 'Host: example.test:9999'), CONNECTION);
    expect([environ.SERVER_NAME, environ.SERVER_PORT]).toEqual(['example.test', '8080']);
  });

  test('RFC 3875 §4.1.2, §4.1.3: CONTENT_LENGTH and CONTENT_TYPE from their fields, no HTTP_ twin', () => {
    const environ = environOf(
      head('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Content-Type: text/plain'),
      CONNECTION,
    );
    expect([environ.CONTENT_LENGTH, environ.CONTENT_TYPE]).toEqual(['5', 'text/plain']);
    expect([environ.HTTP_CONTENT_LENGTH, environ.HTTP_CONTENT_TYPE]).toEqual([
      undefined,
      undefined,
    ]);
  });

  test('a chunked body has no length yet: CONTENT_LENGTH is empty', () => {
    const environ = environOf(
      head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked'),
      CONNECTION,
    );
    expect(environ.CONTENT_LENGTH).toBe('');
  });

  test('RFC 3875 §4.1.18: each field as HTTP_NAME, "-" as "_", repeated ones joined with ", "', () => {
    const environ = environOf(
      head('GET / HTTP/1.1', 'Host: a', 'X-Trace-Id: 7', 'Accept: a/b', 'accept: c/d'),
      CONNECTION,
    );
    expect([environ.HTTP_X_TRACE_ID, environ.HTTP_ACCEPT, environ.HTTP_HOST]).toEqual([
      '7',
      'a/b, c/d',
      'a',
    ]);
  });

  test('RFC 3875 §4.1.8: REMOTE_ADDR is the client address', () => {
    const environ = environOf(head('GET / HTTP/1.1', 'Host: a'), {
      ...CONNECTION,
      remoteAddress: '::1',
    });
    expect(environ.REMOTE_ADDR).toBe('::1');
  });

  test('gateway.version is [1, 0]; one process, one thread, not run once', () => {
    const environ = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION);
    expect(environ['gateway.version']).toEqual(GATEWAY_VERSION);
    expect([
      environ['gateway.multithread'],
      environ['gateway.multiprocess'],
      environ['gateway.run_once'],
    ]).toEqual([false, false, false]);
  });

  test('gateway.url_scheme is "http" unless the options say "https"', () => {
    const plain = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION);
    const secure = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION, {
      urlScheme: 'https',
    });
    expect([plain['gateway.url_scheme'], secure['gateway.url_scheme']]).toEqual(['http', 'https']);
  });

  test('gateway.input is the input given, and an empty body when none is', async () => {
    const input = (async function* () {
      yield bytes('abc');
    })();
    const given = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION, { input });
    expect(given['gateway.input']).toBe(input);
    const none = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION);
    const chunks: Uint8Array[] = [];
    for await (const chunk of none['gateway.input']) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  test('gateway.errors is the stream the options give', () => {
    const errors = { write: () => {} };
    const environ = environOf(head('GET / HTTP/1.1', 'Host: a'), CONNECTION, { errors });
    expect(environ['gateway.errors']).toBe(errors);
  });

  test('the environ the server builds reaches the app: the socket ends, the path, the fields', async () => {
    const app = recording();
    const port = await serving(app);
    await nodeRequest(port, { path: '/p%20q?x=%20', headers: { 'X-Mine': 'yes' } });
    const [environ] = app.environs;
    expect(environ?.PATH_INFO).toBe('/p q');
    expect(environ?.QUERY_STRING).toBe('x=%20');
    expect(environ?.HTTP_X_MINE).toBe('yes');
    expect(environ?.SERVER_PORT).toBe(String(port));
    expect(environ?.REMOTE_ADDR).toBe('127.0.0.1');
  });

  test('the server mounts the app at options.scriptName', async () => {
    const app = recording();
    const port = await listen(serveGateway(app, { scriptName: '/mnt' }));
    await nodeRequest(port, { path: '/mnt/x' });
    expect([app.environs[0]?.SCRIPT_NAME, app.environs[0]?.PATH_INFO]).toEqual(['/mnt', '/x']);
  });

  test('a path whose percent-encoding is not UTF-8 is a 400, the app never called', async () => {
    const app = recording();
    const port = await serving(app);
    const reply = await nodeRequest(port, { path: '/%FF' });
    expect([reply.status, reply.body.toString()]).toEqual([400, BAD_PATH_TEXT]);
    expect([reply.headers['content-type'], reply.headers.connection]).toEqual([
      'text/plain; charset=utf-8',
      'close',
    ]);
    expect(app.environs).toEqual([]);
  });
});

describe('gunicorn\'s APP_MODULE: "module:export" names the app of a command line', () => {
  test('the module before the colon, the export after it', () => {
    expect(appSpec('katas/33-gateway-apps/apps.ts:hello')).toEqual({
      module: 'katas/33-gateway-apps/apps.ts',
      name: 'hello',
    });
  });

  test('the last colon splits: a Windows path keeps its drive', () => {
    expect(appSpec('C:\\apps\\app.ts:debug')).toEqual({
      module: 'C:\\apps\\app.ts',
      name: 'debug',
    });
  });

  test.each(['apps.ts', 'apps.ts:', ':hello', ''])('%j is refused with the usage line', (text) => {
    expect(() => appSpec(text)).toThrow(USAGE);
  });
});

describe("kata 33's apps, served: fetch reads what the apps answer", () => {
  test('hello greets by the query', async () => {
    const port = await serving(hello);
    const response = await waitFor(fetch(`http://127.0.0.1:${port}/?name=Ada`), 'no response');
    expect([response.status, await response.text()]).toEqual([200, 'Hello, Ada!\n']);
  });

  test('add adds the integers of a POSTed form', async () => {
    const port = await serving(add);
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: new URLSearchParams('a=2&b=40') }),
      'no response',
    );
    expect(await response.text()).toBe('42\n');
  });

  test('add refuses a form that is not one with its 415', async () => {
    const port = await serving(add);
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'a=1&b=2' }),
      'no response',
    );
    expect([response.status, await response.text()]).toEqual([415, ADD_ERRORS[415]]);
  });

  test('debug shows the environ and echoes the body, read from gateway.input', async () => {
    const port = await serving(debug);
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/d?q=1`, { method: 'PUT', body: 'the body' }),
      'no response',
    );
    const text = await response.text();
    expect(text).toContain('REQUEST_METHOD=PUT\n');
    expect(text).toContain('QUERY_STRING=q=1\n');
    expect(text).toContain('CONTENT_LENGTH=8\n');
    expect(text.endsWith('\n\nthe body')).toBe(true);
  });

  test('serveDebug is debug on this server, logging to options.errors', async () => {
    const lines: string[] = [];
    const port = await listen(serveDebug({ errors: { write: (text) => void lines.push(text) } }));
    const response = await waitFor(fetch(`http://127.0.0.1:${port}/x`), 'no response');
    expect(await response.text()).toContain('PATH_INFO=/x\n');
    expect(lines.join('')).toBe('debug: GET /x\n');
  });
});

describe('PEP 3333: the body streams to gateway.input as it arrives', () => {
  test('the app answers before the body has ended, and reads the rest after', async () => {
    const first = gate<string>();
    const app: App = (environ, startResponse) =>
      (async function* () {
        const input = environ['gateway.input'][Symbol.asyncIterator]();
        const chunk = await input.next();
        startResponse('200 OK', []);
        yield bytes(`got ${Buffer.from(chunk.value ?? []).toString()}\n`);
        first.open('');
        for (let next = await input.next(); !next.done; next = await input.next()) {
          yield next.value;
        }
      })();
    const port = await serving(app);
    const socket = await connect(port);
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc');
    await within(first.promise, 'the app never read the first part of the body');
    const seen = gate<Buffer>();
    socket.once('data', (data: Buffer) => seen.open(data));
    expect((await within(seen.promise, 'nothing came back')).toString()).toContain('got abc\n');
    socket.end('def');
    const rest = await readAll(socket, 'the server never ended the response');
    expect(rest.toString()).toContain('def');
  });

  test('a chunked request body reaches the app unchunked', async () => {
    const port = await serving(echo);
    const { reply, conversation } = await exchange(port, [
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      '3\r\nabc\r\n',
      '2\r\nde\r\n0\r\n\r\n',
    ]);
    expect(split(reply).body.toString(), conversation.transcript()).toBe('abcde');
  });

  test('RFC 9110 §10.1.1: Expect: 100-continue is answered with a 100 once the app reads the body', async () => {
    const port = await serving(echo);
    const socket = await connect(port);
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n');
    const interim = gate<Buffer>();
    socket.once('data', (data: Buffer) => interim.open(data));
    const data = await within(interim.promise, 'the server never sent 100 (Continue)');
    expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 100 /);
    socket.end('hi');
    const reply = await readAll(socket, 'the server never answered after the body');
    expect(reply.toString()).toMatch(/\r\n\r\nhi$/);
  });

  test('RFC 9110 §10.1.1: an expectation other than 100-continue is a 417, the app never called', async () => {
    const app = recording();
    const port = await serving(app);
    const { reply, conversation } = await exchange(port, GET('/', 'Expect: teapot\r\n'));
    const parsed = split(reply);
    expect(parsed.statusLine, conversation.transcript()).toMatch(/^HTTP\/1\.1 417 /);
    expect(parsed.body.toString()).toBe(EXPECTATION_FAILED_TEXT);
    expect(fieldValues(parsed, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(app.environs).toEqual([]);
  });

  test("kata 27's reader still refuses what is no request: a bare LF is a 400 with its rule, as text", async () => {
    const port = await serving(recording());
    const { reply, conversation } = await exchange(port, 'GET / HTTP/1.1\nHost: a\r\n\r\n');
    const parsed = split(reply);
    // RFC 9110 §15.5.1: 400 Bad Request
    expect(parsed.statusLine, conversation.transcript()).toBe('HTTP/1.1 400 Bad Request');
    expect(parsed.body.toString()).toContain(REASONS['bare-lf'].rule);
    expect(fieldValues(parsed, 'content-type')).toEqual(['text/plain; charset=utf-8']);
  });

  test('RFC 6585 §5: a head longer than options.maxHeadBytes is a 431', async () => {
    const port = await listen(serveGateway(recording(), { maxHeadBytes: 1024 }));
    const { reply, conversation } = await exchange(
      port,
      GET('/', `X-Long: ${'a'.repeat(2000)}\r\n`),
    );
    expect(split(reply).statusLine, conversation.transcript()).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
  });

  test('options.maxHeadBytes also raises the limit: a 20 KiB head is read', async () => {
    const app = recording();
    const port = await listen(serveGateway(app, { maxHeadBytes: 64 * 1024 }));
    const long = 'a'.repeat(20 * 1024);
    await exchange(port, GET('/', `X-Long: ${long}\r\nConnection: close\r\n`));
    expect(app.environs[0]?.HTTP_X_LONG).toBe(long);
  });

  test('RFC 9112 §6.3: a chunked body over options.maxBodyBytes is never answered as whole', async () => {
    const port = await listen(serveGateway(echo, { maxBodyBytes: 1000 }));
    const chunk = `${(600).toString(16)}\r\n${'x'.repeat(600)}\r\n`;
    const { reply, conversation } = await exchange(port, [
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
      chunk,
      chunk,
      '0\r\n\r\n',
    ]);
    expect(reply.toString('latin1'), conversation.transcript()).not.toMatch(/^HTTP\/1\.1 200 /);
  });

  test('RFC 9112 §2.2: empty lines before the request-line are skipped', async () => {
    const port = await serving(fixed([['Content-Length', '2']], ['ok']));
    const { reply, conversation } = await exchange(
      port,
      `\r\n\r\n${GET('/', 'Connection: close\r\n')}`,
    );
    expect(split(reply).body.toString(), conversation.transcript()).toBe('ok');
  });

  test('a client that ends its side after the request still gets the response, then the close', async () => {
    const ended = gate();
    const app: App = (_environ, startResponse) =>
      (async function* () {
        // the answer waits until the server has seen the client's end
        await ended.promise;
        startResponse('200 OK', [['Content-Length', '2']]);
        yield bytes('ok');
      })();
    const server = serveGateway(app);
    server.on('connection', (peer: net.Socket) => peer.once('end', () => ended.open()));
    const port = await listen(server);
    const socket = await connect(port);
    socket.end(GET('/'));
    const reply = await readAll(socket, 'the server never answered and closed after a half-close');
    expect(split(reply).body.toString()).toBe('ok');
  });
});

describe('PEP 3333: the head goes out with the first non-empty chunk, not before', () => {
  test('after an empty chunk the app may still replace its status with excInfo', async () => {
    const app: App = (_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', []);
        yield new Uint8Array(0);
        startResponse('503 Service Unavailable', [['Content-Length', '4']], new Error('late'));
        yield bytes('busy');
      })();
    const port = await serving(app);
    const reply = await nodeRequest(port);
    expect([reply.status, reply.body.toString()]).toEqual([503, 'busy']);
  });

  test('the head and the first chunk arrive while the app still holds the rest back', async () => {
    const rest = gate();
    const app: App = (_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', [['X-First', 'yes']]);
        yield bytes('first');
        await rest.promise;
        yield bytes('last');
      })();
    const port = await serving(app);
    const firstData = gate<string>();
    const done = new Promise<string>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, agent: false }, (response) => {
        let body = '';
        response.on('data', (data: Buffer) => {
          if (body === '') firstData.open(`${response.headers['x-first']} ${data}`);
          body += data.toString();
        });
        response.on('end', () => resolve(body));
      });
      request.on('error', reject);
    });
    expect(await within(firstData.promise, 'the first chunk never arrived on its own')).toBe(
      'yes first',
    );
    rest.open();
    expect(await within(done, 'the response never ended')).toBe('firstlast');
  });

  test('an app that sends no chunk at all still gets its head sent, with the end of the body', async () => {
    const port = await serving(fixed([['X-Empty', 'yes']], []));
    const reply = await nodeRequest(port);
    expect([reply.status, reply.headers['x-empty'], reply.body.length]).toEqual([200, 'yes', 0]);
  });

  test("PEP 3333's write() callable sends at once, before the iterable's chunks", async () => {
    const app: App = (_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      write(bytes('written '));
      return [bytes('iterated')];
    };
    const port = await serving(app);
    expect((await nodeRequest(port)).body.toString()).toBe('written iterated');
  });
});

describe("RFC 9112 §6: the body framed by the app's Content-Length, else chunked (HTTP/1.1) or the close (HTTP/1.0)", () => {
  test("the app's Content-Length is passed through, the chunks as they are", async () => {
    const port = await serving(fixed([['Content-Length', '6']], ['abc', 'def']));
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    const parsed = split(reply);
    expect(fieldValues(parsed, 'content-length'), conversation.transcript()).toEqual(['6']);
    expect(fieldValues(parsed, 'transfer-encoding')).toEqual([]);
    expect(parsed.body.toString()).toBe('abcdef');
  });

  test('RFC 9112 §7.1: no Content-Length from the app: chunked, one chunk per chunk, then the last-chunk', async () => {
    const port = await serving(fixed([], ['abc', new Uint8Array(0), 'de']));
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    const parsed = split(reply);
    expect(fieldValues(parsed, 'transfer-encoding'), conversation.transcript()).toEqual([
      'chunked',
    ]);
    expect(parsed.body.toString('latin1')).toBe('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
  });

  test('RFC 9112 §6.3: to HTTP/1.0 with no Content-Length, the body ends with the close', async () => {
    const port = await serving(fixed([], ['abc', 'de']));
    const { reply, conversation } = await exchange(port, 'GET / HTTP/1.0\r\n\r\n');
    const parsed = split(reply);
    expect(fieldValues(parsed, 'transfer-encoding'), conversation.transcript()).toEqual([]);
    expect(fieldValues(parsed, 'connection').map((v) => v.toLowerCase())).toEqual(['close']);
    expect(parsed.body.toString()).toBe('abcde');
  });

  test('RFC 9110 §9.3.2: a response to HEAD has no content, whatever the app yields', async () => {
    const port = await serving(fixed([['Content-Length', '5']], ['hello']));
    const { reply, conversation } = await exchange(port, [
      'HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ]);
    const parsed = split(reply);
    expect(fieldValues(parsed, 'content-length'), conversation.transcript()).toEqual(['5']);
    expect(parsed.body.length).toBe(0);
  });

  test.each(['204 No Content', '304 Not Modified', '199 Informational'])(
    'RFC 9110 §6.4.1: a %s has no content and no chunked coding',
    async (status) => {
      const port = await serving(fixed([], ['dropped'], status));
      const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
      const parsed = split(reply);
      expect(parsed.statusLine, conversation.transcript()).toBe(`HTTP/1.1 ${status}`);
      expect(fieldValues(parsed, 'transfer-encoding')).toEqual([]);
      expect(parsed.body.length).toBe(0);
    },
  );

  test('RFC 9110 §9.3.2: after a HEAD with a Content-Length, the connection stays for the next request', async () => {
    const port = await serving(fixed([['Content-Length', '5']], ['hello']));
    const socket = await connect(port);
    socket.write(`HEAD / HTTP/1.1\r\nHost: a\r\n\r\n${GET('/', 'Connection: close\r\n')}`);
    const reply = (await readAll(socket, 'the server never answered both')).toString();
    expect(reply.match(/HTTP\/1\.1 200 /g)?.length).toBe(2);
    expect(reply.endsWith('\r\n\r\nhello')).toBe(true);
  });

  test('field values go out as ISO-8859-1 octets, one per character (obs-text)', async () => {
    const port = await serving(fixed([['X-Word', 'caf\u00e9']], []));
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    expect(
      reply.includes(Buffer.from('X-Word: caf\xe9\r\n', 'latin1')),
      conversation.transcript(),
    ).toBe(true);
  });

  test('RFC 9110 §7.6.1: hop-by-hop fields of the app (Keep-Alive, Transfer-Encoding) are not passed on', async () => {
    const port = await serving(
      fixed(
        [
          ['Keep-Alive', 'timeout=5'],
          ['Transfer-Encoding', 'chunked'],
          ['Content-Length', '2'],
        ],
        ['ok'],
      ),
    );
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    const parsed = split(reply);
    expect(fieldValues(parsed, 'keep-alive'), conversation.transcript()).toEqual([]);
    expect(fieldValues(parsed, 'transfer-encoding')).toEqual([]);
    expect(parsed.body.toString()).toBe('ok');
  });

  test("RFC 9110 §6.6.1: a Date is added when the app sends none, and the app's is kept", async () => {
    const given = 'Sun, 06 Nov 1994 08:49:37 GMT';
    const port = await serving(
      fixed(
        [
          ['X-Before', 'b'],
          ['Date', given],
        ],
        [],
      ),
    );
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    expect(fieldValues(split(reply), 'date'), conversation.transcript()).toEqual([given]);
    const without = await nodeRequest(await serving(fixed([['X-Other', 'o']], [])));
    expect(Math.abs(Date.parse(without.headers.date ?? '') - Date.now())).toBeLessThan(5_000);
  });

  test("the status line is the app's status, reason phrase and all", async () => {
    const port = await serving(fixed([], [], '299 Quite Fine'));
    const reply = await nodeRequest(port);
    expect([reply.status, reply.reason]).toEqual([299, 'Quite Fine']);
  });

  test('repeated fields (Set-Cookie) arrive as the app gave them, in order', async () => {
    const port = await serving(
      fixed(
        [
          ['Set-Cookie', 'a=1'],
          ['X-Between', 'b'],
          ['Set-Cookie', 'c=3'],
        ],
        [],
      ),
    );
    const reply = await nodeRequest(port);
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'c=3']);
  });

  test('a body longer than its Content-Length is cut at the length, and the connection closed', async () => {
    const port = await serving(fixed([['Content-Length', '3']], ['abc', 'def']));
    const { reply, conversation } = await exchange(port, GET('/'));
    expect(split(reply).body.toString(), conversation.transcript()).toBe('abc');
  });

  test('a body shorter than its Content-Length ends with the connection: the client sees it cut', async () => {
    const port = await serving(fixed([['Content-Length', '10']], ['abc']));
    const { reply, conversation } = await exchange(port, GET('/'));
    expect(split(reply).body.toString(), conversation.transcript()).toBe('abc');
  });
});

describe('PEP 3333, "Error Handling": a 500 before the head is sent, a cut connection after', () => {
  test('an app that throws when called gives a 500 that says nothing of the error, and a close', async () => {
    const port = await serving(() => {
      throw new Error('secret detail');
    });
    const { reply, conversation } = await exchange(port, GET('/'));
    const parsed = split(reply);
    expect(parsed.statusLine, conversation.transcript()).toMatch(/^HTTP\/1\.1 500 /);
    expect(parsed.body.toString()).toBe(INTERNAL_ERROR_TEXT);
    expect(fieldValues(parsed, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(fieldValues(parsed, 'connection').map((v) => v.toLowerCase())).toEqual(['close']);
  });

  test('an app whose iteration throws after start_response, before a chunk, gives a 500', async () => {
    const app: App = (_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', [['X-Lost', 'yes']]);
        yield new Uint8Array(0);
        throw new Error('late');
      })();
    const reply = await nodeRequest(await serving(app));
    expect([reply.status, reply.headers['x-lost']]).toEqual([500, undefined]);
  });

  test('a body that ends without start_response is a 500', async () => {
    const reply = await nodeRequest(await serving(() => []));
    expect(reply.status).toBe(500);
  });

  test('a chunk before start_response is a 500', async () => {
    const reply = await nodeRequest(await serving(() => [bytes('too soon')]));
    expect(reply.status).toBe(500);
  });

  test('start_response twice without excInfo is a 500', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('201 Created', []);
      return [bytes('x')];
    };
    expect((await nodeRequest(await serving(app))).status).toBe(500);
  });

  test.each(['X Bad', '(X', 'X:Y', ''])(
    'a field name that is not a token (%j) is a 500',
    async (name) => {
      const reply = await nodeRequest(await serving(fixed([[name, 'v']], ['x'])));
      expect(reply.status).toBe(500);
    },
  );

  test('a chunk that is not a Uint8Array (a string) is a 500', async () => {
    const app = ((_environ: unknown, startResponse: Parameters<App>[1]) => {
      startResponse('200 OK', []);
      return ['text'];
    }) as unknown as App;
    expect((await nodeRequest(await serving(app))).status).toBe(500);
  });

  test('RFC 9110 §9.3.2: the 500 to a HEAD has no content', async () => {
    const port = await serving(() => {
      throw new Error('broken');
    });
    const { reply, conversation } = await exchange(port, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
    const parsed = split(reply);
    expect(parsed.statusLine, conversation.transcript()).toMatch(/^HTTP\/1\.1 500 /);
    expect(parsed.body.length).toBe(0);
  });

  test('a field value with a CR LF in it is never sent: a 500', async () => {
    const reply = await nodeRequest(await serving(fixed([['X-Bad', 'a\r\nInjected: yes']], ['x'])));
    expect([reply.status, reply.headers.injected]).toEqual([500, undefined]);
  });

  test.each(['200', '200 ', '20 OK', 'x200 OK', '200 OK\r\nX-Injected: yes'])(
    'a status that is not "999 Reason" (%j) is a 500',
    async (status) => {
      const reply = await nodeRequest(await serving(fixed([], ['x'], status)));
      expect([reply.status, reply.headers['x-injected']]).toEqual([500, undefined]);
    },
  );

  test('an app that throws after the first chunk: the connection is cut, the chunked body never ends', async () => {
    const app: App = (_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', []);
        yield bytes('partial');
        throw new Error('late');
      })();
    const port = await serving(app);
    const { reply, conversation } = await exchange(port, GET('/'));
    const body = split(reply).body.toString('latin1');
    expect(body, conversation.transcript()).toContain('partial');
    expect(body.endsWith('0\r\n\r\n')).toBe(false);
  });

  test('after start, excInfo makes start_response throw it again: the connection is cut', async () => {
    const app: App = (_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', []);
        yield bytes('sent');
        startResponse('500 Internal Server Error', [], new Error('too late'));
        yield bytes('never');
      })();
    const port = await serving(app);
    const { reply, conversation } = await exchange(port, GET('/'));
    expect(split(reply).body.toString(), conversation.transcript()).not.toContain('never');
    expect(split(reply).statusLine).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('PEP 3333: close() is called once, however the response ends', () => {
  test('after a whole response', async () => {
    const app = fixed([], ['a']);
    await nodeRequest(await serving(app));
    expect(app.closes()).toBe(1);
  });

  test('after the iteration throws', async () => {
    let closes = 0;
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', []);
      const chunks = (function* () {
        yield bytes('a');
        throw new Error('broken');
      })();
      return Object.assign(chunks, {
        close: () => {
          closes += 1;
        },
      });
    };
    const port = await serving(app);
    await exchange(port, GET('/'));
    expect(closes).toBe(1);
  });

  test('when the client goes away in the middle of an endless body', async () => {
    const closed = gate();
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', []);
      const chunks = (function* () {
        for (;;) yield new Uint8Array(64 * 1024);
      })();
      return Object.assign(chunks, { close: () => closed.open() });
    };
    const port = await serving(app);
    const socket = await connect(port);
    socket.write(GET('/'));
    await within(new Promise((resolve) => socket.once('data', resolve)), 'the body never started');
    socket.destroy();
    await within(closed.promise, 'close() was never called after the client went away');
  });

  test('when the client goes away while the app waits for the request body', async () => {
    const closed = gate();
    const reading = gate();
    const app: App = (environ, startResponse) => {
      const chunks = (async function* () {
        reading.open();
        for await (const _ of environ['gateway.input']) {
          // the body never comes
        }
        startResponse('200 OK', []);
        yield bytes('late');
      })();
      return Object.assign(chunks, { close: () => closed.open() });
    };
    const port = await serving(app);
    const socket = await connect(port);
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nab');
    await within(reading.promise, 'the app was never called');
    socket.destroy();
    await within(closed.promise, 'close() was never called after the client went away');
  });
});

describe('backpressure: a slow client never makes the server buffer the whole body', () => {
  test("the app's next chunk is asked for only as the client reads", async () => {
    const CHUNK = 64 * 1024;
    const TOTAL = 64 * 1024 * 1024;
    let produced = 0;
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', String(TOTAL)]]);
      return (function* () {
        const chunk = new Uint8Array(CHUNK);
        while (produced < TOTAL) {
          produced += CHUNK;
          yield chunk;
        }
      })();
    };
    const port = await serving(app);
    // the most the app got ahead of the client, seen at each read: kernel buffers, not the body
    const ahead = await within(
      new Promise<number>((resolve, reject) => {
        let received = 0;
        let most = 0;
        http
          .get({ host: '127.0.0.1', port, agent: false }, (response) => {
            response.on('data', (data: Buffer) => {
              received += data.length;
              most = Math.max(most, produced - received);
              // a reader that pauses now and then
              response.pause();
              setImmediate(() => response.resume());
            });
            response.on('end', () => resolve(most));
          })
          .on('error', reject);
      }),
      'the large body never arrived',
      10_000,
    );
    expect(ahead).toBeLessThan(TOTAL / 4);
  });
});

describe("RFC 9112 §9.3: persistent connections, by kata 31's rules", () => {
  test('HTTP/1.1: three requests on one connection', async () => {
    const server = serveGateway(hello);
    let connections = 0;
    server.on('connection', () => {
      connections += 1;
    });
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const name of ['a', 'b', 'c']) {
        const reply = await nodeRequest(port, { path: `/?name=${name}`, agent });
        expect(reply.body.toString()).toBe(`Hello, ${name}!\n`);
      }
    } finally {
      agent.destroy();
    }
    expect(connections).toBe(1);
  });

  test('RFC 9112 §9.3.2: pipelined requests are answered in order, chunked ones included', async () => {
    const port = await serving(fixed([], ['x']));
    const socket = await connect(port);
    socket.write(`${GET('/1')}${GET('/2')}${GET('/3', 'Connection: close\r\n')}`);
    const reply = (await readAll(socket, 'the server never closed after the third')).toString();
    expect(reply.match(/HTTP\/1\.1 200 /g)?.length).toBe(3);
    expect(reply.match(/1\r\nx\r\n0\r\n\r\n/g)?.length).toBe(3);
  });

  test('RFC 9112 §9.3.2: a request that arrives while the one before is being answered waits its turn', async () => {
    const first = gate();
    const called = gate();
    let answering = false;
    let overlapped = false;
    const app: App = (environ, startResponse) => {
      // a call while another is still being answered: the server did not wait its turn
      if (answering) overlapped = true;
      answering = true;
      const chunks = (async function* () {
        if (environ.PATH_INFO === '/1') {
          called.open();
          await first.promise;
        }
        startResponse('200 OK', [['Content-Length', '2']]);
        yield bytes(environ.PATH_INFO);
      })();
      return Object.assign(chunks, {
        close: () => {
          answering = false;
        },
      });
    };
    const second = gate();
    const server = serveGateway(app);
    server.on('connection', (peer: net.Socket) =>
      peer.on('data', (data: Buffer) => data.includes('/2') && second.open()),
    );
    const port = await listen(server);
    const socket = await connect(port);
    socket.write(GET('/1'));
    await within(called.promise, 'the first request never reached the app');
    socket.write(GET('/2', 'Connection: close\r\n'));
    await within(second.promise, 'the second request never reached the server');
    first.open();
    const reply = (await readAll(socket, 'the server never answered both')).toString();
    expect(reply.indexOf('/1')).toBeGreaterThan(-1);
    expect(reply.indexOf('/1')).toBeLessThan(reply.indexOf('/2'));
    expect(overlapped).toBe(false);
  });

  test('RFC 9112 §9.6: after a response with Connection: close, nothing more is answered', async () => {
    const app = recording();
    const port = await serving(app);
    const { reply, conversation } = await exchange(
      port,
      `${GET('/', 'Connection: close\r\n')}${GET('/pipelined')}`,
    );
    expect(reply.toString().match(/HTTP\/1\.1 204 /g)?.length, conversation.transcript()).toBe(1);
    expect(app.environs.map((environ) => environ.PATH_INFO)).toEqual(['/']);
  });

  test('RFC 9112 §9.3: a response that ends before its request body has arrived closes the connection', async () => {
    const port = await serving(fixed([['Content-Length', '2']], ['ok']));
    const socket = await connect(port);
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab');
    const reply = await readAll(socket, 'the server kept the connection with a body half-read');
    expect(split(reply).body.toString()).toBe('ok');
  });

  test('HTTP/1.0 keep-alive but no Content-Length: the body ends with the close, so no keep-alive', async () => {
    const port = await serving(fixed([], ['abc']));
    const { reply, conversation } = await exchange(
      port,
      'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    );
    const parsed = split(reply);
    expect(
      fieldValues(parsed, 'connection').map((v) => v.toLowerCase()),
      conversation.transcript(),
    ).toEqual(['close']);
    expect(parsed.body.toString()).toBe('abc');
  });

  test('HTTP/1.0 keep-alive and a 204: no content to delimit, the connection stays', async () => {
    const port = await serving(fixed([], [], '204 No Content'));
    const socket = await connect(port);
    socket.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const first = await within(
      new Promise<Buffer>((resolve) => socket.once('data', resolve)),
      'no response',
    );
    expect(fieldValues(split(first), 'connection').map((v) => v.toLowerCase())).toEqual([
      'keep-alive',
    ]);
  });

  test('a request body the app never read is skipped, and the next request answered', async () => {
    const port = await serving(fixed([['Content-Length', '2']], ['ok']));
    const socket = await connect(port);
    socket.write(
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello${GET('/', 'Connection: close\r\n')}`,
    );
    const reply = (await readAll(socket, 'the server never closed')).toString();
    expect(reply.match(/HTTP\/1\.1 200 /g)?.length).toBe(2);
  });

  test('RFC 9112 §9.6: Connection: close from the client: the response says so and the server closes', async () => {
    const port = await serving(fixed([['Content-Length', '1']], ['x']));
    const { reply, conversation } = await exchange(port, GET('/', 'Connection: close\r\n'));
    expect(
      fieldValues(split(reply), 'connection').map((v) => v.toLowerCase()),
      conversation.transcript(),
    ).toEqual(['close']);
  });

  test('HTTP/1.0 keep-alive with a Content-Length: the response says keep-alive, and the connection stays', async () => {
    const port = await serving(fixed([['Content-Length', '1']], ['x']));
    const socket = await connect(port);
    socket.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const first = await within(
      new Promise<Buffer>((resolve) => socket.once('data', resolve)),
      'no response',
    );
    expect(fieldValues(split(first), 'connection').map((v) => v.toLowerCase())).toEqual([
      'keep-alive',
    ]);
    socket.write('GET / HTTP/1.0\r\n\r\n');
    const second = await readAll(socket, 'the server never closed after the HTTP/1.0 request');
    expect(split(second).statusLine).toMatch(/^HTTP\/1\.1 200 /);
  });

  test("the app's own Connection field is not passed on: the server frames the connection", async () => {
    const port = await serving(
      fixed(
        [
          ['Connection', 'close'],
          ['Content-Length', '1'],
        ],
        ['x'],
      ),
    );
    const socket = await connect(port);
    socket.write(GET('/'));
    const first = await within(
      new Promise<Buffer>((resolve) => socket.once('data', resolve)),
      'no response',
    );
    expect(fieldValues(split(first), 'connection')).toEqual([]);
    expect(net.isIP(socket.remoteAddress ?? '')).toBe(4);
  });
});
