/**
 * An SMTP server (RFC 5321): the receiving side of kata 11. It reads commands from a
 * byte stream in order, enforces their sequence, unstuffs the mail data and hands each
 * message to the caller. Read ./README.md first.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';

/** What the server hands over for each message it accepts. */
export interface Mail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as the client meant it: dot-stuffing removed, CRLFs kept. */
  readonly data: Buffer;
}

/** Called once per message; a rejection makes the server refuse the message with 451. */
export type OnMail = (mail: Mail) => void | Promise<void>;

export interface SmtpServerOptions {
  /** The name in the greeting and in the EHLO reply. */
  readonly hostname?: string;
  /** The largest message accepted, in octets (RFC 1870 SIZE). */
  readonly maxSize?: number;
}

export const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
/** RFC 5321 §4.5.3.1.4: "The maximum total length of a command line including the command word and the <CRLF> is 512 octets." */
export const MAX_COMMAND_LINE = 512;
/** RFC 5321 §4.5.3.1.8: a server must accept at least 100 recipients; this one accepts no more. */
export const MAX_RECIPIENTS = 100;

/** The reply texts, by the situation they answer (codes from RFC 5321 §4.2.2, §4.2.3). */
export const REPLIES = {
  greeting: (host: string) => `220 ${host} ESMTP ready`,
  ok: '250 OK',
  helo: (host: string) => `250 ${host}`,
  dataGo: '354 Start mail input; end with <CRLF>.<CRLF>',
  queued: '250 OK: message accepted',
  bye: (host: string) => `221 ${host} closing connection`,
  cannotVerify: '252 Cannot VRFY user, but will accept message and attempt delivery',
  notRecognized: '500 Syntax error, command unrecognized',
  lineTooLong: '500 Line too long',
  badArguments: '501 Syntax error in parameters or arguments',
  badSequence: (what: string) => `503 Bad sequence of commands: ${what}`,
  unknownParameters: '555 MAIL FROM/RCPT TO parameters not recognized or not implemented',
  tooManyRecipients: '452 Too many recipients',
  tooBig: '552 Message size exceeds fixed maximum message size',
  failed: '451 Requested action aborted: local error in processing',
} as const;

/**
 * A `net.Server`, not listening, that speaks SMTP on each connection. Without `onMail`
 * (as `npm run kata 12 -- --serve` starts it), each message is summed up on stdout.
 *
 * - greets with 220; EHLO gets a multi-line 250 (8BITMIME, PIPELINING, SIZE), HELO one line;
 * - MAIL FROM, RCPT TO (up to MAX_RECIPIENTS), DATA, in that order, or 503; RSET, NOOP,
 *   VRFY (252), QUIT (221, then close); verbs in any case; 500 for anything else or a
 *   command line over MAX_COMMAND_LINE octets; 501 for bad arguments (a SIZE= that is
 *   not 1*20DIGIT too); 555 for a RCPT parameter;
 * - reads lines ending in CRLF only, in any chunking, several per packet (pipelining),
 *   answering in order;
 * - after 354, data lines until a line of one ".", a leading "." removed from the others;
 *   a SIZE= or a message over `maxSize` is 552; onMail gets each message, and its rejection
 *   is 451; the envelope starts afresh after each message, on the same connection.
 */
export function createSmtpServer(onMail?: OnMail, options: SmtpServerOptions = {}): net.Server {
  throw new KataTodo('createSmtpServer');
}
