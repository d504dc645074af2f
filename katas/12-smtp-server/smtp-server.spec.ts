import type net from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { Conversation, listen } from '../../support/harness/index.ts';
import {
  createSmtpServer,
  MAX_COMMAND_LINE,
  MAX_RECIPIENTS,
  type Mail,
  type SmtpServerOptions,
} from './smtp-server.ts';

/** The learner's server on a free port; what it hands over is collected in `mails`. */
async function start(
  options: SmtpServerOptions = {},
  onMail?: (mail: Mail) => void | Promise<void>,
) {
  const mails: Mail[] = [];
  let connections = 0;
  const server: net.Server = createSmtpServer(async (mail) => {
    mails.push(mail);
    await onMail?.(mail);
  }, options);
  server.on('connection', () => {
    connections += 1;
  });
  const port = await listen(server);
  return { port, mails, connections: () => connections };
}

/** nodemailer as the client: no TLS, short timeouts, closed after the test. */
function transport(port: number, pool = false) {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool,
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 2000,
  });
  onTestFinished(() => client.close());
  return client;
}

/** Reads one reply: lines until one whose code is followed by a space (RFC 5321 §4.2). */
async function reply(smtp: Conversation): Promise<string> {
  let text = '';
  for (;;) {
    const line = (await smtp.takeUntil('\r\n')).toString('latin1');
    text += line;
    if (/^\d{3}( |\r\n)/.test(line)) return text;
  }
}

/** Sends one line and returns the reply's code. */
async function say(smtp: Conversation, line: string): Promise<number> {
  await smtp.send(`${line}\r\n`);
  return Number((await reply(smtp)).slice(0, 3));
}

async function open(port: number): Promise<Conversation> {
  const smtp = await Conversation.open(port);
  expect((await reply(smtp)).slice(0, 4), smtp.transcript()).toBe('220 ');
  return smtp;
}

const RAW = 'From: ann@example.test\r\nTo: bob@example.test\r\nSubject: Hi\r\n\r\nHello Bob.\r\n';

