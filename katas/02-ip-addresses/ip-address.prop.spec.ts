import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fullForm } from './fixtures/full-form.ts';
import {
  formatIPv6,
  InvalidAddress,
  type InvalidReason,
  parseIPv4,
  parseIPv6,
} from './ip-address.ts';

/** The 16-bit groups in the bytes, most significant byte first. */
function groupsOf(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 2 }, (_, index) => view.getUint16(2 * index));
}

/** The sixteen bytes of eight 16-bit groups, printed in full form in a counterexample. */
function addressOf(groups: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (const [index, value] of groups.entries()) view.setUint16(2 * index, value);
  Object.defineProperty(bytes, fc.toStringMethod, {
    value: () => `address(${fullForm(bytes)})`,
    enumerable: false,
  });
  return bytes;
}

/** RFC 4291 §2.5.5.2: 80 zero bits, 16 one bits, then an IPv4 address. */
function isIPv4Mapped(bytes: Uint8Array): boolean {
  return fullForm(bytes).startsWith('0000:0000:0000:0000:0000:ffff:');
}

/** How WHATWG URL writes an IPv6 host, brackets removed: RFC 5952 §4, never a dotted quad. */
function urlText(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/** How inet_ntop writes an address (Node's socket addresses): RFC 5952 §4, and §5 for ::ffff:0:0/96. */
function inetNtopText(text: string): string {
  return new net.SocketAddress({ address: text, family: 'ipv6' }).address;
}

/** A 16-bit group, mostly zero, so that runs of zero groups of every length and place turn up. */
const group = fc.oneof(
  { arbitrary: fc.constant(0), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 3 },
  { arbitrary: fc.constantFrom(1, 0xa, 0xff, 0x100, 0xfe80, 0xffff), weight: 1 },
);
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const ipv4Mapped = ipv4.map((octets) => addressOf([0, 0, 0, 0, 0, 0xffff, ...groupsOf(octets)]));
const ipv6 = fc.oneof(
  { arbitrary: fc.array(group, { minLength: 8, maxLength: 8 }).map(addressOf), weight: 5 },
  { arbitrary: ipv4Mapped, weight: 1 },
);

/** How to write one address among its RFC 4291 §2.2 forms. */
interface Spelling {
  readonly uppercase: readonly boolean[];
  readonly extraZeros: readonly number[];
  readonly dottedQuad: boolean;
  /** Which run of zero groups to write as "::", counted among all of them, if any. */
  readonly compress: number | undefined;
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  uppercase: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  extraZeros: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
  dottedQuad: fc.boolean(),
  compress: fc.option(fc.nat(), { nil: undefined }),
});

/** Any text form of the address: either case, leading zeros, any zero run (or none) as "::". */
function spell(bytes: Uint8Array, how: Spelling): string {
  const hex = groupsOf(bytes).map((value, index) => {
    const digits = value.toString(16);
    const padded = digits.padStart(Math.min(4, digits.length + (how.extraZeros[index] ?? 0)), '0');
    return how.uppercase[index] ? padded.toUpperCase() : padded;
  });
  const pieces = how.dottedQuad ? [...hex.slice(0, 6), bytes.subarray(12).join('.')] : hex;
  const compressible = how.dottedQuad ? 6 : 8;
  const runs: [number, number][] = [];
  for (let start = 0; start < compressible; start += 1) {
    for (let end = start + 1; end <= compressible && /^0+$/.test(hex[end - 1] ?? ''); end += 1) {
      runs.push([start, end]);
    }
  }
  const run = how.compress === undefined ? undefined : runs[how.compress % runs.length];
  if (run === undefined) return pieces.join(':');
  return `${pieces.slice(0, run[0]).join(':')}::${pieces.slice(run[1]).join(':')}`;
}

const spelledIPv6 = fc
  .tuple(ipv6, spelling)
  .map(([bytes, how]) => ({ bytes, text: spell(bytes, how) }));

/** One typo: a character inserted, deleted or replaced. */
interface Edit {
  readonly kind: 'insert' | 'delete' | 'replace';
  readonly at: number;
  readonly char: string;
}

function edits(alphabet: readonly string[]): fc.Arbitrary<Edit[]> {
  const edit = fc.record({
    kind: fc.constantFrom('insert', 'delete', 'replace'),
    at: fc.nat(),
    char: fc.constantFrom(...alphabet),
  });
  return fc.array(edit, { maxLength: 3 });
}

function applyEdit(text: string, { kind, at, char }: Edit): string {
  const index = at % (text.length + 1);
  switch (kind) {
    case 'insert':
      return text.slice(0, index) + char + text.slice(index);
    case 'delete':
      return text.slice(0, index) + text.slice(index + 1);
    case 'replace':
      return text.slice(0, index) + char + text.slice(index + 1);
  }
}

