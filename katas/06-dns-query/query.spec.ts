import dnsPacket from 'dns-packet';
import { describe, expect, test } from 'vitest';
import { shown } from '../../support/harness/index.ts';
import { peerEncodeName } from './fixtures/peer-name.ts';
import {
  CLASS_IN,
  DnsNameError,
  encodeName,
  encodeQuery,
  type InvalidReason,
  MAX_LABEL_OCTETS,
  MAX_NAME_OCTETS,
  type RecordType,
  TYPE_CODES,
} from './query.ts';

/** The reason encodeName refuses `name`, or the bytes it wrote. */
function refusal(name: string): InvalidReason | string {
  try {
    return `written as ${shown(Buffer.from(encodeName(name)))}`;
  } catch (error) {
    if (error instanceof DnsNameError) return error.reason;
    throw error;
  }
}

/** A name of `labels` labels of `length` octets each. */
const nameOf = (labels: number, length: number) =>
  Array.from({ length: labels }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(length)).join(
    '.',
  );

describe('RFC 1035 §4.1.1: the header', () => {
  test('the ID is the first 16 bits, most significant octet first', () => {
    const message = encodeQuery('example.com', 'A', 0xbeef);
    expect([...message.subarray(0, 2)]).toEqual([0xbe, 0xef]);
    expect(dnsPacket.decode(Buffer.from(message)).id).toBe(0xbeef);
  });

  test('a standard query that asks for recursion: QR 0, OPCODE QUERY, RD 1, nothing else set', () => {
    const decoded = dnsPacket.decode(Buffer.from(encodeQuery('example.com', 'A', 1)));
    expect(decoded).toMatchObject({
      type: 'query',
      opcode: 'QUERY',
      flag_qr: false,
      flag_aa: false,
      flag_tc: false,
      flag_rd: true,
      flag_ra: false,
      rcode: 'NOERROR',
    });
  });

  test('QDCOUNT is 1; ANCOUNT, NSCOUNT and ARCOUNT are 0', () => {
    const message = Buffer.from(encodeQuery('example.com', 'A', 1));
    expect([
      message.readUInt16BE(4),
      message.readUInt16BE(6),
      message.readUInt16BE(8),
      message.readUInt16BE(10),
    ]).toEqual([1, 0, 0, 0]);
  });

  test('the ID is a 16-bit integer: 0 and 65535 are fine, others a RangeError', () => {
    expect(dnsPacket.decode(Buffer.from(encodeQuery('a', 'A', 0))).id).toBe(0);
    expect(dnsPacket.decode(Buffer.from(encodeQuery('a', 'A', 0xffff))).id).toBe(0xffff);
    for (const id of [-1, 0x10000, 1.5])
      expect(() => encodeQuery('a', 'A', id), String(id)).toThrow(RangeError);
  });

  test('the RangeError names the ID it refused', () => {
    expect(() => encodeQuery('a', 'A', 65536)).toThrow(/65536/);
  });
});

describe('RFC 1035 §4.1.2: the question is QNAME, QTYPE, QCLASS', () => {
  test.each(Object.keys(TYPE_CODES) as RecordType[])('QTYPE %s', (type) => {
    const [question] =
      dnsPacket.decode(Buffer.from(encodeQuery('example.com', type, 1))).questions ?? [];
    expect(question).toEqual({ name: 'example.com', type, class: 'IN' });
  });

  test('QCLASS is IN, and the question is the last thing in the message', () => {
    const message = Buffer.from(encodeQuery('example.com', 'MX', 1));
    expect(message.readUInt16BE(message.length - 2)).toBe(CLASS_IN);
    expect(message.readUInt16BE(message.length - 4)).toBe(TYPE_CODES.MX);
  });
});

describe('RFC 1035 §3.1: a name is labels, each a length octet and its octets, then the root', () => {
  test('example.com is 7 "example" 3 "com" 0, as dns-packet writes it', () => {
    expect(Buffer.from(encodeName('example.com'))).toEqual(peerEncodeName('example.com'));
  });

  test('a trailing dot is the root written out: the same bytes', () => {
    expect(encodeName('example.com.')).toEqual(encodeName('example.com'));
  });

  test('the root itself is one zero octet', () => {
    expect([...encodeName('')]).toEqual([0]);
    expect([...encodeName('.')]).toEqual([0]);
  });

  test('RFC 4343: the case of every label is kept', () => {
    expect(
      dnsPacket.decode(Buffer.from(encodeQuery('WwW.ExAmple.COM', 'A', 1))).questions?.[0]?.name,
    ).toBe('WwW.ExAmple.COM');
  });

  test('an empty label (a..b, .a) cannot be written: its length octet would be the root', () => {
    expect(refusal('a..b')).toBe('empty-label');
    expect(refusal('.a')).toBe('empty-label');
    expect(refusal('a..')).toBe('empty-label');
  });
});

describe('RFC 1035 §2.3.4: labels 63 octets or less, names 255 octets or less', () => {
  test(`a label of ${MAX_LABEL_OCTETS} octets is fine, one of ${MAX_LABEL_OCTETS + 1} is refused`, () => {
    expect(encodeName(nameOf(1, MAX_LABEL_OCTETS))).toHaveLength(MAX_LABEL_OCTETS + 2);
    expect(refusal(nameOf(1, MAX_LABEL_OCTETS + 1))).toBe('label-too-long');
  });

  test(`the ${MAX_NAME_OCTETS} octets count the wire form: length octets and the root included`, () => {
    // 4 labels of 62 octets and 1 of 1: 4·63 + 2 + 1 (root) = 255 octets; a 2-octet last label is 256.
    const longest = `${nameOf(4, 62)}.a`;
    expect(encodeName(longest)).toHaveLength(MAX_NAME_OCTETS);
    expect(refusal(`${longest}a`)).toBe('name-too-long');
  });

  test('non-ASCII is refused: write the A-label (xn--) of an internationalized name', () => {
    // dns-packet writes UTF-8 octets; resolvers expect the Punycode form of RFC 5890.
    expect(refusal('bücher.example')).toBe('not-ascii');
    expect(Buffer.from(encodeName('xn--bcher-kva.example'))).toEqual(
      peerEncodeName('xn--bcher-kva.example'),
    );
  });

  test('the error names the name and the reason', () => {
    expect(() => encodeName('a..b')).toThrow(/"a\.\.b".*empty-label/);
  });
});