describe('RFC 5321 §3: nodemailer sends, the server receives', () => {
  test('a raw message arrives byte for byte, with its envelope', async () => {
    const server = await start();
    await transport(server.port).sendMail({
      envelope: { from: 'ann@example.test', to: ['bob@example.test'] },
      raw: RAW,
    });
    expect(server.mails).toEqual([
      { from: 'ann@example.test', to: ['bob@example.test'], data: Buffer.from(RAW) },
    ]);
  });

  test('a message nodemailer builds reads back through mailparser', async () => {
    const server = await start();
    await transport(server.port).sendMail({
      from: 'ann@example.test',
      to: 'bob@example.test, carol@example.test',
      subject: 'Report',
      text: '.starts with a dot\n.\nand a lone dot line above',
    });
    const [mail] = server.mails;
    expect(mail?.to).toEqual(['bob@example.test', 'carol@example.test']);
    const parsed = await simpleParser(mail?.data ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Report');
    expect(parsed.text?.trim()).toBe('.starts with a dot\n.\nand a lone dot line above');
  });

  test('many messages on one connection (a pooled transport)', async () => {
    const server = await start();
    const client = transport(server.port, true);
    const envelope = { from: 'ann@example.test', to: ['bob@example.test'] };
    for (let i = 0; i < 3; i += 1)
      await client.sendMail({ envelope, raw: `Subject: ${i}\r\n\r\nbody ${i}\r\n` });
    expect(server.mails.map((m) => m.data.toString())).toEqual(
      [0, 1, 2].map((i) => `Subject: ${i}\r\n\r\nbody ${i}\r\n`),
    );
    expect(server.connections()).toBe(1);
  });

  test('onMail refusing the message: 451, which nodemailer reports', async () => {
    const server = await start({}, () => {
      throw new Error('disk full');
    });
    const sent = transport(server.port).sendMail({
      envelope: { from: 'a@example.test', to: ['b@example.test'] },
      raw: RAW,
    });
    await expect(sent).rejects.toMatchObject({ responseCode: 451 });
  });

  test('RFC 1870: a message over the size limit: 552, and nothing handed over', async () => {
    const server = await start({ maxSize: 100 });
    const raw = `Subject: big\r\n\r\n${'x'.repeat(200)}\r\n`;
    const sent = transport(server.port).sendMail({
      envelope: { from: 'a@example.test', to: ['b@example.test'] },
      raw,
    });
    await expect(sent).rejects.toMatchObject({ responseCode: 552 });
    expect(server.mails).toEqual([]);
  });
});

describe('RFC 5321 §4.1, §4.3.2: the dialogue, over a raw socket', () => {
  test('220 greeting; EHLO gets a multi-line 250 that ends with "250 "', async () => {
    const server = await start({ hostname: 'mx.example.test' });
    const smtp = await Conversation.open(server.port);
    expect(await reply(smtp), smtp.transcript()).toMatch(/^220 mx\.example\.test/);
    await smtp.send('EHLO client.example.test\r\n');
    const lines = (await reply(smtp)).split('\r\n').slice(0, -1);
    expect(lines.length, smtp.transcript()).toBeGreaterThan(1);
    expect(
      lines.slice(0, -1).every((l) => l.startsWith('250-')),
      smtp.transcript(),
    ).toBe(true);
    expect(lines.at(-1)?.startsWith('250 '), smtp.transcript()).toBe(true);
  });

  test('§4.2: Greeting = "220 " (Domain / address-literal) …: without a hostname too', async () => {
    const server = await start();
    const smtp = await Conversation.open(server.port);
    expect(await reply(smtp), smtp.transcript()).toMatch(/^220 [A-Za-z0-9[][^ \r\n]*[ \r]/);
  });

  test('§3.2: HELO gets one 250 line, never the EHLO-style reply', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await smtp.send('HELO client.example.test\r\n');
    expect(await reply(smtp), smtp.transcript()).toMatch(/^250 [^\r\n]*\r\n$/);
  });

  test('§4.1.1.1: the EHLO reply names the server first, then SIZE (the limit), 8BITMIME, PIPELINING', async () => {
    const server = await start({ hostname: 'mx.example.test', maxSize: 12345 });
    const smtp = await open(server.port);
    await smtp.send('EHLO client.example.test\r\n');
    const [first = '', ...keywords] = (await reply(smtp))
      .split('\r\n')
      .slice(0, -1)
      .map((l) => l.slice(4));
    expect(first.split(' ')[0], smtp.transcript()).toBe('mx.example.test');
    expect(keywords.map((k) => k.toUpperCase()).sort(), smtp.transcript()).toEqual([
      '8BITMIME',
      'PIPELINING',
      'SIZE 12345',
    ]);
  });

  test('EHLO without a domain: 501 (ehlo = "EHLO" SP ( Domain / address-literal ) CRLF)', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'EHLO'), smtp.transcript()).toBe(501);
  });

  test('§4.1.1: trailing white space before the CRLF is tolerated', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'EHLO c '), smtp.transcript()).toBe(250);
    await say(smtp, 'MAIL FROM:<a@example.test>');
    await say(smtp, 'RCPT TO:<b@example.test>');
    expect(await say(smtp, 'DATA '), smtp.transcript()).toBe(354);
  });

  test('§4.1.4: MAIL before EHLO or HELO: 503', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(503);
  });

  test('RCPT before MAIL: 503', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, 'RCPT TO:<b@example.test>'), smtp.transcript()).toBe(503);
  });

  test('DATA before any RCPT: 503', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    await say(smtp, 'MAIL FROM:<a@example.test>');
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(503);
  });

  test('a second MAIL inside a transaction: 503; RSET starts afresh', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    await say(smtp, 'MAIL FROM:<a@example.test>');
    expect(await say(smtp, 'MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(503);
    expect(await say(smtp, 'RSET'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(250);
  });

  test('verbs are case-insensitive', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'ehlo c'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'mail from:<a@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'Rcpt To:<b@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'NoOp'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'data'), smtp.transcript()).toBe(354);
  });

  test('a client that resets its connection ends its own session, not the server', async () => {
    const server = await start();
    const first = await open(server.port);
    await first.send('EHLO c\r\nMAIL FROM:<a@example.test>\r\n');
    first.socket.resetAndDestroy();
    const second = await open(server.port);
    expect(await say(second, 'NOOP'), second.transcript()).toBe(250);
  });

  test('an unknown command: 500; bad arguments: 501; the session goes on', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'FROB'), smtp.transcript()).toBe(500);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, 'MAIL FROM:a@example.test'), smtp.transcript()).toBe(501);
    expect(await say(smtp, 'NOOP'), smtp.transcript()).toBe(250);
  });

  test('§4.3.2: DATA takes no argument: "DATA x" is 501', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    expect(await say(smtp, 'DATA x'), smtp.transcript()).toBe(501);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
  });

  test(`§4.5.3.1.4: a command line of ${MAX_COMMAND_LINE} octets, CRLF included, is a command`, async () => {
    const server = await start();
    const smtp = await open(server.port);
    const line = `NOOP ${'x'.repeat(MAX_COMMAND_LINE - 'NOOP \r\n'.length)}`;
    expect(await say(smtp, line), smtp.transcript()).toBe(250);
  });

  test(`§4.5.3.1.4: a command line of ${MAX_COMMAND_LINE + 1} octets: 500; the session goes on`, async () => {
    const server = await start();
    const smtp = await open(server.port);
    const line = `NOOP ${'x'.repeat(MAX_COMMAND_LINE + 1 - 'NOOP \r\n'.length)}`;
    expect(await say(smtp, line), smtp.transcript()).toBe(500);
    expect(await say(smtp, 'NOOP'), smtp.transcript()).toBe(250);
  });

  test('a command line that never ends: 500 without waiting for its CRLF; its rest is not a command', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await smtp.send(`NOOP ${'x'.repeat(2 * MAX_COMMAND_LINE)}`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('500');
    // the line ends at last; its tail is dropped, and the next command is answered
    expect(await say(smtp, 'FROB\r\nNOOP'), smtp.transcript()).toBe(250);
  });

  test(`a ${MAX_COMMAND_LINE}-octet line whose LF comes later is still a command`, async () => {
    const server = await start();
    const smtp = await open(server.port);
    // NOOP's reply shows the server has read the rest of the packet: 510 octets and a CR
    const line = `NOOP ${'x'.repeat(MAX_COMMAND_LINE - 'NOOP \r\n'.length)}`;
    await smtp.send(`NOOP\r\n${line}\r`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('250');
    await smtp.send('\n');
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('250');
  });

  test('a bare LF inside an over-long line does not end it', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await smtp.send(`NOOP ${'x'.repeat(2 * MAX_COMMAND_LINE)}`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('500');
    expect(await say(smtp, '\nFROB\r\nNOOP'), smtp.transcript()).toBe(250);
  });

  test('an over-long line gets one 500, however many more octets it has', async () => {
    const server = await start();
    const smtp = await open(server.port);
    // far more than one read of the socket: the server sees the line grow several times
    await smtp.send(`NOOP ${'x'.repeat(256 * 1024)}`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('500');
    expect(await say(smtp, '\r\nNOOP'), smtp.transcript()).toBe(250);
  });

  test('an over-long line whose CR and LF arrive apart still ends at that CRLF', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await smtp.send(`NOOP ${'x'.repeat(2 * MAX_COMMAND_LINE)}\r`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('500');
    expect(await say(smtp, '\nNOOP'), smtp.transcript()).toBe(250);
  });

  test('§4.5.2: DATA, 354, the dot-stuffed lines, "." ends it, 250; leading dots removed', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    await say(smtp, 'MAIL FROM:<a@example.test>');
    await say(smtp, 'RCPT TO:<b@example.test>');
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
    expect(await say(smtp, 'Subject: x\r\n\r\n..one\r\n...two\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails[0]?.data.toString('latin1')).toBe('Subject: x\r\n\r\n.one\r\n..two\r\n');
  });

  test('SMTP smuggling: "<LF>.<LF>" does not end the data, only "<CRLF>.<CRLF>" does', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    await say(smtp, 'MAIL FROM:<a@example.test>');
    await say(smtp, 'RCPT TO:<b@example.test>');
    await say(smtp, 'DATA');
    const code = await say(smtp, 'first\n.\nMAIL FROM:<evil@example.test>\r\n.');
    expect(code, smtp.transcript()).toBe(250);
    expect(server.mails).toHaveLength(1);
    expect(server.mails[0]?.data.toString('latin1')).toBe(
      'first\n.\nMAIL FROM:<evil@example.test>\r\n',
    );
  });

  test('VRFY: 252 (RFC 5321 §3.5.3, §7.3: no address harvesting)', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'VRFY bob'), smtp.transcript()).toBe(252);
  });

  test('QUIT: 221, then the server closes the connection', async () => {
    const server = await start();
    const smtp = await open(server.port);
    expect(await say(smtp, 'QUIT'), smtp.transcript()).toBe(221);
    expect((await smtp.takeRest()).length, smtp.transcript()).toBe(0);
  });

  test('RFC 2920: commands pipelined in one packet get their replies in order', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    await smtp.send(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n',
    );
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push(Number((await reply(smtp)).slice(0, 3)));
    expect(codes, smtp.transcript()).toEqual([250, 250, 250, 354]);
  });

  test('a command sent one octet at a time is one command', async () => {
    const server = await start();
    const smtp = await open(server.port);
    for (const octet of 'EHLO c\r\n') await smtp.send(octet);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('250');
  });
});

