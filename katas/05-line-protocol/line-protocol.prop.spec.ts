import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { Conversation, chunkings, listen, shown } from '../../support/harness/index.ts';
import {
  type Command,
  createCalcServer,
  OPERATIONS,
  type Operation,
  QUIT,
  REASONS,
  type Reason,
} from './line-protocol.ts';

/** One line of a request and the reply the rule gives it, without its CRLF. */
type Case = { readonly line: string; readonly reply: string };

const errorReply = (reason: Reason) => `ERR ${REASONS[reason]}`;

/** The rule, computed here with BigInt: DIV truncates toward zero, as BigInt division does. */
const RULE: Readonly<Record<Operation, (a: bigint, b: bigint) => bigint>> = {
  ADD: (a, b) => a + b,
  SUB: (a, b) => a - b,
  MUL: (a, b) => a * b,
  DIV: (a, b) => a / b,
};

const COMMANDS: readonly Command[] = [...OPERATIONS, QUIT];

/** Small integers, and integers far beyond 2^53 either side of zero. */
const integer = fc.oneof(
  fc.bigInt({ min: -20n, max: 20n }),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
);

/** integer = [ "+" / "-" ] 1*DIGIT, written with an optional "+" and leading zeros. */
const operand = fc
  .record({ value: integer, plus: fc.boolean(), zeros: fc.nat({ max: 3 }) })
  .map(({ value, plus, zeros }) => {
    const sign = value < 0n ? '-' : plus ? '+' : '';
    const magnitude = value < 0n ? -value : value;
    return { value, text: `${sign}${'0'.repeat(zeros)}${magnitude}` };
  });

const operation: fc.Arbitrary<Case> = fc
  .record({ name: fc.constantFrom(...OPERATIONS), a: operand, b: operand })
  .map(({ name, a, b }) => ({
    line: `${name} ${a.text} ${b.text}`,
    reply:
      name === 'DIV' && b.value === 0n
        ? errorReply('divisionByZero')
        : String(RULE[name](a.value, b.value)),
  }));

const divisionByZero: fc.Arbitrary<Case> = fc
  .record({ a: operand, zero: fc.constantFrom('0', '-0', '+000') })
  .map(({ a, zero }) => ({ line: `DIV ${a.text} ${zero}`, reply: errorReply('divisionByZero') }));

const unknownCommand: fc.Arbitrary<Case> = fc
  .oneof(
    fc.constantFrom('add', 'Div', 'ADDD', 'toString', 'constructor', '__proto__', ''),
    fc.stringMatching(/^[A-Za-z_]{1,8}$/),
  )
  .filter((word) => !(COMMANDS as readonly string[]).includes(word))
  .chain((word) => fc.array(operand, { maxLength: 3 }).map((operands) => ({ word, operands })))
  .map(({ word, operands }) => ({
    line: [word, ...operands.map((o) => o.text)].join(' '),
    reply: errorReply('unknownCommand'),
  }));

const wrongOperandCount: fc.Arbitrary<Case> = fc
  .record({ name: fc.constantFrom(...COMMANDS), operands: fc.array(operand, { maxLength: 4 }) })
  .filter(({ name, operands }) => operands.length !== (name === QUIT ? 0 : 2))
  .map(({ name, operands }) => ({
    line: [name, ...operands.map((o) => o.text)].join(' '),
    reply: errorReply('wrongOperandCount'),
  }));

/** Tokens without SP, CR or LF that are not [sign] digits. */
const notAnInteger = fc
  .oneof(
    fc.constantFrom('', '+', '-', '0x10', '0b11', '1e3', '2.5', '\t7', '1_000'),
    fc.stringMatching(/^[0-9a-fA-FxXeE.+_-]{1,12}$/),
  )
  .filter((token) => !/^[+-]?[0-9]+$/.test(token));

