import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import {
  Conversation,
  connect,
  listen,
  readToEnd,
  visible,
  within,
  writeChunks,
} from '../../support/harness/index.ts';
import { createEchoServer } from './echo-server.ts';

/** A stalled client writes in pieces of one socket read (Node reads 64 KiB at a time)... */
const PIECE = 64 * 1024;
/** ...until the server's write buffer is full: a few MiB on loopback, never this much. */
const BACKPRESSURE_LIMIT = 64 * 1024 * 1024;
/** Then this much more: a server that keeps reading queues it all; one that stopped, none of it. */
const OVERFLOW = 2 * 1024 * 1024;
/** Event-loop turns the server gets to read the overflow: one that keeps reading takes megabytes in one. */
const TURNS = 100;
const CLIENTS = 20;
const ROUNDS = 3;
const NEVER_ENDED = 'the server never ended its side after the client half-closed';

/** Every byte value up, then down, then CR and LF alone, together, and reversed. */
const BINARY = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
  Buffer.from(Array.from({ length: 256 }, (_, byte) => 255 - byte)),
  Buffer.from('\r|\n|\r\n|\n\r', 'latin1'),
]);

/** The server's own socket for the next connection it accepts: to watch the server, not drive it. */
function nextAccepted(server: net.Server): Promise<net.Socket> {
  return within(
    new Promise<net.Socket>((resolve) => server.once('connection', resolve)),
    'the server never accepted the connection',
  );
}

/** A client that reads nothing yet, connected to a new echo server; and the server's socket for it. */
async function stalledClient(): Promise<{ client: net.Socket; onServer: net.Socket }> {
  const server = createEchoServer();
  const port = await listen(server);
  const accepted = nextAccepted(server);
  const client = await connect(port);
  client.pause();
  return { client, onServer: await accepted };
}

/**
 * Writes random pieces until the server's write buffer is full and returns what was sent.
 * Node: once a socket's queue reaches writableHighWaterMark, write() returns false and
 * writableNeedDrain stays true until 'drain'. That is the server's cue to stop reading.
 */
async function fillWriteBuffer(client: net.Socket, onServer: net.Socket): Promise<Buffer> {
  const sent: Buffer[] = [];
  let total = 0;
  while (!onServer.writableNeedDrain && total < BACKPRESSURE_LIMIT) {
    const piece = randomBytes(PIECE);
    sent.push(piece);
    total += piece.length;
    await within(
      writeChunks(client, [piece]),
      'the server stopped reading before its write buffer was full',
    );
  }
  expect(
    onServer.writableNeedDrain,
    `${total} bytes sent and the server's write buffer never filled: does it write back what it reads?`,
  ).toBe(true);
  return Buffer.concat(sent);
}

/**
 * Sends OVERFLOW more bytes and lets the server have TURNS event-loop turns to read them; returns
 * them. Node: once write() has returned false, a server that pauses until 'drain' queues at most
 * the one read it was writing back when the queue reached writableHighWaterMark.
 */
