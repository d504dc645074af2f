import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import dnsPacket from 'dns-packet';
import { describe, expect } from 'vitest';
import { anyBytes, shown, visible, within } from '../../support/harness/index.ts';
import { answerQuery, createDnsServer, MAX_UDP_OCTETS, type Zone } from './dns-server.ts';

/** Node's RFC 5952 text for an address. */
const canonicalIPv6 = (address: string) =>
  new net.SocketAddress({ address, family: 'ipv6' }).address;

const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?$/);
const name = fc
  .array(label, { minLength: 1, maxLength: 3 })
  .map((labels) => `${labels.join('.')}.test`);
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((octets) => {
  const view = new DataView(octets.buffer);
  return canonicalIPv6(
    Array.from({ length: 8 }, (_, i) => view.getUint16(2 * i).toString(16)).join(':'),
  );
});
const records = fc.record(
  {
    A: fc.uniqueArray(fc.ipV4(), { minLength: 1, maxLength: 4 }),
    AAAA: fc.uniqueArray(ipv6, { minLength: 1, maxLength: 3 }),
    MX: fc.uniqueArray(fc.record({ preference: fc.nat({ max: 0xffff }), exchange: name }), {
      minLength: 1,
      maxLength: 3,
      selector: (mx) => mx.exchange.toLowerCase(),
    }),
  },
  { requiredKeys: [] },
);
/** Names unique whatever their case: the zone cannot hold one name twice. */
const zone: fc.Arbitrary<Zone> = fc
  .uniqueArray(fc.tuple(name, records), {
    minLength: 1,
    maxLength: 5,
    selector: ([n]) => n.toLowerCase(),
  })
  .map((entries) => Object.fromEntries(entries));

const sorted = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).sort();

/** Property runs close what they open themselves: onTestFinished would wait for the last run. */
async function withServer<T>(z: Zone, run: (port: number) => Promise<T>): Promise<T> {
  const socket = createDnsServer(z);
  try {
    await within(
      new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
      'the server socket never bound to 127.0.0.1',
    );
    return await run(socket.address().port);
  } finally {
    socket.close();
  }
}

function resolverFor(port: number): dns.promises.Resolver {
  const resolver = new dns.promises.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** A server that never answers would make each shrinking step wait for c-ares: stop early. */
const SOCKET_RUNS = { interruptAfterTimeLimit: 3_500, markInterruptAsFailure: true } as const;

describe('RFC 1035 §6: any zone, asked through c-ares', () => {
  test.prop([zone], { numRuns: 15, ...SOCKET_RUNS })(
    'answers every name it holds with exactly its records, asked in any case',
    (z) =>
      withServer(z, async (port) => {
        const resolver = resolverFor(port);
        // RFC 2308 §2.2: no records of the type is NODATA, which c-ares rejects as ENODATA
        const orNone = <T>(run: Promise<T[]>) =>
          run.catch((error: NodeJS.ErrnoException) => {
            if (error.code === dns.NODATA) return [] as T[];
            throw error;
          });
        for (const [owner, held] of Object.entries(z)) {
          // RFC 4343: asked in upper case
          const asked = owner.toUpperCase();
          expect(sorted(await orNone(resolver.resolve4(asked)))).toEqual(sorted(held.A ?? []));
          expect(sorted(await orNone(resolver.resolve6(asked)))).toEqual(sorted(held.AAAA ?? []));
          expect(
            sorted((await orNone(resolver.resolveMx(asked))).map((m) => [m.priority, m.exchange])),
          ).toEqual(sorted((held.MX ?? []).map((m) => [m.preference, m.exchange])));
        }
      }),
  );

  test.prop([zone, name], { numRuns: 15, ...SOCKET_RUNS })(
    'a name neither held nor above a held name is NXDOMAIN (ENOTFOUND); one above is NODATA',
    (z, stranger) =>
      withServer(z, async (port) => {
        const folded = stranger.toLowerCase();
        const owners = Object.keys(z).map((owner) => owner.toLowerCase());
        if (owners.includes(folded)) return;
        // RFC 8020 §2: NXDOMAIN means nothing exists at or below the name
        const above = owners.some((owner) => owner.endsWith(`.${folded}`));
        await expect(resolverFor(port).resolve4(stranger)).rejects.toMatchObject({
          code: above ? dns.NODATA : dns.NOTFOUND,
        });
      }),
  );
});

describe('RFC 1035 §4.2.1: a UDP reply is at most 512 octets', () => {
  test.prop([fc.integer({ min: 1, max: 60 }), name], { numRuns: 60 })(
    'n A records: all of them with TC clear, or none with TC set; never over 512 octets',
    (count, owner) => {
      const addresses = Array.from({ length: count }, (_, i) => `10.1.${i >> 8}.${i & 0xff}`);
      const query = dnsPacket.encode({
        type: 'query',
        id: 3,
        questions: [{ name: owner, type: 'A' }],
      });
      const reply = answerQuery(query, { [owner]: { A: addresses } }) ?? new Uint8Array(0);
      expect(reply.length, visible(reply)).toBeLessThanOrEqual(MAX_UDP_OCTETS);
      const { flag_tc, answers = [] } = dnsPacket.decode(Buffer.from(reply));
      expect([flag_tc, answers.length], visible(reply)).toEqual(
        flag_tc ? [true, 0] : [false, count],
      );
    },
  );
});

describe('a server never dies of what it reads', () => {
  const damagedQuery = fc
    .record({ name, at: fc.nat(), octet: fc.integer({ min: 0, max: 255 }), cut: fc.nat() })
    .map(({ name: n, at, octet, cut }) => {
      const bytes = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: n, type: 'A' }] });
      bytes[at % bytes.length] = octet;
      return shown(bytes.subarray(0, cut % (bytes.length + 1)));
    });
  const datagram = fc.oneof(anyBytes(), damagedQuery);

  test.prop([datagram, zone], { numRuns: 500 })(
    'RFC 1035 §4.1.1: a reply with the ID and QR set, that dns-packet reads, or none; never a throw',
    (octets, z) => {
      const reply = answerQuery(octets, z);
      if (reply === undefined) return;
      const message = dnsPacket.decode(Buffer.from(reply));
      expect([message.id, message.type], visible(reply)).toEqual([
        Buffer.from(octets).readUInt16BE(0),
        'response',
      ]);
      expect(reply.length, visible(reply)).toBeLessThanOrEqual(MAX_UDP_OCTETS);
    },
  );

  test.prop([fc.array(datagram, { minLength: 1, maxLength: 10 })], {
    numRuns: 10,
    ...SOCKET_RUNS,
  })('after any datagrams, the server still answers', (datagrams) =>
    withServer({ 'alive.test': { A: ['192.0.2.200'] } }, async (port) => {
      const client = dgram.createSocket('udp4');
      try {
        const marker = dnsPacket.encode({
          type: 'query',
          id: 0xa11e,
          questions: [{ name: 'alive.test', type: 'A' }],
        });
        const markerReply = new Promise<void>((resolve) => {
          client.on('message', (reply) => {
            if (reply.length >= 2 && reply.readUInt16BE(0) === 0xa11e) resolve();
          });
        });
        for (const octets of datagrams) client.send(octets, port, '127.0.0.1');
        // sent after the datagrams from the same socket: its reply means all were read
        client.send(marker, port, '127.0.0.1');
        await within(markerReply, 'the server never answered a query sent after the datagrams');
        expect(await resolverFor(port).resolve4('alive.test')).toEqual(['192.0.2.200']);
      } finally {
        client.close();
      }
    }),
  );
});
