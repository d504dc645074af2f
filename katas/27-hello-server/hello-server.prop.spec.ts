import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Conversation, chunkings, listen, writeChunks } from '../../support/harness/index.ts';
import type { Response } from '../20-serialize-a-response/response.ts';
import { split, WAIT_MS } from './fixtures/clients.ts';
import { createHelloServer, hello, MAX_REPEATS } from './hello-server.ts';
import { type ConnectionInfo, createRequestReader } from './server.ts';

const CONNECTION: ConnectionInfo = {
  remoteAddress: '127.0.0.1',
  remotePort: 50_000,
  localAddress: '127.0.0.1',
  localPort: 8080,
};

/** What hello answers to a GET of this target, the request read by kata 27's reader. */
async function helloFor(target: string): Promise<Response> {
  const step = createRequestReader().push(
    Buffer.from(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`, 'latin1'),
  );
  if (!step.done) throw new Error(`the reader did not read GET ${target}`);
  return hello(step.request, CONNECTION);
}

const names = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

describe('hello: for any name, /NAME percent-encoded says Hello NAME!', () => {
  test.prop(
    [
      names.chain((name) => {
        const request = Buffer.from(
          `GET /${encodeURIComponent(name)} HTTP/1.1\r\nHost: a\r\n\r\n`,
          'latin1',
        );
        return chunkings(request).map((pieces) => ({ name, pieces }));
      }),
    ],
    { numRuns: 25 },
  )(
    'over a socket, the request in any cuts, the body the greeting in UTF-8',
    async ({ name, pieces }) => {
      const port = await listen(createHelloServer());
      const conversation = await Conversation.open(port);
      await writeChunks(conversation.socket, pieces);
      const reply = split(await conversation.takeRest(WAIT_MS));
      expect([reply.statusLine, reply.body.toString('utf8')], conversation.transcript()).toEqual([
        'HTTP/1.1 200 OK',
        `Hello ${name}!\n`,
      ]);
    },
  );
});

describe('hello: ?repeats=N for N from 1 to MAX_REPEATS says it N times, any other N is 400', () => {
  test.prop([fc.integer({ min: 1, max: MAX_REPEATS }), names], { numRuns: 50 })(
    'N lines, each the greeting',
    async (repeats, name) => {
      const response = await helloFor(`/${encodeURIComponent(name)}?repeats=${repeats}`);
      expect([response.status, response.body]).toEqual([200, `Hello ${name}!\n`.repeat(repeats)]);
    },
  );

  test.prop([fc.oneof(fc.integer({ min: MAX_REPEATS + 1 }), fc.integer({ max: 0 }))], {
    numRuns: 50,
  })('a whole number out of range is 400', async (repeats) => {
    expect((await helloFor(`/a?repeats=${repeats}`)).status).toBe(400);
  });
});
