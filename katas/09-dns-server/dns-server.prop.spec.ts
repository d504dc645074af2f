import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import dnsPacket from 'dns-packet';
import { describe, expect, onTestFinished } from 'vitest';
import { anyBytes, within } from '../../support/harness/index.ts';
import { answerQuery, createDnsServer, type Zone } from './dns-server.ts';

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
      selector: (mx) => mx.exchange,
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

describe('RFC 1035 §6: any zone, asked through c-ares', () => {
  test.prop([zone], { numRuns: 15 })(
    'answers every name it holds with exactly its records',
    async (z) => {
      const socket = createDnsServer(z);
      onTestFinished(() => {
        socket.close();
      });
      await within(
        new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
        'the server never bound',
      );
      const resolver = new dns.promises.Resolver({ timeout: 500, tries: 2 });
      resolver.setServers([`127.0.0.1:${socket.address().port}`]);
      const orNone = <T>(run: Promise<T[]>) =>
        run.catch((error: NodeJS.ErrnoException) => {
          if (error.code === dns.NODATA) return [] as T[];
          throw error;
        });
      for (const [owner, held] of Object.entries(z)) {
        // asked in upper case: RFC 4343
        const asked = owner.toUpperCase();
        expect(sorted(await orNone(resolver.resolve4(asked)))).toEqual(sorted(held.A ?? []));
        expect(sorted(await orNone(resolver.resolve6(asked)))).toEqual(sorted(held.AAAA ?? []));
        expect(
          sorted((await orNone(resolver.resolveMx(asked))).map((m) => [m.priority, m.exchange])),
        ).toEqual(sorted((held.MX ?? []).map((m) => [m.preference, m.exchange])));
      }
    },
  );
});

describe('a server never dies of what it reads', () => {
  const damagedQuery = fc
    .record({ name, at: fc.nat(), octet: fc.integer({ min: 0, max: 255 }), cut: fc.nat() })
    .map(({ name: n, at, octet, cut }) => {
      const bytes = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: n, type: 'A' }] });
      bytes[at % bytes.length] = octet;
      return bytes.subarray(0, Math.max(cut % (bytes.length + 1), 0));
    });

  test.prop([fc.oneof(anyBytes(), damagedQuery), zone], { numRuns: 500 })(
    'answerQuery returns a reply that dns-packet reads, or nothing, and never throws',
    (datagram, z) => {
      const reply = answerQuery(datagram, z);
      if (reply !== undefined) expect(() => dnsPacket.decode(Buffer.from(reply))).not.toThrow();
    },
  );

  test.prop([fc.array(fc.oneof(anyBytes(), damagedQuery), { minLength: 1, maxLength: 10 })], {
    numRuns: 10,
  })('after any datagrams, the server still answers', async (datagrams) => {
    const socket = createDnsServer({ 'alive.test': { A: ['192.0.2.200'] } });
    const client = dgram.createSocket('udp4');
    onTestFinished(() => {
      socket.close();
      client.close();
    });
    await within(
      new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve)),
      'the server never bound',
    );
    const port = socket.address().port;
    for (const datagram of datagrams) client.send(datagram, port, '127.0.0.1');
    const resolver = new dns.promises.Resolver({ timeout: 500, tries: 2 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect(await resolver.resolve4('alive.test')).toEqual(['192.0.2.200']);
  });
});
