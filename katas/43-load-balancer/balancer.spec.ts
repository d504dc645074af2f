import { createHash } from 'node:crypto';
import http from 'node:http';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { parseRequestLine } from '../17-parse-a-request-line/request-line.ts';
import { parseHeaders } from '../18-header-fields/header-fields.ts';
import { REASON_PHRASES } from '../20-serialize-a-response/response.ts';
import {
  curl,
  exchange,
  fieldValues,
  HAS_CURL,
  nodeRequest,
  split,
  waitFor,
  withCurl,
} from '../27-hello-server/fixtures/clients.ts';
import type { ConnectionInfo } from '../27-hello-server/server.ts';
import { environOf } from '../34-implement-the-gateway-interface/gateway-server.ts';
import {
  BAD_GATEWAY_TEXT,
  type Backend,
  type BalancerOptions,
  createBalancer,
  createPool,
  endToEnd,
  forwardedFields,
  GATEWAY_TIMEOUT_TEXT,
  isIdempotent,
  REPLAY_BYTES,
} from './balancer.ts';
import { answerName, type Running, startBackend } from './fixtures/backends.ts';

const CLIENT: ConnectionInfo = {
  remoteAddress: '192.0.2.7',
  remotePort: 50_000,
  localAddress: '127.0.0.1',
  localPort: 8080,
};

/** The environ kata 34 builds for a request head, as the balancer's app receives it. */
function environ(requestLine: string, fields: string[], scheme: 'http' | 'https' = 'http') {
  const line = parseRequestLine(requestLine);
  const head = { ...line, headers: parseHeaders(fields, { version: line.version }) };
  return environOf(head, CLIENT, { urlScheme: scheme });
}

/** The value of a field in a list of pairs, the repeated ones joined as a list. */
function joined(fields: readonly (readonly [string, string])[], name: string) {
  const values = fields.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}

/** A balancer over these backends, listening; its port. */
const front = (running: readonly Running[], options: BalancerOptions = {}) =>
  listen(
    createBalancer(
      running.map((r) => r.backend),
      options,
    ),
  );

/** `fetch` through the balancer: the status and the body as text. */
async function get(port: number, path = '/', init: RequestInit = {}) {
  const response = await waitFor(
    fetch(`http://127.0.0.1:${port}${path}`, init),
    'fetch never got a response through the balancer',
  );
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** A chunked upload with node:http (no Content-Length: only the last-chunk ends it). */
function upload(port: number, path: string, chunks: readonly Buffer[], method = 'PUT') {
  return waitFor(
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, method, path, agent: false },
        (response) => {
          const pieces: Buffer[] = [];
          response.on('data', (piece: Buffer) => pieces.push(piece));
          response.once('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(pieces) }),
          );
          response.once('error', reject);
        },
      );
      request.once('error', reject);
      for (const chunk of chunks) request.write(chunk);
      request.end();
    }),
    'the chunked upload never got its whole response',
  );
}

/** Resolves the first time `backend` sees a request for `path`. */
function sees(backend: Running, path: string): Promise<void> {
  return new Promise((resolve) => {
    backend.server.on('request', (request: http.IncomingMessage) => {
      if (request.url === path) resolve();
    });
  });
}

const requestsTo = (backend: Running, path = '/') =>
  backend.seen.filter((s) => s.url !== '/health' && s.url.startsWith(path));

/** A handler that answers with the request body, once it has all of it. */
const echoing = (request: http.IncomingMessage, response: http.ServerResponse) => {
  const pieces: Buffer[] = [];
  request.on('data', (piece: Buffer) => pieces.push(piece));
  request.on('end', () => response.end(Buffer.concat(pieces)));
};

/** A backend that destroys the connection of every request (after reading it) until told. */
async function resetting(name: string) {
  let resets = true;
  const running = await startBackend(name, (request, response) => {
    if (request.url === '/health') {
      response.end('ok');
      return;
    }
    if (!resets) {
      answerName(name)(request, response);
      return;
    }
    request.resume();
    request.once('end', () => request.socket.destroy());
  });
  return { running, heal: () => (resets = false) };
}

