import type net from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { Conversation, listen, within } from '../../support/harness/index.ts';
import { createCalcServer, MAX_LINE_LENGTH, REASONS, type Reason } from './line-protocol.ts';

// Reply lines as the rule spells them: the value in decimal, or "ERR " and the reason; CRLF after either.
// The protocol's tokens are spelled here, not imported: a server that sends other words is wrong.
const result = (value: bigint) => `${value}\r\n`;
const error = (reason: Reason) => `ERR ${REASONS[reason]}\r\n`;

async function openCalc(): Promise<Conversation> {
  return Conversation.open(await listen(createCalcServer()));
}

/** Sends `request` in one write, then takes `count` reply lines (each up to its LF). */
async function exchange(conversation: Conversation, request: string, count = 1): Promise<string> {
  await conversation.send(request);
  let replies = '';
  for (let line = 0; line < count; line += 1) {
    replies += (await conversation.takeUntil('\n')).toString('latin1');
  }
  return replies;
}

/** The peer: a net client that writes each piece on its own and lets the server read it first. */
async function sendInPieces(conversation: Conversation, pieces: readonly string[]): Promise<void> {
  for (const piece of pieces) {
    await conversation.send(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('The calc protocol: operation SP integer SP integer, answered by the result and CRLF', () => {
  test('ADD 2 3 gives 5', async () => {
    const calc = await openCalc();
    expect(await exchange(calc, 'ADD 2 3\r\n'), calc.transcript()).toBe(result(2n + 3n));
  });

  test('SUB subtracts the second operand from the first; a negative result has a "-"', async () => {
    const calc = await openCalc();
    expect(await exchange(calc, 'SUB 2 5\r\n'), calc.transcript()).toBe(result(2n - 5n));
  });

  test('MUL is exact beyond 2^53, where a JS number would round', async () => {
    const calc = await openCalc();
    // 9007199254740993 is 2^53 + 1: as a number it is already 9007199254740992.
    const reply = await exchange(calc, 'MUL 9007199254740993 9007199254740993\r\n');
    expect(reply, calc.transcript()).toBe(result(9007199254740993n * 9007199254740993n));
  });

  test('DIV is integer division truncating toward zero: DIV -7 2 is -3, not -4', async () => {
    const calc = await openCalc();
    const reply = await exchange(calc, 'DIV 7 2\r\nDIV -7 2\r\nDIV 7 -2\r\n', 3);
    // BigInt division truncates toward zero, which is the rule; Math.floor(-7 / 2) would be -4.
    expect(reply, calc.transcript()).toBe(result(7n / 2n) + result(-7n / 2n) + result(7n / -2n));
  });

  test('an operand may carry a "+" or "-" sign and leading zeros', async () => {
    const calc = await openCalc();
    expect(await exchange(calc, 'ADD +007 -0012\r\n'), calc.transcript()).toBe(result(7n - 12n));
  });
});

describe('The calc protocol: an error is a line "ERR " reason, and the session goes on', () => {
  test('DIV by zero gives an error line, and the next command is still answered', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'DIV 1 0\r\nADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('divisionByZero') + result(5n));
  });

  test('an unknown command gives an error line, and the next command is still answered', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'POW 2 3\r\nADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('unknownCommand') + result(5n));
  });

  test('commands are case-sensitive: "add" is not ADD', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'add 2 3\r\nAdd 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('unknownCommand').repeat(2));
  });

  test('a property name of a JS object is not a command: toString, constructor, __proto__', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'toString 1 2\r\nconstructor 1 2\r\n__proto__ 1 2\r\n', 3);
    expect(replies, calc.transcript()).toBe(error('unknownCommand').repeat(3));
  });

  test('an empty line is a line too: it gets the unknown-command error', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, '\r\nADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('unknownCommand') + result(5n));
  });

  test('two operands for an operation and none for QUIT, or an error line', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'ADD 1\r\nMUL 1 2 3\r\nQUIT now\r\nADD 2 3\r\n', 4);
    expect(replies, calc.transcript()).toBe(error('wrongOperandCount').repeat(3) + result(5n));
  });

  test('an operand must be [sign] digits: not what BigInt() or Number() also accept', async () => {
    const calc = await openCalc();
    // BigInt('0x10') is 16n, BigInt('0b11') is 3n, BigInt('') is 0n, BigInt('\t7') is 7n; Number('1e3') is 1000.
    const operands = ['0x10', '0b11', '', '\t7', '1e3', '2.5', '+'];
    const request = operands.map((operand) => `ADD ${operand} 1\r\n`).join('');
    const replies = await exchange(calc, `${request}ADD 2 3\r\n`, operands.length + 1);
    expect(replies, calc.transcript()).toBe(
      error('notAnInteger').repeat(operands.length) + result(5n),
    );
  });

  // The checks run in a fixed order, and the first that fails decides the reply.
  test.each<[string, string, Reason]>([
    ['POW 1', 'the command before the number of operands', 'unknownCommand'],
    ['ADD x', 'the number of operands before their form', 'wrongOperandCount'],
    ['DIV x 0', 'the form of the operands before division by zero', 'notAnInteger'],
  ])('%j: %s', async (line, _, reason) => {
    const calc = await openCalc();
    const replies = await exchange(calc, `${line}\r\nADD 2 3\r\n`, 2);
    expect(replies, calc.transcript()).toBe(error(reason) + result(5n));
  });

  test('tokens are separated by exactly one SP: "ADD 2  3" has three operands', async () => {
    const calc = await openCalc();
    // Split at each SP: ['ADD', '2', '', '3'].
    const replies = await exchange(calc, 'ADD 2  3\r\nADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('wrongOperandCount') + result(5n));
  });
});