/** Greets and opens a transaction for `to`; returns the conversation. */
async function transaction(port: number, from: string, to: readonly string[]) {
  const smtp = await open(port);
  await say(smtp, 'EHLO c');
  expect(await say(smtp, `MAIL FROM:<${from}>`), smtp.transcript()).toBe(250);
  for (const rcpt of to) expect(await say(smtp, `RCPT TO:<${rcpt}>`), smtp.transcript()).toBe(250);
  return smtp;
}

/** The codes of every reply the server sent up to its close. */
function codesOf(replies: Buffer): number[] {
  return replies
    .toString('latin1')
    .split('\r\n')
    .filter((l) => /^\d{3}( |$)/.test(l))
    .map((l) => Number(l.slice(0, 3)));
}

describe('RFC 5321 §4.1.1.5, §4.1.4: RSET, a new EHLO and a finished message clear the envelope', () => {
  test('RSET: the next transaction has only its own sender and recipients', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'old@example.test', ['old@example.test']);
    expect(await say(smtp, 'RSET'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'MAIL FROM:<new@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'RCPT TO:<bob@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
    expect(await say(smtp, 'Subject: x\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails.map((m) => [m.from, m.to])).toEqual([
      ['new@example.test', ['bob@example.test']],
    ]);
  });

  test('a second EHLO inside a transaction resets it "exactly as if a RSET command had been issued"', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'old@example.test', ['old@example.test']);
    expect(await say(smtp, 'EHLO c'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(503);
    expect(await say(smtp, 'MAIL FROM:<new@example.test>'), smtp.transcript()).toBe(250);
  });

  test('after a message, the next transaction on the connection starts with no recipients', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', ['first@example.test']);
    await say(smtp, 'DATA');
    expect(await say(smtp, 'one\r\n.'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'RCPT TO:<second@example.test>'), smtp.transcript()).toBe(250);
    await say(smtp, 'DATA');
    expect(await say(smtp, 'two\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails.map((m) => m.to)).toEqual([
      ['first@example.test'],
      ['second@example.test'],
    ]);
  });
});

