import dgram from 'node:dgram';
import dns from 'node:dns';
import dnsPacket from 'dns-packet';
import { describe, expect, onTestFinished, test } from 'vitest';
import { visible, within } from '../../support/harness/index.ts';
import { answerQuery, createDnsServer, MAX_UDP_OCTETS, TTL, type Zone } from './dns-server.ts';

const ZONE: Zone = {
  'example.test': {
    A: ['192.0.2.1', '192.0.2.2'],
    AAAA: ['2001:db8::1'],
    MX: [
      { preference: 10, exchange: 'mail.example.test' },
      { preference: 20, exchange: 'backup.example.test' },
    ],
  },
  'Mixed.Case.test': { A: ['198.51.100.9'] },
  'www.deep.example.test': { A: ['192.0.2.80'] },
  'many.test': { A: Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`) },
};

/** Binds the learner's server on 127.0.0.1 and a free port; closed after the test. */
async function serve(zone: Zone): Promise<number> {
  const socket = createDnsServer(zone);
  onTestFinished(() => {
    socket.close();
  });
  await within(
    new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
    'the server socket never bound to 127.0.0.1',
  );
  return socket.address().port;
}

/** c-ares, asking only the server under test, once. */
function resolverFor(port: number): dns.promises.Resolver {
  const resolver = new dns.promises.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** Sends `junk` (no reply awaited), then `query`, from one socket: the reply to `query`. */
async function ask(port: number, query: Uint8Array, junk: readonly Uint8Array[] = []) {
  const client = dgram.createSocket('udp4');
  onTestFinished(() => {
    client.close();
  });
  const { id } = dnsPacket.decode(Buffer.from(query));
  const reply = new Promise<Buffer>((resolve) => {
    client.on('message', (octets) => {
      // replies to the junk may come first: wait for the one with the query's ID
      if (octets.length >= 2 && octets.readUInt16BE(0) === id) resolve(octets);
    });
  });
  for (const datagram of junk) client.send(datagram, port, '127.0.0.1');
  client.send(query, port, '127.0.0.1');
  return within(reply, `the server never replied to the query ${visible(query)}`);
}

/** dns-packet's reading of a reply, or of the empty message when there is none. */
const decoded = (reply: Uint8Array | undefined) => dnsPacket.decode(Buffer.from(reply ?? []));
/** A reply's octets for an assertion message. */
const seen = (reply: Uint8Array | undefined) => visible(reply ?? new Uint8Array(0));

const queryFor = (
  name: string,
  type: dnsPacket.RecordType = 'A',
  id = 0x4242,
  flags = dnsPacket.RECURSION_DESIRED,
) => dnsPacket.encode({ type: 'query', id, flags, questions: [{ name, type }] });

describe('RFC 1035 §6: answers from the zone, read by c-ares (dns.Resolver)', () => {
  test('A', async () => {
    const port = await serve(ZONE);
    expect((await resolverFor(port).resolve4('example.test')).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });

  test('AAAA', async () => {
    const port = await serve(ZONE);
    expect(await resolverFor(port).resolve6('example.test')).toEqual(['2001:db8::1']);
  });

  test('MX', async () => {
    const port = await serve(ZONE);
    const mx = await resolverFor(port).resolveMx('example.test');
    expect(mx.map((m) => [m.priority, m.exchange]).sort()).toEqual([
      [10, 'mail.example.test'],
      [20, 'backup.example.test'],
    ]);
  });

  test('RFC 4343: names match whatever their case, in the zone and in the question', async () => {
    const port = await serve(ZONE);
    expect(await resolverFor(port).resolve4('mixed.CASE.test')).toEqual(['198.51.100.9']);
    expect((await resolverFor(port).resolve4('EXAMPLE.TEST')).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });

  test('RFC 4343 §3: only A–Z fold; É (0xC9) is not é (0xE9), so caf\u00c9.test is not café.test', () => {
    // kata 07 reads each octet of a label as one character: 0xE9 is "\u00e9" (é)
    const zone: Zone = { 'caf\u00e9.test': { A: ['192.0.2.9'] } };
    const query = (name: number[]) =>
      Uint8Array.from([
        0,
        9,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        4,
        ...name,
        4,
        ...Buffer.from('test'),
        0,
        0,
        1,
        0,
        1,
      ]);
    const upperAscii = answerQuery(query([0x43, 0x41, 0x46, 0xe9]), zone); // CAFé: A–Z fold
    expect(decoded(upperAscii), seen(upperAscii)).toMatchObject({
      rcode: 'NOERROR',
      answers: [{ type: 'A', data: '192.0.2.9' }],
    });
    const upperAccent = answerQuery(query([0x63, 0x61, 0x66, 0xc9]), zone); // cafÉ: É stays É
    expect(decoded(upperAccent), seen(upperAccent)).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  test('a name the zone does not hold: NXDOMAIN, which c-ares reports as ENOTFOUND', async () => {
    const port = await serve(ZONE);
    await expect(resolverFor(port).resolve4('nowhere.test')).rejects.toMatchObject({
      code: dns.NOTFOUND,
    });
  });

  test('RFC 2308 §2.2: a name without records of the type is NODATA, not NXDOMAIN (ENODATA)', async () => {
    const port = await serve({ 'v4only.test': { A: ['192.0.2.3'] } });
    await expect(resolverFor(port).resolve6('v4only.test')).rejects.toMatchObject({
      code: dns.NODATA,
    });
    await expect(resolverFor(port).resolveTxt('v4only.test')).rejects.toMatchObject({
      code: dns.NODATA,
    });
  });

  test('RFC 8020 §2: a name with names below it exists (an empty non-terminal): NODATA', async () => {
    // NXDOMAIN would tell the resolver that www.deep.example.test does not exist either
    const port = await serve(ZONE);
    await expect(resolverFor(port).resolve4('DEEP.example.test')).rejects.toMatchObject({
      code: dns.NODATA,
    });
  });

  test('RFC 8020 §2: the root has names below it in any zone that holds one: NODATA', () => {
    const reply = answerQuery(queryFor('.', 'A'), ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  test('a zone name written with its trailing dot (the root) is the same name', () => {
    const reply = answerQuery(queryFor('dot.test', 'A'), { 'dot.test.': { A: ['192.0.2.46'] } });
    expect(decoded(reply), seen(reply)).toMatchObject({
      rcode: 'NOERROR',
      answers: [{ type: 'A', data: '192.0.2.46' }],
    });
  });

  test('RFC 1035 §3.3.9: an MX preference that is not a 16-bit integer cannot be written: SERVFAIL', () => {
    for (const preference of [-1, 65_536, 1.5]) {
      const zone: Zone = { 'mx.test': { MX: [{ preference, exchange: 'mail.test' }] } };
      const reply = answerQuery(queryFor('mx.test', 'MX'), zone);
      expect(decoded(reply), `preference ${preference}: ${seen(reply)}`).toMatchObject({
        rcode: 'SERVFAIL',
      });
    }
    for (const preference of [0, 65_535]) {
      const zone: Zone = { 'mx.test': { MX: [{ preference, exchange: 'mail.test' }] } };
      const reply = answerQuery(queryFor('mx.test', 'MX'), zone);
      expect(decoded(reply).answers, `preference ${preference}: ${seen(reply)}`).toMatchObject([
        { type: 'MX', data: { preference, exchange: 'mail.test' } },
      ]);
    }
  });

  test('§4.1.1 SERVFAIL: a record the server cannot write fails that query, not the server', async () => {
    const port = await serve({
      'broken.test': { A: ['not an address'] },
      'ok.test': { A: ['192.0.2.4'] },
    });
    await expect(resolverFor(port).resolve4('broken.test')).rejects.toMatchObject({
      code: dns.SERVFAIL,
    });
    expect(await resolverFor(port).resolve4('ok.test')).toEqual(['192.0.2.4']);
  });
});

describe('RFC 1035 §4.1.1, §7.3: the reply a resolver can match', () => {
  test('the ID, QR, AA, RD as asked, RA 0, and the question echoed as asked', async () => {
    const port = await serve(ZONE);
    const reply = await ask(port, queryFor('Example.TEST', 'MX', 0xbeef));
    expect(dnsPacket.decode(reply), visible(reply)).toMatchObject({
      id: 0xbeef,
      flag_qr: true,
      flag_aa: true,
      flag_rd: true,
      flag_ra: false,
      flag_tc: false,
      rcode: 'NOERROR',
      questions: [{ name: 'Example.TEST', type: 'MX', class: 'IN' }],
    });
  });

  test('RD is copied: a query without it gets a reply without it', async () => {
    const port = await serve(ZONE);
    const reply = await ask(port, queryFor('example.test', 'A', 1, 0));
    expect(dnsPacket.decode(reply).flag_rd, visible(reply)).toBe(false);
  });

  test(`answers carry the asked name, as asked, and a TTL of ${TTL} s`, async () => {
    const port = await serve(ZONE);
    const reply = await ask(port, queryFor('EXAMPLE.test', 'A'));
    const answers = dnsPacket.decode(reply).answers ?? [];
    expect(
      answers.map((a) => [a.name, (a as { ttl?: number }).ttl]),
      visible(reply),
    ).toEqual([
      ['EXAMPLE.test', TTL],
      ['EXAMPLE.test', TTL],
    ]);
  });

  test(`§4.2.1: TC only when the answers do not fit: a reply of up to ${MAX_UDP_OCTETS} octets goes whole`, () => {
    // 1, 2, 3 … A records: the first count that gets TC must be one whose answers would exceed
    // 512 octets. With answer names as pointers, 30 records make exactly 512 here.
    const sizes: number[] = [];
    for (let count = 1; count <= 40; count += 1) {
      const addresses = Array.from({ length: count }, (_, i) => `10.2.0.${i}`);
      const reply = answerQuery(queryFor('abcdefghi.test', 'A'), {
        'abcdefghi.test': { A: addresses },
      });
      if (decoded(reply).flag_tc) {
        const [last = 0, previous = 0] = [sizes.at(-1), sizes.at(-2)];
        expect(last + (last - previous), `TC at ${count} records; sizes ${sizes}`).toBeGreaterThan(
          MAX_UDP_OCTETS,
        );
        return;
      }
      sizes.push(reply?.length ?? 0);
    }
    throw new Error(`40 A records never got TC; sizes ${sizes}`);
  });

  test(`§4.2.1: a reply over ${MAX_UDP_OCTETS} octets goes without answers and with TC set`, () => {
    const reply = answerQuery(queryFor('many.test', 'A'), ZONE);
    expect(reply?.length, seen(reply)).toBeLessThanOrEqual(MAX_UDP_OCTETS);
    expect(decoded(reply), seen(reply)).toMatchObject({ flag_tc: true, answers: [] });
  });
});

describe('RFC 1035 §4.1.1: what the server will not answer, and how', () => {
  test('an OPCODE other than QUERY: NOTIMP, with the OPCODE copied', () => {
    // OPCODE 2, STATUS: bits 11 to 14 of the flags word are 0010
    const status = Uint8Array.from([0, 5, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const reply = answerQuery(status, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({
      id: 5,
      opcode: 'STATUS',
      rcode: 'NOTIMP',
    });
  });

  test('no question at all: FORMERR', () => {
    const none = Uint8Array.from([0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const reply = answerQuery(none, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 12, rcode: 'FORMERR' });
  });

  test('two questions: FORMERR', () => {
    const two = dnsPacket.encode({
      type: 'query',
      id: 6,
      questions: [
        { name: 'a.test', type: 'A' },
        { name: 'b.test', type: 'A' },
      ],
    });
    const reply = answerQuery(two, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 6, rcode: 'FORMERR' });
  });

  test('a class other than IN: REFUSED', () => {
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ name: 'example.test', type: 'A', class: 'CH' }],
    });
    const reply = answerQuery(chaos, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 7, rcode: 'REFUSED' });
  });

  test('§4.1.4: a query it cannot read (a pointer loop): FORMERR with the ID', () => {
    const loop = Uint8Array.from([0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    const reply = answerQuery(loop, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 9, rcode: 'FORMERR' });
  });

  test('§4.1.4: a question name that points into the header: FORMERR', () => {
    // the label "test" then a pointer to offset 0: the ID and flags octets read as a label
    const header = [0x04, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const query = Uint8Array.from([...header, 4, ...Buffer.from('test'), 0xc0, 0, 0, 1, 0, 1]);
    const reply = answerQuery(query, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 0x040a, rcode: 'FORMERR' });
  });

  test('RFC 6891 §7: a query with an OPT record (EDNS): FORMERR, and no OPT in the reply', () => {
    const edns = dnsPacket.encode({
      type: 'query',
      id: 11,
      questions: [{ name: 'example.test', type: 'A' }],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 4096,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    const reply = answerQuery(edns, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({
      id: 11,
      rcode: 'FORMERR',
      answers: [],
      additionals: [],
    });
  });

  test('RFC 6891 §7: only an OPT record means EDNS; another additional record is answered as usual', () => {
    const withA = dnsPacket.encode({
      type: 'query',
      id: 13,
      questions: [{ name: 'example.test', type: 'A' }],
      additionals: [{ name: 'example.test', type: 'A', ttl: 1, data: '192.0.2.99' }],
    });
    const reply = answerQuery(withA, ZONE);
    expect(decoded(reply), seen(reply)).toMatchObject({ id: 13, rcode: 'NOERROR' });
    expect(decoded(reply).answers, seen(reply)).toHaveLength(2);
  });

  test('RFC 2181 §11: a name with octets above 0x7F is echoed as its octets, and is NXDOMAIN', () => {
    // labels are octets on the wire; re-encoding them as text would fail or change them
    const header = [0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const question = [2, 0xc3, 0xa9, 4, ...Buffer.from('test'), 0, 0, 1, 0, 1];
    const reply = Buffer.from(answerQuery(Uint8Array.from([...header, ...question]), ZONE) ?? []);
    expect(visible(reply.subarray(12))).toBe(visible(Uint8Array.from(question)));
    expect(dnsPacket.decode(reply), visible(reply)).toMatchObject({ id: 8, rcode: 'NXDOMAIN' });
  });

  test('fewer than 12 octets: no reply at all', () => {
    expect(answerQuery(Uint8Array.from([1, 2, 3]), ZONE)).toBeUndefined();
  });

  test('a response (QR set): no reply at all, or two servers would answer each other forever', () => {
    const response = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ name: 'example.test', type: 'A' }],
    });
    expect(answerQuery(response, ZONE)).toBeUndefined();
  });

  test('Node dgram: a socket error (as a failed send to a gone client emits) is survived, and the server keeps answering', async () => {
    const socket = createDnsServer(ZONE);
    onTestFinished(() => {
      socket.close();
    });
    await within(
      new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
      'the server socket never bound to 127.0.0.1',
    );
    // an 'error' without a listener is thrown: from dgram, it would take the process down
    expect(() =>
      socket.emit('error', new Error('send ECONNREFUSED (emitted by the spec)')),
    ).not.toThrow();
    expect((await resolverFor(socket.address().port).resolve4('example.test')).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });

  test('garbage never stops the server: its listener never throws, and c-ares still gets answers', async () => {
    const socket = createDnsServer(ZONE);
    const client = dgram.createSocket('udp4');
    onTestFinished(() => {
      socket.close();
      client.close();
    });
    await within(
      new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
      'the server socket never bound to 127.0.0.1',
    );
    await within(
      new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve)),
      'the client socket never bound to 127.0.0.1',
    );
    const from = { address: '127.0.0.1', family: 'IPv4', port: client.address().port } as const;
    const junk = [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.alloc(600, 0xc0),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      queryFor('example.test').subarray(0, 20),
    ];
    // a 'message' listener that throws takes the whole process down: call it as dgram would
    for (const datagram of junk) {
      for (const listener of socket.listeners('message')) {
        expect(
          () => listener(datagram, { ...from, size: datagram.length }),
          visible(datagram),
        ).not.toThrow();
      }
    }
    const port = socket.address().port;
    // and over the wire: the reply to a query sent after the junk means all of it was read
    await ask(port, queryFor('example.test', 'A', 0x0b0b), junk);
    expect((await resolverFor(port).resolve4('example.test')).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });
});