describe('RFC 9110 §7.6.1: hop-by-hop fields are dropped before forwarding', () => {
  test('Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade and Connection go, any case', () => {
    const fields = [
      ['Proxy-Connection', 'keep-alive'],
      ['keep-alive', 'timeout=5'],
      ['TE', 'trailers'],
      ['Transfer-Encoding', 'chunked'],
      ['UPGRADE', 'websocket'],
      ['Connection', 'upgrade'],
      ['Accept', '*/*'],
    ] as const;
    expect(endToEnd(fields)).toEqual([['Accept', '*/*']]);
  });

  test('Trailer goes too: the gateway interface carries no trailers to announce', () => {
    expect(
      endToEnd([
        ['Trailer', 'Expires'],
        ['Accept', '*/*'],
      ]),
    ).toEqual([['Accept', '*/*']]);
  });

  test('a field the Connection list names goes, whatever its case and the spaces in the list', () => {
    const fields = [
      ['Connection', 'close ,X-Secret'],
      ['Connection', ' x-other'],
      ['x-secret', '1'],
      ['X-Other', '2'],
      ['X-Kept', '3'],
    ] as const;
    expect(endToEnd(fields)).toEqual([['X-Kept', '3']]);
  });

  test('every other field stays, in order, a repeated one as often as it came', () => {
    const fields = [
      ['Set-Cookie', 'a=1'],
      ['Date', 'Tue, 01 Dec 2026 17:00:00 GMT'],
      ['Set-Cookie', 'b=2'],
    ] as const;
    expect(endToEnd(fields)).toEqual(fields);
  });

  test('a field named in the value of a field other than Connection stays', () => {
    const fields = [
      ['Vary', 'Accept'],
      ['Accept', '*/*'],
    ] as const;
    expect(endToEnd(fields)).toEqual(fields);
  });

  test('a field whose name only contains a hop-by-hop name stays', () => {
    const fields = [
      ['X-Upgrade', '1'],
      ['Keep-Alive-Hint', '2'],
    ] as const;
    expect(endToEnd(fields)).toEqual(fields);
  });
});

describe('the request a backend gets: the client fields, X-Forwarded-*, Via (RFC 9110 §7.6.3)', () => {
  test('each HTTP_* is a field again, lowercase with "-", Content-Type and Content-Length with them', () => {
    const fields = forwardedFields(
      environ('POST /x HTTP/1.1', [
        'Host: shop.test',
        'User-Agent: probe',
        'Content-Type: text/plain',
        'Content-Length: 3',
      ]),
    );
    expect(joined(fields, 'host')).toBe('shop.test');
    expect(joined(fields, 'user-agent')).toBe('probe');
    expect(joined(fields, 'content-type')).toBe('text/plain');
    expect(joined(fields, 'content-length')).toBe('3');
  });

  test('no Content-Type or Content-Length when the request has none', () => {
    const names = forwardedFields(environ('GET / HTTP/1.1', ['Host: a'])).map(([n]) => n);
    expect(names).not.toContain('content-type');
    expect(names).not.toContain('content-length');
  });

  test('the request hop-by-hop fields are not passed on', () => {
    const fields = forwardedFields(
      environ('GET / HTTP/1.1', [
        'Host: a',
        'Keep-Alive: timeout=5',
        'TE: trailers',
        'Upgrade: h2c',
        'Proxy-Connection: keep-alive',
        'Transfer-Encoding: chunked',
      ]),
    );
    const names = fields.map(([n]) => n);
    for (const name of ['keep-alive', 'te', 'upgrade', 'proxy-connection', 'transfer-encoding']) {
      expect(names).not.toContain(name);
    }
  });

  test('X-Forwarded-For is the client address when the client sent none', () => {
    const fields = forwardedFields(environ('GET / HTTP/1.1', ['Host: a']));
    expect(joined(fields, 'x-forwarded-for')).toBe(CLIENT.remoteAddress);
  });

  test('X-Forwarded-For: the client address is appended to the list the client sent, once', () => {
    const fields = forwardedFields(
      environ('GET / HTTP/1.1', [
        'Host: a',
        'X-Forwarded-For: 203.0.113.1',
        'X-Forwarded-For: 10.0.0.1',
      ]),
    );
    expect(fields.filter(([n]) => n === 'x-forwarded-for')).toEqual([
      ['x-forwarded-for', `203.0.113.1, 10.0.0.1, ${CLIENT.remoteAddress}`],
    ]);
  });

  test("X-Forwarded-Proto is the scheme the client used, never the client's own claim", () => {
    const plain = forwardedFields(
      environ('GET / HTTP/1.1', ['Host: a', 'X-Forwarded-Proto: https']),
    );
    expect(plain.filter(([n]) => n === 'x-forwarded-proto')).toEqual([
      ['x-forwarded-proto', 'http'],
    ]);
    const tls = forwardedFields(environ('GET / HTTP/1.1', ['Host: a'], 'https'));
    expect(joined(tls, 'x-forwarded-proto')).toBe('https');
  });

  test('RFC 9110 §7.6.3: Via gets the received protocol and the pseudonym, appended', () => {
    const fields = forwardedFields(environ('GET / HTTP/1.1', ['Host: a', 'Via: 1.1 cdn']));
    expect(fields.filter(([n]) => n === 'via')).toEqual([['via', '1.1 cdn, 1.1 balancer']]);
  });

  test('RFC 9110 §7.6.3: an HTTP/1.0 request is received-protocol 1.0; the pseudonym is an option', () => {
    const fields = forwardedFields(environ('GET / HTTP/1.0', ['Host: a']), 'edge-7');
    expect(joined(fields, 'via')).toBe('1.0 edge-7');
  });

  test('the fields of the client come first, in its order; the three of the balancer last', () => {
    const fields = forwardedFields(environ('GET / HTTP/1.1', ['Host: a', 'Accept: */*']));
    expect(fields.map(([n]) => n)).toEqual([
      'host',
      'accept',
      'x-forwarded-for',
      'x-forwarded-proto',
      'via',
    ]);
  });
});