describe('RFC 5321 §4.1.2, §4.5.5: Reverse-path = Path / "<>"', () => {
  test('MAIL FROM:<> (the null reverse-path of a bounce) is accepted; the mail has from ""', async () => {
    const server = await start();
    const smtp = await transaction(server.port, '', ['bob@example.test']);
    await say(smtp, 'DATA');
    expect(await say(smtp, 'Subject: bounce\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails.map((m) => m.from)).toEqual(['']);
  });

  test('text glued to the closing ">" is no path: 501', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, 'MAIL FROM:<a@example.test>x'), smtp.transcript()).toBe(501);
    expect(await say(smtp, 'MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(250);
    expect(await say(smtp, 'RCPT TO:<b@example.test>x'), smtp.transcript()).toBe(501);
  });

  test('§4.1.1.2: mail = "MAIL FROM:" Reverse-path from the start of the line: "MAIL MAIL FROM:<…>" is 501', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, 'MAIL MAIL FROM:<a@example.test>'), smtp.transcript()).toBe(501);
    // §4.1.4: after the 501 no transaction is open
    expect(await say(smtp, 'RCPT TO:<b@example.test>'), smtp.transcript()).toBe(503);
  });

  test('§4.1.1.3: rcpt = "RCPT TO:" Forward-path from the start of the line: "RCPT RCPT TO:<…>" is 501', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', []);
    expect(await say(smtp, 'RCPT RCPT TO:<b@example.test>'), smtp.transcript()).toBe(501);
    // no recipient was taken: DATA still has none
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(503);
  });

  test('RFC 6152: MAIL FROM with BODY=8BITMIME (advertised in EHLO) is accepted', async () => {
    const server = await start();
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, 'MAIL FROM:<a@example.test> BODY=8BITMIME'), smtp.transcript()).toBe(
      250,
    );
  });

  test('§4.1.1.11: a RCPT parameter this server never offered: 555', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', []);
    expect(await say(smtp, 'RCPT TO:<b@example.test> NOTIFY=NEVER'), smtp.transcript()).toBe(555);
  });

  test('RCPT TO:<> is no forward-path: 501', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', []);
    expect(await say(smtp, 'RCPT TO:<>'), smtp.transcript()).toBe(501);
  });
});

