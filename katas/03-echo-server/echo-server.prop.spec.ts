import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  anyBytes,
  Conversation,
  chunked,
  connect,
  listen,
  readToEnd,
  visible,
  writeChunks,
} from '../../support/harness/index.ts';
import { createEchoServer } from './echo-server.ts';

/** Every run opens a server and real sockets: enough runs to matter, few enough to stay fast. */
const SOCKET_RUNS = { numRuns: 25 } as const;

describe('RFC 862: once a connection is established any data received is sent back', () => {
  test.prop([chunked(anyBytes({ minLength: 1 }))], SOCKET_RUNS)(
    'any byte sequence, written in any chunking, comes back unchanged and in order',
    async ({ bytes, chunks }) => {
      const conversation = await Conversation.open(await listen(createEchoServer()));
      await writeChunks(conversation.socket, chunks);
      const reply = await conversation.take(bytes.length);
      expect(visible(reply)).toBe(visible(bytes));
    },
  );
});

describe("RFC 9293 §3.6: after the client's FIN, the server sends any remaining data, then its FIN", () => {
  test.prop([chunked(anyBytes())], SOCKET_RUNS)(
    'any byte sequence, written in any chunking and then half-closed, comes back whole before the end',
    async ({ bytes, chunks }) => {
      const socket = await connect(await listen(createEchoServer()));
      const echoed = readToEnd(
        socket,
        'the server never ended its side after the client half-closed',
      );
      await writeChunks(socket, chunks);
      socket.end();
      expect(visible(await echoed)).toBe(visible(bytes));
    },
  );
});

describe('RFC 9293 §2.2: each connection is its own byte stream', () => {
  test.prop(
    [fc.array(chunked(anyBytes({ minLength: 1, maxLength: 512 })), { minLength: 2, maxLength: 5 })],
    SOCKET_RUNS,
  )(
    'clients writing in turns, in any chunkings, each get back exactly their own bytes',
    async (sessions) => {
      const port = await listen(createEchoServer());
      const clients = await Promise.all(
        sessions.map(async (session) => ({
          ...session,
          conversation: await Conversation.open(port),
        })),
      );
      const turns = Math.max(...clients.map(({ chunks }) => chunks.length));
      for (let turn = 0; turn < turns; turn++) {
        for (const { conversation, chunks } of clients) {
          const chunk = chunks[turn];
          if (chunk !== undefined) await writeChunks(conversation.socket, [chunk]);
        }
      }
      const replies = await Promise.all(
        clients.map(({ conversation, bytes }) => conversation.take(bytes.length)),
      );
      expect(replies.map(visible)).toEqual(clients.map(({ bytes }) => visible(bytes)));
    },
  );
});