describe('RFC 9110 §9.2.2: idempotent methods', () => {
  test('PUT, DELETE and the safe methods GET, HEAD, OPTIONS, TRACE are idempotent', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']) {
      expect(isIdempotent(method), method).toBe(true);
    }
  });

  test('POST, PATCH, CONNECT and an unknown method are not', () => {
    for (const method of ['POST', 'PATCH', 'CONNECT', 'PURGE']) {
      expect(isIdempotent(method), method).toBe(false);
    }
  });

  test('RFC 9110 §9.1: methods are case-sensitive, so "get" is not GET', () => {
    expect(isIdempotent('get')).toBe(false);
  });
});

describe('round robin: the healthy backends in turn, in the order given', () => {
  const a: Backend = { host: '127.0.0.1', port: 1 };
  const b: Backend = { host: '127.0.0.1', port: 2 };
  const c: Backend = { host: '127.0.0.1', port: 3 };

  test('each in turn, then the first again', () => {
    const pool = createPool([a, b, c]);
    expect([1, 2, 3, 4, 5].map(() => pool.next())).toEqual([a, b, c, a, b]);
  });

  test('an ejected backend is skipped; ejecting it twice says it was out already', () => {
    const pool = createPool([a, b, c]);
    expect(pool.eject(b)).toBe(true);
    expect(pool.eject(b)).toBe(false);
    expect([1, 2, 3].map(() => pool.next())).toEqual([a, c, a]);
  });

  test('an admitted backend is back in its place in the turn', () => {
    const pool = createPool([a, b, c]);
    pool.eject(b);
    expect(pool.next()).toBe(a);
    pool.admit(b);
    expect([1, 2, 3].map(() => pool.next())).toEqual([b, c, a]);
  });

  test('the turn goes on after the last one given, not from the start', () => {
    const pool = createPool([a, b, c]);
    pool.next();
    pool.eject(a);
    expect([1, 2, 3].map(() => pool.next())).toEqual([b, c, b]);
  });

  test('the backends in skip are passed over, and none is left when all are skipped or out', () => {
    const pool = createPool([a, b, c]);
    expect(pool.next(new Set([a, b]))).toBe(c);
    pool.eject(c);
    expect(pool.next(new Set([a, b]))).toBeUndefined();
  });

  test('no backends: none', () => {
    expect(createPool([]).next()).toBeUndefined();
  });
});

