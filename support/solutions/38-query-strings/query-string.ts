/**
 * Query strings and urlencoded bodies, as the WHATWG URL Standard defines the
 * application/x-www-form-urlencoded format (section 5) and as browsers send it: a list of
 * name-value pairs, in order, with repeats kept.
 */
import { encodeForm } from '../26-submit-forms/form-data.ts';

/** One name-value tuple of the URL Standard's list: a name and a value, both strings. */
export type QueryPair = readonly [name: string, value: string];

/** What the parser returns: every pair in the order of the text, repeated names kept. */
export type QueryPairs = readonly QueryPair[];

/** A query written as an object: one value, or several for a repeated name. */
export type QueryRecord = Readonly<Record<string, string | readonly string[]>>;

/** One name's values at a glance (kata 39's `input()`): one value a string, repeats an array. */
export type QueryObject = Record<string, string | string[]>;

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const SPACE = 0x20;
const PERCENT = 0x25;

const encoder = new TextEncoder();
// "UTF-8 decode without BOM": invalid sequences become U+FFFD, and a leading EF BB BF is
// not stripped (TextDecoder strips it unless told ignoreBOM).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** An ASCII hex digit's value, or -1: "0x30 (0) to 0x39 (9), 0x41 (A) to 0x46 (F), and 0x61 (a) to 0x66 (f)". */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** URL Standard 1.3, percent-decode a byte sequence. */
function percentDecode(input: Uint8Array): Uint8Array {
  const output: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    const high = hexValue(input[i + 1] ?? -1);
    const low = hexValue(input[i + 2] ?? -1);
    // "if byte is 0x25 (%) and the next two bytes after byte in input are not in the ranges
    // … append byte to output": a malformed escape is kept, never an error.
    if (byte !== PERCENT || high < 0 || low < 0) output.push(byte);
    else {
      output.push(high * 16 + low);
      i += 2;
    }
  }
  return Uint8Array.from(output);
}

/** "Replace any 0x2B (+) … with 0x20 (SP)", then percent-decode and UTF-8 decode without BOM. */
function decodeComponent(bytes: Uint8Array): string {
  return decoder.decode(percentDecode(bytes.map((byte) => (byte === PLUS ? SPACE : byte))));
}

/** "the result of splitting input on 0x26 (&)": every piece, empty ones too. */
function split(input: Uint8Array, separator: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (let at = input.indexOf(separator); at >= 0; at = input.indexOf(separator, start)) {
    pieces.push(input.subarray(start, at));
    start = at + 1;
  }
  pieces.push(input.subarray(start));
  return pieces;
}

/**
 * URL Standard 5.1, the application/x-www-form-urlencoded parser, over bytes; a string is
 * UTF-8 encoded first (5.3, the string parser).
 */
export function parseQuery(input: string | Uint8Array): QueryPairs {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const output: QueryPair[] = [];
  for (const sequence of split(bytes, AMPERSAND)) {
    // "If bytes is the empty byte sequence, then continue."
    if (sequence.length === 0) continue;
    // "the bytes from the start of bytes up to but excluding its first 0x3D (=)"; no `=`:
    // "let value be the empty byte sequence".
    const at = sequence.indexOf(EQUALS);
    const name = at < 0 ? sequence : sequence.subarray(0, at);
    const value = at < 0 ? new Uint8Array(0) : sequence.subarray(at + 1);
    output.push([decodeComponent(name), decodeComponent(value)]);
  }
  return output;
}

/** URL Standard 5.2, the serializer, over a record's pairs in its own key order. */
export function formatQuery(query: QueryPairs | QueryRecord): string {
  const pairs: QueryPairs = isPairs(query)
    ? query
    : Object.entries(query).flatMap(([name, values]) =>
        typeof values === 'string'
          ? [[name, values] as const]
          : values.map((value) => [name, value] as const),
      );
  return encodeForm(pairs);
}

function isPairs(query: QueryPairs | QueryRecord): query is QueryPairs {
  return Array.isArray(query);
}

/** The pairs by name, first occurrence first; a null prototype, so every name is just a key. */
export function queryObject(pairs: QueryPairs): QueryObject {
  const object: QueryObject = Object.create(null);
  for (const [name, value] of pairs) {
    const seen = object[name];
    if (seen === undefined) object[name] = value;
    else if (typeof seen === 'string') object[name] = [seen, value];
    else seen.push(value);
  }
  return object;
}
