import dnsPacket from 'dns-packet';
import { describe, expect, test } from 'vitest';
import { peerEncodeName } from '../06-dns-query/fixtures/peer-name.ts';
import { writeCompressed } from './fixtures/compressing-writer.ts';
import { DnsFormatError, decodeMessage, type InvalidReason, RCODES } from './message.ts';

/** A response as dns-packet writes it (names in full). */
function response(answers: dnsPacket.Answer[], flags = 0, rcode?: string): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: 0x1234,
    flags: flags | (rcode === undefined ? 0 : RCODES[rcode as keyof typeof RCODES]),
    questions: [{ name: 'example.com', type: 'A' }],
    answers,
  });
}

function refusal(bytes: Uint8Array): InvalidReason | string {
  try {
    return `read as ${JSON.stringify(decodeMessage(bytes))}`;
  } catch (error) {
    if (error instanceof DnsFormatError) return error.reason;
    throw error;
  }
}

/** Why and where decodeMessage refuses `bytes`, as `reason@offset`. */
function refusalAt(bytes: Uint8Array): string {
  try {
    return `read as ${JSON.stringify(decodeMessage(bytes))}`;
  } catch (error) {
    if (error instanceof DnsFormatError) return `${error.reason}@${error.offset}`;
    throw error;
  }
}

/** A record owned by the root (NAME is one zero octet): TYPE, CLASS IN, TTL 1, RDLENGTH, RDATA. */
const rr = (type: number, rdata: readonly number[], rdlength = rdata.length) => [
  0,
  type >> 8,
  type & 0xff,
  0,
  1,
  0,
  0,
  0,
  1,
  rdlength >> 8,
  rdlength & 0xff,
  ...rdata,
];
/** A response with no question and these answer records: the first RDATA starts at octet 23. */
const answersOnly = (...records: number[][]) =>
  Uint8Array.from([0, 1, 0x80, 0, 0, 0, 0, records.length, 0, 0, 0, 0, ...records.flat()]);
const FIRST_RDATA = 12 + 11;

/** Header (id 1, a response, 1 question, 0 records), then the given octets. */
const withQuestionAt12 = (question: number[]) =>
  Uint8Array.from([0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...question]);

describe('RFC 1035 §4.1.1: the header', () => {
  test('ID and every flag, as dns-packet wrote them', () => {
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER |
      dnsPacket.TRUNCATED_RESPONSE |
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE;
    expect(decodeMessage(response([], flags)).header).toEqual({
      id: 0x1234,
      qr: true,
      opcode: 0,
      aa: true,
      tc: true,
      rd: true,
      ra: true,
      rcode: RCODES.NOERROR,
    });
  });

  test('a query is QR 0, with no flags but the ones set', () => {
    const query = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ name: 'a.b', type: 'MX' }],
    });
    expect(decodeMessage(query).header).toMatchObject({
      id: 7,
      qr: false,
      aa: false,
      tc: false,
      rd: false,
      ra: false,
    });
  });

  test.each(Object.entries(RCODES))('RCODE %s is %i', (name, code) => {
    expect(decodeMessage(response([], 0, name)).header.rcode).toBe(code);
  });

  test('the question section: name, type and class', () => {
    expect(decodeMessage(response([])).questions).toEqual([
      { name: 'example.com', type: 1, class: 1 },
    ]);
  });
});

