import http from 'node:http';
import net from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { connect, listen } from '../../support/harness/index.ts';
import type { Response } from '../20-serialize-a-response/response.ts';
import {
  curl,
  exchange,
  fieldValues,
  HAS_CURL,
  nodeRequest,
  readAll,
  split,
  waitFor,
  withCurl,
} from './fixtures/clients.ts';
import {
  type ConnectionInfo,
  createRequestReader,
  createServer,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_HEAD_BYTES,
  type Handler,
  type HttpRequest,
  INTERNAL_ERROR_TEXT,
  type ReaderOptions,
  RequestError,
  type RequestStep,
} from './server.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const text = (data: Uint8Array) => Buffer.from(data).toString('latin1');
const GET = 'GET /hello HTTP/1.1\r\nHost: example.test\r\n\r\n';

/** Feeds the pieces in order until the reader is done; the rest includes pieces not fed. */
function read(
  pieces: string | readonly string[],
  options?: ReaderOptions,
): { request: HttpRequest; rest: string } {
  const reader = createRequestReader(options);
  const all = typeof pieces === 'string' ? [pieces] : pieces;
  for (const [index, piece] of all.entries()) {
    const step = reader.push(bytes(piece));
    if (step.done) {
      return { request: step.request, rest: text(step.rest) + all.slice(index + 1).join('') };
    }
  }
  throw new Error(`the reader was not done after ${JSON.stringify(all.join(''))}`);
}

