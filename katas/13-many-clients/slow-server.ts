/**
 * Kata 13 · Many clients: one thread, one event loop, every client served at once.
 *
 * A line protocol whose answers take time without taking CPU: `DELAY ms message` is answered
 * `+message`, ms milliseconds later. The wait is a timer, so while one client waits the event
 * loop serves every other one. `serveLines` is the reusable part: kata 14 serves its own
 * protocol with it.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';

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

/**
 * Serves a line protocol on one connection, while the event loop serves every other one:
 * - cuts lines out of the byte stream: an LF ends a line, one CR just before it belongs to the
 *   line end (as in kata 05), and `answer` gets the line without them;
 * - answers the lines one at a time, in order: a line's answer starts once the previous reply is
 *   written, and while an answer is pending the socket reads no further (`pause()`);
 * - writes each reply followed by CRLF;
 * - a line longer than MAX_LINE_LENGTH octets (its LF included), or MAX_LINE_LENGTH octets with
 *   no LF yet, gets `-ERR line too long` and the server ends the connection;
 * - after the client's FIN, answers every complete line still to answer, then ends its side; the
 *   octets after the last LF get no reply;
 * - when the connection closes for any reason (FIN answered, RST, destroy()), aborts the signal
 *   of the answer still pending; a socket error never throws.
 *
 * The server must be created with `allowHalfOpen: true`: a reply may come after the client's FIN.
 */
export function serveLines(socket: net.Socket, answer: Answer): void {
  throw new KataTodo('serveLines');
}

/**
 * A delay server, not yet listening: the specs (and `npm run kata 13 -- --serve`) call listen().
 * Each connection is served with serveLines(), and each line is answered by the rule in the
 * lesson: `DELAY ms message` gets `+message` ms milliseconds later, from a timer; anything else
 * gets `-ERR ` and one of the REASONS at once (in its turn).
 */
export function createSlowServer(): net.Server {
  throw new KataTodo('createSlowServer');
}
