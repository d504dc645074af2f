import { fc, test } from '@fast-check/vitest';
import { afterAll, expect } from 'vitest';
import { Conversation, chunkings, shown } from '../../support/harness/index.ts';
import { COLD_MS, sha256Rounds, type WarmServer, warmServer } from './fixtures/hash-peer.ts';
import { createHashServer, HASH, PING } from './hash-server.ts';

/**
 * Every run opens a connection to one warm server (its worker started once, in the first run):
 * enough runs to matter, few enough to stay fast. After 4 s fast-check stops and reports the
 * smallest failure so far; stopped without a failure, the property passes.
 */
const SOCKET_RUNS = { numRuns: 20, interruptAfterTimeLimit: 4_000 } as const;
/** The first run waits for a worker thread to start. */
const TIMEOUT_MS = 20_000;

let shared: Promise<WarmServer> | undefined;
async function sharedPort(): Promise<number> {
  shared ??= warmServer(createHashServer({ workers: 1 }), 1);
  return (await shared).port;
}

afterAll(async () => {
  await (await shared?.catch(() => undefined))?.close();
});

/** One line and the reply the rule gives it, computed with node:crypto. */
type Case = { readonly line: string; readonly reply: string };

/** text = 1*VCHAR: visible ASCII, %x21-7E. */
const text = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);

const hash: fc.Arbitrary<Case> = fc
  .record({ text, rounds: fc.integer({ min: 1, max: 300 }), zeros: fc.nat({ max: 2 }) })
  .map(({ text, rounds, zeros }) => ({
    line: `${HASH} ${'0'.repeat(zeros)}${rounds} ${text}`,
    reply: `+${sha256Rounds(text, rounds)}`,
  }));

const ping: fc.Arbitrary<Case> = fc.constant({ line: PING, reply: '+PONG' });

/** Lines ended by CRLF or a bare LF, and their bytes cut at random points. */
const session = fc
  .array(
    fc.record(
      { case: fc.oneof({ weight: 3, arbitrary: hash }, ping), end: fc.constantFrom('\r\n', '\n') },
      { noNullPrototype: true },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .chain((lines) => {
    const bytes = shown(Buffer.from(lines.map((l) => l.case.line + l.end).join(''), 'latin1'));
    return chunkings(bytes).map((chunks) => ({ lines, chunks }));
  });

test.prop([session], SOCKET_RUNS)(
  'any text and rounds, in any chunking, hash to node:crypto’s SHA-256 applied rounds times, each line answered in order',
  async ({ lines, chunks }) => {
    const client = await Conversation.open(await sharedPort());
    for (const chunk of chunks) {
      await client.send(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    client.endWriting();
    const received = (await client.takeRest(COLD_MS)).toString('latin1');
    expect(received, client.transcript()).toBe(lines.map((l) => `${l.case.reply}\r\n`).join(''));
  },
  TIMEOUT_MS,
);