describe('RFC 5321 §4.5.3.1.8, §4.5.3.1.10: a limit of 100 recipients, over it 452', () => {
  const hundred = Array.from({ length: MAX_RECIPIENTS }, (_, i) => `r${i}@example.test`);

  test(`RCPT number ${MAX_RECIPIENTS + 1}: 452, and the ${MAX_RECIPIENTS} before it are kept`, async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', hundred);
    expect(await say(smtp, 'RCPT TO:<one-too-many@example.test>'), smtp.transcript()).toBe(452);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
    expect(await say(smtp, 'x\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails[0]?.to).toEqual(hundred);
  });
});

describe('RFC 1870 §4, §5; RFC 5321 §4.5.3.1.9: the size limit, 552', () => {
  const LIMIT = 100;

  test('MAIL FROM with SIZE= above the limit: 552, and no transaction is open', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, `MAIL FROM:<a@example.test> SIZE=${LIMIT + 1}`), smtp.transcript()).toBe(
      552,
    );
    expect(await say(smtp, 'RCPT TO:<b@example.test>'), smtp.transcript()).toBe(503);
  });

  test('§2.4: the parameter keyword is case-insensitive: size= above the limit is 552 too', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, `MAIL FROM:<a@example.test> size=${LIMIT + 1}`), smtp.transcript()).toBe(
      552,
    );
  });

  test('MAIL FROM with SIZE= at the limit: 250', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(await say(smtp, `MAIL FROM:<a@example.test> SIZE=${LIMIT}`), smtp.transcript()).toBe(
      250,
    );
  });

  // RFC 1870 §6: size-value ::= 1*20DIGIT; anything else after "SIZE=" does not parse
  test.each([`${LIMIT}x`, `x${LIMIT}`, '', `-${LIMIT}`, '1e2', '1'.padStart(21, '0')])(
    'a SIZE= parameter whose value is not 1*20DIGIT, "SIZE=%s": 501, and no transaction is open',
    async (value) => {
      const server = await start({ maxSize: LIMIT });
      const smtp = await open(server.port);
      await say(smtp, 'EHLO c');
      expect(await say(smtp, `MAIL FROM:<a@example.test> SIZE=${value}`), smtp.transcript()).toBe(
        501,
      );
      expect(await say(smtp, 'RCPT TO:<b@example.test>'), smtp.transcript()).toBe(503);
    },
  );

  test('a parameter whose keyword only ends in SIZE is not SIZE=: "XSIZE=" above the limit is ignored, 250', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await open(server.port);
    await say(smtp, 'EHLO c');
    expect(
      await say(smtp, `MAIL FROM:<a@example.test> XSIZE=${LIMIT + 1}`),
      smtp.transcript(),
    ).toBe(250);
  });

  // RFC 1870 §5: the size counts CRLFs, "but not the SMTP DATA command's terminating dot or
  // doubled quoting dots"
  const line = '.abc\r\n'; // 6 octets, sent stuffed as "..abc"
  const message = (octets: number) =>
    `${line.repeat(Math.floor(octets / line.length))}${'y'.repeat(octets % line.length)}`;

  test('a message of exactly the limit, counted without the stuffing dots, is accepted', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    await say(smtp, 'DATA');
    const data = `${message(LIMIT - 2)}\r\n`;
    expect(data.length).toBe(LIMIT);
    expect(await say(smtp, `${data.replace(/^\./gm, '..')}.`), smtp.transcript()).toBe(250);
    expect(server.mails[0]?.data.toString('latin1')).toBe(data);
  });

  test('one octet more: 552, and nothing handed over', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    await say(smtp, 'DATA');
    const data = `${message(LIMIT - 1)}\r\n`;
    expect(await say(smtp, `${data.replace(/^\./gm, '..')}.`), smtp.transcript()).toBe(552);
    expect(server.mails).toEqual([]);
  });

  test('a message over the limit is read to its "." before the 552: its lines are never commands', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
    const commandsInData = ['NOOP', 'RSET', 'MAIL FROM:<evil@example.test>', 'QUIT'];
    await smtp.send(
      `${'x'.repeat(2 * LIMIT)}\r\n${commandsInData.join('\r\n')}\r\n.\r\nNOOP\r\nQUIT\r\n`,
    );
    // one reply to the data (552), then NOOP's 250 and QUIT's 221: nothing for the lines inside
    expect(codesOf(await smtp.takeRest()), smtp.transcript()).toEqual([552, 250, 221]);
    expect(server.mails).toEqual([]);
  });

  test('§4.5.3.1.6: a data line may be longer than a command line, even before its CRLF', async () => {
    const server = await start();
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    const long = 'x'.repeat(4 * MAX_COMMAND_LINE);
    // the 354 shows the server has read the rest of the packet: a data line with no CRLF yet
    await smtp.send(`DATA\r\n${long}`);
    expect((await reply(smtp)).slice(0, 3), smtp.transcript()).toBe('354');
    expect(await say(smtp, '\r\n.'), smtp.transcript()).toBe(250);
    expect(server.mails[0]?.data.toString('latin1')).toBe(`${long}\r\n`);
  });

  test('a data line far over the limit, still without its CRLF, gets no reply before the "."', async () => {
    const server = await start({ maxSize: LIMIT });
    const smtp = await transaction(server.port, 'a@example.test', ['b@example.test']);
    expect(await say(smtp, 'DATA'), smtp.transcript()).toBe(354);
    // far more than one read of the socket: the server sees the line before its end
    await smtp.send('x'.repeat(256 * 1024));
    await smtp.send('\r\n.\r\nQUIT\r\n');
    expect(codesOf(await smtp.takeRest()), smtp.transcript()).toEqual([552, 221]);
    expect(server.mails).toEqual([]);
  });
});