/** Valid IPv6 texts with up to three typos from the characters of the grammar and beyond. */
const nearIPv6 = fc
  .tuple(spelledIPv6, edits([':', ':', '.', '0', '1', '9', 'a', 'F', 'g', '%', ' ', '::']))
  .map(([{ text }, typos]) => typos.reduce(applyEdit, text));

/** One octet as someone might write it: in range, out of range, padded, or not decimal at all. */
const octetText = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 255 }).map(String), weight: 6 },
  { arbitrary: fc.integer({ min: 256, max: 99999 }).map(String), weight: 1 },
  { arbitrary: fc.stringMatching(/^0[0-9]{1,3}$/), weight: 1 },
  { arbitrary: fc.constantFrom('', '0x7f', '1e2', '+1', '-0', ' 1', '1 ', '٣', '1_0'), weight: 1 },
);

/** Dotted quads and near misses: one to six octets, or a valid quad with up to three typos. */
const nearIPv4 = fc.oneof(
  fc
    .oneof(
      { arbitrary: fc.array(octetText, { minLength: 4, maxLength: 4 }), weight: 3 },
      { arbitrary: fc.array(octetText, { minLength: 1, maxLength: 6 }), weight: 1 },
    )
    .map((octets) => octets.join('.')),
  fc
    .tuple(ipv4, edits(['.', '.', '0', '1', '5', '9', 'x', ' ', ':']))
    .map(([octets, typos]) => typos.reduce(applyEdit, octets.join('.'))),
);

type Outcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: InvalidReason };

/** Whether `read` accepts `text`; anything thrown but an InvalidAddress fails the property. */
function outcomeOf(read: (text: string) => Uint8Array, text: string): Outcome {
  try {
    read(text);
    return { accepted: true };
  } catch (error) {
    if (error instanceof InvalidAddress) return { accepted: false, reason: error.reason };
    throw error;
  }
}

describe('RFC 791, RFC 3986 §3.2.2: IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet', () => {
  test.prop([ipv4])('d.d.d.d in decimal reads as the four octets, in order', (octets) => {
    expect([...parseIPv4(octets.join('.'))]).toEqual([...octets]);
  });

  test.prop([nearIPv4], { numRuns: 300 })(
    'parseIPv4 accepts exactly the dotted quads net.isIP accepts',
    (text) => {
      expect(outcomeOf(parseIPv4, text).accepted).toBe(net.isIP(text) === 4);
    },
  );
});

describe('RFC 4291 §2.2: the text forms of an IPv6 address', () => {
  test.prop([spelledIPv6])(
    'every form (any case, leading zeros, any zero run as "::", a dotted quad) reads as its 128 bits',
    ({ bytes, text }) => {
      expect(fullForm(parseIPv6(text))).toBe(fullForm(bytes));
    },
  );

  test.prop([nearIPv6], { numRuns: 300 })(
    'parseIPv6 accepts exactly what net.isIP accepts as IPv6, but rejects zone IDs',
    (text) => {
      const peerAccepts = net.isIP(text) === 6;
      const outcome = outcomeOf(parseIPv6, text);
      // RFC 4007 §11: net.isIP accepts <address>%<zone_id>; the zone is not part of the address
      if (peerAccepts && text.includes('%')) {
        expect(outcome).toEqual({ accepted: false, reason: 'zone-id' });
      } else {
        expect(outcome.accepted).toBe(peerAccepts);
      }
    },
  );
});

describe('RFC 5952 §4-5: the canonical text of an IPv6 address', () => {
  test.prop([ipv6.filter((bytes) => !isIPv4Mapped(bytes))])(
    'outside ::ffff:0:0/96, formatIPv6 writes what WHATWG URL writes',
    (bytes) => {
      expect(formatIPv6(bytes)).toBe(urlText(fullForm(bytes)));
    },
  );

  test.prop([ipv4Mapped])(
    'inside ::ffff:0:0/96, formatIPv6 writes ::ffff:d.d.d.d, as inet_ntop does (§5)',
    (bytes) => {
      expect(formatIPv6(bytes)).toBe(inetNtopText(fullForm(bytes)));
    },
  );

  test.prop([ipv6])('parseIPv6 reads back what formatIPv6 writes', (bytes) => {
    expect(fullForm(parseIPv6(formatIPv6(bytes)))).toBe(fullForm(bytes));
  });

  test.prop([spelledIPv6])(
    'formatIPv6(parseIPv6(text)) is the canonical text, however the address was written',
    ({ bytes, text }) => {
      const canonical = isIPv4Mapped(bytes) ? inetNtopText(text) : urlText(text);
      expect(formatIPv6(parseIPv6(text))).toBe(canonical);
    },
  );
});