describe('createBalancer: each request goes to the next backend, through node:http', () => {
  test('six requests over three backends: each gets two, in turn', async () => {
    const backends = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(name)));
    const port = await front(backends);
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push((await get(port)).body);
    expect(bodies).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  test('the backend gets the method, the target as sent, the Host and the body', async () => {
    const echo = await startBackend('echo', (request, response) => {
      const pieces: Buffer[] = [];
      request.on('data', (piece: Buffer) => pieces.push(piece));
      request.on('end', () => response.end(Buffer.concat(pieces)));
    });
    const port = await front([echo]);
    const reply = await nodeRequest(port, {
      method: 'PUT',
      path: '/notes/a%2Fb?x=1&y',
      headers: { Host: 'shop.test', 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(reply.body.toString()).toBe('hello');
    const [seen] = echo.seen;
    expect([seen?.method, seen?.url, seen?.headers.host]).toEqual([
      'PUT',
      '/notes/a%2Fb?x=1&y',
      'shop.test',
    ]);
    expect(seen?.headers['content-type']).toBe('text/plain');
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl -d through the balancer: the backend gets the form and echoes it'),
    async () => {
      const echo = await startBackend('echo', echoing);
      const port = await front([echo]);
      expect(await curl(['-d', 'name=Ada&lang=ts', `http://127.0.0.1:${port}/form`])).toBe(
        'name=Ada&lang=ts',
      );
      expect(echo.seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(echo.seen[0]?.headers['x-forwarded-for']).toBe('127.0.0.1');
    },
  );

  test('the backend sees X-Forwarded-For with the client address, X-Forwarded-Proto and Via', async () => {
    const backend = await startBackend('a');
    const port = await front([backend]);
    await nodeRequest(port, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    const headers = backend.seen[0]?.headers;
    expect(headers?.['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(headers?.['x-forwarded-proto']).toBe('http');
    expect(headers?.via).toBe('1.1 balancer');
  });

  test('RFC 9110 §7.6.1: the hop-by-hop fields of the request never reach the backend', async () => {
    const backend = await startBackend('a');
    const port = await front([backend]);
    await exchange(port, [
      'GET / HTTP/1.1\r\nHost: a\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-Sum\r\n',
      'Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nConnection: close\r\n\r\n',
    ]);
    const names = backend.seen[0]?.fields.map(([n]) => n.toLowerCase());
    expect(names).toContain('host');
    for (const name of ['keep-alive', 'te', 'trailer', 'proxy-connection', 'upgrade']) {
      expect(names).not.toContain(name);
    }
  });

  test('the status, reason and fields of the backend reach the client, Set-Cookie twice', async () => {
    const backend = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(299, 'Quite Fine', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Backend', 'a'],
        ['Content-Length', '2'],
      ]);
      response.end('ok');
    });
    const port = await front([backend]);
    const { reply } = await exchange(
      port,
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    const raw = split(reply);
    expect(raw.statusLine).toBe('HTTP/1.1 299 Quite Fine');
    expect(fieldValues(raw, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(fieldValues(raw, 'x-backend')).toEqual(['a']);
    expect(raw.body.toString()).toBe('ok');
  });

  test('RFC 9110 §7.6.1: the hop-by-hop fields of the response never reach the client', async () => {
    const backend = await startBackend('a', (request, response) => {
      request.resume();
      response.setHeader('Connection', 'X-Hop');
      response.setHeader('X-Hop', '1');
      response.setHeader('Keep-Alive', 'timeout=5');
      response.setHeader('Proxy-Connection', 'keep-alive');
      response.setHeader('Upgrade', 'h2c');
      response.setHeader('X-Kept', '1');
      response.end('ok');
    });
    const port = await front([backend]);
    const reply = await nodeRequest(port);
    expect(reply.headers['x-kept']).toBe('1');
    for (const name of ['x-hop', 'keep-alive', 'proxy-connection', 'upgrade']) {
      expect(reply.headers[name], name).toBeUndefined();
    }
  });

  test('a response with no reason phrase gets the one RFC 9110 §15 gives its status', async () => {
    const backend = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(201, '');
      response.end();
    });
    const port = await front([backend]);
    const reply = await nodeRequest(port);
    expect([reply.status, reply.reason]).toEqual([201, REASON_PHRASES[201]]);
  });

  test('a response with no reason phrase and an unregistered status still gets one', async () => {
    const backend = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(299, '');
      response.end();
    });
    const port = await front([backend]);
    const reply = await nodeRequest(port);
    expect(reply.status).toBe(299);
    expect(reply.reason).not.toBe('');
  });

  test('HEAD: the backend Content-Length comes back, with no content', async () => {
    const backend = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '5' });
      response.end();
    });
    const port = await front([backend]);
    const reply = await nodeRequest(port, { method: 'HEAD' });
    expect([reply.headers['content-length'], reply.body.length]).toEqual(['5', 0]);
    expect(backend.seen[0]?.method).toBe('HEAD');
  });

  test('the balancer keeps its connection to a backend: three requests, one connection', async () => {
    const backend = await startBackend('a');
    const port = await front([backend]);
    for (let i = 0; i < 3; i++) expect((await get(port)).body).toBe('a');
    expect(backend.connections).toBe(1);
  });
  test('closing the balancer closes its keep-alive connections to the backends', async () => {
    const backend = await startBackend('a');
    let gone: () => void = () => {};
    const closed = new Promise<void>((resolve) => (gone = resolve));
    backend.server.on('connection', (socket) => socket.once('close', gone));
    const balancer = createBalancer([backend.backend]);
    const port = await listen(balancer);
    // a client of its own connection: the server's 'close' comes once its connections are gone
    expect((await nodeRequest(port)).body.toString()).toBe('a');
    balancer.close();
    await within(closed, 'the keep-alive connection to the backend stayed open after close()');
  });
});

