/**
 * Kata 13 · Many clients: one thread, one event loop, every client served at once.
 *
 * A line protocol whose answers take time without taking CPU: `DELAY ms message` is answered
 * `+message`, ms milliseconds later. The wait is a timer, so while one client waits the event
 * loop serves every other one. `serveLines` is the reusable part: kata 14 serves its own
 * protocol with it.
 */
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** The one command: `DELAY ms message`. Case-sensitive, like HTTP methods (RFC 9110 §9.1). */
export const DELAY = 'DELAY';

/**
 * The longest wait a client may ask for, in milliseconds. Node: a setTimeout() delay above
 * 2^31 − 1 ms fires after 1 ms instead (with a TimeoutOverflowWarning); a server keeps far below.
 */
export const MAX_DELAY_MS = 10_000;

/** RFC 5321 §2.3.8: a line ends with CR LF. Every reply line is sent with it. */
export const CRLF = '\r\n';

/**
 * RFC 5321 §4.5.3.1.4: "The maximum total length of a command line including the command word
 * and the <CRLF> is 512 octets." Counted up to and including the LF that ends the line.
 */
export const MAX_LINE_LENGTH = 512;

/** A reply in RESP's shape: a simple string is "+" and the text; an error is "-ERR " and why. */
export const OK_PREFIX = '+';
export const ERROR_PREFIX = '-ERR ';

/** Why a line got an error reply, in the words the client reads. */
export const REASONS = {
  unknownCommand: 'unknown command',
  wrongArgumentCount: 'wrong number of arguments',
  badDelay: `delay is not a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`,
  badMessage: 'message is not visible ASCII',
  lineTooLong: 'line too long',
} as const;
export type Reason = keyof typeof REASONS;

/**
 * The answer to one line (its line end removed): the reply line, without its CRLF. It may take
 * its time (a timer, a worker thread) but must give up, by rejecting, once `signal` aborts:
 * serveLines aborts it when the connection closes.
 */
export type Answer = (line: string, signal: AbortSignal) => Promise<string>;

const LF = '\n';
const SP = ' ';

/** delay = 1*DIGIT, checked before Number(), which also takes '', ' 7', '1e3' and '0x10'. */
const DIGITS = /^[0-9]+$/;

/** message = 1*VCHAR (RFC 5234 B.1: %x21-7E). No SP, and above all no CR or LF in a reply. */
const VCHARS = /^[\x21-\x7e]+$/;

/** What a line asks for. */
type Request =
  | { readonly kind: 'delay'; readonly ms: number; readonly message: string }
  | { readonly kind: 'error'; readonly reason: Reason };

const refusal = (reason: Reason): string => `${ERROR_PREFIX}${REASONS[reason]}`;

/** The checks run in the order the lesson lists; the first that fails decides the reply. */
function parse(line: string): Request {
  // Arguments are separated by exactly one SP, as in an HTTP request-line (RFC 9112 §3).
  const [command, ...args] = line.split(SP);
  if (command !== DELAY) return { kind: 'error', reason: 'unknownCommand' };
  const [ms = '', message = ''] = args;
  if (args.length !== 2) return { kind: 'error', reason: 'wrongArgumentCount' };
  if (!DIGITS.test(ms) || Number(ms) > MAX_DELAY_MS) return { kind: 'error', reason: 'badDelay' };
  if (!VCHARS.test(message)) return { kind: 'error', reason: 'badMessage' };
  return { kind: 'delay', ms: Number(ms), message };
}

/** The delay protocol's answer: a timer, never a sleep. */
async function answerDelay(line: string, signal: AbortSignal): Promise<string> {
  const request = parse(line);
  if (request.kind === 'error') return refusal(request.reason);
  // The event loop arms a timer and goes back to serving everyone else. The signal clears the
  // timer when the client is gone: nothing of a departed client stays scheduled.
  return delay(request.ms, `${OK_PREFIX}${request.message}`, { signal });
}

/**
 * RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator and ignore any
 * preceding CR." A CR anywhere else stays in the line.
 */
function withoutLineEnd(line: string): string {
  return line.endsWith(CRLF) ? line.slice(0, -CRLF.length) : line.slice(0, -LF.length);
}

/**
 * Serves a line protocol on one connection: lines answered one at a time, in order, while every
 * other connection is served too. The server must be created with `allowHalfOpen: true`: a reply
 * may come after the client's FIN.
 */
export function serveLines(socket: net.Socket, answer: Answer): void {
  // The octets after the last LF handled. Latin-1 maps each octet to one character, so lengths
  // are octet counts and a chunk boundary never splits a character.
  let pending = '';
  let answering = false;
  let finished = false;
  const gone = new AbortController();

  // A reset reaches us as 'error' (ECONNRESET); with no listener it would throw and stop the
  // process: every other client with it. Node destroys the socket; 'close' follows.
  socket.on('error', () => {});
  socket.on('close', () => gone.abort());

  // After a line too long there is no telling where the next line starts: reply, and close.
  const refuse = (): void => {
    pending = '';
    socket.end(`${refusal('lineTooLong')}${CRLF}`);
  };

  // RFC 9112 §9.3.2 (pipelining): "A server MAY process a sequence of pipelined requests in
  // parallel if they all have safe methods (Section 9.2.1 of [HTTP]), but it MUST send the
  // corresponding responses in the same order that the requests were received." One line at a time keeps that order, and keeps
  // one connection from holding more than one answer's worth of the server.
  const start = (line: string): void => {
    answering = true;
    // No more 'data' while an answer is pending. Node keeps reading into the socket's buffer up
    // to readableHighWaterMark (so a reset is still noticed), then stops: a client that
    // pipelines without end fills the kernel's buffers and waits (RFC 9293 §3.8.6), not our heap.
    socket.pause();
    answer(withoutLineEnd(line), gone.signal).then(
      (reply) => {
        answering = false;
        if (!socket.writable) return;
        socket.write(`${reply}${CRLF}`);
        socket.resume();
        next();
      },
      // Aborted because the client is gone, or a bug in the answer: this session is over.
      () => socket.destroy(),
    );
  };

  // Every event comes here: the next line to answer, if any, and nothing while one is answered.
  const next = (): void => {
    while (!answering && socket.writable) {
      const end = pending.indexOf(LF);
      if (end === -1) break;
      const line = pending.slice(0, end + LF.length);
      pending = pending.slice(end + LF.length);
      if (line.length > MAX_LINE_LENGTH)
        refuse(); // ends our side, and so this loop
      else start(line);
    }
    if (answering || !socket.writable) return;
    // No LF yet, and already MAX_LINE_LENGTH octets: the LF would land past the limit.
    if (pending.length >= MAX_LINE_LENGTH) refuse();
    // RFC 9293 §3.6: after the client's FIN, "send a FIN to the other TCP peer after sending any
    // remaining data". The octets after the last LF are not a line: they get no reply.
    else if (finished) socket.end();
  };

  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    next();
  });
  socket.on('end', () => {
    finished = true;
    next();
  });
}

/**
 * A delay server, not yet listening: the specs (and `npm run kata 13 -- --serve`) call listen().
 * allowHalfOpen: a client may send its last request and its FIN together; the reply comes later.
 */
export function createSlowServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => serveLines(socket, answerDelay));
}
