/**
 * An SMTP server (RFC 5321): the receiving side of kata 11. It reads commands from a
 * byte stream in order, enforces their sequence, unstuffs the mail data and hands each
 * message to the caller.
 */
import net from 'node:net';

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

const CRLF = '\r\n';
/** RFC 5321 §4.1.2 and §3.3: MAIL FROM:<reverse-path> [SP parameters], RCPT TO:<forward-path> */
const MAIL_FROM = /^MAIL FROM:<([^<>\s]*)>((?: [^ ]+)*)$/i;
const RCPT_TO = /^RCPT TO:<([^<>\s]+)>( .*)?$/i;
/** RFC 1870 §6: size-param ::= "SIZE=" size-value; size-value ::= 1*20DIGIT */
const SIZE_KEYWORD = 'SIZE=';
const SIZE_VALUE = /^[0-9]{1,20}$/;

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
export function createSmtpServer(
  onMail: OnMail = logMail,
  options: SmtpServerOptions = {},
): net.Server {
  const host = options.hostname ?? 'localhost';
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  return net.createServer((socket) => {
    socket.on('error', () => {}); // a client that resets ends its own session, never the server
    const session = new Session(socket, host, maxSize, onMail);
    socket.write(`${REPLIES.greeting(host)}${CRLF}`);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => session.receive(text));
  });
}

