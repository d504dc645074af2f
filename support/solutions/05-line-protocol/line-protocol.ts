/**
 * A calculator spoken over a line protocol: one command per line, one reply
 * line per command, in order. The arithmetic is only there to have something
 * to answer; the lesson is the framing: cutting lines out of a TCP byte stream.
 */
import net from 'node:net';

/** The operations, each taking two integers. Case-sensitive, like HTTP methods (RFC 9110 §9.1). */
export const OPERATIONS = ['ADD', 'SUB', 'MUL', 'DIV'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Ends the session: the server replies GOODBYE, then closes the connection. */
export const QUIT = 'QUIT';
export type Command = Operation | typeof QUIT;

/** RFC 5321 §2.3.8: a line ends with CR LF. Every reply line is sent with it. */
export const CRLF = '\r\n';

/**
 * RFC 5321 §4.5.3.1.4: "The maximum total length of a command line including
 * the command word and the <CRLF> is 512 octets." Counted up to and including
 * the LF that ends the line.
 */
export const MAX_LINE_LENGTH = 512;

/** The reply to QUIT. */
export const GOODBYE = 'BYE';

/** An error reply is this prefix followed by one of the REASONS. */
export const ERROR_PREFIX = 'ERR ';

/** Why a line got an error reply, in the words the client reads. */
export const REASONS = {
  unknownCommand: 'unknown command',
  wrongOperandCount: 'wrong number of operands',
  notAnInteger: 'operand is not an integer',
  divisionByZero: 'division by zero',
  lineTooLong: 'line too long',
} as const;
export type Reason = keyof typeof REASONS;

/** What the server answers to one line. */
export type Reply =
  | { readonly kind: 'result'; readonly value: bigint }
  | { readonly kind: 'error'; readonly reason: Reason }
  | { readonly kind: 'goodbye' };

const LF = '\n';
const SP = ' ';

/** integer = [ "+" / "-" ] 1*DIGIT — checked before BigInt(), which also takes '', '0x10' and ' 7'. */
const INTEGER = /^[+-]?[0-9]+$/;

/** How many operands each command takes. */
const ARITY: Readonly<Record<Command, number>> = { ADD: 2, SUB: 2, MUL: 2, DIV: 2, QUIT: 0 };

const OPERATE: Readonly<Record<Operation, (a: bigint, b: bigint) => bigint>> = {
  ADD: (a, b) => a + b,
  SUB: (a, b) => a - b,
  MUL: (a, b) => a * b,
  // DIV truncates toward zero, as BigInt division does: -7n / 2n is -3n.
  DIV: (a, b) => a / b,
};

const failure = (reason: Reason): Reply => ({ kind: 'error', reason });

const TOO_LONG = failure('lineTooLong');

/** An own key only: 'toString' and '__proto__' are not commands. */
function isCommand(word: string): word is Command {
  return Object.hasOwn(ARITY, word);
}

/** The reply to one line, its line end removed. Checks run in the order the lesson lists. */
function answer(line: string): Reply {
  // Tokens are separated by exactly one SP, as in an HTTP request-line (RFC 9112 §3).
  const [word = '', ...operands] = line.split(SP);
  if (!isCommand(word)) return failure('unknownCommand');
  if (operands.length !== ARITY[word]) return failure('wrongOperandCount');
  if (word === QUIT) return { kind: 'goodbye' };
  const [left = '', right = ''] = operands;
  if (!INTEGER.test(left) || !INTEGER.test(right)) return failure('notAnInteger');
  const divisor = BigInt(right);
  if (word === 'DIV' && divisor === 0n) return failure('divisionByZero');
  return { kind: 'result', value: OPERATE[word](BigInt(left), divisor) };
}

function format(reply: Reply): string {
  switch (reply.kind) {
    case 'result':
      return `${reply.value}${CRLF}`;
    case 'error':
      return `${ERROR_PREFIX}${REASONS[reply.reason]}${CRLF}`;
    case 'goodbye':
      return `${GOODBYE}${CRLF}`;
  }
}

/**
 * RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator
 * and ignore any preceding CR." A CR anywhere else stays in the line.
 */
function withoutLineEnd(line: string): string {
  return line.endsWith(CRLF) ? line.slice(0, -CRLF.length) : line.slice(0, -LF.length);
}

/** The reply to one line, given with its line end. */
function replyTo(line: string): Reply {
  if (line.length > MAX_LINE_LENGTH) return TOO_LONG;
  return answer(withoutLineEnd(line));
}

/**
 * After BYE, or after a line too long (the server cannot tell where the next
 * command starts without reading the rest), the server closes the connection.
 */
function closes(reply: Reply): boolean {
  return reply.kind === 'goodbye' || (reply.kind === 'error' && reply.reason === 'lineTooLong');
}

function serve(socket: net.Socket): void {
  // The octets after the last LF: the start of a line still on its way. Latin-1
  // maps each octet to one character, so lengths are octet counts and a chunk
  // boundary never splits a character (RFC 9112 §2.2: parse octets, not Unicode).
  let pending = '';
  let open = true;

  const send = (reply: Reply): void => {
    if (!closes(reply)) {
      socket.write(format(reply));
      return;
    }
    open = false;
    pending = '';
    socket.end(format(reply));
  };

  // A client that vanishes mid-line resets the connection: Node emits 'error'
  // and destroys the socket. Without a listener, that 'error' would throw.
  socket.on('error', () => {});

  socket.on('data', (chunk: Buffer) => {
    if (!open) return; // after the last reply, nothing more is a command
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf(LF); open && end !== -1; end = pending.indexOf(LF)) {
      const line = pending.slice(0, end + LF.length);
      pending = pending.slice(end + LF.length);
      send(replyTo(line));
    }
    // No LF yet, and already MAX_LINE_LENGTH octets: the LF would land past the limit.
    if (open && pending.length >= MAX_LINE_LENGTH) send(TOO_LONG);
  });
}

/**
 * A calculator server, not yet listening. allowHalfOpen is false (Node's
 * default): when the client ends its side, Node ends ours after the replies
 * already written, and an unterminated last line gets no reply.
 */
export function createCalcServer(): net.Server {
  return net.createServer(serve);
}
