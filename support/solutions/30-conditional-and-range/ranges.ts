/**
 * Byte ranges (RFC 9110 §14): the Range field read against a representation's
 * length, overlapping ranges coalesced, and the parts a 206 carries: one range with
 * Content-Range, several as multipart/byteranges (§14.6).
 */

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

/** RFC 9110 §14.1: range-unit = token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §14.1.1: int-range = first-pos "-" [ last-pos ]. */
const INT_RANGE = /^(\d+)-(\d*)$/;
/** RFC 9110 §14.1.1: suffix-range = "-" suffix-length. */
const SUFFIX_RANGE = /^-(\d+)$/;
/** RFC 9110 §5.6.3: OWS around list elements. */
const OWS = /^[ \t]+|[ \t]+$/g;
const BYTES = 'bytes';

/** A range-spec as written, before the length is known. */
type RangeSpec = { readonly first: number; readonly last: number } | { readonly suffix: number };

/** The range-specs of a ranges-specifier, or why it is not one this server reads. */
function rangeSpecs(value: string): readonly RangeSpec[] | IgnoredBecause {
  // ranges-specifier = range-unit "=" range-set
  const equals = value.indexOf('=');
  const unit = value.slice(0, equals);
  if (equals === -1 || !TOKEN.test(unit)) return 'syntax';
  // §14.1: "All range unit names are case-insensitive"
  if (unit.toLowerCase() !== BYTES) return 'unit';
  // range-set = 1#range-spec; §5.6.1: a recipient skips empty list elements
  const elements = value
    .slice(equals + 1)
    .split(',')
    .map((element) => element.replace(OWS, ''))
    .filter((element) => element !== '');
  if (elements.length === 0) return 'syntax';
  if (elements.length > MAX_RANGES) return 'too-many';
  const specs: RangeSpec[] = [];
  for (const element of elements) {
    // §14.1.2: "recipients MUST anticipate potentially large decimal numerals": a Number
    // past 2^53 is inexact, but only ever compared with a length that is not
    const int = INT_RANGE.exec(element);
    const suffix = SUFFIX_RANGE.exec(element);
    if (int !== null) {
      const first = Number(int[1]);
      const last = int[2] === '' ? Number.POSITIVE_INFINITY : Number(int[2]);
      // §14.1.1: "An int-range is invalid if the last-pos value is present and less than
      // the first-pos"; "A ranges-specifier is invalid if it contains any range-spec that
      // is invalid"
      if (last < first) return 'syntax';
      specs.push({ first, last });
    } else if (suffix !== null) {
      specs.push({ suffix: Number(suffix[1]) });
    } else {
      return 'syntax';
    }
  }
  return specs;
}

/** §14.1.2: a range-spec against the length, or undefined if it is not satisfiable. */
function satisfy(spec: RangeSpec, size: number): ByteRange | undefined {
  if ('suffix' in spec) {
    // "a suffix-range with a non-zero suffix-length"; "If the selected representation is
    // shorter than the specified suffix-length, the entire representation is used."
    return spec.suffix === 0
      ? undefined
      : { first: Math.max(0, size - spec.suffix), last: size - 1 };
  }
  // "an int-range with a first-pos that is less than the current length"; a last-pos past
  // the end is "one less than the current length of the selected representation"
  return spec.first < size ? { first: spec.first, last: Math.min(spec.last, size - 1) } : undefined;
}

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
  const specs = rangeSpecs(value);
  if (typeof specs === 'string') return { kind: 'whole', because: specs };
  if (size === 0) return { kind: 'whole', because: 'empty' };
  const wanted = specs
    .map((spec, order) => ({ range: satisfy(spec, size), order }))
    .filter((entry): entry is { range: ByteRange; order: number } => entry.range !== undefined);
  if (wanted.length === 0) return { kind: 'unsatisfiable' };
  // sorted by position, a range joins the one before it when it starts at most one past
  // that one's last octet; the merged range keeps the earliest place in the request
  const merged: { first: number; last: number; order: number }[] = [];
  for (const { range, order } of wanted.sort((a, b) => a.range.first - b.range.first)) {
    const previous = merged.at(-1);
    if (previous !== undefined && range.first <= previous.last + 1) {
      previous.last = Math.max(previous.last, range.last);
      previous.order = Math.min(previous.order, order);
    } else {
      merged.push({ ...range, order });
    }
  }
  const ranges = merged
    .sort((a, b) => a.order - b.order)
    .map(({ first, last }) => ({ first, last }));
  // at least one range was wanted, so at least one is left after merging
  return { kind: 'partial', ranges: ranges as [ByteRange, ...ByteRange[]] };
}

/** RFC 9110 §14.4: Content-Range = range-unit SP incl-range "/" complete-length. */
export function contentRange(range: ByteRange, size: number): string {
  return `${BYTES} ${range.first}-${range.last}/${size}`;
}

/** RFC 9110 §14.4: the Content-Range of a 416, unsatisfied-range = "*" "/" complete-length. */
export function unsatisfiedRange(size: number): string {
  return `${BYTES} */${size}`;
}

/** The Content-Type of a multipart 206 (RFC 9110 §14.6): `multipart/byteranges; boundary=…`. */
export function byterangesType(boundary: string): string {
  return `multipart/byteranges; boundary=${boundary}`;
}

const CRLF = '\r\n';

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
  const parts = ranges.flatMap((range, index) => [
    Buffer.from(
      `${index === 0 ? '' : CRLF}--${boundary}${CRLF}` +
        `Content-Type: ${type}${CRLF}` +
        `Content-Range: ${contentRange(range, content.length)}${CRLF}${CRLF}`,
    ),
    content.subarray(range.first, range.last + 1),
  ]);
  return Buffer.concat([...parts, Buffer.from(`${CRLF}--${boundary}--${CRLF}`)]);
}
