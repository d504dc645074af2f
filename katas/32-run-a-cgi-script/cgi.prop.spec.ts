import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  anyBytes,
  chunkings,
  connect,
  listen,
  readToEnd,
  writeChunks,
} from '../../support/harness/index.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import { createCgiServer, findScript, metaVariables, parseCgiResponse } from './cgi.ts';
import { CONNECTION, requestOf, SCRIPTS } from './fixtures/cgi.ts';

/** RFC 9110 §5.6.2: tchar, letters and digits first so that most names are plain. */
const TCHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&'*+^`|~";
/** Names RFC 3875 gives a meaning to in a script's output, or that frame the message. */
const SPECIAL_OUTPUT = new Set([
  'content-type',
  'location',
  'status',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
]);

const token = fc
  .array(fc.constantFrom(...TCHARS), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));

/** RFC 9110 §5.5: a field value of visible octets and inner spaces, no OWS at either end. */
const fieldValue = fc
  .array(fc.constantFrom(...'abcXYZ019 \t;,=/"()<>@:?[]{}~é'), { maxLength: 16 })
  .map((chars) => chars.join('').replace(/^[ \t]+|[ \t]+$/g, ''))
  .filter((value) => value !== '');

const outputField = fc
  .tuple(token, fieldValue)
  .filter(
    ([name]) => !SPECIAL_OUTPUT.has(name.toLowerCase()) && !name.toLowerCase().startsWith('x-cgi-'),
  );

const document = fc.record({
  status: fc.option(
    fc.integer({ min: 200, max: 599 }).filter((code) => ![204, 205, 304].includes(code)),
    { nil: undefined },
  ),
  reason: fc.option(fieldValue, { nil: undefined }),
  contentType: fc.constantFrom(
    'text/plain',
    'text/html; charset=utf-8',
    'application/octet-stream',
  ),
  fields: fc.array(outputField, { maxLength: 6 }),
  at: fc.nat(),
  newlines: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 9, maxLength: 9 }),
  body: anyBytes(),
});

describe('RFC 3875 §6.2.1: a document response reads back as written', () => {
  test.prop([document], { numRuns: 150 })(
    'Status, Content-Type and any other fields, in any order, LF or CR LF, then any body',
    ({ status, reason, contentType, fields, at, newlines, body }) => {
      const lines: [string, string][] = [...fields];
      lines.splice(at % (lines.length + 1), 0, ['Content-Type', contentType]);
      if (status !== undefined) {
        lines.splice((at >> 3) % (lines.length + 1), 0, [
          'Status',
          reason === undefined ? String(status) : `${status} ${reason}`,
        ]);
      }
      const head = lines.map(([name, value], i) => `${name}: ${value}${newlines[i % 9]}`).join('');
      const output = Buffer.concat([Buffer.from(`${head}${newlines[8]}`, 'latin1'), body]);
      expect(parseCgiResponse(output)).toEqual({
        kind: 'document',
        status: status ?? 200,
        reason: status === undefined ? undefined : reason,
        headers: lines.filter(([name]) => name !== 'Status'),
        body: Buffer.from(body),
      });
    },
  );
});

/** Request fields RFC 3875 §4.1.18 and §9.2 say to keep from the script, and httpoxy's Proxy. */
const WITHHELD = ['Authorization', 'Proxy-Authorization', 'Content-Type', 'Connection', 'Proxy'];
const requestField = fc.tuple(
  fc.oneof(
    { weight: 4, arbitrary: token },
    { weight: 1, arbitrary: fc.constantFrom(...WITHHELD, 'proxy', 'PROXY', 'X_Forwarded_For') },
  ),
  fieldValue,
);
/** Fields that frame the request or name its host: kata 18 and 19 rule on those. */
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding']);

