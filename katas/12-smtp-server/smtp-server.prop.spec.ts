import { fc, test } from '@fast-check/vitest';
import nodemailer from 'nodemailer';
import { describe, expect, onTestFinished } from 'vitest';
import { Conversation, chunkings, listen, writeChunks } from '../../support/harness/index.ts';
import { createSmtpServer, type Mail } from './smtp-server.ts';

/** Lines of mail text: dots where they matter, empty lines, 8-bit octets; no CR or LF inside. */
const line = fc.oneof(
  fc.constantFrom('', '.', '..', '.x', ' .', 'Subject: s'),
  fc
    .uint8Array({ maxLength: 30 })
    .map((bytes) => Buffer.from(bytes.filter((b) => b !== 10 && b !== 13)).toString('latin1')),
);
const message = fc
  .array(line, { minLength: 1, maxLength: 12 })
  .map((lines) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));

async function start() {
  const mails: Mail[] = [];
  const port = await listen(createSmtpServer((mail) => void mails.push(mail)));
  return { port, mails };
}

describe('RFC 5321 §4.5.2: whatever a client sends arrives byte for byte', () => {
  test.prop([message], { numRuns: 25 })('a raw message sent by nodemailer', async (raw) => {
    const server = await start();
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      ignoreTLS: true,
    });
    onTestFinished(() => client.close());
    await client.sendMail({ envelope: { from: 'a@example.test', to: ['b@example.test'] }, raw });
    expect(server.mails.map((m) => m.data)).toEqual([raw]);
  });
});

describe('RFC 5321 §2.3.8: commands are lines, however TCP cuts them', () => {
  const dialogue = message.map((raw) => ({
    raw,
    bytes: Buffer.concat([
      Buffer.from('EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n'),
      Buffer.from(raw.toString('latin1').replace(/^\./gm, '..'), 'latin1'),
      Buffer.from('.\r\nNOOP\r\nQUIT\r\n'),
    ]),
  }));

  test.prop(
    [dialogue.chain(({ raw, bytes }) => chunkings(bytes).map((chunks) => ({ raw, chunks })))],
    {
      numRuns: 25,
    },
  )(
    'a whole dialogue in any chunking gets the same replies and delivers the same message',
    async ({ raw, chunks }) => {
      const server = await start();
      const smtp = await Conversation.open(server.port);
      await writeChunks(smtp.socket, chunks);
      const replies = (await smtp.takeRest()).toString('latin1');
      const codes = replies
        .split('\r\n')
        .filter((l) => /^\d{3} /.test(l))
        .map((l) => l.slice(0, 3));
      expect(codes, smtp.transcript()).toEqual([
        '220',
        '250',
        '250',
        '250',
        '354',
        '250',
        '250',
        '221',
      ]);
      expect(
        server.mails.map((m) => m.data),
        smtp.transcript(),
      ).toEqual([raw]);
    },
  );
});