describe('a backend that refuses or resets is ejected; nothing idempotent is lost', () => {
  test('a backend killed between requests: every later GET is answered, by the others', async () => {
    const backends = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(name)));
    const port = await front(backends);
    expect((await get(port)).body).toBe('a');
    await backends[1]?.kill();
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await get(port);
      expect(reply.status).toBe(200);
      bodies.push(reply.body);
    }
    expect(bodies.toSorted()).toEqual(['a', 'a', 'a', 'c', 'c', 'c']);
  });

  test('a backend that resets a GET in flight: the GET is answered by the next one', async () => {
    const { running: a } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b]);
    const reply = await get(port, '/page');
    expect([reply.status, reply.body]).toEqual([200, 'b']);
    expect(requestsTo(a, '/page')).toHaveLength(1);
  });

  test('a backend killed while it holds GETs in flight: every one of them is answered by the others', async () => {
    let held = 0;
    let allHeld: () => void = () => {};
    const holding = new Promise<void>((resolve) => (allHeld = resolve));
    const a = await startBackend('a');
    const b = await startBackend('b', (request) => {
      request.resume();
      held += 1;
      if (held === 3) allHeld();
    });
    const c = await startBackend('c');
    const port = await front([a, b, c]);
    const replies = Array.from({ length: 9 }, (_, i) => get(port, `/item/${i}`));
    await within(holding, 'backend b never held its three requests');
    await b.kill();
    const answered = await Promise.all(replies);
    expect(answered.map((r) => r.status)).toEqual(Array(9).fill(200));
    expect(answered.filter((r) => r.body === 'b')).toHaveLength(0);
  });

  test('a killed backend is passed over, not tried again for every request', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 60_000 });
    await a.kill();
    for (let i = 0; i < 4; i++) expect((await get(port)).body).toBe('b');
    expect(b.seen).toHaveLength(4);
  });

  test('a PUT whose backend resets it is sent again, body and all, to the next one', async () => {
    const { running: a } = await resetting('a');
    const echo = await startBackend('b', (request, response) => {
      const pieces: Buffer[] = [];
      request.on('data', (piece: Buffer) => pieces.push(piece));
      request.on('end', () => response.end(Buffer.concat(pieces)));
    });
    const port = await front([a, echo]);
    const body = 'x'.repeat(10_000);
    const reply = await get(port, '/note', { method: 'PUT', body });
    expect([reply.status, reply.body]).toEqual([200, body]);
    expect(requestsTo(a, '/note')).toHaveLength(1);
  });

  test('a PUT body larger than REPLAY_BYTES is not kept: its reset is a 502', async () => {
    const { running: a } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b]);
    const reply = await get(port, '/big', { method: 'PUT', body: 'x'.repeat(REPLAY_BYTES + 1) });
    expect([reply.status, reply.body]).toEqual([502, BAD_GATEWAY_TEXT]);
    expect(requestsTo(b, '/big')).toHaveLength(0);
  });

  test('a PUT body of exactly REPLAY_BYTES is kept, and sent again whole', async () => {
    const { running: a } = await resetting('a');
    const b = await startBackend('b', echoing);
    const port = await front([a, b]);
    const body = [Buffer.alloc(REPLAY_BYTES / 2, 'y'), Buffer.alloc(REPLAY_BYTES / 2, 'z')];
    const reply = await upload(port, '/edge', body);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(Buffer.concat(body))).toBe(true);
  });

  test('a PUT whose backend dies half-way through its body is sent again whole', async () => {
    const a = await startBackend('a', (request) => {
      request.once('data', () => request.socket.destroy());
    });
    const b = await startBackend('b', echoing);
    const port = await front([a, b]);
    const body = [Buffer.alloc(30_000, 'q'), Buffer.alloc(30_000, 'r')];
    const reply = await upload(port, '/half', body);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(Buffer.concat(body))).toBe(true);
  });

  test('a chunked PUT to a backend that refuses the connection reaches the next one whole', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b', echoing);
    const port = await front([a, b]);
    await a.kill();
    const body = [Buffer.alloc(40_000, 's'), Buffer.alloc(20_000, 't')];
    const reply = await upload(port, '/refused', body);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(Buffer.concat(body))).toBe(true);
  });

  test('RFC 9110 §9.2.2: a POST whose backend resets it is never sent again: 502', async () => {
    const { running: a } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b]);
    const reply = await get(port, '/orders', { method: 'POST', body: 'one order' });
    expect([reply.status, reply.body]).toEqual([502, BAD_GATEWAY_TEXT]);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(requestsTo(b, '/orders')).toHaveLength(0);
  });

  test('a POST to a backend that refuses the connection goes to the next: it was never sent', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    const port = await front([a, b]);
    await a.kill();
    const reply = await get(port, '/orders', { method: 'POST', body: 'one order' });
    expect([reply.status, reply.body]).toEqual([200, 'b']);
  });

  test('RFC 9110 §15.6.3: every backend dead: 502 with BAD_GATEWAY_TEXT, a text to read', async () => {
    const backends = await Promise.all(['a', 'b'].map((name) => startBackend(name)));
    const port = await front(backends);
    for (const backend of backends) await backend.kill();
    const reply = await get(port);
    expect([reply.status, reply.body]).toEqual([502, BAD_GATEWAY_TEXT]);
    expect(reply.body.trim()).not.toBe('');
  });

  test('no backends at all: 502, and the connection stays for the next request', async () => {
    const port = await front([]);
    const { reply } = await exchange(port, [
      'GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ]);
    expect(reply.toString('latin1').match(/^HTTP\/1\.1 502 /gm)).toHaveLength(2);
  });

  test('a backend that sends its head and dies before the body: 502, the head was never sent on', async () => {
    const a = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '100' });
      response.flushHeaders();
      response.once('finish', () => {});
      setImmediate(() => request.socket.destroy());
    });
    const b = await startBackend('b');
    const port = await front([a, b]);
    const reply = await get(port);
    expect([reply.status, reply.body]).toEqual([502, BAD_GATEWAY_TEXT]);
    expect(requestsTo(b)).toHaveLength(0);
  });

  test('a backend that dies in the middle of the body: the client sees the body cut', async () => {
    const a = await startBackend('a', (request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('half', () => setImmediate(() => request.socket.destroy()));
    });
    const port = await front([a]);
    const outcome = await waitFor(
      new Promise<string>((resolve) => {
        http.get({ host: '127.0.0.1', port, agent: false }, (response) => {
          response.on('data', () => {});
          response.once('end', () => resolve('the body ended'));
          response.once('error', () => resolve('the body was cut'));
          response.once('aborted', () => resolve('the body was cut'));
        });
      }),
      'the client never saw the end or the cut of the body',
    );
    expect(outcome).toBe('the body was cut');
  });

  test('RFC 9110 §15.6.5: no response head within timeoutMs: 504, and not retried', async () => {
    const silent = await startBackend('a', (request) => request.resume());
    const b = await startBackend('b');
    const port = await front([silent, b], { timeoutMs: 50 });
    const reply = await get(port, '/slow');
    expect([reply.status, reply.body]).toEqual([504, GATEWAY_TIMEOUT_TEXT]);
    expect(reply.body.trim()).not.toBe('');
    expect(requestsTo(b, '/slow')).toHaveLength(0);
  });
});

