import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { anyBytes, chunkings } from '../../support/harness/index.ts';
import { startLlhttp } from '../17-parse-a-request-line/fixtures/llhttp.ts';
import { BodyError, createBodyDecoder, type Framing } from './message-body.ts';

/** Feeds the pieces in order until the decoder is done; never pushes after that. */
function decodeAll(framing: Framing, pieces: readonly Uint8Array[]) {
  const decoder = createBodyDecoder(framing);
  const body: Buffer[] = [];
  for (const [index, piece] of pieces.entries()) {
    const step = decoder.push(piece);
    body.push(Buffer.from(step.data));
    if (step.done) {
      const rest = Buffer.concat([Buffer.from(step.rest), ...pieces.slice(index + 1)]);
      return { done: true, body: Buffer.concat(body), rest, trailers: step.trailers };
    }
  }
  return { done: false, body: Buffer.concat(body) };
}

/** RFC 9112 §7.1.1: a few extensions, some with token values, some with quoted strings. */
const chunkExt = fc
  .array(
    fc.tuple(
      fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,6}$/),
      fc.option(
        fc.oneof(fc.stringMatching(/^[a-z0-9]{1,6}$/), fc.stringMatching(/^"[a-z ;=,]{0,6}"$/)),
        {
          nil: undefined,
        },
      ),
    ),
    { maxLength: 2 },
  )
  .map((exts) =>
    exts.map(([name, value]) => (value === undefined ? `;${name}` : `;${name}=${value}`)).join(''),
  );
const trailer = fc
  .tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,8}$/), fc.stringMatching(/^[!-~]{0,10}$/))
  .map(([name, value]) => ({ name, value }));

/** A body, its chunked encoding with chunk sizes, extensions and trailers chosen at random. */
const chunkedMessage = fc
  .record({
    body: anyBytes(),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
    exts: fc.array(chunkExt, { minLength: 8, maxLength: 8 }),
    upper: fc.boolean(),
    trailers: fc.array(trailer, { maxLength: 3 }),
  })
  .map(({ body, cuts, exts, upper, trailers }) => {
    const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let start = 0;
    for (const point of [...points, body.length]) {
      if (point > start) chunks.push(Buffer.from(body.subarray(start, point)));
      start = point;
    }
    const hex = (n: number) => (upper ? n.toString(16).toUpperCase() : n.toString(16));
    const encoded = Buffer.concat([
      ...chunks.flatMap((chunk, i) => [
        Buffer.from(`${hex(chunk.length)}${exts[i % 8]}\r\n`),
        chunk,
        Buffer.from('\r\n'),
      ]),
      Buffer.from(
        `0${exts[7]}\r\n${trailers.map((t) => `${t.name}: ${t.value}\r\n`).join('')}\r\n`,
      ),
    ]);
    return { body: Buffer.from(body), encoded, trailers };
  });

const NEXT_REQUEST = Buffer.from('GET /next HTTP/1.1\r\nHost: x\r\n\r\n');

describe('RFC 9112 §7.1: the chunked coding, read incrementally', () => {
  test.prop(
    [
      chunkedMessage.chain((m) =>
        chunkings(Buffer.concat([m.encoded, NEXT_REQUEST])).map((pieces) => ({ ...m, pieces })),
      ),
    ],
    { numRuns: 200 },
  )(
    'any body, chunk-encoded with any chunk sizes and fed in any cuts, decodes to itself; the next request is left intact',
    ({ body, trailers, pieces }) => {
      const decoded = decodeAll({ kind: 'chunked' }, pieces);
      expect(decoded).toEqual({ done: true, body, rest: NEXT_REQUEST, trailers });
    },
  );

  test.prop([chunkedMessage], { numRuns: 40 })(
    'llhttp reads the same body from the same bytes',
    async (m) => {
      const peer = await startLlhttp();
      const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n';
      expect(await peer.readMessage(head, m.encoded)).toMatchObject({
        accepted: true,
        body: m.body,
      });
      expect(decodeAll({ kind: 'chunked' }, [m.encoded])).toMatchObject({
        done: true,
        body: m.body,
      });
    },
  );

  /** One octet inserted or replaced anywhere inside a valid encoding. */
  const damaged = fc
    .record({
      message: chunkedMessage,
      at: fc.nat(),
      replace: fc.boolean(),
      // no SP or HTAB: llhttp refuses BWS in chunk extensions, which RFC 9110 §5.6.3 says to accept
      octet: fc.constantFrom('\r', '\n', ';', '=', '"', 'g', '0', 'f', '\0', ':'),
    })
    .map(({ message, at, replace, octet }) => {
      const text = message.encoded.toString('latin1');
      // inside the message: an octet after its end would start the next request
      const index = at % text.length;
      return Buffer.from(
        text.slice(0, index) + octet + text.slice(replace ? index + 1 : index),
        'latin1',
      );
    });

  test.prop([damaged], { numRuns: 60 })(
    'an encoding llhttp refuses is refused too (a BodyError) or never completes',
    async (encoded) => {
      const peer = await startLlhttp();
      const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n';
      const verdict = await peer.readMessage(head, encoded);
      let outcome: string;
      try {
        const decoded = decodeAll({ kind: 'chunked' }, [encoded]);
        outcome = decoded.done
          ? `accepted with body ${JSON.stringify(decoded.body.toString('latin1'))}`
          : 'incomplete';
      } catch (error) {
        expect(error).toBeInstanceOf(BodyError);
        outcome = 'refused';
      }
      if (!verdict.accepted)
        expect(['refused', 'incomplete'], `llhttp: ${verdict.code}`).toContain(outcome);
    },
  );
});

describe('RFC 9112 §6.2: Content-Length', () => {
  test.prop(
    [
      anyBytes().chain((body) =>
        chunkings(Buffer.concat([body, NEXT_REQUEST])).map((pieces) => ({ body, pieces })),
      ),
    ],
    {
      numRuns: 200,
    },
  )(
    'a body of Content-Length octets, fed in any cuts, decodes to itself; the next request is left intact',
    ({ body, pieces }) => {
      const framing: Framing =
        body.length === 0 ? { kind: 'none' } : { kind: 'length', length: body.length };
      expect(decodeAll(framing, pieces)).toEqual({
        done: true,
        body: Buffer.from(body),
        rest: NEXT_REQUEST,
        trailers: [],
      });
    },
  );
});
