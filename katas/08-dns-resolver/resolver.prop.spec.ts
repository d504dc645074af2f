import dns from 'node:dns';
import net from 'node:net';
import { fc, test } from '@fast-check/vitest';
import type dnsPacket from 'dns-packet';
import { describe, expect } from 'vitest';
import { chunkings, LOOPBACK, within } from '../../support/harness/index.ts';
import type { RecordType } from '../06-dns-query/query.ts';
import type { ResourceRecord } from '../07-dns-response/message.ts';
import { startZoneServer } from './fixtures/zone-server.ts';
import { DnsQueryError, query } from './resolver.ts';

/**
 * When fast-check stops, in ms, even in the middle of a run: it then reports the
 * smallest failure found so far, with its seed, before vitest's 5 s test timeout.
 */
const TIME_LIMIT_MS = 3_000;

/** Both resolvers wait this long per attempt, twice; nothing is lost on loopback. */
const TIMEOUT_MS = 500;
const ATTEMPTS = 2;

const NAME = 'host.example.test';
const ALIAS = 'alias.example.test';
const MISSING = 'missing.example.test';

/** Node's RFC 5952 text, whatever spelling an address was given in. */
const canonicalIPv6 = (address: string) =>
  new net.SocketAddress({ address, family: 'ipv6' }).address;

const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);

/** The RRsets at NAME, and the alias CNAME (RFC 1034 §3.6.2: an alias holds nothing else). */
const zones = fc.record({
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
      exchange: label.map((host) => `${host}.example.test`),
    }),
    { maxLength: 3, selector: (mx) => mx.exchange },
  ),
  // printable ASCII, so that c-ares's strings and the octets sent read the same
  txt: fc.array(fc.array(fc.stringMatching(/^[ -~]{0,40}$/), { minLength: 1, maxLength: 3 }), {
    maxLength: 2,
  }),
  cname: label.map((host) => `${host}.example.test`),
});
type Generated = typeof zones extends fc.Arbitrary<infer T> ? T : never;

function zoneOf(z: Generated): Map<string, dnsPacket.Answer[]> {
  const at = <T extends dnsPacket.Answer['type']>(type: T) => ({ name: NAME, type, ttl: 60 });
  return new Map<string, dnsPacket.Answer[]>([
    [
      NAME,
      [
        ...z.a.map((data) => ({ ...at('A'), data })),
        ...z.aaaa.map((data) => ({ ...at('AAAA'), data })),
        ...z.mx.map((data) => ({ ...at('MX'), data })),
        // a copy: dns-packet turns the strings of TXT data into Buffers in place
        ...z.txt.map((data) => ({ ...at('TXT'), data: [...data] })),
      ],
    ],
    [ALIAS, [{ name: ALIAS, type: 'CNAME', ttl: 60, data: z.cname }]],
  ]);
}

/** An RRset has no order (RFC 2181 §5): compare as sorted lists. */
const sorted = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).sort();

/** The learner's records as c-ares prints them; any other record shown whole. */
function asCares(record: ResourceRecord): unknown {
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return record.address; // c-ares: resolve4/resolve6 give the addresses only
    case 'MX':
      return { priority: record.preference, exchange: record.exchange }; // c-ares says priority
    case 'TXT':
      // c-ares: one array per record, one string per character-string
      return record.texts.map((text) => Buffer.from(text).toString('latin1'));
    case 'CNAME':
      return record.target; // c-ares: resolveCname gives the targets only
    default:
      return record;
  }
}

/** How each resolver says "no answer": c-ares's ENODATA is NODATA, an empty answer. */
type Outcome = { answers: string[] } | { error: string };

describe('RFC 1035 §7: answers equal what c-ares (dns.promises.Resolver) gets from the same server', () => {
  test.prop([zones, fc.boolean(), fc.gen()], {
    numRuns: 15,
    interruptAfterTimeLimit: TIME_LIMIT_MS,
  })(
    'A, AAAA, MX, TXT, CNAME and NXDOMAIN, over UDP or (TC set) over TCP, the reply cut into any pieces',
    async (zone, truncateUdp, g) => {
      const server = await startZoneServer(zoneOf(zone), {
        truncateUdp,
        // RFC 7766 §8: a TCP reply may arrive in any pieces; the length says when it is whole
        cutTcp: (framed) => g(chunkings, framed),
      });
      const peer = new dns.promises.Resolver({ timeout: TIMEOUT_MS, tries: ATTEMPTS });
      peer.setServers([`${LOOPBACK}:${server.port}`]);

      const mine = async (name: string, type: RecordType): Promise<Outcome> => {
        const options = { timeoutMs: TIMEOUT_MS, attempts: ATTEMPTS };
        try {
          const run = query({ host: LOOPBACK, port: server.port }, name, type, options);
          const answers = await within(run, `query(${type} ${name}) never settled`);
          return { answers: sorted(answers.map(asCares)) };
        } catch (error) {
          if (error instanceof DnsQueryError) return { error: error.reason };
          throw error;
        }
      };
      const theirs = async (ask: () => Promise<readonly unknown[]>): Promise<Outcome> => {
        try {
          return { answers: sorted(await ask()) };
        } catch (error) {
          const { code } = error as NodeJS.ErrnoException;
          // c-ares: NODATA (no records of the type) is ENODATA, NXDOMAIN is ENOTFOUND
          if (code === dns.NODATA) return { answers: [] };
          if (code === dns.NOTFOUND) return { error: 'nxdomain' };
          return { error: String(code) };
        }
      };
      /** The learner's query first, then c-ares's, one at a time: the chunkings stay replayable. */
      const same = async (
        name: string,
        type: RecordType,
        ask: () => Promise<readonly unknown[]>,
      ) => {
        const learner = await mine(name, type);
        expect(learner, `${type} ${name}: query() / c-ares`).toEqual(await theirs(ask));
      };

      try {
        await same(NAME, 'A', () => peer.resolve4(NAME));
        await same(NAME, 'AAAA', () => peer.resolve6(NAME));
        await same(NAME, 'MX', async () =>
          (await peer.resolveMx(NAME)).map(({ priority, exchange }) => ({ priority, exchange })),
        );
        await same(NAME, 'TXT', () => peer.resolveTxt(NAME));
        await same(ALIAS, 'CNAME', () => peer.resolveCname(ALIAS));
        await same(MISSING, 'A', () => peer.resolve4(MISSING));
      } finally {
        peer.cancel();
      }
    },
  );
});
