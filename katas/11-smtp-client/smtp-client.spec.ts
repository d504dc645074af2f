import net from 'node:net';
import { simpleParser } from 'mailparser';
import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import {
  REFUSED_FOR_NOW,
  REFUSED_PERMANENTLY,
  startPeer,
  startScripted,
} from './fixtures/servers.ts';
import { dotStuff, SmtpReplyError, sendMail } from './smtp-client.ts';

const ENVELOPE = { from: 'ann@example.test', to: ['bob@example.test'] } as const;
const MESSAGE =
  'From: ann@example.test\r\nTo: bob@example.test\r\nSubject: Hello\r\n\r\nHi Bob.\r\n';
const at = (port: number) => ({ host: '127.0.0.1', port });
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** A scripted dialogue that accepts everything, as the RFC's own example (RFC 5321 Appendix D.1). */
const HAPPY = [
  '220 mx.example.test Simple Mail Transfer Service Ready\r\n',
  '250-mx.example.test greets client\r\n250-8BITMIME\r\n250-SIZE 1000000\r\n250 HELP\r\n',
  '250 OK\r\n',
  '250 OK\r\n',
  '354 Start mail input; end with <CRLF>.<CRLF>\r\n',
  '250 OK queued as 1234\r\n',
  '221 mx.example.test Service closing transmission channel\r\n',
];

describe('RFC 5321 §4.5.2: transparency (dot-stuffing)', () => {
  test('a line that starts with "." gets one more; the data ends with CRLF "." CRLF', () => {
    expect(text(dotStuff('.hidden\r\nvisible\r\n..two\r\n'))).toBe(
      '..hidden\r\nvisible\r\n...two\r\n.\r\n',
    );
  });

  test('a lone "." line cannot end the data early', () => {
    expect(text(dotStuff('before\r\n.\r\nafter\r\n'))).toBe('before\r\n..\r\nafter\r\n.\r\n');
  });

  test('a message without a final line end gets one before the "."', () => {
    expect(text(dotStuff('no newline'))).toBe('no newline\r\n.\r\n');
  });

  test('§2.3.8: bare LF and bare CR become CRLF, so no "<LF>.<LF>" reaches the wire (SMTP smuggling)', () => {
    expect(text(dotStuff('a\nb\rc\r\n'))).toBe('a\r\nb\r\nc\r\n.\r\n');
    expect(text(dotStuff('x\n.\ny'))).toBe('x\r\n..\r\ny\r\n.\r\n');
  });

  test('an empty message is just the final "."', () => {
    expect(text(dotStuff(''))).toBe('.\r\n');
  });
});