const badOperand: fc.Arbitrary<Case> = fc
  .record({
    name: fc.constantFrom(...OPERATIONS),
    good: operand,
    bad: notAnInteger,
    badFirst: fc.boolean(),
  })
  .map(({ name, good, bad, badFirst }) => ({
    line: badFirst ? `${name} ${bad} ${good.text}` : `${name} ${good.text} ${bad}`,
    reply: errorReply('notAnInteger'),
  }));

const anyCase = fc.oneof(
  { weight: 3, arbitrary: operation },
  divisionByZero,
  unknownCommand,
  wrongOperandCount,
  badOperand,
);

/** Lines of every kind, each ended by CRLF or, as RFC 9112 §2.2 lets a recipient accept, a bare LF. */
const session = fc.array(
  fc.record({ case: anyCase, end: fc.constantFrom('\r\n', '\n') }, { noNullPrototype: true }),
  { minLength: 1, maxLength: 6 },
);

/** A session's request bytes, with the same bytes cut at random points. */
const chunkedSession = session.chain((lines) => {
  const bytes = shown(Buffer.from(lines.map((l) => l.case.line + l.end).join(''), 'latin1'));
  return chunkings(bytes).map((chunks) => ({ lines, bytes, chunks }));
});

/**
 * Line contents of any octets but LF, well under the length limit: commands, commands
 * glued by bare CRs, control octets, non-ASCII. None is QUIT, which would end the session.
 */
const anyLine = fc
  .oneof(
    fc
      .array(anyCase, { minLength: 1, maxLength: 2 })
      .map((cases) => Buffer.from(cases.map((c) => c.line).join('\r'), 'latin1')),
    fc.uint8Array({ maxLength: 60 }).map((octets) => Buffer.from(octets.filter((o) => o !== 0x0a))),
  )
  .filter((line) => !/^QUIT\r?$/.test(line.toString('latin1')));

/** Such lines, each ended by CRLF or a bare LF, and the same bytes cut at random points. */
const anyRequest = fc
  .array(fc.tuple(anyLine, fc.constantFrom('\r\n', '\n')), { minLength: 1, maxLength: 8 })
  .map((lines) => shown(Buffer.concat(lines.flatMap(([line, end]) => [line, Buffer.from(end)]))))
  .chain((bytes) => chunkings(bytes).map((chunks) => ({ bytes, chunks })));

/** Writes each chunk on its own and lets the server read it before the next. */
async function sendInPieces(conversation: Conversation, pieces: readonly Uint8Array[]) {
  for (const piece of pieces) {
    await conversation.send(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Sends the pieces, half-closes, and takes every reply until the server closes. */
async function replies(port: number, pieces: readonly Uint8Array[]) {
  const conversation = await Conversation.open(port);
  await sendInPieces(conversation, pieces);
  conversation.endWriting();
  const bytes = await conversation.takeRest();
  return { text: bytes.toString('latin1'), transcript: conversation.transcript() };
}

test.prop([anyRequest], { numRuns: 25, interruptAfterTimeLimit: 3_000 })(
  'TCP is a byte stream: the replies are the same however the request bytes are cut, one per line',
  async ({ bytes, chunks }) => {
    const port = await listen(createCalcServer());
    const whole = await replies(port, [bytes]);
    const cut = await replies(port, chunks);
    expect(cut.text, `${cut.transcript}\n\nin one piece:\n${whole.transcript}`).toBe(whole.text);
    const lines = bytes.filter((byte) => byte === 0x0a).length;
    expect(whole.text.split('\r\n').length - 1, whole.transcript).toBe(lines);
  },
);

test.prop([chunkedSession], { numRuns: 25, interruptAfterTimeLimit: 3_000 })(
  'every line gets one reply, in order: the BigInt value of the operation, or ERR and the reason',
  async ({ lines, chunks }) => {
    const port = await listen(createCalcServer());
    const { text, transcript } = await replies(port, chunks);
    expect(text, transcript).toBe(lines.map((l) => `${l.case.reply}\r\n`).join(''));
  },
);
