/**
 * The join code: a few letters a pair types from the projector, read aloud without doubt.
 * No I, L or O (taken for 1, 1 and 0), no digits at all.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 6;

/** A fresh code: 23^6, about 1.5 × 10^8 of them, drawn with node:crypto. */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_LETTERS[randomInt(CODE_LETTERS.length)];
  return code;
}

/** Whether `given` is the code, in either case, compared in constant time. */
export function sameCode(given: string, code: string): boolean {
  const a = Buffer.from(given.trim().toUpperCase());
  const b = Buffer.from(code.toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
