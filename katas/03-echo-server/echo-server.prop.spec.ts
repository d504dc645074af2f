import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, Conversation, chunked, listen, visible } from '../../support/harness/index.ts';
import { createEchoServer } from './echo-server.ts';

/**
 * Every run opens a server and real sockets: enough runs to matter, few enough to stay fast.
 * A failing run can cost a whole wait (2 s), and so can each candidate while shrinking: after
 * 3 s fast-check stops and reports the smallest failure so far, with its seed, well before
 * vitest's 5 s would cut the test off with neither. Stopped without a failure, the property
 * passes (markInterruptAsFailure stays false): a slow machine runs fewer cases, it does not fail.
 */
const SOCKET_RUNS = { numRuns: 25, interruptAfterTimeLimit: 3_000 } as const;

/** Sends each chunk on its own, as writeChunks() does, so that the transcript shows them. */
async function sendChunks(conversation: Conversation, chunks: readonly Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    await conversation.send(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('RFC 862: once a connection is established any data received is sent back', () => {
  test.prop([chunked(anyBytes({ minLength: 1 }))], SOCKET_RUNS)(
    'any byte sequence, written in any chunking, comes back unchanged and in order',
    async ({ bytes, chunks }) => {
      const conversation = await Conversation.open(await listen(createEchoServer()));
      await sendChunks(conversation, chunks);
      const reply = await conversation.take(bytes.length);
      expect(visible(reply), conversation.transcript()).toBe(visible(bytes));
    },
  );
});

describe("RFC 9293 §3.6: after the client's FIN, the server sends any remaining data, then its FIN", () => {
  test.prop([chunked(anyBytes())], SOCKET_RUNS)(
    'any byte sequence, written in any chunking and then half-closed, comes back whole before the end',
    async ({ bytes, chunks }) => {
      const conversation = await Conversation.open(await listen(createEchoServer()));
      await sendChunks(conversation, chunks);
      conversation.endWriting();
      const echoed = await conversation.takeRest();
      expect(visible(echoed), conversation.transcript()).toBe(visible(bytes));
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
          if (chunk !== undefined) await sendChunks(conversation, [chunk]);
        }
      }
      const replies = await Promise.all(
        clients.map(({ conversation, bytes }) => conversation.take(bytes.length)),
      );
      const transcripts = clients
        .map(({ conversation }, client) => `client ${client}:\n${conversation.transcript()}`)
        .join('\n\n');
      expect(replies.map(visible), transcripts).toEqual(clients.map(({ bytes }) => visible(bytes)));
    },
  );
});
