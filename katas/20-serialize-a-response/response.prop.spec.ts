import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes } from '../../support/harness/index.ts';
import { readWithFetch, readWithNodeHttp, serveRaw } from './fixtures/clients.ts';
import { formatResponse, imfFixdate, REASON_PHRASES } from './response.ts';

const NOW = new Date(Date.UTC(2026, 10, 24, 12, 0, 0));

describe('RFC 9110 §5.6.7: IMF-fixdate', () => {
  test.prop(
    [
      fc.date({
        min: new Date('1000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
    ],
    {
      numRuns: 500,
    },
  )('is what Date#toUTCString writes, and Date.parse reads it back to the second', (date) => {
    const written = imfFixdate(date);
    expect(written).toBe(date.toUTCString());
    expect(Date.parse(written)).toBe(Math.floor(date.getTime() / 1000) * 1000);
  });
});

/** A status with content: 2xx to 5xx without 204 and 304. */
const status = fc.integer({ min: 200, max: 599 }).filter((code) => code !== 204 && code !== 304);
/** RFC 9112 §4: reason-phrase, visible ASCII and inner spaces; or the RFC's phrase. */
const reason = fc.option(fc.stringMatching(/^[!-~]([ !-~]{0,15}[!-~])?$/), { nil: undefined });
/** RFC 9110 §5.1 and §5.5: token names (not the framing ones), values without OWS at the ends. */
const field = fc.tuple(
  fc
    .stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/)
    .filter(
      (name) => !['content-length', 'transfer-encoding', 'date'].includes(name.toLowerCase()),
    ),
  fc.stringMatching(/^([!-~]([ \t!-~]{0,15}[!-~])?)?$/),
);
const response = fc
  .record({ status, reason, headers: fc.array(field, { maxLength: 6 }), body: anyBytes() })
  // RFC 9110 §15.3.6: a 205 has no content
  .map((r) => (r.status === 205 ? { ...r, body: new Uint8Array(0) } : r));

describe('RFC 9112 §4, §6: what formatResponse writes, a client reads back', () => {
  test.prop([response], { numRuns: 40 })(
    'node:http reads the same status, reason, fields and body',
    async (r) => {
      const bytes = formatResponse(r, { now: NOW });
      const reading = await readWithNodeHttp(await serveRaw(bytes));
      expect(reading).toEqual({
        status: r.status,
        statusMessage: r.reason ?? REASON_PHRASES[r.status] ?? '',
        rawHeaders: [
          'Date',
          NOW.toUTCString(),
          ...r.headers.flat(),
          'Content-Length',
          String(r.body.length),
        ],
        body: Buffer.from(r.body),
      });
    },
  );

  // The Fetch Standard turns a 407 into a network error outside a browser window (HTTP-network-or-cache
  // fetch: proxy authentication), so fetch never shows one; node:http does, above.
  test.prop([response.filter((r) => r.status !== 407)], { numRuns: 25 })(
    'fetch reads the same status, fields and body',
    async (r) => {
      const bytes = formatResponse(r, { now: NOW });
      const reading = await readWithFetch(await serveRaw(bytes));
      expect(reading.status).toBe(r.status);
      expect(reading.body).toEqual(Buffer.from(r.body));
      // Fetch's Headers combine repeated names with ", " (RFC 9110 §5.3), in order.
      const combined = new Map<string, string[]>();
      for (const [name, value] of r.headers) {
        combined.set(name.toLowerCase(), [...(combined.get(name.toLowerCase()) ?? []), value]);
      }
      for (const [name, values] of combined) {
        if (name === 'set-cookie') continue;
        expect(new Map(reading.headers).get(name), name).toBe(values.join(', '));
      }
    },
  );
});
