import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { fullForm } from './fixtures/full-form.ts';
import {
  formatIPv6,
  InvalidAddress,
  type InvalidReason,
  parseIPv4,
  parseIPv6,
} from './ip-address.ts';

/** The bytes of an address written in full form, as a plain Uint8Array. */
function address(full: string): Uint8Array {
  return new Uint8Array(Buffer.from(full.replaceAll(':', ''), 'hex'));
}

/** The InvalidAddress that `read` throws for `text`; any other outcome fails the test. */
function rejection(read: (text: string) => Uint8Array, text: string): InvalidAddress {
  let accepted: Uint8Array;
  try {
    accepted = read(text);
  } catch (error) {
    if (error instanceof InvalidAddress) return error;
    throw error;
  }
  return expect.fail(`${JSON.stringify(text)} was accepted, as the bytes ${accepted.join(',')}`);
}

/** The RangeError that `format` throws for `bytes`; any other outcome fails the test, as itself. */
function rangeError(format: (bytes: Uint8Array) => string, bytes: Uint8Array): RangeError {
  let written: string;
  try {
    written = format(bytes);
  } catch (error) {
    if (error instanceof RangeError) return error;
    throw error;
  }
  return expect.fail(`${bytes.length} bytes were written as ${JSON.stringify(written)}`);
}

