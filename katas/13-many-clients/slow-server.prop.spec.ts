import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { Conversation, chunkings, listen, shown } from '../../support/harness/index.ts';
import {
  CRLF,
  createSlowServer,
  DELAY,
  MAX_DELAY_MS,
  REASONS,
  type Reason,
} from './slow-server.ts';

/**
 * Every run opens a server and real sockets, and waits out real timers: enough runs to matter,
 * few enough to stay fast. After 3 s fast-check stops and reports the smallest failure so far;
 * stopped without a failure, the property passes (a slow machine runs fewer cases).
 */
const SOCKET_RUNS = { numRuns: 20, interruptAfterTimeLimit: 3_000 } as const;

/** One line of a request and the reply the rule gives it, without its CRLF. */
type Case = { readonly line: string; readonly reply: string };

const errorReply = (reason: Reason) => `-ERR ${REASONS[reason]}`;

/** message = 1*VCHAR: visible ASCII, %x21-7E. */
const message = fc.stringMatching(/^[\x21-\x7e]{1,12}$/);

/** Short waits, so that a run stays short; leading zeros now and then. */
const delay = fc
  .record({ ms: fc.nat({ max: 15 }), zeros: fc.nat({ max: 2 }) })
  .map(({ ms, zeros }) => ({ ms, text: `${'0'.repeat(zeros)}${ms}` }));

const request: fc.Arbitrary<Case> = fc.record({ delay, message }).map(({ delay, message }) => ({
  line: `${DELAY} ${delay.text} ${message}`,
  reply: `+${message}`,
}));

const unknownCommand: fc.Arbitrary<Case> = fc
  .record({ word: fc.stringMatching(/^[A-Za-z]{0,8}$/), delay, message })
  .filter(({ word }) => word !== DELAY)
  .map(({ word, delay, message }) => ({
    line: `${word} ${delay.text} ${message}`,
    reply: errorReply('unknownCommand'),
  }));

const wrongArgumentCount: fc.Arbitrary<Case> = fc
  .array(message, { maxLength: 4 })
  .filter((args) => args.length !== 2)
  .map((args) => ({
    line: [DELAY, ...args].join(' '),
    reply: errorReply('wrongArgumentCount'),
  }));

/** Not 1*DIGIT, or more than MAX_DELAY_MS. */
const badDelay: fc.Arbitrary<Case> = fc
  .record({
    ms: fc.oneof(
      fc.integer({ min: MAX_DELAY_MS + 1 }).map(String),
      fc.stringMatching(/^[-+.eExX0-9]{0,6}$/).filter((text) => !/^[0-9]+$/.test(text)),
    ),
    message,
  })
  .map(({ ms, message }) => ({ line: `${DELAY} ${ms} ${message}`, reply: errorReply('badDelay') }));

/**
 * A message holding an octet that is not VCHAR: never SP (it would split the message), nor LF
 * (it would end the line), nor a CR last (before an LF it belongs to the line end).
 */
const badMessage: fc.Arbitrary<Case> = fc
  .record({
    before: fc.stringMatching(/^[\x21-\x7e]{0,4}$/),
    octet: fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0xff })),
    after: fc.stringMatching(/^[\x21-\x7e]{0,4}$/),
  })
  .filter(({ octet, after }) => octet !== 0x0a && !(octet === 0x0d && after === ''))
  .map(({ before, octet, after }) => ({
    line: `${DELAY} 0 ${before}${String.fromCharCode(octet)}${after}`,
    reply: errorReply('badMessage'),
  }));

const anyCase = fc.oneof(
  { weight: 4, arbitrary: request },
  unknownCommand,
  wrongArgumentCount,
  badDelay,
  badMessage,
);

/** One client's lines, each ended by CRLF or a bare LF, and their bytes cut at random points. */
const client = fc
  .array(
    fc.record({ case: anyCase, end: fc.constantFrom(CRLF, '\n') }, { noNullPrototype: true }),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .chain((lines) => {
    const bytes = shown(Buffer.from(lines.map((l) => l.case.line + l.end).join(''), 'latin1'));
    return chunkings(bytes).map((chunks) => ({ lines, chunks }));
  });

test.prop([fc.array(client, { minLength: 2, maxLength: 4 })], SOCKET_RUNS)(
  'each connection is its own conversation: clients sending at once, in any chunking, each get exactly their own replies, in order',
  async (clients) => {
    const port = await listen(createSlowServer());
    const conversations = await Promise.all(clients.map(() => Conversation.open(port)));
    // The clients write in turns, one chunk each, so that their lines and waits interleave.
    const turns = Math.max(...clients.map(({ chunks }) => chunks.length));
    for (let turn = 0; turn < turns; turn++) {
      for (const [index, { chunks }] of clients.entries()) {
        const chunk = chunks[turn];
        if (chunk !== undefined) await conversations[index]?.send(chunk);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const conversation of conversations) conversation.endWriting();
    const received = await Promise.all(
      conversations.map(async (conversation) => (await conversation.takeRest()).toString('latin1')),
    );
    const transcripts = conversations
      .map((conversation, index) => `client ${index}:\n${conversation.transcript()}`)
      .join('\n\n');
    expect(received, transcripts).toEqual(
      clients.map(({ lines }) => lines.map((l) => `${l.case.reply}${CRLF}`).join('')),
    );
  },
);