describe('RFC 3875 §4.1.18: request fields become HTTP_* variables, and only those that may', () => {
  test.prop(
    [
      fc
        .array(requestField, { maxLength: 10 })
        .map((fields) => fields.filter(([name]) => !FRAMING.has(name.toLowerCase()))),
    ],
    { numRuns: 150 },
  )(
    'HTTP_NAME holds every value of a plain name, joined; nothing else and never HTTP_PROXY',
    (fields) => {
      const head = fields.map(([name, value]) => `${name}: ${value}\r\n`).join('');
      const request = requestOf(`GET /cgi-bin/echo HTTP/1.1\r\nHost: a.test\r\n${head}\r\n`);
      const variables = metaVariables(request, CONNECTION, {
        kind: 'script',
        scriptName: '/cgi-bin/echo',
        pathInfo: '',
        file: '/srv/cgi/echo.sh',
      });
      const expected: Record<string, string[]> = { HTTP_HOST: ['a.test'] };
      for (const [name, value] of fields) {
        const plain = /^[A-Za-z0-9-]+$/.test(name);
        const withheld = WITHHELD.some((field) => field.toLowerCase() === name.toLowerCase());
        if (!plain || withheld) continue;
        const key = `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
        expected[key] = [...(expected[key] ?? []), value];
      }
      const http = Object.fromEntries(
        Object.entries(variables).filter(([name]) => name.startsWith('HTTP_')),
      );
      expect(http).toEqual(
        Object.fromEntries(
          Object.entries(expected).map(([key, values]) => [key, values.join(', ')]),
        ),
      );
      expect(variables).not.toHaveProperty('HTTP_PROXY');
    },
  );
});

/** Segment text: any characters but "/" and NUL, and never "." or "..". */
const segment = fc
  .string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '9',
      ' ',
      '%',
      ';',
      '=',
      '?',
      '#',
      'é',
      '€',
      '😀',
      '.',
      '\\',
      '$',
      '`',
    ),
    maxLength: 8,
  })
  .filter((text) => text !== '.' && text !== '..');

describe('RFC 3875 §3.2, §4.1.5: PATH_INFO is the rest of the path, decoded', () => {
  test.prop([fc.array(segment, { maxLength: 5 })], { numRuns: 150 })(
    'the segments after the script, percent-encoded by the client, come back decoded',
    (names) => {
      const text = `/cgi-bin/echo${names.map((name) => `/${encodeURIComponent(name)}`).join('')}`;
      const target: RequestTarget = { form: 'origin', text, path: text, query: undefined };
      expect(findScript(SCRIPTS, target)).toMatchObject({
        kind: 'script',
        scriptName: '/cgi-bin/echo',
        pathInfo: names.map((name) => `/${name}`).join(''),
      });
    },
  );
});

/** A request to paced.sh, which writes back its standard input in pieces of these sizes. */
const paced = anyBytes()
  .chain((body) =>
    fc.record({
      body: fc.constant(body),
      pieces: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 6 }),
    }),
  )
  .chain(({ body, pieces }) => {
    const output = Buffer.concat([Buffer.from('Content-Type: application/octet-stream\n\n'), body]);
    const head = `POST /cgi-bin/paced?${pieces.join(',')} HTTP/1.1\r\nHost: a.test\r\nContent-Length: ${output.length}\r\n\r\n`;
    const request = Buffer.concat([Buffer.from(head), output]);
    return chunkings(request).map((chunks) => ({ body: Buffer.from(body), chunks }));
  });

describe('RFC 3875 §4.2, §6.4: the body goes in and the document comes out, cut anywhere', () => {
  test.prop([paced], { numRuns: 12 })(
    'a request cut into any pieces; a script that answers in any pieces; the client gets the body whole',
    async ({ body, chunks }) => {
      const port = await listen(createCgiServer({ scripts: SCRIPTS, timeoutMs: 3_000 }));
      const socket = await connect(port);
      const reply = readToEnd(socket, 'the server never ended its response', 4_000);
      await writeChunks(socket, chunks);
      const bytes = await reply;
      const end = bytes.indexOf('\r\n\r\n');
      expect(bytes.subarray(0, 13).toString()).toBe('HTTP/1.1 200 ');
      expect(bytes.subarray(0, end + 2).toString()).toContain(
        `\r\nContent-Length: ${body.length}\r\n`,
      );
      expect(bytes.subarray(end + 4).equals(body)).toBe(true);
    },
  );
});