/** The RequestError the pieces are refused with, or what happened instead. */
function refusal(
  pieces: string | readonly string[],
  options?: ReaderOptions,
): RequestError | string {
  const reader = createRequestReader(options);
  try {
    let step: RequestStep = { done: false };
    for (const piece of typeof pieces === 'string' ? [pieces] : pieces) {
      step = reader.push(bytes(piece));
      if (step.done) return `accepted: ${step.request.method} ${step.request.target.text}`;
    }
    return 'not refused: the reader is still waiting for more';
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
}

function statusOf(pieces: string | readonly string[], options?: ReaderOptions) {
  const outcome = refusal(pieces, options);
  return typeof outcome === 'string' ? outcome : { status: outcome.status, reason: outcome.reason };
}

describe('RFC 9112 §2.1: HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]', () => {
  test('a GET: the request-line read by kata 17, the fields by kata 18, no body', () => {
    const { request, rest } = read(GET);
    expect({
      method: request.method,
      target: request.target,
      version: request.version,
      host: request.headers.get('host'),
      body: text(request.body),
      trailers: request.trailers,
      rest,
    }).toEqual({
      method: 'GET',
      target: { form: 'origin', text: '/hello', path: '/hello', query: undefined },
      version: 'HTTP/1.1',
      host: 'example.test',
      body: '',
      trailers: [],
      rest: '',
    });
  });

  test('the field lines in order, as kata 18 reads them', () => {
    const { request } = read('GET / HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\nX-Two:  2 \r\n\r\n');
    expect(request.headers.lines).toEqual([
      { name: 'Host', value: 'a.test' },
      { name: 'Accept', value: '*/*' },
      { name: 'X-Two', value: '2' },
    ]);
  });

  test('an HTTP/1.0 request-line with no field lines at all ends at the empty line', () => {
    const { request } = read('GET / HTTP/1.0\r\n\r\n');
    expect([request.version, request.headers.lines]).toEqual(['HTTP/1.0', []]);
  });

  test('{ done: false } while the head or the body is still arriving', () => {
    const reader = createRequestReader();
    const head = reader.push(bytes('POST / HTTP/1.1\r\nHost: a\r\n'));
    const body = reader.push(bytes('Content-Length: 2\r\n\r\nx'));
    expect([head, body]).toEqual([{ done: false }, { done: false }]);
  });

  test('not done until the empty line has arrived', () => {
    const reader = createRequestReader();
    const steps = [GET.slice(0, -2), '\r'].map((piece) => reader.push(bytes(piece)).done);
    expect([...steps, reader.push(bytes('\n')).done]).toEqual([false, false, true]);
  });

  test('the bytes after the request are left in rest: the next request', () => {
    const next = 'GET /next HTTP/1.1\r\nHost: b.test\r\n\r\n';
    expect(read(GET + next).rest).toBe(next);
  });

  test('a CR LF CR LF inside a later request is not mistaken for the end of this one', () => {
    const { request } = read(['GET /first HTTP/1.1\r\nHost: a.test\r\n', '\r\nGET /second']);
    expect([request.target.text, request.headers.lines.length]).toEqual(['/first', 1]);
  });
});

describe('RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) received prior to the request-line', () => {
  test('one empty line before the request-line is skipped', () => {
    expect(read(`\r\n${GET}`).request.target.text).toBe('/hello');
  });

  test('several empty lines, arriving one octet at a time, are skipped', () => {
    expect(read([...'\r\n\r\n\r\n', GET]).request.target.text).toBe('/hello');
  });

  test('empty lines between two pushes of the request-line are not skipped twice', () => {
    const { request } = read(['\r\nGE', 'T /hello HTTP/1.1\r\nHost: example.test\r\n\r\n']);
    expect(request.method).toBe('GET');
  });
});

describe('RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator; this server does not', () => {
  test('a bare LF after the request-line is 400, bare-lf', () => {
    expect(statusOf('GET / HTTP/1.1\nHost: a.test\n\n')).toEqual({
      status: 400,
      reason: 'bare-lf',
    });
  });

  test('it is refused as soon as it arrives, before the head could end', () => {
    expect(statusOf(['GET / HTTP/1.1\n'])).toEqual({ status: 400, reason: 'bare-lf' });
  });

  test('LF LF before the request-line is not an empty line: 400, bare-lf', () => {
    expect(statusOf(`\n\n${GET}`)).toEqual({ status: 400, reason: 'bare-lf' });
  });

  test('a bare LF right after a skipped empty line is 400, bare-lf', () => {
    expect(statusOf(['\r\n\n'])).toEqual({ status: 400, reason: 'bare-lf' });
  });

  test('a bare LF as the very first octet is 400, bare-lf', () => {
    expect(statusOf('\n')).toEqual({ status: 400, reason: 'bare-lf' });
  });

  test('a bare LF inside a field line, arriving in its own piece, is 400', () => {
    expect(statusOf(['GET / HTTP/1.1\r\nHost: a.test', '\nX: y\r\n\r\n'])).toEqual({
      status: 400,
      reason: 'bare-lf',
    });
  });

  test('a LF in the body is the body, not a line ending', () => {
    const { request } = read('POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\n\r\na\nb');
    expect(text(request.body)).toBe('a\nb');
  });
});

describe('RFC 6585 §5: 431 when the head grows past what the server reads without ending', () => {
  const head = (fieldBytes: number) =>
    `GET / HTTP/1.1\r\nHost: a.test\r\nX-Fill: ${'x'.repeat(fieldBytes)}\r\n\r\n`;
  const overhead = head(0).length;

  test('a head that has not ended after maxHeadBytes octets is 431, head-too-large', () => {
    expect(statusOf(head(200).slice(0, 101), { maxHeadBytes: 100 })).toEqual({
      status: 431,
      reason: 'head-too-large',
    });
  });

  test('a head of exactly maxHeadBytes octets, its last CRLF CRLF included, is read', () => {
    const exact = head(100 - overhead);
    expect(read(exact, { maxHeadBytes: 100 }).request.method).toBe('GET');
  });

  test('one octet more is 431', () => {
    expect(statusOf(head(101 - overhead), { maxHeadBytes: 100 })).toMatchObject({ status: 431 });
  });

  test('a body after a head within the limit does not count against it', () => {
    const request = `POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 200\r\n\r\n${'b'.repeat(200)}`;
    expect(read(request, { maxHeadBytes: 60 }).request.body.length).toBe(200);
  });

  test('exactly maxHeadBytes octets that have not ended yet still wait for more', () => {
    expect(statusOf(head(200).slice(0, 100), { maxHeadBytes: 100 })).toBe(
      'not refused: the reader is still waiting for more',
    );
  });

  test('the empty lines skipped before the request-line count against the limit', () => {
    expect(statusOf(`${'\r\n'.repeat(40)}${head(0)}`, { maxHeadBytes: 80 })).toMatchObject({
      status: 431,
    });
  });

  test(`the default limit is ${DEFAULT_MAX_HEAD_BYTES} octets, Node's own`, () => {
    expect(DEFAULT_MAX_HEAD_BYTES).toBe(16 * 1024);
    expect(
      statusOf(head(DEFAULT_MAX_HEAD_BYTES).slice(0, DEFAULT_MAX_HEAD_BYTES + 1)),
    ).toMatchObject({ status: 431 });
  });

  test('a larger maxHeadBytes lets larger field lines through kata 18 too', () => {
    const big = head(20_000);
    expect(read(big, { maxHeadBytes: 32 * 1024 }).request.headers.get('x-fill')?.length).toBe(
      20_000,
    );
  });
});

describe('RFC 9112 §6.3: the body is read as kata 19 frames it', () => {
  test('Content-Length: exactly that many octets, then the next request', () => {
    const { request, rest } = read(
      'POST /form HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhelloGET',
    );
    expect([text(request.body), rest]).toEqual(['hello', 'GET']);
  });

  test('a body in many pieces, after the head, is joined', () => {
    const { request } = read([
      'PUT /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 6\r\n\r\n',
      'ab',
      'cd',
      'ef',
    ]);
    expect(text(request.body)).toBe('abcdef');
  });

  test('the part of the body that came with the head is kept', () => {
    const { request } = read(['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab', 'cd']);
    expect(text(request.body)).toBe('abcd');
  });

  test('chunked: the chunks decoded, the trailer fields, then the next request', () => {
    const { request, rest } = read(
      'POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\nNEXT',
    );
    expect([text(request.body), request.trailers, rest]).toEqual([
      'abcde',
      [{ name: 'X-Sum', value: '5' }],
      'NEXT',
    ]);
  });

  test('binary octets of the body are kept exactly', () => {
    const body = Buffer.from([0, 255, 13, 10, 128, 10]);
    const reader = createRequestReader();
    const step = reader.push(
      Buffer.concat([bytes('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n'), body]),
    );
    expect(step.done && [...step.request.body]).toEqual([...body]);
  });

  test('a body larger than maxBodyBytes is 413 (RFC 9110 §15.5.14)', () => {
    expect(
      statusOf('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n', { maxBodyBytes: 10 }),
    ).toMatchObject({ status: 413 });
  });

  test('a chunked body growing past maxBodyBytes is 413', () => {
    expect(
      statusOf(
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n',
        {
          maxBodyBytes: 10,
        },
      ),
    ).toMatchObject({ status: 413 });
  });

  test('a body of exactly maxBodyBytes is read', () => {
    const request = `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n${'z'.repeat(10)}`;
    expect(read(request, { maxBodyBytes: 10 }).request.body.length).toBe(10);
  });

  test(`the default body limit is kata 19's, ${DEFAULT_MAX_BODY_BYTES} octets`, () => {
    const head = (length: number) =>
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${length}\r\n\r\n`;
    expect([
      statusOf(head(DEFAULT_MAX_BODY_BYTES)),
      statusOf(head(DEFAULT_MAX_BODY_BYTES + 1)),
    ]).toEqual([
      'not refused: the reader is still waiting for more',
      { status: 413, reason: 'too-large' },
    ]);
  });
});

describe('every chapter 3 error surfaces as one RequestError, with its status and a message naming the problem', () => {
  const cases = [
    ['a request-line with two spaces', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'bad-whitespace'],
    [
      'a request-target over 8000 octets',
      `GET /${'a'.repeat(8000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
      414,
      'target-too-long',
    ],
    [
      'a method the server does not implement',
      'BREW / HTTP/1.1\r\nHost: a\r\n\r\n',
      501,
      'unknown-method',
    ],
    [
      'HTTP/2.0 on an HTTP/1 connection',
      'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
      505,
      'unsupported-version',
    ],
    [
      'an HTTP/1.1 request without Host',
      'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n',
      400,
      'missing-host',
    ],
    [
      'whitespace between a field name and its colon',
      'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
      400,
      'space-before-colon',
    ],
    [
      'Content-Length with Transfer-Encoding: a smuggling attempt',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
      'length-and-chunked',
    ],
    [
      'a transfer coding the server does not implement',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      501,
      'unknown-coding',
    ],
    [
      'a bad chunk-size, in the body',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
      'bad-chunk-size',
    ],
  ] as const;

  test.each(cases)('%s: %i %s', (_, request, status, reason) => {
    expect(statusOf(request)).toEqual({ status, reason });
  });

  test('the error is a RequestError whose message names the reason and the status', () => {
    const error = refusal('GET / HTTP/2.0\r\nHost: a\r\n\r\n');
    expect(error).toBeInstanceOf(RequestError);
    expect(error instanceof RequestError && error.message).toMatch(/505.*unsupported-version/);
  });

  test("the reader's own refusals name their rule too", () => {
    const error = refusal('GET / HTTP/1.1\n');
    expect(error instanceof RequestError && error.message).toMatch(/400.*bare-lf.*RFC 9112 §2\.2/);
  });

  test('the name of the error is RequestError', () => {
    const error = refusal('GET  / HTTP/1.1\r\n\r\n');
    expect(error instanceof RequestError && error.name).toBe('RequestError');
  });
});

/** A handler that answers with what it received, and remembers each call. */
function recording(answer: (request: HttpRequest) => Response | Promise<Response> = echo) {
  const calls: { request: HttpRequest; connection: ConnectionInfo }[] = [];
  const handler: Handler = (request, connection) => {
    calls.push({ request, connection });
    return answer(request);
  };
  return { handler, calls };
}

function echo(request: HttpRequest): Response {
  return {
    status: 200,
    headers: [['Content-Type', 'application/json']],
    body: JSON.stringify({
      method: request.method,
      target: request.target.text,
      version: request.version,
      host: request.headers.get('host'),
      body: text(request.body),
    }),
  };
}

async function serve(handler: Handler, options?: ReaderOptions) {
  return listen(createServer(handler, options));
}

describe('RFC 9112 §9.6: one request per connection, answered with Connection: close, then closed', () => {
  test('fetch gets the status, the fields and the body the handler returned', async () => {
    const port = await serve(() => ({
      status: 201,
      headers: [['X-Made', 'here']],
      body: 'made',
    }));
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/`),
      'fetch never got a response',
    );
    expect([response.status, response.headers.get('x-made'), await response.text()]).toEqual([
      201,
      'here',
      'made',
    ]);
  });

  test('the handler gets the request fetch sent: method, target, version, Host, body', async () => {
    const { handler } = recording();
    const port = await serve(handler);
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/path?q=1`, { method: 'POST', body: 'sent by fetch' }),
      'fetch never got a response',
    );
    expect(await response.json()).toEqual({
      method: 'POST',
      target: '/path?q=1',
      version: 'HTTP/1.1',
      host: `127.0.0.1:${port}`,
      body: 'sent by fetch',
    });
  });

  test("node:http's chunked request body reaches the handler decoded", async () => {
    const { handler } = recording();
    const port = await serve(handler);
    const reply = await nodeRequest(port, {
      method: 'PUT',
      path: '/up',
      headers: { 'Transfer-Encoding': 'chunked' },
      body: 'streamed',
    });
    expect(JSON.parse(reply.body.toString())).toMatchObject({ method: 'PUT', body: 'streamed' });
  });

  test('the response says Connection: close, once, and node:http sees the connection close', async () => {
    const port = await serve(() => ({ status: 200, body: 'x' }));
    const reply = await nodeRequest(port);
    const connection = reply.rawHeaders.filter(
      (_, i, all) => all[i - 1]?.toLowerCase() === 'connection',
    );
    expect(connection).toEqual(['close']);
  });

  test('a response with no fields from the handler gets Date, Content-Length and Connection only', async () => {
    const port = await serve(() => ({ status: 200, body: 'x' }));
    const { reply } = await exchange(port, GET);
    const names = split(reply).fields.map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(names.sort()).toEqual(['connection', 'content-length', 'date']);
  });

  test('a Connection field from the handler is replaced: the server decides, and it closes', async () => {
    const port = await serve(() => ({
      status: 200,
      headers: [
        ['Connection', 'keep-alive'],
        ['X-After', '1'],
      ],
    }));
    const { reply } = await exchange(port, GET);
    const fields = split(reply);
    expect([fieldValues(fields, 'connection'), fieldValues(fields, 'x-after')]).toEqual([
      ['close'],
      ['1'],
    ]);
  });

  test('the connection is closed after the response even when the client would keep it', async () => {
    const port = await serve(() => ({ status: 204 }));
    const socket = await connect(port);
    socket.write(GET);
    const reply = await readAll(
      socket,
      'the server never closed the connection after the response',
    );
    expect(split(reply).statusLine).toBe('HTTP/1.1 204 No Content');
  });

  test('a second request on the same connection is never read: one response, then the close', async () => {
    const { handler, calls } = recording();
    const port = await serve(handler);
    const { reply, conversation } = await exchange(port, [GET + GET.replace('/hello', '/second')]);
    expect(reply.toString('latin1').match(/HTTP\/1\.1 /g), conversation.transcript()).toHaveLength(
      1,
    );
    expect(calls.map((call) => call.request.target.text)).toEqual(['/hello']);
  });

  test('bytes that keep coming after the request do not stop the response or the close', async () => {
    const port = await serve(async () => ({ status: 200, body: 'done' }));
    const { reply, conversation } = await exchange(port, [GET, 'garbage\r\n', 'more garbage']);
    expect(split(reply).body.toString(), conversation.transcript()).toBe('done');
  });

  test('the response to HEAD has the Content-Length of the GET and no content (RFC 9110 §9.3.2)', async () => {
    const port = await serve(() => ({ status: 200, body: 'twelve bytes' }));
    const { reply } = await exchange(port, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
    const fields = split(reply);
    expect([fieldValues(fields, 'content-length'), fields.body.length]).toEqual([['12'], 0]);
  });

  test('an async handler is awaited', async () => {
    const port = await serve(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { status: 202, body: 'later' };
    });
    const reply = await nodeRequest(port);
    expect([reply.status, reply.body.toString()]).toEqual([202, 'later']);
  });

  test('a client that half-closes after its request still gets the response', async () => {
    const port = await serve(() => ({ status: 200, body: 'still here' }));
    const socket = await connect(port);
    socket.end(GET);
    const reply = await readAll(socket, 'the server never answered a half-closed client');
    expect(split(reply).body.toString()).toBe('still here');
  });

  test('a client that half-closes while the handler is still working still gets the response', async () => {
    let clientEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      clientEnded = resolve;
    });
    // the handler answers only once the server's socket has seen the client's FIN
    const server = createServer(async () => {
      await waitFor(ended, "the server's socket never saw the client's end");
      return { status: 200, body: 'worth the wait' };
    });
    server.on('connection', (socket) => socket.once('end', clientEnded));
    const port = await listen(server);
    const socket = await connect(port);
    socket.end(GET);
    const reply = await readAll(
      socket,
      'the server never answered a client that half-closed early',
    );
    expect(split(reply).body.toString()).toBe('worth the wait');
  });

  test('a request sent after the response, on the half-open connection, is never processed', async () => {
    const { handler, calls } = recording();
    const server = createServer(handler);
    const serverSide = new Promise((resolve) =>
      server.once('connection', (s) => s.once('close', resolve)),
    );
    const port = await listen(server);
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.write(GET);
    const first = await readAll(socket, 'the server never answered the first request');
    socket.end(GET.replace('/hello', '/late'));
    await waitFor(serverSide, "the server's socket never closed after the client ended");
    expect([split(first).statusLine, calls.map((call) => call.request.target.text)]).toEqual([
      'HTTP/1.1 200 OK',
      ['/hello'],
    ]);
  });

  test('a client that closes before its request is complete gets nothing, and the handler is not called', async () => {
    const { handler, calls } = recording();
    const port = await serve(handler);
    const socket = await connect(port);
    socket.end('GET / HTTP/1.1\r\nHost: a\r\n');
    const reply = await readAll(socket, 'the server never closed after an incomplete request');
    expect([reply.length, calls.length]).toEqual([0, 0]);
  });

  test.skipIf(!HAS_CURL)(withCurl('curl reads the response'), async () => {
    const port = await serve(() => ({ status: 200, body: 'for curl' }));
    expect(await curl([`http://127.0.0.1:${port}/`])).toBe('for curl');
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl -d sends a form body that reaches the handler'),
    async () => {
      const { handler } = recording();
      const port = await serve(handler);
      const out = await curl(['-d', 'a=1&b=2', `http://127.0.0.1:${port}/form`]);
      expect(JSON.parse(out)).toMatchObject({ method: 'POST', body: 'a=1&b=2' });
    },
  );
});