async function overflow(client: net.Socket, onServer: net.Socket): Promise<Buffer> {
  const more = randomBytes(OVERFLOW);
  client.write(more);
  const limit = onServer.writableHighWaterMark + PIECE;
  for (let turn = 0; turn < TURNS && onServer.writableLength <= limit; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(
    onServer.writableLength,
    `a server must stop reading while its writes are queued (write() returned false) and read again on 'drain': ` +
      `it kept reading and queued ${onServer.writableLength} bytes for a client that reads nothing, ` +
      `more than writableHighWaterMark (${onServer.writableHighWaterMark}) plus one ${PIECE}-byte read`,
  ).toBeLessThanOrEqual(limit);
  return more;
}

/** Errors thrown out of the event loop during the test: 'error' events that nothing listened to. */
function uncaughtErrors(): Error[] {
  const thrown: Error[] = [];
  const record = (error: Error) => thrown.push(error);
  process.on('uncaughtException', record);
  onTestFinished(() => {
    process.off('uncaughtException', record);
  });
  return thrown;
}

/** Collects `count` bytes from a raw socket: payloads too big to keep in a transcript. */
async function receive(socket: net.Socket, count: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let received = 0;
  try {
    return await within(
      new Promise<Buffer>((resolve) => {
        socket.on('data', (piece: Buffer) => {
          pieces.push(piece);
          received += piece.length;
          if (received >= count) resolve(Buffer.concat(pieces));
        });
      }),
      `the server never sent back all ${count} bytes`,
    );
  } catch (error) {
    if (error instanceof Error) error.message += `: ${received} arrived`;
    throw error;
  }
}

/** Where a reply first differs from what was sent, readable even for megabytes. */
function firstDifference(reply: Buffer, sent: Buffer): string | undefined {
  if (reply.equals(sent)) return undefined;
  let at = 0;
  while (at < reply.length && at < sent.length && reply[at] === sent[at]) at++;
  const around = (bytes: Buffer) => visible(bytes.subarray(at, at + 16));
  return `${reply.length} bytes came back for ${sent.length} sent; from byte ${at}: "${around(reply)}" instead of "${around(sent)}"`;
}

describe('RFC 862: an echo server is a TCP server; whoever runs it chooses where it listens', () => {
  test('createEchoServer() returns a net.Server that is not listening yet', async () => {
    const server = createEchoServer();
    expect(server).toBeInstanceOf(net.Server);
    // Node: listen() to an IP address binds a tick later; give it that tick before looking.
    await new Promise((resolve) => setImmediate(resolve));
    const listening = server.listening;
    if (listening) server.close();
    expect(listening, 'the caller calls listen(), not createEchoServer()').toBe(false);
  });
});

describe('RFC 862: once a connection is established any data received is sent back', () => {
  test('sends back a line of text', async () => {
    const conversation = await Conversation.open(await listen(createEchoServer()));
    const line = 'Hello, echo!\r\n';
    await conversation.send(line);
    const reply = await conversation.take(line.length);
    expect(visible(reply), conversation.transcript()).toBe(visible(line));
  });

  test('sends back binary bytes unchanged: 0x00 to 0xff, lone CR, lone LF, CRLF', async () => {
    const conversation = await Conversation.open(await listen(createEchoServer()));
    await conversation.send(BINARY);
    const reply = await conversation.take(BINARY.length);
    expect(visible(reply), conversation.transcript()).toBe(visible(BINARY));
  });

  test('sends back each piece as it arrives, without waiting for the client to finish', async () => {
    const conversation = await Conversation.open(await listen(createEchoServer()));
    for (const piece of ['ping', 'pong\r\n', '\x00\xff']) {
      await conversation.send(piece);
      const reply = await conversation.take(piece.length);
      expect(visible(reply), conversation.transcript()).toBe(visible(piece));
    }
  });

  test('a client that stops reading stops the server reading; when it reads again, every byte comes back', async () => {
    const { client, onServer } = await stalledClient();
    const filled = await fillWriteBuffer(client, onServer);
    // A server that stopped reading leaves these in the kernel's buffers and the client's queue.
    const more = await overflow(client, onServer);
    const echoed = receive(client, filled.length + more.length);
    client.resume();
    expect(firstDifference(await echoed, Buffer.concat([filled, more]))).toBeUndefined();
  });
});

describe('RFC 9293 §2.2 / §3.6: each connection is its own byte stream, closed or aborted on its own', () => {
  test(`${CLIENTS} clients writing in turns each get back only their own bytes`, async () => {
    const port = await listen(createEchoServer());
    const conversations = await Promise.all(
      Array.from({ length: CLIENTS }, () => Conversation.open(port)),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      const pieces = conversations.map((conversation, client) => ({
        conversation,
        piece: `client ${client}, round ${round}\r\n`,
      }));
      await Promise.all(pieces.map(({ conversation, piece }) => conversation.send(piece)));
      for (const { conversation, piece } of pieces) {
        const reply = await conversation.take(piece.length);
        expect(visible(reply), conversation.transcript()).toBe(visible(piece));
      }
    }
  });

  test('a client that resets (RST) stops neither the server nor another client', async () => {
    const thrown = uncaughtErrors();
    const server = createEchoServer();
    const port = await listen(server);
    const bystander = await Conversation.open(port);
    await bystander.send('before\r\n');
    await bystander.take('before\r\n'.length);

    const accepted = nextAccepted(server);
    const rude = await connect(port);
    const rudeOnServer = await accepted;
    const rudeGone = new Promise((resolve) => rudeOnServer.once('close', resolve));
    rude.write(randomBytes(16 * PIECE));
    await within(once(rude, 'data'), 'the server never sent anything back to the second client');
    // RFC 9293 §3.6: an "abort" sends RST; the server reads ECONNRESET, not an end of stream.
    rude.resetAndDestroy();
    await within(rudeGone, "the server never closed the reset client's connection");
    expect(
      thrown.map(String),
      "the reset connection's 'error' event had no listener, so Node threw it: that stops a server",
    ).toEqual([]);

    await bystander.send('after\r\n');
    const reply = await bystander.take('after\r\n'.length);
    expect(visible(reply), bystander.transcript()).toBe(visible('after\r\n'));
    expect(server.listening, 'the server stopped listening after a client reset').toBe(true);
  });
});

describe("RFC 9293 §3.6: after the client's FIN, the server sends any remaining data, then its FIN", () => {
  test('a client that half-closes without sending anything gets the end at once', async () => {
    const client = await connect(await listen(createEchoServer()));
    const echoed = readToEnd(client, NEVER_ENDED);
    client.end();
    expect(visible(await echoed)).toBe('');
  });

  test("a client that half-closes while the server's write buffer is full gets every byte back, then the end", async () => {
    const { client, onServer } = await stalledClient();
    const filled = await fillWriteBuffer(client, onServer);
    const echoed = readToEnd(client, NEVER_ENDED);
    client.end();
    client.resume();
    expect(firstDifference(await echoed, filled)).toBeUndefined();
  });

  test('server.close() waits for open sessions and completes once the last client half-closed', async () => {
    const server = createEchoServer();
    const conversation = await Conversation.open(await listen(server));
    let closed = false;
    const serverClosed = new Promise<void>((resolve) =>
      server.close(() => {
        closed = true;
        resolve();
      }),
    );
    // Node: close() "stops the server from accepting new connections and keeps existing connections".
    await conversation.send('still here\r\n');
    const reply = await conversation.take('still here\r\n'.length);
    expect(visible(reply), conversation.transcript()).toBe(visible('still here\r\n'));
    expect(closed, 'server.close() completed while a client was still connected').toBe(false);

    conversation.endWriting();
    await conversation.takeRest();
    await within(serverClosed, 'server.close() never completed after the last client half-closed');
  });
});
