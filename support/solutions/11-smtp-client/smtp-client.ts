/**
 * An SMTP client (RFC 5321): one mail transaction over one connection, reading
 * multi-line replies from a byte stream and sending the message transparently.
 */
import net from 'node:net';

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

const CRLF = '\r\n';
/** RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF */
const REPLY_LINE = /^([2-5][0-5][0-9])(?:([- ])(.*))?$/;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * RFC 5321 §4.5.2, Transparency: the mail data as it goes on the wire after 354. Every
 * line ends in CRLF, a bare CR or LF included (§2.3.8: a client "MUST NOT transmit these
 * characters except when they are intended as line terminators"); a line that starts
 * with "." gets one more; the end of the data is CRLF "." CRLF.
 */
export function dotStuff(message: Uint8Array | string): Uint8Array {
  const text = typeof message === 'string' ? message : Buffer.from(message).toString('latin1');
  if (text === '') return Buffer.from(`.${CRLF}`, 'latin1');
  const lines = text.split(/\r\n|\r|\n/);
  // a message that ends with a line terminator leaves one empty string after it
  if (lines.at(-1) === '') lines.pop();
  const stuffed = lines.map((line) => (line.startsWith('.') ? `.${line}` : line));
  const encoding = typeof message === 'string' ? 'utf8' : 'latin1';
  return Buffer.from(`${stuffed.join(CRLF)}${CRLF}.${CRLF}`, encoding);
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
  const socket = net.connect(server.port, server.host);
  // a dialogue of small lines: send each at once (Nagle's algorithm would hold them back)
  socket.setNoDelay(true);
  const replies = new ReplyReader(socket, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const command = async (line: string, expected: readonly number[]): Promise<Reply> => {
    socket.write(`${line}${CRLF}`);
    const reply = await replies.next();
    if (!expected.includes(reply.code)) throw new SmtpReplyError(line, reply);
    return reply;
  };
  try {
    // §4.3.2: the greeting is 220 (or 554: no service)
    const greeting = await replies.next();
    if (greeting.code !== 220) throw new SmtpReplyError('(connection)', greeting);
    const name = options.clientName ?? addressLiteral(socket);
    try {
      await command(`EHLO ${name}`, [250]);
    } catch (error) {
      // §3.2: a server that does not know EHLO gets HELO
      if (!(error instanceof SmtpReplyError) || !error.permanent) throw error;
      await command(`HELO ${name}`, [250]);
    }
    await command(`MAIL FROM:<${envelope.from}>`, [250]);
    const accepted: string[] = [];
    const rejected: string[] = [];
    let firstRefusal: SmtpReplyError | undefined;
    for (const recipient of envelope.to) {
      try {
        // §3.3: 251 "User not local; will forward" accepts the recipient too
        await command(`RCPT TO:<${recipient}>`, [250, 251]);
        accepted.push(recipient);
      } catch (error) {
        if (!(error instanceof SmtpReplyError)) throw error;
        firstRefusal ??= error;
        rejected.push(recipient);
      }
    }
    if (accepted.length === 0 && firstRefusal !== undefined) throw firstRefusal;
    await command('DATA', [354]);
    socket.write(dotStuff(message));
    const done = await replies.next();
    if (done.code !== 250) throw new SmtpReplyError('(end of data)', done);
    await quit(socket, replies);
    return { accepted, rejected, response: done.lines.join('\n') };
  } catch (error) {
    if (error instanceof SmtpReplyError) await quit(socket, replies).catch(() => {});
    socket.destroy();
    throw error;
  }
}

/**
 * §4.1.1.1: without a fully-qualified domain name, EHLO names the client by "an address
 * literal (see Section 4.1.3)": `[127.0.0.1]`, `[IPv6:::1]` (§4.1.3), here the literal of
 * the local address of the connection, the one the server sees.
 */
function addressLiteral(socket: net.Socket): string {
  const address = socket.localAddress ?? '';
  return net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

/** §4.1.1.10: QUIT, 221, and the connection closes. */
async function quit(socket: net.Socket, replies: ReplyReader): Promise<void> {
  socket.write(`QUIT${CRLF}`);
  await replies.next();
  socket.end();
}

/** Reads replies from the byte stream: lines end in CRLF, whatever the chunking. */
class ReplyReader {
  private buffered = '';
  private readonly ready: Reply[] = [];
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private lines: string[] = [];
  private failure: Error | undefined;

  constructor(
    socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => this.receive(data));
    socket.on('close', () => this.fail(new SmtpProtocolError('closed')));
    socket.on('error', (error) => this.fail(error));
  }

  next(): Promise<Reply> {
    const reply = this.ready.shift();
    if (reply !== undefined) return Promise.resolve(reply);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SmtpProtocolError('timeout')), this.timeoutMs);
      this.waiting = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private receive(data: string): void {
    this.buffered += data;
    for (let end = this.buffered.indexOf(CRLF); end !== -1; end = this.buffered.indexOf(CRLF)) {
      const line = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + CRLF.length);
      const parsed = REPLY_LINE.exec(line);
      if (parsed === null) {
        this.fail(new SmtpProtocolError('bad-reply', line));
        return;
      }
      const [, code = '', separator, text = ''] = parsed;
      if (this.lines.length > 0 && !this.lines[0]?.startsWith(code)) {
        this.fail(new SmtpProtocolError('mixed-codes', line));
        return;
      }
      this.lines.push(`${code} ${text}`);
      if (separator === '-') continue;
      const reply = { code: Number(code), lines: this.lines.map((l) => l.slice(4)) };
      this.lines = [];
      if (this.waiting === undefined) this.ready.push(reply);
      else {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve(reply);
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}