/** One connection: the lines it read, the envelope it builds, the replies it writes, in order. */
class Session {
  private buffered = '';
  private greeted = false;
  private from: string | undefined;
  private to: string[] = [];
  private data: string[] | undefined;
  private dataSize = 0;
  /** Octets of an over-long line were dropped; the next CRLF ends that line. */
  private overflowed = false;
  /** Lines are handled one after another, even while onMail is still deciding. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: net.Socket,
    private readonly host: string,
    private readonly maxSize: number,
    private readonly onMail: OnMail,
  ) {}

  receive(text: string): void {
    this.queue = this.queue.then(() => this.consume(text));
  }

  /** Cuts lines in order, each handled before the next is looked at (onMail may take a while). */
  private async consume(text: string): Promise<void> {
    this.buffered += text;
    // RFC 5321 §2.3.8: lines end with CRLF; a bare LF is not a line end (SMTP smuggling)
    for (let end = this.buffered.indexOf(CRLF); end !== -1; end = this.buffered.indexOf(CRLF)) {
      const line = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + CRLF.length);
      // the rest of a line that was already answered (or counted) as too long
      if (this.overflowed) this.overflowed = false;
      else await this.line(line);
    }
    // a line with no CRLF yet is not buffered without bound
    if (this.buffered.length > this.lineBound()) this.overflow();
  }

  /**
   * §4.5.3.1.4: a command line not yet ended may still be 510 octets and its CR, one
   * short of the limit; a data line may be as long as the size limit allows.
   */
  private lineBound(): number {
    return this.data === undefined ? MAX_COMMAND_LINE - 1 : this.maxSize;
  }

  /** Answers a command line that is already too long, or spoils a message that is. */
  private overflow(): void {
    if (this.data !== undefined) this.dataSize = this.maxSize + 1;
    else if (!this.overflowed) this.reply(REPLIES.lineTooLong);
    this.overflowed = true;
    // keep a final CR: with the next LF it ends the line
    this.buffered = this.buffered.endsWith('\r') ? '\r' : '';
  }

  private reply(text: string): void {
    this.socket.write(`${text}${CRLF}`);
  }

  private reset(): void {
    this.from = undefined;
    this.to = [];
  }

  private async line(line: string) {
    if (this.data !== undefined) return this.dataLine(this.data, line);
    if (line.length + CRLF.length > MAX_COMMAND_LINE) return this.reply(REPLIES.lineTooLong);
    const verb = line.split(' ', 1)[0]?.toUpperCase() ?? '';
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        return this.hello(verb, line);
      case 'MAIL':
        return this.mail(line);
      case 'RCPT':
        return this.rcpt(line);
      case 'DATA':
        return this.startData(line);
      case 'RSET':
        this.reset();
        return this.reply(REPLIES.ok);
      case 'NOOP':
        return this.reply(REPLIES.ok);
      case 'VRFY':
        return this.reply(REPLIES.cannotVerify);
      case 'QUIT':
        this.reply(REPLIES.bye(this.host));
        this.socket.end();
        return;
      default:
        return this.reply(REPLIES.notRecognized);
    }
  }

  /** §4.1.1.1: EHLO gets the extensions (one per line of a multi-line 250); HELO one line. */
  private hello(verb: 'EHLO' | 'HELO', line: string) {
    if (line.trim().split(' ').length !== 2) return this.reply(REPLIES.badArguments);
    // "an EHLO command MAY be issued ... later in the session", and it resets the transaction
    this.reset();
    this.greeted = true;
    if (verb === 'HELO') return this.reply(REPLIES.helo(this.host));
    const lines = [
      `${this.host} greets ${line.split(' ')[1]}`,
      '8BITMIME',
      'PIPELINING',
      `SIZE ${this.maxSize}`,
    ];
    this.socket.write(
      lines.map((text, i) => `250${i === lines.length - 1 ? ' ' : '-'}${text}${CRLF}`).join(''),
    );
  }

  private mail(line: string) {
    // §4.1.4: "a client MUST issue HELO or EHLO before starting a mail transaction"
    if (!this.greeted) return this.reply(REPLIES.badSequence('send EHLO or HELO first'));
    if (this.from !== undefined)
      return this.reply(REPLIES.badSequence('a transaction is already open'));
    const parsed = MAIL_FROM.exec(line);
    if (parsed === null) return this.reply(REPLIES.badArguments);
    const [, path = '', parameters = ''] = parsed;
    for (const parameter of parameters.trim().split(' ').filter(Boolean)) {
      // other parameters (BODY=8BITMIME) are accepted and ignored; the keyword is any case
      if (parameter.slice(0, SIZE_KEYWORD.length).toUpperCase() !== SIZE_KEYWORD) continue;
      const size = parameter.slice(SIZE_KEYWORD.length);
      // a SIZE= whose value is not 1*20DIGIT is a syntax error in the parameter (§4.2.3)
      if (!SIZE_VALUE.test(size)) return this.reply(REPLIES.badArguments);
      // RFC 1870 §6: a declared size above the limit is refused at once, with 552
      if (Number(size) > this.maxSize) return this.reply(REPLIES.tooBig);
    }
    this.from = path;
    this.reply(REPLIES.ok);
  }

  private rcpt(line: string) {
    if (this.from === undefined) return this.reply(REPLIES.badSequence('send MAIL first'));
    const parsed = RCPT_TO.exec(line);
    if (parsed === null) return this.reply(REPLIES.badArguments);
    // §4.1.1.11: this server offers no RCPT parameters, so it recognizes none
    if (parsed[2] !== undefined) return this.reply(REPLIES.unknownParameters);
    if (this.to.length >= MAX_RECIPIENTS) return this.reply(REPLIES.tooManyRecipients);
    this.to.push(parsed[1] ?? '');
    this.reply(REPLIES.ok);
  }

  private startData(line: string) {
    if (line.trim().toUpperCase() !== 'DATA') return this.reply(REPLIES.badArguments);
    // no recipients: no RCPT, or no MAIL (which RCPT needs)
    if (this.to.length === 0) return this.reply(REPLIES.badSequence('send RCPT first'));
    this.data = [];
    this.dataSize = 0;
    this.reply(REPLIES.dataGo);
  }

  /** §4.5.2: a line of one "." ends the data; a leading "." on any other line is removed. */
  private async dataLine(data: string[], line: string) {
    if (line !== '.') {
      const text = line.startsWith('.') ? line.slice(1) : line;
      this.dataSize += text.length + CRLF.length;
      // §4.5.3.1.10: over the limit, keep reading to the end, keep nothing, then 552
      if (this.dataSize <= this.maxSize) data.push(text);
      return;
    }
    this.data = undefined;
    const mail = {
      from: this.from ?? '',
      to: this.to,
      data: Buffer.from(data.map((l) => l + CRLF).join(''), 'latin1'),
    };
    this.reset();
    if (this.dataSize > this.maxSize) return this.reply(REPLIES.tooBig);
    try {
      await this.onMail(mail);
      this.reply(REPLIES.queued);
    } catch {
      this.reply(REPLIES.failed);
    }
  }
}

function logMail(mail: Mail): void {
  process.stdout.write(
    `mail from <${mail.from}> to ${mail.to.map((to) => `<${to}>`).join(', ')}: ${mail.data.length} octets\n`,
  );
}