describe('npm run kata 12 -- --serve: a server without onMail', () => {
  test('sums up each message it accepts on stdout: sender, recipients, size in octets', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    onTestFinished(() => spy.mockRestore());
    const port = await listen(createSmtpServer());
    const smtp = await transaction(port, 'ann@example.test', [
      'bob@example.test',
      'cy@example.test',
    ]);
    await say(smtp, 'DATA');
    const data = 'Subject: x\r\n\r\nhello\r\n';
    expect(await say(smtp, `${data}.`), smtp.transcript()).toBe(250);
    const summary = written.join('');
    for (const part of [
      'ann@example.test',
      'bob@example.test',
      'cy@example.test',
      `${data.length}`,
    ])
      expect(summary).toContain(part);
  });

  test('the summary lists the recipients in RCPT order, each in <>, separated by ", "', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    onTestFinished(() => spy.mockRestore());
    const port = await listen(createSmtpServer());
    const to = ['bob@example.test', 'cy@example.test', 'di@example.test'];
    const smtp = await transaction(port, 'ann@example.test', to);
    await say(smtp, 'DATA');
    expect(await say(smtp, 'hello\r\n.'), smtp.transcript()).toBe(250);
    expect(written.join('')).toContain(to.map((r) => `<${r}>`).join(', '));
  });
});