describe('RFC 5321 §3: a mail transaction, received by smtp-server', () => {
  test('the envelope and the message arrive as sent', async () => {
    const peer = await startPeer();
    const delivery = await sendMail(at(peer.port), ENVELOPE, MESSAGE);
    expect(peer.received).toEqual([
      { from: ENVELOPE.from, to: ENVELOPE.to, data: Buffer.from(MESSAGE) },
    ]);
    expect(delivery).toMatchObject({ accepted: ['bob@example.test'], rejected: [] });
  });

  test('a mail parser reads the subject and the body back', async () => {
    const peer = await startPeer();
    await sendMail(at(peer.port), ENVELOPE, MESSAGE);
    const parsed = await simpleParser(peer.received[0]?.data ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Hello');
    expect(parsed.text?.trim()).toBe('Hi Bob.');
  });

  test('several recipients: one RCPT each', async () => {
    const peer = await startPeer();
    const to = ['bob@example.test', 'carol@example.test', 'dave@example.test'];
    await sendMail(at(peer.port), { from: ENVELOPE.from, to }, MESSAGE);
    expect(peer.received[0]?.to).toEqual(to);
  });

  test('lines that start with "." arrive unchanged: the server removes the stuffing', async () => {
    const peer = await startPeer();
    const message = 'Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n';
    await sendMail(at(peer.port), ENVELOPE, message);
    expect(peer.received[0]?.data.toString('latin1')).toBe(message);
  });

  test('8-bit octets arrive unchanged', async () => {
    const peer = await startPeer();
    const message = Buffer.from('Subject: caf\xe9\r\n\r\n\xff\x80\r\n', 'latin1');
    await sendMail(at(peer.port), ENVELOPE, message);
    expect(peer.received[0]?.data).toEqual(message);
  });

  test('a string message goes out as UTF-8', async () => {
    const peer = await startPeer();
    const message = 'Subject: caf\u00e9\r\n\r\n\u20ac 5\r\n';
    await sendMail(at(peer.port), ENVELOPE, message);
    expect(peer.received[0]?.data).toEqual(Buffer.from(message, 'utf8'));
  });

  test('a refused recipient among others: the rest get the mail, the refused one is reported', async () => {
    const peer = await startPeer();
    const to = ['bob@example.test', REFUSED_PERMANENTLY];
    const delivery = await sendMail(at(peer.port), { from: ENVELOPE.from, to }, MESSAGE);
    expect(delivery).toMatchObject({
      accepted: ['bob@example.test'],
      rejected: [REFUSED_PERMANENTLY],
    });
    expect(peer.received[0]?.to).toEqual(['bob@example.test']);
  });
});

describe('RFC 5321 §4.2.1: a refusal is a clear error', () => {
  test('5yz for the only recipient: a permanent SmtpReplyError naming the command and the code', async () => {
    const peer = await startPeer();
    const run = sendMail(
      at(peer.port),
      { from: ENVELOPE.from, to: [REFUSED_PERMANENTLY] },
      MESSAGE,
    );
    await expect(run).rejects.toThrow(SmtpReplyError);
    await expect(
      sendMail(at(peer.port), { from: ENVELOPE.from, to: [REFUSED_PERMANENTLY] }, MESSAGE),
    ).rejects.toMatchObject({
      command: `RCPT TO:<${REFUSED_PERMANENTLY}>`,
      permanent: true,
      reply: { code: 550 },
    });
    expect(peer.received).toEqual([]);
  });

  test('every recipient refused: the error is the first refusal', async () => {
    const peer = await startPeer();
    await expect(
      sendMail(
        at(peer.port),
        { from: ENVELOPE.from, to: [REFUSED_FOR_NOW, REFUSED_PERMANENTLY] },
        MESSAGE,
      ),
    ).rejects.toMatchObject({ command: `RCPT TO:<${REFUSED_FOR_NOW}>`, reply: { code: 450 } });
  });

  test("an envelope with no recipients: the server's refusal of DATA is the error", async () => {
    const peer = await startPeer();
    await expect(
      sendMail(at(peer.port), { from: ENVELOPE.from, to: [] }, MESSAGE),
    ).rejects.toMatchObject({ command: 'DATA', permanent: true });
    expect(peer.received).toEqual([]);
  });

  test('4yz is transient: permanent is false', async () => {
    const peer = await startPeer();
    await expect(
      sendMail(at(peer.port), { from: ENVELOPE.from, to: [REFUSED_FOR_NOW] }, MESSAGE),
    ).rejects.toMatchObject({
      permanent: false,
      reply: { code: 450 },
    });
  });

  test('§3.3: 503 (bad sequence) to DATA: the error, no message data, then QUIT', async () => {
    const script = [...HAPPY.slice(0, 4), '503 5.5.1 Error: need RCPT command\r\n', '221 Bye\r\n'];
    const server = await startScripted(script);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      command: 'DATA',
      reply: { code: 503 },
    });
    // "message data MUST NOT be sent unless a 354 reply is received"
    expect(server.commands.slice(-2)).toEqual(['DATA', 'QUIT']);
  });

  test('a 554 greeting: no service, a clear error naming "(connection)"', async () => {
    const server = await startScripted(['554 No SMTP service here\r\n', '221 Bye\r\n']);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      command: '(connection)',
      reply: { code: 554 },
    });
    // §3.1: such a server "MUST still wait for the client to send a QUIT"
    expect(server.commands).toEqual(['QUIT']);
  });

  test('§3.2: EHLO refused with 500: the client falls back to HELO', async () => {
    const [greeting = '', , ...rest] = HAPPY;
    const server = await startScripted([
      greeting,
      '500 Command unrecognized\r\n',
      '250 mx.example.test\r\n',
      ...rest,
    ]);
    await sendMail(at(server.port), ENVELOPE, MESSAGE, { clientName: 'client.example.test' });
    expect(server.commands.slice(0, 2)).toEqual([
      'EHLO client.example.test',
      'HELO client.example.test',
    ]);
  });

  test('§3.2: a transient 4yz to EHLO is no reason for HELO: the refusal is the error', async () => {
    // §3.8: after a 421 the server closes the connection; QUIT then gets no reply
    const server = await startScripted(
      [
        HAPPY[0] ?? '',
        '421 mx.example.test Service not available, closing transmission channel\r\n',
      ],
      Number.POSITIVE_INFINITY,
      { hangUp: true },
    );
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      command: 'EHLO [127.0.0.1]',
      permanent: false,
      reply: { code: 421 },
    });
    expect(server.commands.filter((c) => c.startsWith('HELO'))).toEqual([]);
  });

  test('a refusal of the data after the final ".": the error names "(end of data)"', async () => {
    const script = HAPPY.map((reply, i) => (i === 5 ? '554 Transaction failed\r\n' : reply));
    const server = await startScripted(script);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      command: '(end of data)',
      permanent: true,
      reply: { code: 554 },
    });
    expect(server.commands.at(-1)).toBe('QUIT');
  });

  test('no server listening: the connection error, not a hang', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    await expect(sendMail(at(closedPort), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('RFC 5321 §4.1.1.1, §4.1.3: EHLO names the client', () => {
  test('without a clientName, EHLO gives the address literal of the local address: [127.0.0.1]', async () => {
    const server = await startScripted(HAPPY);
    await sendMail(at(server.port), ENVELOPE, MESSAGE);
    expect(server.commands[0]).toBe('EHLO [127.0.0.1]');
  });

  test('over IPv6 the address literal is tagged: [IPv6:::1]', async () => {
    const server = await startScripted(HAPPY, Number.POSITIVE_INFINITY, { host: '::1' });
    await sendMail({ host: '::1', port: server.port }, ENVELOPE, MESSAGE);
    expect(server.commands[0]).toBe('EHLO [IPv6:::1]');
  });
});

describe('RFC 5321 §4.3.2: RCPT succeeds with 250 or 251', () => {
  test('251 (user not local; will forward) accepts the recipient, and the mail is sent', async () => {
    const script = HAPPY.map((reply, i) =>
      i === 3 ? '251 User not local; will forward to <bob@elsewhere.test>\r\n' : reply,
    );
    const server = await startScripted(script);
    const delivery = await sendMail(at(server.port), ENVELOPE, MESSAGE);
    expect(delivery).toMatchObject({ accepted: ['bob@example.test'], rejected: [] });
    expect(server.commands).toContain('.');
  });
});

describe('RFC 5321 §4.2: replies, read from a byte stream', () => {
  test('the dialogue, command by command, as Appendix D.1 shows it', async () => {
    const server = await startScripted(HAPPY);
    const delivery = await sendMail(at(server.port), ENVELOPE, MESSAGE, {
      clientName: 'client.example.test',
    });
    expect(server.commands).toEqual([
      'EHLO client.example.test',
      'MAIL FROM:<ann@example.test>',
      'RCPT TO:<bob@example.test>',
      'DATA',
      ...MESSAGE.split('\r\n').slice(0, -1),
      '.',
      'QUIT',
    ]);
    expect(delivery.response).toBe('OK queued as 1234');
  });

  test('multi-line replies arriving one octet at a time', async () => {
    const server = await startScripted(HAPPY, 1);
    expect(await sendMail(at(server.port), ENVELOPE, MESSAGE)).toMatchObject({
      response: 'OK queued as 1234',
    });
  });

  test('a reply line with only the code is a reply', async () => {
    const script = HAPPY.map((reply) => (reply.startsWith('250 OK\r\n') ? '250\r\n' : reply));
    const server = await startScripted(script);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).resolves.toBeDefined();
  });

  test('a line that is not a reply is a protocol error, not a hang', async () => {
    const server = await startScripted(['hello there\r\n']);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      reason: 'bad-reply',
    });
  });

  test('an HTTP server on the port: its status line is not a reply, though it holds a code', async () => {
    const server = await startScripted(['HTTP/1.1 400 Bad Request\r\n']);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      reason: 'bad-reply',
    });
  });

  test('§4.3.2: a reply code is exactly three digits: "2200" is not a reply', async () => {
    const server = await startScripted(['2200 mx.example.test ready\r\n']);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      reason: 'bad-reply',
    });
  });

  test('§3.8: a 421 the server sends before the next command is the reply to that command', async () => {
    const script = [
      HAPPY[0] ?? '',
      HAPPY[1] ?? '',
      '250 OK\r\n421 mx.example.test Service shutting down, closing transmission channel\r\n',
    ];
    const server = await startScripted(script, Number.POSITIVE_INFINITY, { hangUp: true });
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      command: 'RCPT TO:<bob@example.test>',
      reply: { code: 421 },
    });
  });

  test('§4.2.1: a multi-line reply whose lines carry different codes is a protocol error', async () => {
    const server = await startScripted([HAPPY[0] ?? '', '250-first\r\n251 second\r\n']);
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      reason: 'mixed-codes',
    });
  });

  test('a server that stops answering: a timeout error, not a hang', async () => {
    const server = await startScripted([HAPPY[0] ?? '']);
    await expect(
      sendMail(at(server.port), ENVELOPE, MESSAGE, { timeoutMs: 200 }),
    ).rejects.toMatchObject({
      reason: 'timeout',
    });
  });

  test('§4.1.1.10: after QUIT and its 221 the client closes its connection', async () => {
    const server = await startScripted(HAPPY);
    await sendMail(at(server.port), ENVELOPE, MESSAGE);
    await within(server.closed, 'the client never closed its connection after QUIT');
  });

  test('a timeout ends the dialogue: no further command (no DATA, no QUIT) goes out', async () => {
    const server = await startScripted(HAPPY.slice(0, 4));
    const to = ['bob@example.test', 'carol@example.test'];
    await expect(
      sendMail(at(server.port), { from: ENVELOPE.from, to }, MESSAGE, { timeoutMs: 200 }),
    ).rejects.toMatchObject({ reason: 'timeout' });
    await within(server.closed, 'the client never closed its connection after the timeout');
    expect(server.commands.at(-1)).toBe('RCPT TO:<carol@example.test>');
  });

  test('after a timeout the client closes its connection: no socket left open', async () => {
    const server = await startScripted([HAPPY[0] ?? '']);
    await expect(
      sendMail(at(server.port), ENVELOPE, MESSAGE, { timeoutMs: 200 }),
    ).rejects.toMatchObject({ reason: 'timeout' });
    await within(server.closed, 'the client never closed its connection after the timeout');
  });

  test('a server that closes the connection instead of replying: a "closed" error', async () => {
    const server = await startScripted([HAPPY[0] ?? ''], Number.POSITIVE_INFINITY, {
      hangUp: true,
    });
    await expect(sendMail(at(server.port), ENVELOPE, MESSAGE)).rejects.toMatchObject({
      reason: 'closed',
    });
  });
});