describe('RFC 1035 §3.3, §4.1.3: resource records', () => {
  test('A: a 32-bit address as a dotted quad', () => {
    const [record] = decodeMessage(
      response([{ name: 'example.com', type: 'A', ttl: 300, data: '192.0.2.7' }]),
    ).answers;
    expect(record).toEqual({
      name: 'example.com',
      class: 1,
      ttl: 300,
      type: 'A',
      address: '192.0.2.7',
    });
  });

  test('AAAA: a 128-bit address in its RFC 5952 text (RFC 3596 §2.2)', () => {
    const [record] = decodeMessage(
      response([{ name: 'example.com', type: 'AAAA', ttl: 1, data: '2001:DB8:0:0:0:0:0:1' }]),
    ).answers;
    expect(record).toMatchObject({ type: 'AAAA', address: '2001:db8::1' });
  });

  test('CNAME: the canonical name', () => {
    const [record] = decodeMessage(
      response([{ name: 'www.example.com', type: 'CNAME', ttl: 1, data: 'example.com' }]),
    ).answers;
    expect(record).toMatchObject({ name: 'www.example.com', type: 'CNAME', target: 'example.com' });
  });

  test('MX: a preference and an exchange', () => {
    const [record] = decodeMessage(
      response([
        {
          name: 'example.com',
          type: 'MX',
          ttl: 1,
          data: { preference: 10, exchange: 'mail.example.com' },
        },
      ]),
    ).answers;
    expect(record).toMatchObject({ type: 'MX', preference: 10, exchange: 'mail.example.com' });
  });

  test('TXT: one or more character-strings, each as its octets', () => {
    const [record] = decodeMessage(
      response([{ name: 'example.com', type: 'TXT', ttl: 1, data: ['v=spf1 -all', ''] }]),
    ).answers;
    expect(record).toMatchObject({
      type: 'TXT',
      texts: [Buffer.from('v=spf1 -all'), Buffer.from('')],
    });
  });

  test('another TYPE keeps its code and its RDATA octets', () => {
    const [record] = decodeMessage(
      response([{ name: 'example.com', type: 'NS', ttl: 1, data: 'ns1.example.com' }]),
    ).answers;
    // NS is 2 (RFC 1035 §3.2.2); its RDATA is the name, written in full by dns-packet
    expect(record).toMatchObject({ type: 2 });
    expect(Buffer.from((record as { data: Uint8Array }).data)).toEqual(
      peerEncodeName('ns1.example.com'),
    );
  });

  test('RFC 2181 §8: a TTL is 31 bits; 2^31 − 1 is read as it is', () => {
    const [record] = decodeMessage(
      response([{ name: 'a', type: 'A', ttl: 2 ** 31 - 1, data: '1.2.3.4' }]),
    ).answers;
    expect(record?.ttl).toBe(2 ** 31 - 1);
  });

  test.each([2 ** 31, 2 ** 32 - 2])(
    'RFC 2181 §8: a TTL with the most significant bit set (%i) is read as zero',
    (ttl) => {
      // RFC 1035 says "signed" in §3.2.1 and "unsigned" in §4.1.3; RFC 2181 §8 settles it
      const [record] = decodeMessage(
        response([{ name: 'a', type: 'A', ttl, data: '1.2.3.4' }]),
      ).answers;
      expect(record?.ttl).toBe(0);
    },
  );

  test('the authority and additional sections hold resource records too', () => {
    const bytes = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ name: 'example.com', type: 'A' }],
      authorities: [{ name: 'example.com', type: 'NS', ttl: 1, data: 'ns.example.com' }],
      additionals: [{ name: 'ns.example.com', type: 'A', ttl: 1, data: '192.0.2.53' }],
    });
    const message = decodeMessage(bytes);
    expect(message.authorities).toMatchObject([{ name: 'example.com', type: 2 }]);
    expect(message.additionals).toEqual([
      { name: 'ns.example.com', class: 1, ttl: 1, type: 'A', address: '192.0.2.53' },
    ]);
  });

  test('AAAA with an RDLENGTH other than 16 is refused, at the start of its RDATA', () => {
    expect(refusalAt(answersOnly(rr(28, Array(15).fill(0))))).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('a CNAME with octets left inside its RDLENGTH after the name is refused', () => {
    // RDATA: the name "x" (1 'x' 0), then one more octet
    expect(refusalAt(answersOnly(rr(5, [1, 120, 0, 7])))).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('a CNAME whose name runs past its RDLENGTH is refused, even when octets follow', () => {
    // RDLENGTH 3 covers 2 'x' 'y' but not the zero octet; an A record follows
    const bytes = answersOnly(rr(5, [2, 120, 121], 3), rr(1, [192, 0, 2, 1]));
    expect(refusalAt(bytes)).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('a name in RDATA is read only within RDLENGTH: the octets after it are not part of it', () => {
    // RDLENGTH 3 covers 2 'x' 'y'; after it come c0 ff, which read as a name would be a forward pointer
    const bytes = Uint8Array.from([...answersOnly(rr(5, [2, 120, 121], 3)), 0xc0, 0xff]);
    expect(refusalAt(bytes)).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('a CNAME whose name ends with its RDATA, unfinished, is bad RDATA, not a truncated message', () => {
    // RDLENGTH and the message end together: the message is whole, the name in it is not
    expect(refusalAt(answersOnly(rr(5, [2, 120, 121])))).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('a TXT character-string longer than what is left of its RDATA is refused', () => {
    // RDATA: length 200, then only "hi"; an A record follows
    const bytes = answersOnly(rr(16, [200, 104, 105]), rr(1, [192, 0, 2, 1]));
    expect(refusalAt(bytes)).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('an MX whose RDATA is too short for its 16-bit preference is refused', () => {
    expect(refusalAt(answersOnly(rr(15, [0])))).toBe(`bad-rdata@${FIRST_RDATA}`);
  });

  test('A with an RDLENGTH other than 4 is refused', () => {
    const bytes = response([{ name: 'a', type: 'A', ttl: 1, data: '1.2.3.4' }]);
    const lengthAt = bytes.length - 6; // RDLENGTH sits before the 4 octets of RDATA
    bytes.writeUInt16BE(3, lengthAt);
    expect(refusal(bytes.subarray(0, bytes.length - 1))).toBe('bad-rdata');
  });
});

describe('RFC 1035 §4.1.4: message compression', () => {
  test('a name that ends in a pointer to a prior name', () => {
    const bytes = writeCompressed({
      id: 1,
      flags: 0x8000,
      questions: [{ name: 'example.com', type: 1 }],
      answers: [{ name: 'www.example.com', type: 5, ttl: 1, rdata: [{ name: 'cdn.example.com' }] }],
    });
    expect(bytes.length).toBeLessThan(
      dnsPacket.encode({
        type: 'response',
        id: 1,
        questions: [{ name: 'example.com', type: 'A' }],
        answers: [{ name: 'www.example.com', type: 'CNAME', ttl: 1, data: 'cdn.example.com' }],
      }).length,
    );
    expect(decodeMessage(bytes).answers).toEqual([
      { name: 'www.example.com', class: 1, ttl: 1, type: 'CNAME', target: 'cdn.example.com' },
    ]);
  });

  test('a pointer to a name that itself ends in a pointer', () => {
    // 12: example.com; 25: www + ptr→12; 33: ptr→25
    const question1 = [7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1];
    const question2 = [3, ...Buffer.from('www'), 0xc0, 12, 0, 1, 0, 1];
    const question3 = [0xc0, 12 + question1.length, 0, 1, 0, 1];
    const bytes = Uint8Array.from([
      0,
      1,
      0x80,
      0,
      0,
      3,
      0,
      0,
      0,
      0,
      0,
      0,
      ...question1,
      ...question2,
      ...question3,
    ]);
    expect(decodeMessage(bytes).questions.map((q) => q.name)).toEqual([
      'example.com',
      'www.example.com',
      'www.example.com',
    ]);
    expect(dnsPacket.decode(Buffer.from(bytes)).questions?.map((q) => q.name)).toEqual([
      'example.com',
      'www.example.com',
      'www.example.com',
    ]);
  });

  test('a pointer into the middle of a name reads the rest of it', () => {
    // 12: example.com; 25: ptr→20 (the "com" label)
    const bytes = withQuestionAt12([
      7,
      ...Buffer.from('example'),
      3,
      ...Buffer.from('com'),
      0,
      0,
      1,
      0,
      1,
    ]);
    const more = Uint8Array.from([...bytes, 0xc0, 20, 0, 1, 0, 1]);
    more[5] = 2;
    expect(decodeMessage(more).questions.map((q) => q.name)).toEqual(['example.com', 'com']);
  });

  test('a pointer to itself is a loop, refused', () => {
    expect(refusal(withQuestionAt12([0xc0, 12, 0, 1, 0, 1]))).toBe('pointer-loop');
  });

  test('a loop through a label and a pointer back to it is refused, not followed forever', () => {
    // 12: "a" then a pointer back to 12
    expect(refusal(withQuestionAt12([1, 97, 0xc0, 12, 0, 1, 0, 1]))).toBe('pointer-loop');
  });

  test('a pointer forward, to a name not yet written, is refused', () => {
    expect(refusal(withQuestionAt12([0xc0, 20, 0, 1, 0, 1, 0, 0, 1, 97, 0]))).toBe(
      'forward-pointer',
    );
  });

  test('length octets starting 01 or 10 are reserved label types, refused', () => {
    expect(refusal(withQuestionAt12([0x41, 97, 0, 0, 1, 0, 1]))).toBe('reserved-label-type');
    expect(refusal(withQuestionAt12([0x81, 97, 0, 0, 1, 0, 1]))).toBe('reserved-label-type');
  });

  test('a name of exactly 255 octets is read', () => {
    // 3 labels of 63 and one of 61: 3·64 + 62 + 1 (root) = 255 octets
    const label = (length: number) => [length, ...Buffer.alloc(length, 97)];
    const name = [...label(63), ...label(63), ...label(63), ...label(61), 0];
    const [question] = decodeMessage(withQuestionAt12([...name, 0, 1, 0, 1])).questions;
    expect(question?.name.length).toBe(253);
  });

  test('a name longer than 255 octets once decompressed is refused', () => {
    // 12: a 63-octet label, then ptr→12: built by pointers in turn, each adds 64 octets
    const label = [63, ...Buffer.alloc(63, 97), 0];
    const chain = [0, 1, 0x80, 0, 0, 5, 0, 0, 0, 0, 0, 0, ...label, 0, 1, 0, 1];
    let previous = 12;
    for (let i = 0; i < 4; i += 1) {
      const at = chain.length;
      chain.push(
        63,
        ...Buffer.alloc(63, 98 + i),
        0xc0 | (previous >> 8),
        previous & 0xff,
        0,
        1,
        0,
        1,
      );
      previous = at;
    }
    expect(refusal(Uint8Array.from(chain))).toBe('name-too-long');
  });
});

describe('RFC 1035 §4.1: input that is not a message is refused with a DnsFormatError', () => {
  test('fewer than 12 octets', () => {
    expect(refusal(Uint8Array.from([0, 1, 0x80]))).toBe('truncated');
  });

  test('a count that promises more records than there are', () => {
    const bytes = response([{ name: 'a', type: 'A', ttl: 1, data: '1.2.3.4' }]);
    bytes.writeUInt16BE(2, 6); // ANCOUNT 2, one record present
    expect(refusal(bytes)).toBe('truncated');
  });

  test('a count that promises fewer: octets left over', () => {
    const bytes = response([{ name: 'a', type: 'A', ttl: 1, data: '1.2.3.4' }]);
    bytes.writeUInt16BE(0, 6); // ANCOUNT 0, one record present
    expect(refusal(bytes)).toBe('trailing-octets');
  });

  test('an RDLENGTH past the end of the message', () => {
    const bytes = response([{ name: 'a', type: 'TXT', ttl: 1, data: ['hello'] }]);
    bytes.writeUInt16BE(200, bytes.length - 8);
    expect(refusal(bytes)).toBe('truncated');
  });

  test('truncated reports where the octets ran out: the offset just past the last one', () => {
    // cut inside the question name: the reader needed octet 15, which is not there
    const bytes = response([]).subarray(0, 15);
    expect(() => decodeMessage(bytes)).toThrow(
      expect.objectContaining({ reason: 'truncated', offset: 15 }),
    );
  });

  test('the error says why and where', () => {
    expect(() => decodeMessage(Uint8Array.from([0, 1]))).toThrow(/truncated at octet 2/);
  });
});
