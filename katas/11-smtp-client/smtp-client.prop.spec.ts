import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { startPeer, startScripted } from './fixtures/servers.ts';
import { dotStuff, sendMail } from './smtp-client.ts';

/** Lines of mail text: dots where they matter, empty lines, 8-bit octets; no CR or LF inside. */
const line = fc.oneof(
  fc.constantFrom('', '.', '..', '...', '.x', ' .', 'From: a', 'Subject: s'),
  fc.stringMatching(/^[^\r\n]{0,40}$/).map((text) => Buffer.from(text, 'utf8').toString('latin1')),
  fc
    .uint8Array({ maxLength: 20 })
    .map((bytes) => Buffer.from(bytes.filter((b) => b !== 10 && b !== 13)).toString('latin1')),
);
/** A message as lines that each end in CRLF: what RFC 5321 §2.3.8 lets a client send. */
const message = fc
  .array(line, { maxLength: 12 })
  .map((lines) => lines.map((l) => `${l}\r\n`).join(''));

/** RFC 5321 §4.5.2: what a server does with the data: drop the final line, unstuff the rest. */
function unstuff(data: string): string {
  const lines = data.split('\r\n');
  expect(lines.slice(-2)).toEqual(['.', '']);
  return lines
    .slice(0, -2)
    .map((l) => (l.startsWith('.') ? l.slice(1) : l))
    .map((l) => `${l}\r\n`)
    .join('');
}

describe('RFC 5321 §4.5.2: transparency', () => {
  test.prop([message], { numRuns: 300 })(
    'unstuffing the stuffed data gives the message back',
    (text) => {
      const stuffed = Buffer.from(dotStuff(Buffer.from(text, 'latin1'))).toString('latin1');
      // no line of the data is a lone "." before the end
      expect(stuffed.split('\r\n').slice(0, -2)).not.toContain('.');
      expect(unstuff(stuffed)).toBe(text);
    },
  );

  test.prop([message], { numRuns: 10 })(
    'smtp-server receives any message byte for byte',
    async (text) => {
      const peer = await startPeer();
      const bytes = Buffer.from(text, 'latin1');
      await sendMail(
        { host: '127.0.0.1', port: peer.port },
        { from: 'a@example.test', to: ['b@example.test'] },
        bytes,
      );
      expect(peer.received[0]?.data).toEqual(bytes);
    },
  );
});

describe('RFC 5321 §4.2: replies in any chunking', () => {
  /** Replies with 1 to 4 lines each; the server writes them in pieces of any size. */
  const multiline = (code: number, lines: readonly string[]) =>
    lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join('');
  const texts = fc.array(fc.stringMatching(/^[ -~]{0,30}$/), { minLength: 1, maxLength: 4 });

  test.prop([fc.tuple(texts, texts, texts, texts), fc.integer({ min: 1, max: 9 })], {
    numRuns: 20,
  })(
    'the dialogue completes and the last reply text comes back, however the replies are cut',
    async ([greeting, ehlo, ok, queued], pieceSize) => {
      const script = [
        multiline(220, greeting),
        multiline(250, ehlo),
        multiline(250, ok),
        multiline(250, ok),
        multiline(354, ['go ahead']),
        multiline(250, queued),
        multiline(221, ['bye']),
      ];
      const server = await startScripted(script, pieceSize);
      const delivery = await sendMail(
        { host: '127.0.0.1', port: server.port },
        { from: 'a@x.test', to: ['b@x.test'] },
        'Hi\r\n',
      );
      expect(delivery.response).toBe(queued.join('\n'));
    },
  );
});