describe('RFC 9112 §9.6 and the handler: the two ends of the connection (CGI needs them)', () => {
  test('remote and local address and port are the socket pair the client sees', async () => {
    const { handler, calls } = recording();
    const port = await serve(handler);
    const socket = await connect(port);
    socket.write(GET);
    await readAll(socket, 'the server never closed the connection');
    expect(calls[0]?.connection).toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: socket.localPort,
      localAddress: '127.0.0.1',
      localPort: port,
    });
  });
});

describe('a request error is answered with its status and Connection: close; the handler never sees it', () => {
  const refused = [
    ['garbage', 'hello there\r\n\r\n', 400],
    ['a bare LF', 'GET / HTTP/1.1\n', 400],
    ['an unknown method', 'BREW / HTTP/1.1\r\nHost: a\r\n\r\n', 501],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    [
      'a request-target over 8000 octets (414)',
      `GET /${'a'.repeat(8001)} HTTP/1.1\r\nHost: a\r\n\r\n`,
      414,
    ],
    [
      'a smuggling attempt: Content-Length and Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
    ],
    [
      'a body over the limit (413)',
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${DEFAULT_MAX_BODY_BYTES + 1}\r\n\r\n`,
      413,
    ],
  ] as const;

  test.each(refused)('%s: %i, Connection: close, then the close', async (_, request, status) => {
    const { handler, calls } = recording();
    const port = await serve(handler);
    const { reply, conversation } = await exchange(port, request);
    const fields = split(reply);
    expect(
      [fields.statusLine.split(' ')[1], fieldValues(fields, 'connection'), calls.length],
      conversation.transcript(),
    ).toEqual([String(status), ['close'], 0]);
  });

  test('a head that never ends is cut off with 431, without waiting for more', async () => {
    const port = await serve(() => ({ status: 200 }), { maxHeadBytes: 1024 });
    const socket = await connect(port);
    socket.write(`GET / HTTP/1.1\r\nHost: a\r\nX-Fill: ${'x'.repeat(2000)}`);
    const reply = await readAll(socket, 'the server never cut off a head past maxHeadBytes');
    expect(split(reply).statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  });

  test('the error body is text/plain and says what was wrong', async () => {
    const port = await serve(() => ({ status: 200 }));
    const { reply } = await exchange(port, 'GET / HTTP/2.0\r\nHost: a\r\n\r\n');
    const fields = split(reply);
    expect(fieldValues(fields, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(fields.body.toString()).toContain('unsupported-version');
  });

  test('fetch reads an error response: the status and its reason phrase', async () => {
    const port = await serve(() => ({ status: 200 }), { maxBodyBytes: 4 });
    const response = await waitFor(
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'too long' }),
      'fetch never got the 413',
    );
    expect([response.status, response.statusText]).toEqual([413, 'Content Too Large']);
  });

  test('maxHeadBytes is passed on: a head within it but over the default is read', async () => {
    const { handler, calls } = recording(() => ({ status: 204 }));
    const port = await serve(handler, { maxHeadBytes: 64 * 1024 });
    const reply = await nodeRequest(port, { headers: { 'X-Fill': 'x'.repeat(20_000) } });
    expect([reply.status, calls[0]?.request.headers.get('x-fill')?.length]).toEqual([204, 20_000]);
  });
});

describe('a handler that fails gives 500, and nothing of the failure reaches the client', () => {
  const SECRET = 'db password is hunter2';

  test('a handler that throws: 500 Internal Server Error', async () => {
    const port = await serve(() => {
      throw new Error(SECRET);
    });
    const reply = await nodeRequest(port);
    expect([reply.status, reply.reason]).toEqual([500, 'Internal Server Error']);
  });

  test('no message and no stack trace in the 500', async () => {
    const port = await serve(() => {
      throw new Error(SECRET);
    });
    const { reply } = await exchange(port, GET);
    expect(reply.toString()).not.toMatch(/hunter2|\s+at |Error:/);
  });

  test('the 500 body is INTERNAL_ERROR_TEXT, as text/plain', async () => {
    const port = await serve(() => Promise.reject(new Error(SECRET)));
    const reply = await nodeRequest(port);
    expect([reply.status, reply.headers['content-type'], reply.body.toString()]).toEqual([
      500,
      'text/plain; charset=utf-8',
      INTERNAL_ERROR_TEXT,
    ]);
    expect(INTERNAL_ERROR_TEXT).toBe('The server could not answer this request.\n');
  });

  test('the 500 to HEAD has no content either', async () => {
    const port = await serve(() => {
      throw new Error(SECRET);
    });
    const { reply } = await exchange(port, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
    const fields = split(reply);
    expect([fields.statusLine, fields.body.length]).toEqual([
      'HTTP/1.1 500 Internal Server Error',
      0,
    ]);
  });

  test('response splitting: a field value with CR LF from the handler is a 500, never a second field', async () => {
    const port = await serve(() => ({
      status: 200,
      headers: [['Location', '/x\r\nSet-Cookie: session=stolen']],
    }));
    const { reply } = await exchange(port, GET);
    const fields = split(reply);
    expect([fields.statusLine, fieldValues(fields, 'set-cookie')]).toEqual([
      'HTTP/1.1 500 Internal Server Error',
      [],
    ]);
  });

  test('the 500 says Connection: close too', async () => {
    const port = await serve(() => {
      throw new Error(SECRET);
    });
    const { reply } = await exchange(port, GET);
    expect(fieldValues(split(reply), 'connection')).toEqual(['close']);
  });
});

describe('a socket error never crashes the server', () => {
  async function reset(port: number, data: string) {
    const socket = await connect(port);
    await new Promise<void>((resolve) => socket.write(data, () => resolve()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.resetAndDestroy();
    await waitFor(closed, 'the client socket never closed');
  }

  test('a client that resets mid-request: the next client is served', async () => {
    const port = await serve(() => ({ status: 200, body: 'ok' }));
    await reset(port, 'GET / HTTP/1.1\r\nHo');
    expect((await nodeRequest(port)).body.toString()).toBe('ok');
  });

  test('a client that resets while the handler works: the late response is dropped, the server serves on', async () => {
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const server = createServer(async () => {
      calls += 1;
      if (calls === 1) {
        release();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { status: 200, body: 'ok' };
    });
    const port = await listen(server);
    const socket = await connect(port);
    socket.write(GET);
    await waitFor(started, 'the handler was never called');
    socket.resetAndDestroy();
    expect((await nodeRequest(port)).body.toString()).toBe('ok');
  });

  test('the server is a net.Server of its own, not a node:http one', () => {
    const server = createServer(() => ({ status: 200 }));
    expect([server instanceof net.Server, server instanceof http.Server]).toEqual([true, false]);
  });
});
