import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Pool } from 'undici';
import { describe, expect, onTestFinished, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import { CURL, HAS_CURL, WAIT_MS, waitFor, withCurl } from '../27-hello-server/fixtures/clients.ts';
import { type Handler, type HttpRequest, INTERNAL_ERROR_TEXT } from '../27-hello-server/server.ts';
import {
  type ConnectionOptions,
  createPersistentStaticServer,
  createServer,
  EXPECTATION_FAILED_TEXT,
  expectation,
  persistence,
  type RequestHead,
  TIMEOUT_TEXT,
} from './connection.ts';
import { fieldValues, Wire } from './fixtures/wire.ts';

const GET = (target: string, fields = '') =>
  `GET ${target} HTTP/1.1\r\nHost: example.test\r\n${fields}\r\n`;

/** A request's head as kata 18 reads it, for the two pure rules. */
function head(version: 'HTTP/1.0' | 'HTTP/1.1', ...lines: string[]): RequestHead {
  const all = version === 'HTTP/1.1' ? ['Host: a', ...lines] : lines;
  return { version, headers: parseHeaders(all, { version }) };
}

/** A handler that answers with what it saw, and records every call. */
function recording() {
  const calls: { request: HttpRequest; remotePort: number }[] = [];
  const handler: Handler = (request, connection) => {
    calls.push({ request, remotePort: connection.remotePort });
    return {
      status: 200,
      headers: [['Content-Type', 'text/plain']],
      body: `${request.method} ${request.target.text} ${Buffer.from(request.body).toString()}`,
    };
  };
  return { calls, handler };
}

async function serve(handler: Handler, options?: ConnectionOptions) {
  const server = createServer(handler, options);
  const connections: net.Socket[] = [];
  server.on('connection', (socket) => connections.push(socket));
  const port = await listen(server);
  return { port, server, connections };
}

/** Resolves once the server's side of its first connection has had `count` reads. */
function serverReads(server: net.Server) {
  let reads = 0;
  let wake = () => {};
  server.once('connection', (socket) =>
    socket.on('data', () => {
      reads += 1;
      wake();
    }),
  );
  return (count: number) =>
    waitFor(
      (async () => {
        while (reads < count) await new Promise<void>((resolve) => (wake = resolve));
      })(),
      `the server never had ${count} reads`,
    );
}

/** A promise and the function that settles it: a handler that waits for the spec. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('RFC 9112 §9.3: persistence is read from the version and the Connection field', () => {
  test('HTTP/1.1 without a Connection field persists', () => {
    expect(persistence(head('HTTP/1.1'))).toBe('persist');
  });

  test('HTTP/1.1 with Connection: close closes', () => {
    expect(persistence(head('HTTP/1.1', 'Connection: close'))).toBe('close');
  });

  test('connection options are case-insensitive members of a list (RFC 9110 §7.6.1)', () => {
    expect(persistence(head('HTTP/1.1', 'Connection: keep-alive, Close'))).toBe('close');
  });

  test('a close option on a second Connection line counts too', () => {
    expect(persistence(head('HTTP/1.1', 'Connection: upgrade', 'Connection: close'))).toBe('close');
  });

  test('an option is a whole token: "closed" is not "close"', () => {
    expect(persistence(head('HTTP/1.1', 'Connection: closed, x-close'))).toBe('persist');
  });

  test('HTTP/1.1 with Connection: keep-alive persists, as it would without', () => {
    expect(persistence(head('HTTP/1.1', 'Connection: keep-alive'))).toBe('persist');
  });

  test('HTTP/1.0 closes by default', () => {
    expect(persistence(head('HTTP/1.0'))).toBe('close');
  });

  test('HTTP/1.0 with the keep-alive option persists: this server honors it', () => {
    expect(persistence(head('HTTP/1.0', 'Connection: Keep-Alive'))).toBe('keep-alive');
  });

  test('HTTP/1.0 with keep-alive and close: close wins', () => {
    expect(persistence(head('HTTP/1.0', 'Connection: keep-alive, close'))).toBe('close');
  });
});

describe('RFC 9110 §10.1.1: Expect = #expectation; the only one defined is 100-continue', () => {
  test('no Expect field: nothing expected', () => {
    expect(expectation(head('HTTP/1.1'))).toBe('none');
  });

  test('100-continue in HTTP/1.1, any case: a 100 (Continue) is due', () => {
    expect(expectation(head('HTTP/1.1', 'Expect: 100-Continue'))).toBe('continue');
  });

  test('100-continue in HTTP/1.0: "MUST ignore that expectation"', () => {
    expect(expectation(head('HTTP/1.0', 'Expect: 100-continue'))).toBe('none');
  });

  test('any other member is unmet (417), even beside 100-continue', () => {
    expect(expectation(head('HTTP/1.1', 'Expect: 100-continue, x-fast'))).toBe('unmet');
  });

  test('another expectation is unmet in HTTP/1.0 too', () => {
    expect(expectation(head('HTTP/1.0', 'Expect: x-fast'))).toBe('unmet');
  });

  test('empty list members are no expectation', () => {
    expect(expectation(head('HTTP/1.1', 'Expect: , ,'))).toBe('none');
  });
});

describe('RFC 9112 §9.3: "HTTP/1.1 defaults to the use of persistent connections"', () => {
  test('two requests, one after the other, on one connection: two responses', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/one'));
    const first = await wire.next('no response to the first request');
    await wire.send(GET('/two'));
    const second = await wire.next('no response to the second request on the same connection');
    expect([first.body.toString(), second.body.toString()]).toEqual(['GET /one ', 'GET /two ']);
  });

  test('a response that persists on HTTP/1.1 has no Connection field: persistence is the default', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    expect(fieldValues(await wire.next(), 'connection')).toEqual([]);
  });

  test("node:http's keep-alive Agent sends three requests on one socket", async () => {
    const { handler } = recording();
    const { port, connections } = await serve(handler);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const get = (target: string) =>
      waitFor(
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: target, agent }, (response) => {
              const pieces: Buffer[] = [];
              response.on('data', (piece: Buffer) => pieces.push(piece));
              response.once('end', () => resolve(Buffer.concat(pieces).toString()));
            })
            .once('error', reject);
        }),
        `node:http never read the response to ${target}`,
      );
    const bodies = [await get('/a'), await get('/b'), await get('/c')];
    expect([bodies, connections.length]).toEqual([['GET /a ', 'GET /b ', 'GET /c '], 1]);
  });

  test('fetch reuses its connections: six requests in a row open fewer than six', async () => {
    // fetch (undici) keeps a pool and may spread requests over two sockets; a server that
    // closed after each response would see six
    const { handler, calls } = recording();
    const { port, connections } = await serve(handler);
    for (let i = 0; i < 6; i++) {
      const response = await waitFor(
        fetch(`http://127.0.0.1:${port}/${i}`),
        `fetch never got response ${i}`,
      );
      await response.text();
    }
    expect([calls.length, connections.length < 6]).toEqual([6, true]);
  });

  test('HTTP/1.0 without keep-alive: Connection: close, then the server closes', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send('GET /old HTTP/1.0\r\n\r\n');
    const response = await wire.next();
    await wire.closed('the server kept an HTTP/1.0 connection open');
    expect(fieldValues(response, 'connection')).toEqual(['close']);
  });

  test('HTTP/1.0 with Connection: keep-alive: the response says keep-alive, and a second request is answered', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send('GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const first = await wire.next();
    await wire.send('GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const second = await wire.next('no response to a second HTTP/1.0 keep-alive request');
    expect([fieldValues(first, 'connection'), second.body.toString()]).toEqual([
      ['keep-alive'],
      'GET /b ',
    ]);
  });

  test('a handler\'s Connection field is replaced: "keep-alive" to an HTTP/1.0 keep-alive, once', async () => {
    const { port } = await serve(() => ({ status: 200, headers: [['Connection', 'upgrade']] }));
    const wire = await Wire.open(port);
    await wire.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(fieldValues(await wire.next(), 'connection')).toEqual(['keep-alive']);
  });

  test("a handler's Connection: keep-alive on HTTP/1.1 is not passed on, and the connection persists", async () => {
    const { port } = await serve(() => ({
      status: 200,
      headers: [
        ['Connection', 'keep-alive'],
        ['X-After', '1'],
      ],
    }));
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    const first = await wire.next();
    await wire.send(GET('/'));
    await wire.next('no response to a second request');
    const names = first.fields.map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(names.sort()).toEqual(['content-length', 'date', 'x-after']);
  });

  test('the response to HEAD has no content, so the next response on the connection is read whole', async () => {
    const { port } = await serve((request) => ({ status: 200, body: `body of ${request.method}` }));
    const wire = await Wire.open(port);
    await wire.send(`HEAD / HTTP/1.1\r\nHost: a\r\n\r\n${GET('/')}`);
    const first = await wire.next('no response to HEAD', { head: true });
    const second = await wire.next('no response after the one to HEAD');
    expect([first.body.length, second.statusLine, second.body.toString()]).toEqual([
      0,
      'HTTP/1.1 200 OK',
      'body of GET',
    ]);
  });

  test('a handler that throws gives a 500, and the connection carries on: the request was read whole', async () => {
    let calls = 0;
    const { port } = await serve(() => {
      calls += 1;
      if (calls === 1) throw new Error('db password is hunter2');
      return { status: 200, body: 'fine' };
    });
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    const failed = await wire.next();
    await wire.send(GET('/'));
    const next = await wire.next('no response after a 500');
    expect([
      failed.status,
      failed.body.toString(),
      fieldValues(failed, 'content-type'),
      next.status,
    ]).toEqual([500, INTERNAL_ERROR_TEXT, ['text/plain; charset=utf-8'], 200]);
  });

  test('a response kata 20 refuses to write (CR LF in a value) is a 500, never a planted field', async () => {
    const { port } = await serve(() => ({
      status: 200,
      headers: [['Location', '/x\r\nSet-Cookie: session=stolen']],
    }));
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    const response = await wire.next();
    expect([response.status, fieldValues(response, 'set-cookie')]).toEqual([500, []]);
  });
});

describe("the fields of a response: the handler's, then the server's own Connection field", () => {
  const names = (response: { fields: readonly string[] }) =>
    response.fields.map((line) => line.slice(0, line.indexOf(':')).toLowerCase()).sort();
  const cases = [
    ['HTTP/1.1 that persists', GET('/'), ['content-length', 'date']],
    [
      'HTTP/1.0 keep-alive',
      'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      ['connection', 'content-length', 'date'],
    ],
    [
      'the last response',
      GET('/', 'Connection: close\r\n'),
      ['connection', 'content-length', 'date'],
    ],
  ] as const;

  test.each(cases)(
    'a handler that returns no fields, %s: Date, Content-Length and no more than the Connection field',
    async (_, request, expected) => {
      const { port } = await serve(() => ({ status: 200, body: 'x' }));
      const wire = await Wire.open(port);
      await wire.send(request);
      expect(names(await wire.next())).toEqual(expected);
    },
  );

  test('a "close" in another field is not a Connection option: the connection persists', async () => {
    const { port } = await serve(() => ({ status: 200, headers: [['X-Mode', 'close']] }));
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    const first = await wire.next();
    await wire.send(GET('/'));
    await wire.next('no response to a second request');
    expect(fieldValues(first, 'x-mode')).toEqual(['close']);
  });

  test('the handler is given the two ends of the connection, the same for every request on it', async () => {
    const seen: unknown[] = [];
    const { port } = await serve((_, connection) => {
      seen.push(connection);
      return { status: 204 };
    });
    const wire = await Wire.open(port);
    await wire.send(GET('/1') + GET('/2'));
    await wire.next();
    await wire.next();
    const ends = {
      remoteAddress: '127.0.0.1',
      remotePort: wire.socket.localPort,
      localAddress: '127.0.0.1',
      localPort: port,
    };
    expect(seen).toEqual([ends, ends]);
  });
});

describe('RFC 9112 §9.6: "close" from either side ends the connection after that response', () => {
  test('Connection: close from the client: the response says close, then the server closes', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/', 'Connection: close\r\n'));
    const response = await wire.next();
    await wire.closed('the server kept the connection after Connection: close');
    expect(fieldValues(response, 'connection')).toEqual(['close']);
  });

  test('Connection: close from the handler: said once, then the server closes', async () => {
    const { port } = await serve(() => ({
      status: 200,
      headers: [['Connection', 'Close']],
      body: 'last',
    }));
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    const response = await wire.next();
    await wire.closed('the server kept the connection after its handler said close');
    expect(fieldValues(response, 'connection')).toEqual(['close']);
  });

  test('"MUST NOT process any further requests": a request after the one that closes is never handled', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/last', 'Connection: close\r\n') + GET('/never'));
    await wire.next();
    const after = await wire.closed();
    expect([calls.map((call) => call.request.target.text), after.length]).toEqual([['/last'], 0]);
  });

  test('a request written after the closing response, on the half-open connection, is never handled', async () => {
    const { handler, calls } = recording();
    const { port, server } = await serve(handler);
    const serverSide = new Promise((resolve) =>
      server.once('connection', (socket) => socket.once('close', resolve)),
    );
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      socket.destroy();
    });
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.on('data', () => {});
    socket.write(GET('/last', 'Connection: close\r\n'));
    await waitFor(ended, 'the server never closed after Connection: close');
    socket.end(GET('/late'));
    await waitFor(serverSide, "the server's side of the connection never closed");
    expect(calls.map((call) => call.request.target.text)).toEqual(['/last']);
  });

  test('a client that never closes its side is dropped idleTimeout after the server closed its own', async () => {
    const { port, server } = await serve(() => ({ status: 200 }), { idleTimeout: 100 });
    const serverSide = new Promise((resolve) =>
      server.once('connection', (socket) => socket.once('close', resolve)),
    );
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.on('data', () => {});
    socket.write(GET('/', 'Connection: close\r\n'));
    await waitFor(serverSide, 'the server kept for ever a connection whose client never closed');
  });

  test('bytes that keep coming after the close do not stop the response', async () => {
    const { port } = await serve(() => ({ status: 200, body: 'done' }));
    const wire = await Wire.open(port);
    await wire.send(GET('/', 'Connection: close\r\n'));
    await wire.send('garbage\r\n');
    await wire.send('more garbage');
    expect((await wire.next()).body.toString()).toBe('done');
  });

  test('a client that half-closes after its request gets the response, then the close', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    wire.socket.end(GET('/bye'));
    const response = await wire.next();
    await wire.closed('the server never closed after the client ended');
    expect(response.body.toString()).toBe('GET /bye ');
  });

  test('a client that half-closes while its handler works still gets the response', async () => {
    const slow = gate();
    const { port, server } = await serve(async () => {
      await slow.opened;
      return { status: 200, body: 'worth the wait' };
    });
    server.on('connection', (socket) => socket.once('end', slow.open));
    const wire = await Wire.open(port);
    wire.socket.end(GET('/'));
    expect((await wire.next('the response was lost to an early FIN')).body.toString()).toBe(
      'worth the wait',
    );
  });

  test('a client that pipelines, then half-closes while the first handler works: every response, then the close', async () => {
    const slow = gate();
    const { port, server } = await serve(async (request) => {
      if (request.target.text === '/1') await slow.opened;
      return { status: 200, body: request.target.text };
    });
    server.on('connection', (socket) => socket.once('end', slow.open));
    const wire = await Wire.open(port);
    wire.socket.end(GET('/1') + GET('/2'));
    const bodies = [(await wire.next()).body.toString(), (await wire.next()).body.toString()];
    await wire.closed('the server never closed after the last pipelined response');
    expect(bodies).toEqual(['/1', '/2']);
  });

  test('a client that closes before its request is complete gets nothing', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    wire.socket.end('GET / HTTP/1.1\r\nHost: a\r\n');
    const sent = await wire.closed('the server never closed after an incomplete request');
    expect([sent.length, calls.length]).toEqual([0, 0]);
  });
});

describe('RFC 9112 §2.2 and §11.2: a request error is answered, then the close; the bytes after it are never read', () => {
  test('garbage: 400 and the close, and the request behind it is never handled', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(`hello there\r\n\r\n${GET('/after')}`);
    const response = await wire.next();
    await wire.closed();
    expect([response.status, fieldValues(response, 'connection'), calls.length]).toEqual([
      400,
      ['close'],
      0,
    ]);
  });

  test('garbage after a good request: the good one is answered, then 400 and the close', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(`${GET('/good')}hello there\r\n\r\n`);
    const statuses = [(await wire.next()).status, (await wire.next()).status];
    await wire.closed();
    expect(statuses).toEqual([200, 400]);
  });

  test('request smuggling: Content-Length and Transfer-Encoding together is 400 and a close; the smuggled request is never handled', async () => {
    // RFC 9112 §6.3: such a message "ought to be handled as an error"; §6.1: "Regardless,
    // the server MUST close the connection after responding to such a request". A server
    // that picked one of the two framings would read the smuggled GET as a request
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `0\r\n\r\n${GET('/smuggled')}`,
    );
    const response = await wire.next();
    const after = await wire.closed();
    expect([
      response.status,
      fieldValues(response, 'connection'),
      calls.length,
      after.length,
    ]).toEqual([400, ['close'], 0, 0]);
  });

  test('431: a head past maxHeadBytes is cut off at once, then the close', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { maxHeadBytes: 1024 });
    const wire = await Wire.open(port);
    await wire.send(`GET / HTTP/1.1\r\nHost: a\r\nX-Fill: ${'x'.repeat(2000)}`);
    const response = await wire.next('the server never cut off a head past maxHeadBytes');
    await wire.closed();
    expect(response.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  });

  test('413: a Content-Length past maxBodyBytes is refused before the body, then the close', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler, { maxBodyBytes: 100 });
    const wire = await Wire.open(port);
    await wire.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n');
    const response = await wire.next('the server waited for a body it will not read');
    await wire.closed();
    expect([response.status, fieldValues(response, 'connection'), calls.length]).toEqual([
      413,
      ['close'],
      0,
    ]);
  });

  test('the error body is text/plain and names the problem', async () => {
    const { port } = await serve(() => ({ status: 200 }));
    const wire = await Wire.open(port);
    await wire.send('GET / HTTP/2.0\r\nHost: a\r\n\r\n');
    const response = await wire.next();
    expect([fieldValues(response, 'content-type'), response.body.toString()]).toEqual([
      ['text/plain; charset=utf-8'],
      expect.stringContaining('unsupported-version'),
    ]);
  });
});

describe('RFC 9112 §9.3.2: pipelined requests are answered "in the same order that the requests were received"', () => {
  test('three requests in one write: three responses, in order', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/1') + GET('/2') + GET('/3'));
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await wire.next()).body.toString());
    expect(bodies).toEqual(['GET /1 ', 'GET /2 ', 'GET /3 ']);
  });

  test('the first handler is slow: the second response still comes after the first', async () => {
    const slow = gate();
    const { port } = await serve(async (request) => {
      if (request.target.text === '/slow') await slow.opened;
      return { status: 200, body: request.target.text };
    });
    const wire = await Wire.open(port);
    await wire.send(GET('/slow') + GET('/fast'));
    // the fast request is on the server's side of the wire before the slow one is let go
    await new Promise((resolve) => setImmediate(resolve));
    slow.open();
    const bodies = [(await wire.next()).body.toString(), (await wire.next()).body.toString()];
    expect(bodies).toEqual(['/slow', '/fast']);
  });

  test('a pipelined request cut across two writes, its start in the first', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    const next = GET('/second');
    await wire.send(GET('/first') + next.slice(0, 10));
    const first = await wire.next();
    await wire.send(next.slice(10));
    const second = await wire.next('the rest of a pipelined request was lost');
    expect([first.body.toString(), second.body.toString()]).toEqual([
      'GET /first ',
      'GET /second ',
    ]);
  });

  test('a pipelined POST body and the request after it: each request gets its own body', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(
      `POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello${GET('/g')}` +
        `PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    );
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await wire.next()).body.toString());
    expect(bodies).toEqual(['POST /p hello', 'GET /g ', 'PUT /c abc']);
  });

  test('a client that pipelines and then half-closes gets every response, then the close', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    wire.socket.end(GET('/1') + GET('/2') + GET('/3'));
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await wire.next()).body.toString());
    await wire.closed();
    expect(bodies).toEqual(['GET /1 ', 'GET /2 ', 'GET /3 ']);
  });

  test("undici's Pool with pipelining: ten requests in flight on one connection, each answered with its own", async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1, pipelining: 10 });
    onTestFinished(() => pool.destroy());
    const targets = Array.from({ length: 10 }, (_, i) => `/r${i}`);
    const bodies = await waitFor(
      Promise.all(
        targets.map(async (target) => {
          const { body } = await pool.request({ path: target, method: 'GET' });
          return body.text();
        }),
      ),
      'undici never got every pipelined response',
    );
    expect([bodies, new Set(calls.map((call) => call.remotePort)).size]).toEqual([
      targets.map((target) => `GET ${target} `),
      1,
    ]);
  });
});

describe('RFC 9112 §9.5: an idle connection is closed, gracefully', () => {
  test('no request after a response for idleTimeout: the server closes, without a word', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { idleTimeout: 100 });
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    await wire.next();
    const after = await wire.closed('the server never closed an idle connection');
    expect(after.length).toBe(0);
  });

  test('an idle connection gets no 408, even when headerTimeout is shorter: nothing has started', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { idleTimeout: 200, headerTimeout: 30 });
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    await wire.next();
    expect((await wire.closed('the server never closed an idle connection')).length).toBe(0);
  });

  test('a connection that never sends a request is closed after idleTimeout', async () => {
    const { port } = await serve(() => ({ status: 200 }), { idleTimeout: 100 });
    const wire = await Wire.open(port);
    expect((await wire.closed('the server kept a silent connection open')).length).toBe(0);
  });

  test('the idle timeout does not run while the handler works', async () => {
    const { port } = await serve(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { status: 200, body: 'worth the wait' };
      },
      { idleTimeout: 50 },
    );
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    expect((await wire.next('the server closed while its handler worked')).body.toString()).toBe(
      'worth the wait',
    );
  });

  test('a body whose octets come more often than idleTimeout is read, however long it takes', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { idleTimeout: 150, headerTimeout: 5_000 });
    const wire = await Wire.open(port);
    await wire.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n');
    for (const octet of 'steady') {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await wire.send(octet);
    }
    expect((await wire.next('a body in time was cut off')).body.toString()).toBe('POST / steady');
  });

  test('a body that never starts, after a complete head: 408 once idleTimeout has passed', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler, { idleTimeout: 100, headerTimeout: 5_000 });
    const wire = await Wire.open(port);
    await wire.send('PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n');
    const response = await wire.next('the server waited for ever for a body');
    expect([response.status, calls.length]).toEqual([408, 0]);
  });

  test('a body that stops for idleTimeout is a 408 and a close', async () => {
    const { handler, calls } = recording();
    const { port, server } = await serve(handler, { idleTimeout: 100, headerTimeout: 5_000 });
    const reads = serverReads(server);
    const wire = await Wire.open(port);
    await wire.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc');
    await reads(1);
    await wire.send('de');
    const response = await wire.next('the server waited for ever for the rest of a body');
    await wire.closed();
    expect([response.status, calls.length]).toEqual([408, 0]);
  });
});

describe('RFC 9110 §15.5.9: 408 for a head that does not end in time (slowloris)', () => {
  test('a head started and not ended within headerTimeout: 408 Request Timeout, TIMEOUT_TEXT, Connection: close', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler, { headerTimeout: 100, idleTimeout: 5_000 });
    const wire = await Wire.open(port);
    await wire.send('GET / HTTP/1.1\r\nHost: a\r\n');
    const response = await wire.next('the server never timed out a head that did not end');
    await wire.closed();
    expect([
      response.statusLine,
      fieldValues(response, 'connection'),
      response.body.toString(),
      calls.length,
      fieldValues(response, 'content-type'),
    ]).toEqual([
      'HTTP/1.1 408 Request Timeout',
      ['close'],
      'The request did not arrive in time.\n',
      0,
      ['text/plain; charset=utf-8'],
    ]);
    expect(TIMEOUT_TEXT).toBe(response.body.toString());
  });

  test('a trickle of octets does not push the deadline back', async () => {
    // slowloris: one octet at a time keeps an inactivity timer from ever firing
    const { port } = await serve(() => ({ status: 200 }), {
      headerTimeout: 150,
      idleTimeout: 5_000,
    });
    const wire = await Wire.open(port);
    let trickling = true;
    onTestFinished(() => {
      trickling = false;
    });
    void (async () => {
      for (const octet of `GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ${'z'.repeat(400)}`) {
        if (!trickling || wire.ended) return;
        await wire.send(octet).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const response = await wire.next('a trickled head was never timed out');
    trickling = false;
    expect(response.status).toBe(408);
  });

  test('the head timer stops when the head ends: a body that takes longer than headerTimeout is read', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { headerTimeout: 80, idleTimeout: 1_000 });
    const wire = await Wire.open(port);
    await wire.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n');
    for (const octet of 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await wire.send(octet);
    }
    expect((await wire.next()).body.toString()).toBe('POST / slow');
  });

  test('the head timer starts again for each request: the second request gets its own deadline', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { headerTimeout: 100, idleTimeout: 5_000 });
    const wire = await Wire.open(port);
    await wire.send(GET('/1'));
    await wire.next();
    await wire.send('GET /2 HTTP/1.1\r\n');
    const response = await wire.next('the second, unfinished head was never timed out');
    expect(response.status).toBe(408);
  });

  test('three hundred slow connections at once: each gets its 408 and is closed, and a normal client is served meanwhile', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { headerTimeout: 300, idleTimeout: 5_000 });
    const slow = await Promise.all(Array.from({ length: 300 }, () => Wire.open(port)));
    await Promise.all(slow.map((wire) => wire.send('GET / HTTP/1.1\r\nHost: a\r\nX-Slow: 1')));
    const normal = await Wire.open(port);
    await normal.send(GET('/meanwhile'));
    const served = await normal.next('a normal client was not served beside slow ones');
    const statuses = await within(
      Promise.all(slow.map(async (wire) => [(await wire.next()).status, await wire.closed()])),
      'not every slow connection got its 408 and its close',
      3_000,
    );
    expect([served.body.toString(), statuses.every(([status]) => status === 408)]).toEqual([
      'GET /meanwhile ',
      true,
    ]);
  });
});

describe('RFC 9110 §10.1.1: Expect: 100-continue', () => {
  const EXPECTING =
    'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n';

  test('the 100 (Continue) comes after the head, before any content is sent', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(EXPECTING);
    const interim = await wire.next('the server never sent 100 (Continue) for a waiting client');
    expect([interim.statusLine, interim.fields]).toEqual(['HTTP/1.1 100 Continue', []]);
  });

  test('after the 100, the content is read (in pieces too) and the final response follows, one 100 only', async () => {
    const { handler } = recording();
    const { port, server } = await serve(handler);
    const reads = serverReads(server);
    const wire = await Wire.open(port);
    await wire.send(EXPECTING);
    await wire.next();
    await wire.send('he');
    await reads(2);
    await wire.send('llo');
    const final = await wire.next();
    expect([final.status, final.body.toString()]).toEqual([200, 'POST /up hello']);
  });

  test('empty lines before the request-line (RFC 9112 §2.2) do not hide the head: the 100 still comes', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(`\r\n\r\n${EXPECTING}`);
    expect((await wire.next('no 100 (Continue) after empty lines')).status).toBe(100);
  });

  test('a head within maxHeadBytes but over 16 KiB still gets its 100', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { maxHeadBytes: 64 * 1024 });
    const wire = await Wire.open(port);
    await wire.send(EXPECTING.replace('\r\n\r\n', `\r\nX-Fill: ${'x'.repeat(20_000)}\r\n\r\n`));
    expect((await wire.next('no 100 (Continue) for a large head')).status).toBe(100);
  });

  test('a head that arrives in pieces gets its 100 once its last piece is in', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    for (const piece of [EXPECTING.slice(0, 20), EXPECTING.slice(20, -1), EXPECTING.slice(-1)]) {
      await wire.send(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await wire.next('no 100 (Continue) for a head sent in pieces')).status).toBe(100);
  });

  test('HTTP/1.0: the expectation is ignored, no 100', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(EXPECTING.replace('HTTP/1.1', 'HTTP/1.0'));
    await wire.send('hello');
    expect((await wire.next()).status).toBe(200);
  });

  test('a final status instead: a Content-Length past the limit is 413 at once, no 100, then the close', async () => {
    const { handler } = recording();
    const { port } = await serve(handler, { maxBodyBytes: 4 });
    const wire = await Wire.open(port);
    await wire.send(EXPECTING);
    const response = await wire.next();
    await wire.closed();
    expect(response.status).toBe(413);
  });

  test('an expectation other than 100-continue: 417, EXPECTATION_FAILED_TEXT, the close; the handler is not called', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(EXPECTING.replace('100-continue', 'x-fast'));
    const response = await wire.next();
    await wire.closed();
    expect([
      response.status,
      response.body.toString(),
      fieldValues(response, 'content-type'),
      fieldValues(response, 'connection'),
      calls.length,
    ]).toEqual([
      417,
      'This server meets no expectation but 100-continue.\n',
      ['text/plain; charset=utf-8'],
      ['close'],
      0,
    ]);
    expect(EXPECTATION_FAILED_TEXT).toBe(response.body.toString());
  });

  test('an unmet expectation on a request without content is a 417 too', async () => {
    const { handler, calls } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send(GET('/', 'Expect: x-fast\r\n'));
    const response = await wire.next();
    await wire.closed();
    expect([response.status, calls.length]).toEqual([417, 0]);
  });

  test("node:http's client gets its 'continue' event, sends the body, and reads the response", async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const body = await waitFor(
      new Promise<string>((resolve, reject) => {
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/file',
          agent: false,
          headers: { Expect: '100-continue', 'Content-Length': 4 },
        });
        request.once('continue', () => request.end('data'));
        request.once('response', (response) => {
          const pieces: Buffer[] = [];
          response.on('data', (piece: Buffer) => pieces.push(piece));
          response.once('end', () => resolve(Buffer.concat(pieces).toString()));
        });
        request.once('error', reject);
        request.flushHeaders();
      }),
      "node:http never got a 'continue' and a response",
    );
    expect(body).toBe('PUT /file data');
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl -d with a body over 1 KiB does not stall: it gets its 100 at once'),
    async () => {
      const { handler } = recording();
      const { port } = await serve(handler);
      const content = 'a'.repeat(2_000);
      // curl waits --expect100-timeout (1 s by default, 5 s here) for a 100 that never comes
      const out = await within(
        new Promise<string>((resolve, reject) => {
          const child = execFile(
            CURL,
            [
              '--silent',
              '--show-error',
              '--expect100-timeout',
              '5',
              '-H',
              'Expect: 100-continue',
              '--data-binary',
              '@-',
              `http://127.0.0.1:${port}/form`,
            ],
            { timeout: 4 * WAIT_MS },
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
          );
          child.stdin?.end(content);
        }),
        'curl waited for a 100 (Continue) that never came',
        WAIT_MS,
      );
      expect(out).toBe(`POST /form ${content}`);
    },
  );
});

describe('close(): stop accepting, let the response in flight finish', () => {
  test('an idle keep-alive connection is closed at once, and the close callback is called', async () => {
    const { handler } = recording();
    const { port, server } = await serve(handler, { idleTimeout: 60_000 });
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    await wire.next();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await wire.closed('close() left an idle connection open');
    await waitFor(closed, "close()'s callback was never called");
  });

  test('a request whose head has started is still answered, as the last on its connection', async () => {
    const { handler } = recording();
    const { port, server } = await serve(handler);
    const arrived = new Promise((resolve) =>
      server.once('connection', (socket) => socket.once('data', resolve)),
    );
    const wire = await Wire.open(port);
    const request = GET('/started');
    await wire.send(request.slice(0, 12));
    await waitFor(arrived, 'the start of the request never reached the server');
    server.close();
    await wire.send(request.slice(12));
    const response = await wire.next('close() dropped a request that had started');
    await wire.closed();
    expect([response.body.toString(), fieldValues(response, 'connection')]).toEqual([
      'GET /started ',
      ['close'],
    ]);
  });

  test('a response in flight is written whole, says Connection: close, and the connection ends', async () => {
    const slow = gate();
    const started = gate();
    const { port, server } = await serve(async () => {
      started.open();
      await slow.opened;
      return { status: 200, body: 'finished' };
    });
    const wire = await Wire.open(port);
    await wire.send(GET('/'));
    await waitFor(started.opened, 'the handler was never called');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    slow.open();
    const response = await wire.next('close() cut off the response in flight');
    await wire.closed();
    await waitFor(closed, "close()'s callback was never called");
    expect([response.body.toString(), fieldValues(response, 'connection')]).toEqual([
      'finished',
      ['close'],
    ]);
  });
});

describe("kata 28's handler on this server", () => {
  const PUBLIC = path.join(import.meta.dirname, '../28-serve-static-files/public');

  test('createPersistentStaticServer serves two files on one keep-alive socket, byte for byte', async () => {
    const server = createPersistentStaticServer({ root: PUBLIC });
    const connections: net.Socket[] = [];
    server.on('connection', (socket) => connections.push(socket));
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const get = (file: string) =>
      waitFor(
        new Promise<Buffer>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: `/${file}`, agent }, (response) => {
              const pieces: Buffer[] = [];
              response.on('data', (piece: Buffer) => pieces.push(piece));
              response.once('end', () => resolve(Buffer.concat(pieces)));
            })
            .once('error', reject);
        }),
        `node:http never read /${file}`,
      );
    const files = ['index.html', 'pixels.png'];
    const bodies = [await get('index.html'), await get('pixels.png')];
    expect([
      bodies.map((body, i) => body.equals(readFileSync(path.join(PUBLIC, files[i] ?? '')))),
      connections.length,
    ]).toEqual([[true, true], 1]);
  });
});

describe('a socket error never crashes the server', () => {
  test('a client that resets mid-request: the next client is served', async () => {
    const { handler } = recording();
    const { port } = await serve(handler);
    const wire = await Wire.open(port);
    await wire.send('GET / HTTP/1.1\r\nHo');
    wire.socket.resetAndDestroy();
    const next = await Wire.open(port);
    await next.send(GET('/next'));
    expect((await next.next()).body.toString()).toBe('GET /next ');
  });

  test('a client that resets while its handler works: the late response is dropped, the server serves on', async () => {
    const started = gate();
    const answered = gate();
    const { port } = await serve(async (request) => {
      if (request.target.text === '/first') {
        started.open();
        await new Promise((resolve) => setTimeout(resolve, 30));
        answered.open();
      }
      return { status: 200, body: request.target.text };
    });
    const wire = await Wire.open(port);
    await wire.send(GET('/first'));
    await waitFor(started.opened, 'the handler was never called');
    wire.socket.resetAndDestroy();
    await waitFor(answered.opened, 'the first handler never finished');
    const next = await Wire.open(port);
    await next.send(GET('/next'));
    expect((await next.next()).body.toString()).toBe('/next');
  });
});