describe('RFC 5321 §2.3.8, RFC 9112 §2.2: a line ends with CRLF; a bare LF is accepted, a bare CR is not a line end', () => {
  test('a line ended by a bare LF is answered, and the reply still ends with CRLF', async () => {
    const calc = await openCalc();
    expect(await exchange(calc, 'ADD 2 3\n'), calc.transcript()).toBe(result(5n));
  });

  test('a bare CR does not end a line: "ADD 1 2\\rMUL 3 4\\r\\n" is one line', async () => {
    const calc = await openCalc();
    // One line, split at SP: ['ADD', '1', '2\rMUL', '3', '4']: four operands. Replacing the
    // bare CR with SP, as RFC 9112 §2.2 also allows, gives five: the same error either way.
    const replies = await exchange(calc, 'ADD 1 2\rMUL 3 4\r\nADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(error('wrongOperandCount') + result(5n));
  });
});

describe('RFC 9293 §2.2: TCP is a byte stream, so a data event is not a line', () => {
  test('a command written one byte at a time is answered once', async () => {
    const calc = await openCalc();
    await sendInPieces(calc, [...'MUL 12 34\r\n']);
    const replies = await exchange(calc, 'ADD 2 3\r\n', 2);
    expect(replies, calc.transcript()).toBe(result(12n * 34n) + result(5n));
  });

  test('several commands in one write are answered, each once, in order', async () => {
    const calc = await openCalc();
    const replies = await exchange(calc, 'ADD 2 3\r\nSUB 2 3\r\nMUL 2 3\r\nDIV 2 3\r\n', 4);
    expect(replies, calc.transcript()).toBe(
      result(2n + 3n) + result(2n - 3n) + result(2n * 3n) + result(2n / 3n),
    );
  });

  test('each connection keeps its own partial line', async () => {
    const port = await listen(createCalcServer());
    const [first, second] = [await Conversation.open(port), await Conversation.open(port)];
    await sendInPieces(first, ['ADD 1']);
    expect(await exchange(second, 'ADD 2 3\r\n'), second.transcript()).toBe(result(5n));
    expect(await exchange(first, ' 2\r\n'), first.transcript()).toBe(result(1n + 2n));
  });
});

describe(`RFC 5321 §4.5.3.1.4: a command line is at most ${MAX_LINE_LENGTH} octets, CRLF included`, () => {
  /** `ADD <nines> 2` and CRLF, padded with nines to `octets` octets in all. */
  const lineOf = (octets: number) => `ADD ${'9'.repeat(octets - 'ADD  2\r\n'.length)} 2\r\n`;

  test(`a line of exactly ${MAX_LINE_LENGTH} octets is answered`, async () => {
    const calc = await openCalc();
    const line = lineOf(MAX_LINE_LENGTH);
    const nines = BigInt('9'.repeat(MAX_LINE_LENGTH - 'ADD  2\r\n'.length));
    expect(await exchange(calc, line), calc.transcript()).toBe(result(nines + 2n));
  });

  test('one octet more gets the line-too-long error, and the server closes', async () => {
    const calc = await openCalc();
    await calc.send(lineOf(MAX_LINE_LENGTH + 1));
    expect(await calc.takeRest(), calc.transcript()).toEqual(Buffer.from(error('lineTooLong')));
  });

  test(`a ${MAX_LINE_LENGTH}-octet line whose LF arrives on its own is answered`, async () => {
    const calc = await openCalc();
    const line = lineOf(MAX_LINE_LENGTH);
    const nines = BigInt('9'.repeat(MAX_LINE_LENGTH - 'ADD  2\r\n'.length));
    await sendInPieces(calc, [line.slice(0, -1), '\n']);
    expect((await calc.takeUntil('\n')).toString('latin1'), calc.transcript()).toBe(
      result(nines + 2n),
    );
  });

  test(`${MAX_LINE_LENGTH} octets with no LF among them are already too long: the LF would be one more`, async () => {
    const calc = await openCalc();
    await calc.send(`${lineOf(MAX_LINE_LENGTH).slice(0, -2)}99`);
    expect(await calc.takeRest(), calc.transcript()).toEqual(Buffer.from(error('lineTooLong')));
  });

  test('a line that never ends is refused once it passes the limit, not buffered forever', async () => {
    const calc = await openCalc();
    await calc.send(`ADD ${'1'.repeat(4 * MAX_LINE_LENGTH)}`);
    expect(await calc.takeRest(), calc.transcript()).toEqual(Buffer.from(error('lineTooLong')));
  });

  test('the limit counts octets, not characters: "é" is two octets in UTF-8', async () => {
    const calc = await openCalc();
    const line = `ADD ${'é'.repeat(MAX_LINE_LENGTH / 2)} 1\r\n`; // under the limit in characters
    await calc.send(Buffer.from(line, 'utf8'));
    expect(await calc.takeRest(), calc.transcript()).toEqual(Buffer.from(error('lineTooLong')));
  });
});

describe('Sessions: QUIT, the client half-closing, a client that vanishes', () => {
  test('QUIT gets BYE and the server closes; a line after QUIT gets no reply', async () => {
    const calc = await openCalc();
    await calc.send('ADD 2 3\r\nQUIT\r\nADD 4 5\r\n');
    const rest = await calc.takeRest();
    expect(rest.toString('latin1'), calc.transcript()).toBe(`${result(5n)}BYE\r\n`);
  });

  test('when the client half-closes, every complete line is answered, then the server closes', async () => {
    const calc = await openCalc();
    // The unterminated "ADD 4" is not a line: it gets no reply.
    await calc.send('ADD 2 3\r\nMUL 2 3\r\nADD 4');
    calc.endWriting();
    const rest = await calc.takeRest();
    expect(rest.toString('latin1'), calc.transcript()).toBe(result(5n) + result(6n));
  });

  test('a client that resets the connection mid-line does not take the server down', async () => {
    // Test runners catch what a real process would die of: watch for it.
    const uncaught: Error[] = [];
    const watch = (error: Error) => uncaught.push(error);
    process.on('uncaughtExceptionMonitor', watch);
    onTestFinished(() => {
      process.off('uncaughtExceptionMonitor', watch);
    });
    const server = createCalcServer();
    const port = await listen(server);
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const vanishing = await Conversation.open(port);
    const serverSide = await within(accepted, 'the server never accepted the connection');
    // Once the reply is back, the server has read the unfinished "ADD 1" too: the RST
    // then reaches a socket it is reading from, which Node reports as 'error' (ECONNRESET).
    expect(await exchange(vanishing, 'ADD 2 3\r\nADD 1'), vanishing.transcript()).toBe(result(5n));
    vanishing.socket.resetAndDestroy(); // an RST, as when the client's process dies
    await within(
      new Promise((resolve) => serverSide.once('close', resolve)),
      'the server never closed its side of the reset connection',
    );
    expect(
      uncaught.map((error) => error.message),
      "an 'error' event with no listener throws; outside the test runner the server would be dead",
    ).toEqual([]);
    const calc = await Conversation.open(port);
    expect(await exchange(calc, 'ADD 2 3\r\n'), calc.transcript()).toBe(result(5n));
  });
});