describe('RFC 791 §2.3, RFC 3986 §3.2.2: an IPv4 address is four octets, written d.d.d.d', () => {
  test.each([
    ['192.0.2.1', [192, 0, 2, 1]],
    ['127.0.0.1', [127, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['10.0.100.200', [10, 0, 100, 200]],
  ])('reads %s as the octets %j, in the order written', (text, octets) => {
    expect([...parseIPv4(text)]).toEqual(octets);
  });
});

describe('RFC 3986 §3.2.2: dec-octet is 0 to 255 in decimal, with no leading zero', () => {
  test.each<[string, InvalidReason]>([
    // inet_aton(3) reads 010 as octal 8, and so does WHATWG URL: http://010.0.0.1/ is 8.0.0.1
    ['010.0.0.1', 'leading-zero'],
    ['1.2.3.00', 'leading-zero'],
    ['256.0.0.1', 'out-of-range'],
    ['1.2.3.1000', 'out-of-range'],
    // inet_aton(3) reads 127.1 as 127.0.0.1; RFC 3986 has no short forms
    ['127.1', 'too-few-octets'],
    ['1.2.3.4.5', 'too-many-octets'],
    ['1..3.4', 'empty-octet'],
    ['1.2.3.', 'empty-octet'],
    ['0x7f.0.0.1', 'invalid-character'],
    ['1.2.3.-4', 'invalid-character'],
    [' 1.2.3.4', 'invalid-character'],
    ['1.2.3.4\n', 'invalid-character'],
  ])('rejects %j with the reason %s', (text, reason) => {
    expect(rejection(parseIPv4, text)).toMatchObject({ input: text, family: 'IPv4', reason });
    expect(net.isIP(text), 'the peer, net.isIP, rejects it too').toBe(0);
  });

  test('the error message names the input and the reason', () => {
    const error = rejection(parseIPv4, '1.2.3.256');
    expect(error.message).toContain('"1.2.3.256"');
    expect(error.message).toContain('out-of-range');
  });
});

describe('RFC 4291 §2.2: x:x:x:x:x:x:x:x, one to four hex digits per 16-bit group, in either case', () => {
  test.each([
    ['ABCD:EF01:2345:6789:ABCD:EF01:2345:6789', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789'],
    ['2001:DB8:0:0:8:800:200C:417A', '2001:0db8:0000:0000:0008:0800:200c:417a'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:0db8:0000:0000:0000:0000:0000:0001'],
    ['fe80:0:0:0:a:Bc:dEf:0', 'fe80:0000:0000:0000:000a:00bc:0def:0000'],
  ])('reads %s as %s', (text, full) => {
    expect(fullForm(parseIPv6(text))).toBe(full);
  });
});

describe('RFC 4291 §2.2: "::" stands for one or more zero groups, leading, inner or trailing', () => {
  test.each([
    ['2001:DB8::8:800:200C:417A', '2001:0db8:0000:0000:0008:0800:200c:417a'],
    ['FF01::101', 'ff01:0000:0000:0000:0000:0000:0000:0101'],
    ['::1', '0000:0000:0000:0000:0000:0000:0000:0001'],
    ['::', '0000:0000:0000:0000:0000:0000:0000:0000'],
    ['fe80::', 'fe80:0000:0000:0000:0000:0000:0000:0000'],
    // one group is "one or more": net.isIP accepts it too, though RFC 5952 §4.2.2 never writes it
    ['1:2:3:4:5:6:7::', '0001:0002:0003:0004:0005:0006:0007:0000'],
    ['1::3:4:5:6:7:8', '0001:0000:0003:0004:0005:0006:0007:0008'],
  ])('reads %s as %s', (text, full) => {
    expect(fullForm(parseIPv6(text))).toBe(full);
  });
});

describe('RFC 4291 §2.2: x:x:x:x:x:x:d.d.d.d, the last 32 bits as a dotted quad', () => {
  test.each([
    // 13.1.68.3 is the octets 0d 01 44 03
    ['0:0:0:0:0:0:13.1.68.3', '0000:0000:0000:0000:0000:0000:0d01:4403'],
    ['::13.1.68.3', '0000:0000:0000:0000:0000:0000:0d01:4403'],
    // 129.144.52.38 is the octets 81 90 34 26
    ['::FFFF:129.144.52.38', '0000:0000:0000:0000:0000:ffff:8190:3426'],
    ['64:ff9b::255.255.255.255', '0064:ff9b:0000:0000:0000:0000:ffff:ffff'],
    ['1:2:3:4:5:6:0.0.0.0', '0001:0002:0003:0004:0005:0006:0000:0000'],
  ])('reads %s as %s', (text, full) => {
    expect(fullForm(parseIPv6(text))).toBe(full);
  });
});

describe('RFC 4291 §2.2: anything else is not an IPv6 address', () => {
  test.each<[string, InvalidReason]>([
    ['1::2::3', 'double-compression'],
    ['1:2:3:4:5:6:7', 'too-few-groups'],
    ['', 'too-few-groups'],
    ['1:2:3:4:5:6:7:8:9', 'too-many-groups'],
    // "::" stands for at least one group, and eight are already written
    ['1:2:3:4::5:6:7:8', 'too-many-groups'],
    // the dotted quad is two groups
    ['1:2:3:4:5:6:7:1.2.3.4', 'too-many-groups'],
    ['12345::', 'group-too-long'],
    ['1:::2', 'empty-group'],
    [':1:2:3:4:5:6:7', 'empty-group'],
    ['1:2:3:4:5:6:7:', 'empty-group'],
    ['::g', 'invalid-character'],
    ['::1 ', 'invalid-character'],
    // brackets belong to URLs (RFC 3986 §3.2.2 IP-literal), not to the address
    ['[::1]', 'invalid-character'],
    ['1.2.3.4::', 'ipv4-not-last'],
    ['::1.2.3.4:5', 'ipv4-not-last'],
    // the dotted quad follows the IPv4 rules
    ['::ffff:1.2.3.04', 'leading-zero'],
    ['::ffff:1.2.3.256', 'out-of-range'],
    ['::ffff:1.2.3', 'too-few-octets'],
  ])('rejects %j with the reason %s', (text, reason) => {
    expect(rejection(parseIPv6, text)).toMatchObject({ input: text, family: 'IPv6', reason });
    expect(net.isIP(text), 'the peer, net.isIP, rejects it too').toBe(0);
  });
});

describe('RFC 4007 §11: a zone ID (<address>%<zone_id>) is not part of the address', () => {
  // net.isIP accepts zone IDs and WHATWG URL rejects them; this parser reads addresses only
  test.each(['fe80::1%eth0', 'fe80::1%25eth0', '::1%1'])(
    'rejects %j with the reason zone-id',
    (text) => {
      expect(rejection(parseIPv6, text)).toMatchObject({
        input: text,
        family: 'IPv6',
        reason: 'zone-id',
      });
    },
  );
});

describe('RFC 5952 §4: one canonical text per IPv6 address', () => {
  test.each([
    // §4.1: "2001:0db8::0001 is not acceptable and must be represented as 2001:db8::1"
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', '§4.1 leading zeros suppressed'],
    // §4.2.1: "::" used to its maximum capability, not 2001:db8::0:1
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1', '§4.2.1 the whole run'],
    // §4.2.2: not 2001:db8::1:1:1:1:1; §4.1: a 0000 field is 0
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1', '§4.2.2 one zero group'],
    // §4.2.3: the longest run, not 2001::1:0:0:0:1
    ['2001:0000:0000:0001:0000:0000:0000:0001', '2001:0:0:1::1', '§4.2.3 the longest run'],
    // §4.2.3: the first of equal runs, not 2001:db8:0:0:1::1
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1', '§4.2.3 the first run'],
    ['fedc:ba98:7654:3210:fedc:ba98:7654:3210', 'fedc:ba98:7654:3210:fedc:ba98:7654:3210', '§4.3'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::', 'the unspecified address'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1', 'the loopback address'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::', 'a trailing run'],
    ['0000:0000:0001:0000:0000:0000:0001:0000', '0:0:1::1:0', 'a longer run after a shorter one'],
  ])('writes %s as %s (%s)', (full, canonical) => {
    expect(formatIPv6(address(full))).toBe(canonical);
  });
});

describe('RFC 5952 §5: an IPv4-mapped address (::ffff:0:0/96) ends in a dotted quad', () => {
  // WHATWG URL writes ::ffff:c000:201 (it never uses the dotted form); this kata follows the
  // RFC, as inet_ntop does: a dual-stack Node server reports IPv4 clients as ::ffff:127.0.0.1
  test.each([
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', '::ffff:127.0.0.1'],
    ['0000:0000:0000:0000:0000:ffff:0000:0000', '::ffff:0.0.0.0'],
  ])('writes %s as %s', (full, mixed) => {
    expect(formatIPv6(address(full))).toBe(mixed);
  });

  // RFC 4291 §2.5.5.1 deprecates the IPv4-compatible ::/96; only the mapped prefix is mixed here
  test.each([
    ['0000:0000:0000:0000:0000:0000:c000:0201', '::c000:201'],
    ['0000:0000:0000:0000:0000:fffe:c000:0201', '::fffe:c000:201'],
    ['0000:0000:0000:0000:ffff:0000:c000:0201', '::ffff:0:c000:201'],
  ])('writes %s, outside the prefix, in hex as %s', (full, canonical) => {
    expect(formatIPv6(address(full))).toBe(canonical);
  });
});

describe('RFC 4291 §2: an IPv6 address is 128 bits, sixteen bytes', () => {
  test.each([0, 4, 15, 17])('formatIPv6 throws a RangeError for %i bytes', (length) => {
    expect(rangeError(formatIPv6, new Uint8Array(length))).toBeInstanceOf(RangeError);
  });

  test.each([0, 4, 15, 17])('the RangeError for %i bytes names that length', (length) => {
    // a learner reading the error sees how many bytes were passed, not only that it was wrong
    expect(rangeError(formatIPv6, new Uint8Array(length)).message).toMatch(
      new RegExp(`\\b${length}\\b`),
    );
  });

  test('formatIPv6 reads a view into a larger buffer from its own offset', () => {
    // a Buffer read from a socket is often a slice of a bigger ArrayBuffer
    const packet = address('ffff:ffff:2001:0db8:0000:0000:0000:0000:0000:0001:ffff:ffff');
    expect(formatIPv6(packet.subarray(4, 20))).toBe('2001:db8::1');
  });
});
