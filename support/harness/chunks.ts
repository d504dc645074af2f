/**
 * TCP is a byte stream: a `data` event is not a message. Every spec that parses
 * bytes from a socket is fed the same input cut at points fast-check chooses,
 * down to one byte at a time.
 */
import fc from 'fast-check';
import { shown } from './bytes.ts';

/** Cuts bytes into consecutive, non-empty pieces at the given sorted offsets. */
function cutAt(bytes: Uint8Array, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort(
    (a, b) => a - b,
  );
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) pieces.push(shown(Buffer.from(bytes.subarray(start, point))));
    start = point;
  }
  return pieces;
}

/** An arbitrary cutting of the given bytes: their concatenation is always the input. */
export function chunkings(bytes: Uint8Array): fc.Arbitrary<Buffer[]> {
  if (bytes.length <= 1) return fc.constant(cutAt(bytes, []));
  return fc
    .oneof(
      fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 16 }),
      fc.constant(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)),
    )
    .map((offsets) => cutAt(bytes, offsets));
}

/** Bytes drawn from `bytes`, together with a random cutting of them. */
export function chunked(
  bytes: fc.Arbitrary<Uint8Array>,
): fc.Arbitrary<{ bytes: Buffer; chunks: Buffer[] }> {
  return bytes.chain((drawn) => {
    const whole = shown(Buffer.from(drawn));
    return chunkings(whole).map((chunks) => ({ bytes: whole, chunks }));
  });
}