describe('an ejected backend is checked, and re-admitted when the check passes', () => {
  test('GET /health answered 2xx: the backend is back in the turn', async () => {
    const { running: a, heal } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 10 });
    const checked = sees(a, '/health');
    expect((await get(port)).body).toBe('b');
    heal();
    await within(checked, 'the ejected backend never got a GET /health');
    const bodies = new Set<string>();
    for (let i = 0; i < 20 && !bodies.has('a'); i++) bodies.add((await get(port)).body);
    expect(bodies).toContain('a');
  });

  test('a check answered 400 or above keeps the backend out, and it is checked again', async () => {
    let checks = 0;
    let second: () => void = () => {};
    const checkedTwice = new Promise<void>((resolve) => (second = resolve));
    const a = await startBackend('a', (request, response) => {
      if (request.url === '/health') {
        checks += 1;
        if (checks === 2) second();
        response.writeHead(400).end();
        return;
      }
      request.resume();
      request.once('end', () => request.socket.destroy());
    });
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 5 });
    expect((await get(port)).body).toBe('b');
    await within(checkedTwice, 'the failing backend was never checked a second time');
    for (let i = 0; i < 3; i++) expect((await get(port)).body).toBe('b');
    expect(requestsTo(a)).toHaveLength(1);
  });

  test('a check that never answers is given up after healthIntervalMs, and checked again', async () => {
    let checks = 0;
    let second: () => void = () => {};
    const checkedAgain = new Promise<void>((resolve) => (second = resolve));
    const a = await startBackend('a', (request, response) => {
      if (request.url === '/health') {
        checks += 1;
        // the first check hangs, unanswered
        if (checks === 1) return;
        second();
        response.end('ok');
        return;
      }
      request.resume();
      request.once('end', () => request.socket.destroy());
    });
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 10 });
    expect((await get(port)).body).toBe('b');
    await within(checkedAgain, 'the unanswered check was never given up for a second one');
  });

  test('a check answered with a 3xx passes, as HAProxy and Kubernetes count it', async () => {
    let failing = true;
    const a = await startBackend('a', (request, response) => {
      if (request.url === '/health') {
        response.writeHead(399, 'Odd But Fine').end();
        return;
      }
      if (!failing) {
        answerName('a')(request, response);
        return;
      }
      request.resume();
      request.once('end', () => request.socket.destroy());
    });
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 5 });
    expect((await get(port)).body).toBe('b');
    failing = false;
    const bodies = new Set<string>();
    for (let i = 0; i < 40 && !bodies.has('a'); i++) bodies.add((await get(port)).body);
    expect(bodies).toContain('a');
  });

  for (const healthCheck of ['http', 'tcp'] as const) {
    test(`healthCheck '${healthCheck}': a backend killed, then back on its port, is re-admitted`, async () => {
      const a = await startBackend('a');
      const b = await startBackend('b');
      const port = await front([a, b], { healthIntervalMs: 5, healthCheck });
      await a.kill();
      expect((await get(port)).body).toBe('b');
      const back = await startBackend('a again', answerName('a'), a.backend.port);
      const checked = sees(back, '/health');
      if (healthCheck === 'http') await within(checked, 'the restarted backend never got a check');
      const bodies = new Set<string>();
      for (let i = 0; i < 40 && !bodies.has('a'); i++) bodies.add((await get(port)).body);
      expect(bodies).toContain('a');
    });
  }

  test('after close(), no more checks: not even after one that was in flight fails', async () => {
    const paths: string[] = [];
    let inFlight: () => void = () => {};
    const first = new Promise<void>((resolve) => (inFlight = resolve));
    let twice: () => void = () => {};
    const clock = new Promise<void>((resolve) => (twice = resolve));
    const a = await startBackend('a', (request) => {
      request.resume();
      paths.push(request.url ?? '');
      // no check is ever answered; a request that is not a check is reset
      if (request.url === '/x-health') inFlight();
      else if (request.url === '/y-health') {
        if (paths.filter((p) => p === '/y-health').length === 2) twice();
      } else request.once('end', () => request.socket.destroy());
    });
    const b = await startBackend('b');
    const x = createBalancer([a.backend, b.backend], {
      healthIntervalMs: 10,
      healthPath: '/x-health',
    });
    const xPort = await listen(x);
    expect((await nodeRequest(xPort)).body.toString()).toBe('b');
    await within(first, 'balancer x never checked the ejected backend');
    await new Promise<void>((resolve) => x.close(() => resolve()));
    const closedAt = paths.length;
    // a second balancer's checks, at the same interval, are the clock: two of them take longer
    // than the one check x would send if it went on
    const yPort = await front([a, b], { healthIntervalMs: 10, healthPath: '/y-health' });
    expect((await get(yPort)).body).toBe('b');
    await within(clock, 'balancer y never checked twice');
    expect(paths.slice(closedAt).filter((p) => p === '/x-health')).toEqual([]);
  });

  test('healthPath names the path of the check', async () => {
    const { running: a } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 5, healthPath: '/ready' });
    const checked = sees(a, '/ready');
    await get(port);
    await within(checked, 'the ejected backend never got a GET /ready');
  });

  test("healthCheck 'tcp': a connect is the check, no request is sent", async () => {
    const { running: a, heal } = await resetting('a');
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 5, healthCheck: 'tcp' });
    expect((await get(port)).body).toBe('b');
    heal();
    const bodies = new Set<string>();
    for (let i = 0; i < 40 && !bodies.has('a'); i++) bodies.add((await get(port)).body);
    expect(bodies).toContain('a');
    expect(a.seen.map((s) => s.url)).not.toContain('/health');
  });

  test("healthCheck 'tcp' on a backend that stays dead: every GET is answered by the live one", async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    const port = await front([a, b], { healthIntervalMs: 1, healthCheck: 'tcp' });
    await a.kill();
    for (let i = 0; i < 5; i++) expect((await get(port)).body).toBe('b');
  });
});

