import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import dnsPacket from 'dns-packet';
import { describe, expect } from 'vitest';
import { anyBytes } from '../../support/harness/index.ts';
import { type WrittenRecord, writeCompressed } from './fixtures/compressing-writer.ts';
import { DnsFormatError, decodeMessage, type ResourceRecord } from './message.ts';

/** Names from a small pool of labels, so that suffixes repeat and compress; any case. */
const label = fc.oneof(
  fc.constantFrom('example', 'com', 'www', 'mail', 'a', 'B-2'),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
);
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const ttl = fc.nat({ max: 0xffffffff });
/** RFC 2181 §8: a TTL with the most significant bit set is read as zero. */
const read = (wireTtl: number) => (wireTtl >= 2 ** 31 ? 0 : wireTtl);
const text = fc.uint8Array({ maxLength: 30 });

/** Node's RFC 5952 text for an IPv6 address, whatever spelling it was given in. */
const canonicalIPv6 = (address: string) =>
  new net.SocketAddress({ address, family: 'ipv6' }).address;

type Generated = {
  readonly expected: ResourceRecord;
  readonly peer: dnsPacket.Answer;
  readonly written: WrittenRecord;
};

const record: fc.Arbitrary<Generated> = fc.oneof(
  fc.tuple(name, ttl, fc.ipV4()).map(([n, t, address]) => ({
    expected: { name: n, class: 1, ttl: read(t), type: 'A' as const, address },
    peer: { name: n, type: 'A' as const, ttl: t, data: address },
    written: { name: n, type: 1, ttl: t, rdata: [Uint8Array.from(address.split('.').map(Number))] },
  })),
  fc.tuple(name, ttl, fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([n, t, octets]) => {
    // the full form, eight groups: unambiguous for every parser
    const view = new DataView(octets.buffer);
    const address = Array.from({ length: 8 }, (_, i) => view.getUint16(2 * i).toString(16)).join(
      ':',
    );
    return {
      expected: {
        name: n,
        class: 1,
        ttl: read(t),
        type: 'AAAA' as const,
        address: canonicalIPv6(address),
      },
      peer: { name: n, type: 'AAAA' as const, ttl: t, data: address },
      written: { name: n, type: 28, ttl: t, rdata: [octets] },
    };
  }),
  fc.tuple(name, ttl, name).map(([n, t, target]) => ({
    expected: { name: n, class: 1, ttl: read(t), type: 'CNAME' as const, target },
    peer: { name: n, type: 'CNAME' as const, ttl: t, data: target },
    written: { name: n, type: 5, ttl: t, rdata: [{ name: target }] },
  })),
  fc.tuple(name, ttl, fc.nat({ max: 0xffff }), name).map(([n, t, preference, exchange]) => ({
    expected: { name: n, class: 1, ttl: read(t), type: 'MX' as const, preference, exchange },
    peer: { name: n, type: 'MX' as const, ttl: t, data: { preference, exchange } },
    written: {
      name: n,
      type: 15,
      ttl: t,
      rdata: [Uint8Array.from([preference >> 8, preference & 0xff]), { name: exchange }],
    },
  })),
  fc.tuple(name, ttl, fc.array(text, { minLength: 1, maxLength: 3 })).map(([n, t, texts]) => ({
    expected: { name: n, class: 1, ttl: read(t), type: 'TXT' as const, texts },
    peer: { name: n, type: 'TXT' as const, ttl: t, data: texts.map((bytes) => Buffer.from(bytes)) },
    written: {
      name: n,
      type: 16,
      ttl: t,
      rdata: texts.map((bytes) => Uint8Array.from([bytes.length, ...bytes])),
    },
  })),
);

const message = fc.record({
  id: fc.nat({ max: 0xffff }),
  // RCODE is four bits; 6 to 15 come from later RFCs (RFC 2136, RFC 6895)
  rcode: fc.integer({ min: 0, max: 15 }),
  aa: fc.boolean(),
  tc: fc.boolean(),
  questionName: name,
  records: fc.array(record, { maxLength: 6 }),
});

/**
 * Records as plain data: octets as arrays (Uint8Array and Buffer compare equal), and an
 * IPv6 address in Node's canonical text. That text and kata 02's differ only inside
 * ::/96, which inet_ntop writes with a dotted quad; the unit specs pin the RFC 5952 form.
 */
const plain = (records: readonly ResourceRecord[]) =>
  JSON.parse(
    JSON.stringify(
      records.map((r) => (r.type === 'AAAA' ? { ...r, address: canonicalIPv6(r.address) } : r)),
      // a Buffer has already become { type: 'Buffer', data } through its toJSON
      (_key, value) =>
        value instanceof Uint8Array ? [...value] : value?.type === 'Buffer' ? value.data : value,
    ),
  );

describe('RFC 1035 §4.1: generated messages', () => {
  test.prop([message], { numRuns: 200 })(
    'encoded by dns-packet, they decode to the same header and records',
    (m) => {
      const flags =
        (m.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
        (m.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) |
        m.rcode;
      const bytes = dnsPacket.encode({
        type: 'response',
        id: m.id,
        flags,
        questions: [{ name: m.questionName, type: 'A' }],
        answers: m.records.map((r) => r.peer),
      });
      const decoded = decodeMessage(bytes);
      expect(decoded.header).toMatchObject({
        id: m.id,
        qr: true,
        aa: m.aa,
        tc: m.tc,
        rcode: m.rcode,
      });
      expect(decoded.questions).toEqual([{ name: m.questionName, type: 1, class: 1 }]);
      expect(plain(decoded.answers)).toEqual(plain(m.records.map((r) => r.expected)));
    },
  );

  test.prop([message], { numRuns: 200 })(
    'compressed (§4.1.4), they decode to the same records, and dns-packet agrees on every name',
    (m) => {
      const bytes = writeCompressed({
        id: m.id,
        flags: 0x8000,
        questions: [{ name: m.questionName, type: 1 }],
        answers: m.records.map((r) => r.written),
      });
      const decoded = decodeMessage(bytes);
      expect(plain(decoded.answers)).toEqual(plain(m.records.map((r) => r.expected)));
      expect(decoded.answers.map((r) => r.name)).toEqual(
        dnsPacket.decode(bytes).answers?.map((r) => r.name),
      );
    },
  );

  test.prop([message.chain((m) => fc.nat().map((cut) => ({ m, cut })))], { numRuns: 200 })(
    'every proper prefix of a message is refused as truncated, at the octet where it ends',
    ({ m, cut }) => {
      const bytes = dnsPacket.encode({
        type: 'response',
        id: m.id,
        questions: [{ name: m.questionName, type: 'A' }],
        answers: m.records.map((r) => r.peer),
      });
      const prefix = bytes.subarray(0, cut % bytes.length);
      expect(() => decodeMessage(prefix)).toThrow(DnsFormatError);
      expect(() => decodeMessage(prefix)).toThrow(
        expect.objectContaining({ reason: 'truncated', offset: prefix.length }),
      );
    },
  );

  test.prop([anyBytes()], { numRuns: 300 })(
    'any octets are a message or a DnsFormatError, never another error',
    (bytes) => {
      try {
        decodeMessage(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(DnsFormatError);
      }
    },
  );
});
