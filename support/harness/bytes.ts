/**
 * Bytes a learner can read: CR and LF written as \r and \n, other control and
 * non-ASCII bytes as \xNN. Used in transcripts, assertion messages and in
 * fast-check counterexamples.
 */
import fc from 'fast-check';

const ESCAPES: Readonly<Record<number, string>> = { 13: '\\r', 10: '\\n', 9: '\\t', 92: '\\\\' };

export function visible(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let out = '';
  for (const byte of bytes) {
    const escaped = ESCAPES[byte];
    if (escaped !== undefined) out += escaped;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Marks a byte array so fast-check prints it as visible bytes in a counterexample. */
export function shown<T extends Uint8Array>(bytes: T): T {
  Object.defineProperty(bytes, fc.toStringMethod, {
    value: () => `bytes("${visible(bytes)}")`,
    enumerable: false,
  });
  return bytes;
}

/** Any bytes, up to maxLength, printed visibly when a property fails. */
export function anyBytes(constraints: { minLength?: number; maxLength?: number } = {}) {
  return fc
    .uint8Array({ maxLength: 2048, ...constraints })
    .map((bytes) => shown(Buffer.from(bytes)));
}
