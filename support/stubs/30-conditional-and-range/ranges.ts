/**
 * Byte ranges (RFC 9110 §14): the Range field read against a representation's
 * length, overlapping ranges coalesced, and the parts a 206 carries: one range with
 * Content-Range, several as multipart/byteranges (§14.6).
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** RFC 9110 §14.1.2: "the byte positions specified are inclusive. Byte offsets start at zero." */
export interface ByteRange {
  readonly first: number;
  readonly last: number;
}

/** Why a Range field is ignored and the whole representation sent (200). */
export type IgnoredBecause =
  /** not a ranges-specifier, or a range-spec that is invalid (RFC 9110 §14.1.1) */
  | 'syntax'
  /** a range unit other than "bytes" (§14.2: "MUST ignore") */
  | 'unit'
  /** more than MAX_RANGES range-specs: a denial-of-service attempt (§14.2, §17.15) */
  | 'too-many'
  /** the representation is empty (§14.2: "MAY ignore") */
  | 'empty';

/** What a Range field asks of a representation of a given length. */
export type RangeOutcome =
  | { readonly kind: 'whole'; readonly because: IgnoredBecause }
  | { readonly kind: 'unsatisfiable' }
  | {
      readonly kind: 'partial';
      /** Coalesced, clamped to the length, in the order the client asked for them. */
      readonly ranges: readonly [ByteRange, ...ByteRange[]];
    };

/** The most range-specs one Range field may hold before it is ignored (Apache's limit is 200). */
export const MAX_RANGES = 100;

/**
 * Reads a Range field value against a representation of `size` octets (RFC 9110 §14.2):
 *
 * - `whole` when the field is to be ignored: not a valid ranges-specifier (`syntax`), a unit
 *   other than bytes (`unit`), more than MAX_RANGES range-specs (`too-many`), or an empty
 *   representation (`empty`), checked in that order;
 * - `unsatisfiable` when no range-spec is satisfiable (416);
 * - `partial` otherwise: the satisfiable ranges, with each last position clamped to the
 *   end, ranges that overlap or touch merged into one (§15.3.7.2: a server "MAY coalesce
 *   any of the ranges that overlap"), in the order their first range-spec appeared
 *   (§15.3.7.2: "in the same order that the corresponding range-spec appeared").
 */
export function parseRange(value: string, size: number): RangeOutcome {
  throw new KataTodo('parseRange');
}

/** RFC 9110 §14.4: Content-Range = range-unit SP incl-range "/" complete-length. */
export function contentRange(range: ByteRange, size: number): string {
  throw new KataTodo('contentRange');
}

/** RFC 9110 §14.4: the Content-Range of a 416, unsatisfied-range = "*" "/" complete-length. */
export function unsatisfiedRange(size: number): string {
  throw new KataTodo('unsatisfiedRange');
}

/** The Content-Type of a multipart 206 (RFC 9110 §14.6): `multipart/byteranges; boundary=…`. */
export function byterangesType(boundary: string): string {
  throw new KataTodo('byterangesType');
}

/**
 * The content of a multipart/byteranges 206 (RFC 9110 §14.6, RFC 2046 §5.1.1): for each
 * range, the delimiter "--" boundary CRLF, its Content-Type and Content-Range, an empty
 * line, its octets; each delimiter after the first preceded by CRLF; and the close
 * delimiter "--" boundary "--" CRLF at the end.
 */
export function byteranges(
  content: Uint8Array,
  ranges: readonly ByteRange[],
  type: string,
  boundary: string,
): Uint8Array {
  throw new KataTodo('byteranges');
}
