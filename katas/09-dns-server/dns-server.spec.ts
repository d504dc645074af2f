import dgram from 'node:dgram';
import dns from 'node:dns';
import dnsPacket from 'dns-packet';
import { describe, expect, onTestFinished, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
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

/** c-ares, asking only the server under test, once, quickly. */
function resolverFor(port: number): dns.promises.Resolver {
  const resolver = new dns.promises.Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** Sends raw octets from a fresh socket; resolves with the reply, or undefined after `ms`. */
async function exchange(port: number, octets: Uint8Array, ms = 150): Promise<Buffer | undefined> {
  const client = dgram.createSocket('udp4');
  onTestFinished(() => {
    client.close();
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    client.on('message', (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
    client.send(octets, port, '127.0.0.1');
  });
}

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
});

describe('RFC 1035 §4.1.1, §7.3: the reply a resolver can match', () => {
  test('the ID, QR, AA, RD as asked, RA 0, and the question echoed as asked', async () => {
    const port = await serve(ZONE);
    const reply = dnsPacket.decode(
      (await exchange(port, queryFor('Example.TEST', 'MX', 0xbeef))) ?? Buffer.alloc(0),
    );
    expect(reply).toMatchObject({
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
    const reply = dnsPacket.decode(
      (await exchange(port, queryFor('example.test', 'A', 1, 0))) ?? Buffer.alloc(0),
    );
    expect(reply.flag_rd).toBe(false);
  });

  test(`answers carry the asked name and a TTL of ${TTL} s`, async () => {
    const port = await serve(ZONE);
    const reply = dnsPacket.decode(
      (await exchange(port, queryFor('EXAMPLE.test', 'A'))) ?? Buffer.alloc(0),
    );
    expect(reply.answers?.map((a) => [a.name, (a as { ttl?: number }).ttl])).toEqual([
      ['EXAMPLE.test', TTL],
      ['EXAMPLE.test', TTL],
    ]);
  });

  test('§4.1.4: answer names are compressed: a pointer to the question', () => {
    const reply = answerQuery(queryFor('example.test', 'A'), ZONE) ?? new Uint8Array(0);
    // header 12 + question (14 + 4) = 30: the first answer's NAME is 0xC00C
    expect([...reply.subarray(30, 32)]).toEqual([0xc0, 12]);
  });

  test(`§4.2.1: a reply over ${MAX_UDP_OCTETS} octets goes without answers and with TC set`, () => {
    const reply = dnsPacket.decode(
      Buffer.from(answerQuery(queryFor('many.test', 'A'), ZONE) ?? []),
    );
    expect(reply).toMatchObject({ flag_tc: true, answers: [] });
  });
});

describe('RFC 1035 §4.1.1: what the server will not answer, and how', () => {
  test('an OPCODE other than QUERY: NOTIMP', () => {
    // OPCODE 2, STATUS: bits 11 to 14 of the flags word are 0010
    const status = Uint8Array.from([0, 5, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(dnsPacket.decode(Buffer.from(answerQuery(status, ZONE) ?? []))).toMatchObject({
      id: 5,
      rcode: 'NOTIMP',
    });
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
    expect(dnsPacket.decode(Buffer.from(answerQuery(two, ZONE) ?? []))).toMatchObject({
      id: 6,
      rcode: 'FORMERR',
    });
  });

  test('a class other than IN: REFUSED', () => {
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ name: 'example.test', type: 'A', class: 'CH' }],
    });
    expect(dnsPacket.decode(Buffer.from(answerQuery(chaos, ZONE) ?? []))).toMatchObject({
      id: 7,
      rcode: 'REFUSED',
    });
  });

  test('a query it cannot read (a pointer loop): FORMERR with the ID', () => {
    const loop = Uint8Array.from([0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(dnsPacket.decode(Buffer.from(answerQuery(loop, ZONE) ?? []))).toMatchObject({
      id: 9,
      rcode: 'FORMERR',
    });
  });

  test('a name with octets above 0x7F is echoed as its octets, and is NXDOMAIN', () => {
    // labels are octets on the wire (RFC 2181 §11); re-encoding them as text would fail
    const query = Uint8Array.from([
      0,
      8,
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
      2,
      0xc3,
      0xa9,
      4,
      ...Buffer.from('test'),
      0,
      0,
      1,
      0,
      1,
    ]);
    const reply = Buffer.from(answerQuery(query, ZONE) ?? []);
    expect(reply.subarray(12)).toEqual(Buffer.from(query.subarray(12)));
    expect(dnsPacket.decode(reply)).toMatchObject({ id: 8, rcode: 'NXDOMAIN' });
  });

  test('fewer than 12 octets, or a response: no reply at all', () => {
    expect(answerQuery(Uint8Array.from([1, 2, 3]), ZONE)).toBeUndefined();
    const response = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ name: 'example.test', type: 'A' }],
    });
    expect(answerQuery(response, ZONE)).toBeUndefined();
  });

  test('garbage never stops the server: it still answers c-ares afterwards', async () => {
    const port = await serve(ZONE);
    for (const junk of [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.alloc(600, 0xc0),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
    ]) {
      await exchange(port, junk, 20);
    }
    expect((await resolverFor(port).resolve4('example.test')).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
  });
});