/** 4 MiB in 64 KiB chunks of varied bytes. */
const CHUNK = 64 * 1024;
const CHUNKS = 64;
const piece = (i: number) => Buffer.alloc(CHUNK, i % 251);
const sha = (pieces: readonly Buffer[]) =>
  createHash('sha256').update(Buffer.concat(pieces)).digest('hex');

describe('bodies stream both ways, never held whole', () => {
  test('a 4 MiB upload: the first octet of the echo arrives before the last octet is sent', async () => {
    const echo = await startBackend('echo', (request, response) => request.pipe(response));
    // kata 19's default limit is 1 MiB (nginx's client_max_body_size is too)
    const port = await front([echo], { maxBodyBytes: 2 * CHUNK * CHUNKS });
    const received: Buffer[] = [];
    let firstByte: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (firstByte = resolve));
    let done: () => void = () => {};
    const ended = new Promise<void>((resolve) => (done = resolve));
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', agent: false },
      (response) => {
        response.on('data', (chunk: Buffer) => {
          received.push(chunk);
          firstByte();
        });
        response.once('end', done);
      },
    );
    const sent: Buffer[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      if (i === CHUNKS - 1)
        await within(arrived, 'no octet came back before the whole upload was sent');
      sent.push(piece(i));
      if (!request.write(piece(i)))
        await within(new Promise((r) => request.once('drain', r)), 'the upload never drained');
    }
    request.end();
    await within(ended, 'the echo never ended');
    expect(sha(received)).toBe(sha(sent));
  });

  test('a 4 MiB download: the client has its first octet before the backend sends the last', async () => {
    let clientHasSome: () => void = () => {};
    const clientHas = new Promise<void>((resolve) => (clientHasSome = resolve));
    const sent: Buffer[] = [];
    const backend = await startBackend('big', async (request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      for (let i = 0; i < CHUNKS; i++) {
        if (i === CHUNKS - 1)
          await within(clientHas, 'the client had nothing before the last chunk was sent');
        sent.push(piece(i));
        if (!response.write(piece(i))) await new Promise((r) => response.once('drain', r));
      }
      response.end();
    });
    const port = await front([backend]);
    const received = await waitFor(
      new Promise<Buffer[]>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, agent: false }, (response) => {
          const pieces: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            pieces.push(chunk);
            clientHasSome();
          });
          response.once('end', () => resolve(pieces));
          response.once('error', reject);
        });
      }),
      'the download never ended',
    );
    expect(sha(received)).toBe(sha(sent));
  });

  test('a backend slower than the client still gets every octet of a 4 MiB upload', async () => {
    let uploaded: () => void = () => {};
    const clientDone = new Promise<void>((resolve) => (uploaded = resolve));
    const backend = await startBackend('slow', (request, response) => {
      // it reads nothing until the client has sent everything
      request.pause();
      void clientDone.then(() => {
        echoing(request, response);
        request.resume();
      });
    });
    const port = await front([backend], { maxBodyBytes: 2 * CHUNK * CHUNKS });
    const sent = Array.from({ length: CHUNKS }, (_, i) => piece(i));
    const reply = within(
      new Promise<Buffer[]>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port, method: 'PUT', agent: false },
          (response) => {
            const pieces: Buffer[] = [];
            response.on('data', (chunk: Buffer) => pieces.push(chunk));
            response.once('end', () => resolve(pieces));
            response.once('error', reject);
          },
        );
        request.once('error', reject);
        request.once('finish', uploaded);
        for (const chunk of sent) request.write(chunk);
        request.end();
      }),
      'the slow backend never echoed the whole upload',
    );
    expect(sha(await reply)).toBe(sha(sent));
  });

  test('a client that goes away mid-download: the balancer lets go of the backend response', async () => {
    let closed: () => void = () => {};
    const backendClosed = new Promise<void>((resolve) => (closed = resolve));
    const backend = await startBackend('endless', (request, response) => {
      request.resume();
      response.once('close', closed);
      const more = () => {
        while (response.write(piece(0))) {}
        response.once('drain', more);
      };
      more();
    });
    const port = await front([backend]);
    http.get({ host: '127.0.0.1', port, agent: false }, (response) => {
      response.once('data', () => response.destroy());
    });
    await within(backendClosed, 'the backend response was never closed after the client left');
  });
});
