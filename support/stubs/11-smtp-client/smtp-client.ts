/**
 * An SMTP client (RFC 5321): one mail transaction over one connection, reading
 * multi-line replies from a byte stream and sending the message transparently.
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';

export interface SmtpServer {
  readonly host: string;
  readonly port: number;
}

/** RFC 5321 §2.3.1: the envelope, apart from the message: MAIL FROM and RCPT TO. */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

export interface SendOptions {
  /**
   * The domain this client names in EHLO (RFC 5321 §4.1.1.1); by default the address
   * literal of the connection's local address, such as `[127.0.0.1]` (§4.1.3).
   */
  readonly clientName?: string;
  /** How long to wait for each reply, in milliseconds. */
  readonly timeoutMs?: number;
}

/** What the server accepted. */
export interface Delivery {
  readonly accepted: readonly string[];
  /** Recipients refused with a 4yz or 5yz reply to their RCPT; the rest got the mail. */
  readonly rejected: readonly string[];
  /** The text of the 250 reply to the end of the data: often the server's queue id. */
  readonly response: string;
}

/** RFC 5321 §4.2: a reply: a three-digit code and one or more lines of text. */
export interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** A reply that refuses a command: 4yz is transient, 5yz permanent (RFC 5321 §4.2.1). */
export class SmtpReplyError extends Error {
  override readonly name = 'SmtpReplyError';
  readonly permanent: boolean;
  constructor(
    /** The command line refused, without CRLF; `(connection)` for the greeting, `(end of data)` for the data. */
    readonly command: string,
    readonly reply: Reply,
  ) {
    const kind = reply.code >= 500 ? 'permanent' : 'transient';
    super(`${command} was refused with ${reply.code} (${kind}): ${reply.lines.join(' / ')}`);
    this.permanent = reply.code >= 500;
  }
}

/** Why the dialogue broke down, apart from a refusal. */
export const REASONS = {
  'bad-reply':
    'a reply line is not a three-digit code, then "-", " " or the line end (RFC 5321 §4.2)',
  'mixed-codes': 'the lines of one multi-line reply carry different codes (RFC 5321 §4.2.1)',
  closed: 'the server closed the connection before it replied',
  timeout: 'the server did not reply in time',
} as const;

export type FailureReason = keyof typeof REASONS;

export class SmtpProtocolError extends Error {
  override readonly name = 'SmtpProtocolError';
  constructor(
    readonly reason: FailureReason,
    readonly detail = '',
  ) {
    super(
      `SMTP: ${reason}${detail === '' ? '' : `: ${JSON.stringify(detail)}`} (${REASONS[reason]})`,
    );
  }
}

/**
 * RFC 5321 §4.5.2, Transparency: the mail data as it goes on the wire after 354. Every
 * line ends in CRLF, a bare CR or LF included (§2.3.8: a client "MUST NOT transmit these
 * characters except when they are intended as line terminators"); a line that starts
 * with "." gets one more; the end of the data is CRLF "." CRLF.
 */
export function dotStuff(message: Uint8Array | string): Uint8Array {
  throw new KataTodo('dotStuff');
}

/**
 * Sends one message: greeting, EHLO (HELO if EHLO is refused), MAIL, RCPT for each
 * recipient, DATA, the dot-stuffed data, QUIT.
 *
 * @throws SmtpReplyError when the server refuses a step (after QUIT, the connection
 *   closed), SmtpProtocolError when it breaks the protocol, closes or times out
 */
export async function sendMail(
  server: SmtpServer,
  envelope: Envelope,
  message: Uint8Array | string,
  options: SendOptions = {},
): Promise<Delivery> {
  throw new KataTodo('sendMail');
}
