import dns from 'node:dns';
import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import type dnsPacket from 'dns-packet';
import { describe, expect } from 'vitest';
import { startZoneServer } from './fixtures/zone-server.ts';
import { query } from './resolver.ts';

const FAST = { timeoutMs: 300, attempts: 2 } as const;
const NAME = 'host.example.test';

/** Node's RFC 5952 text, whatever spelling an address was given in. */
const canonicalIPv6 = (address: string) =>
  new net.SocketAddress({ address, family: 'ipv6' }).address;

/** Records of each type at one name: what a zone holds. */
const records = fc.record({
  a: fc.uniqueArray(fc.ipV4(), { maxLength: 4 }),
  aaaa: fc.uniqueArray(
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((octets) => {
      const view = new DataView(octets.buffer);
      return canonicalIPv6(
        Array.from({ length: 8 }, (_, i) => view.getUint16(2 * i).toString(16)).join(':'),
      );
    }),
    { maxLength: 3 },
  ),
  mx: fc.uniqueArray(
    fc.record({
      preference: fc.nat({ max: 0xffff }),
      exchange: fc.stringMatching(/^[a-z]{1,8}\.example\.test$/),
    }),
    { maxLength: 3, selector: (mx) => mx.exchange },
  ),
  txt: fc.array(fc.array(fc.stringMatching(/^[ -~]{0,20}$/), { minLength: 1, maxLength: 2 }), {
    maxLength: 2,
  }),
});

function zoneOf(
  r: typeof records extends fc.Arbitrary<infer T> ? T : never,
): Map<string, dnsPacket.Answer[]> {
  const answers: dnsPacket.Answer[] = [
    ...r.a.map((data) => ({ name: NAME, type: 'A' as const, ttl: 60, data })),
    ...r.aaaa.map((data) => ({ name: NAME, type: 'AAAA' as const, ttl: 60, data })),
    ...r.mx.map((data) => ({ name: NAME, type: 'MX' as const, ttl: 60, data })),
    // a copy: dns-packet turns the strings of TXT data into Buffers in place
    ...r.txt.map((data) => ({ name: NAME, type: 'TXT' as const, ttl: 60, data: [...data] })),
  ];
  return new Map([[NAME, answers]]);
}

const sorted = <T>(items: T[]) => items.map((item) => JSON.stringify(item)).sort();

describe('RFC 1035 §7: answers equal what c-ares (dns.Resolver) gets from the same server', () => {
  test.prop([records, fc.boolean(), fc.integer({ min: 1, max: 7 })], { numRuns: 15 })(
    'A, AAAA, MX and TXT, over UDP or (TC set) over TCP in pieces of any size',
    async (r, truncate, pieceSize) => {
      const server = await startZoneServer(zoneOf(r), {
        truncateUdp: truncate,
        tcpPieceSize: pieceSize,
      });
      const at = { host: '127.0.0.1', port: server.port };
      const peer = new dns.promises.Resolver({ timeout: 1000, tries: 2 });
      peer.setServers([`127.0.0.1:${server.port}`]);
      // c-ares answers "no data" with ENODATA, where the learner's query returns []
      const orNone = <T>(run: Promise<T[]>) =>
        run.catch((error: NodeJS.ErrnoException) => {
          if (error.code === dns.NODATA) return [] as T[];
          throw error;
        });
      const mine = async (type: 'A' | 'AAAA' | 'MX' | 'TXT') => query(at, NAME, type, FAST);

      expect(sorted((await mine('A')).map((a) => (a.type === 'A' ? a.address : a)))).toEqual(
        sorted(await orNone(peer.resolve4(NAME))),
      );
      expect(sorted((await mine('AAAA')).map((a) => (a.type === 'AAAA' ? a.address : a)))).toEqual(
        sorted(await orNone(peer.resolve6(NAME))),
      );
      // c-ares calls the preference "priority"
      expect(
        sorted(
          (await mine('MX')).map((a) =>
            a.type === 'MX' ? { priority: a.preference, exchange: a.exchange } : a,
          ),
        ),
      ).toEqual(
        sorted(
          (await orNone(peer.resolveMx(NAME))).map((m) => ({
            priority: m.priority,
            exchange: m.exchange,
          })),
        ),
      );
      // c-ares gives each TXT record as its character-strings, decoded as text
      expect(
        sorted(
          (await mine('TXT')).map((a) =>
            a.type === 'TXT' ? a.texts.map((t) => Buffer.from(t).toString('latin1')) : a,
          ),
        ),
      ).toEqual(sorted(await orNone(peer.resolveTxt(NAME))));
    },
  );
});
