/**
 * A calculator spoken over a line protocol: one command per line, one reply
 * line per command, in order. The arithmetic is only there to have something
 * to answer; the lesson is the framing: cutting lines out of a TCP byte stream.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';

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

/**
 * A calculator server, not yet listening: the specs (and `npm run kata 5 -- --serve`)
 * call listen() on it. On each connection, cut the bytes into lines, answer every
 * line with one reply line, in order, and keep the connection open after an error
 * reply. A line longer than MAX_LINE_LENGTH gets the lineTooLong error and the
 * connection is closed; QUIT gets GOODBYE and the connection is closed.
 */
export function createCalcServer(): net.Server {
  throw new KataTodo('createCalcServer');
}
