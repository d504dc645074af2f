import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { describe, expect, onTestFinished, test } from 'vitest';
import { startZoneServer, type Zone } from './fixtures/zone-server.ts';
import { DnsQueryError, type QueryFailure, query } from './resolver.ts';

const ZONE: Zone = new Map<string, dnsPacket.Answer[]>([
  [
    'example.test',
    [
      { name: 'example.test', type: 'A', ttl: 60, data: '192.0.2.1' },
      { name: 'example.test', type: 'A', ttl: 60, data: '192.0.2.2' },
      { name: 'example.test', type: 'AAAA', ttl: 60, data: '2001:db8::1' },
      {
        name: 'example.test',
        type: 'MX',
        ttl: 60,
        data: { preference: 10, exchange: 'mail.example.test' },
      },
      { name: 'example.test', type: 'TXT', ttl: 60, data: ['v=spf1 -all'] },
    ],
  ],
  [
    'www.example.test',
    [{ name: 'www.example.test', type: 'CNAME', ttl: 60, data: 'example.test' }],
  ],
]);

/** Short waits: a lost datagram costs one timeout, and the specs stay fast. */
const FAST = { timeoutMs: 150, attempts: 3 } as const;

async function failure(run: Promise<unknown>): Promise<QueryFailure | string> {
  try {
    return `answered ${JSON.stringify(await run)}`;
  } catch (error) {
    if (error instanceof DnsQueryError) return error.reason;
    throw error;
  }
}

describe('RFC 1035 §4.2.1: a query over UDP', () => {
  test('A: the answer section, each address once', async () => {
    const server = await startZoneServer(ZONE);
    const answers = await query(
      { host: '127.0.0.1', port: server.port },
      'example.test',
      'A',
      FAST,
    );
    expect(answers.map((a) => (a.type === 'A' ? a.address : a.type))).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
    expect(server.seen).toEqual([{ transport: 'udp', id: expect.any(Number) }]);
  });

  test('AAAA, MX and TXT', async () => {
    const server = await startZoneServer(ZONE);
    const at = { host: '127.0.0.1', port: server.port };
    expect(await query(at, 'example.test', 'AAAA', FAST)).toMatchObject([
      { type: 'AAAA', address: '2001:db8::1' },
    ]);
    expect(await query(at, 'example.test', 'MX', FAST)).toMatchObject([
      { type: 'MX', preference: 10, exchange: 'mail.example.test' },
    ]);
    expect(await query(at, 'example.test', 'TXT', FAST)).toMatchObject([
      { type: 'TXT', texts: [Buffer.from('v=spf1 -all')] },
    ]);
  });

  test('names are case-insensitive (RFC 4343): EXAMPLE.test finds example.test', async () => {
    const server = await startZoneServer(ZONE);
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'EXAMPLE.test', 'A', FAST),
    ).toHaveLength(2);
  });

  test('a CNAME answer comes back as the server sent it', async () => {
    const server = await startZoneServer(ZONE);
    const answers = await query(
      { host: '127.0.0.1', port: server.port },
      'www.example.test',
      'A',
      FAST,
    );
    expect(answers).toMatchObject([{ type: 'CNAME', target: 'example.test' }]);
  });

  test('IDs differ from query to query (RFC 5452 §9.2: unpredictable)', async () => {
    const server = await startZoneServer(ZONE);
    for (let i = 0; i < 8; i += 1)
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', FAST);
    expect(new Set(server.seen.map((s) => s.id)).size).toBeGreaterThan(1);
  });
});

describe('RFC 5452 §9.1: only the reply to this question is accepted', () => {
  test('replies with another ID, another name or another type are ignored; the real one is taken', async () => {
    const server = await startZoneServer(ZONE, { impostorsFirst: true });
    const answers = await query(
      { host: '127.0.0.1', port: server.port },
      'example.test',
      'A',
      FAST,
    );
    // each impostor answers 203.0.113.66 (RFC 5737 TEST-NET-3)
    expect(answers.map((a) => (a.type === 'A' ? a.address : a.type))).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
    expect(server.seen).toHaveLength(1);
  });

  test('octets that are not a DNS message are ignored', async () => {
    const server = await startZoneServer(ZONE, { garbageFirst: true });
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', FAST),
    ).toHaveLength(2);
  });

  test('a reply from another port is ignored, even with the right ID', async () => {
    // A forger who guessed the ID, sending from its own port: the real server stays silent.
    const silent = dgram.createSocket('udp4');
    const forger = dgram.createSocket('udp4');
    onTestFinished(() => {
      silent.close();
      forger.close();
    });
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    silent.on('message', (message, remote) => {
      const asked = dnsPacket.decode(message);
      const forged = dnsPacket.encode({
        type: 'response',
        id: asked.id ?? 0,
        questions: asked.questions ?? [],
        answers: [{ name: 'example.test', type: 'A', ttl: 1, data: '203.0.113.66' }],
      });
      forger.send(forged, remote.port, remote.address);
    });
    const port = silent.address().port;
    expect(
      await failure(
        query({ host: '127.0.0.1', port }, 'example.test', 'A', { timeoutMs: 100, attempts: 1 }),
      ),
    ).toBe('timeout');
  });
});

describe('RFC 1035 §4.2.1: UDP loses datagrams; the resolver sends again', () => {
  test('the first datagram lost: answered on the second attempt', async () => {
    const server = await startZoneServer(ZONE, { dropFirst: 1 });
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', FAST),
    ).toHaveLength(2);
    expect(server.seen.filter((s) => s.transport === 'udp')).toHaveLength(2);
  });

  test('every attempt lost: a timeout error that says how many attempts', async () => {
    const server = await startZoneServer(ZONE, { dropFirst: 99 });
    const run = query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', {
      timeoutMs: 60,
      attempts: 3,
    });
    await expect(run).rejects.toThrow(/timeout.*3 attempts/);
    expect(server.seen).toHaveLength(3);
  });
});

describe('RFC 1035 §4.2.2, RFC 7766: TC set, so ask again over TCP', () => {
  test('a truncated UDP reply is followed by the same question over TCP', async () => {
    const server = await startZoneServer(ZONE, { truncateUdp: true });
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', FAST),
    ).toHaveLength(2);
    expect(server.seen.map((s) => s.transport)).toEqual(['udp', 'tcp']);
  });

  test('the TCP reply is read by its 2-octet length, even when it arrives one octet at a time', async () => {
    const server = await startZoneServer(ZONE, { truncateUdp: true, tcpPieceSize: 1 });
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'MX', FAST),
    ).toMatchObject([{ type: 'MX', exchange: 'mail.example.test' }]);
  });
});

describe('RFC 1035 §4.1.1: an error RCODE is a clear error', () => {
  test('NXDOMAIN: the name does not exist, and the error names it', async () => {
    const server = await startZoneServer(ZONE);
    const run = query({ host: '127.0.0.1', port: server.port }, 'nowhere.test', 'A', FAST);
    await expect(run).rejects.toThrow(/A nowhere\.test: nxdomain/);
  });

  test('a name that exists without records of the type is an empty answer, not NXDOMAIN', async () => {
    const server = await startZoneServer(ZONE);
    expect(
      await query({ host: '127.0.0.1', port: server.port }, 'example.test', 'CNAME', FAST),
    ).toEqual([]);
  });

  test.each(['SERVFAIL', 'REFUSED', 'FORMERR'] as const)('%s', async (rcode) => {
    const server = await startZoneServer(ZONE, { rcode });
    expect(
      await failure(query({ host: '127.0.0.1', port: server.port }, 'example.test', 'A', FAST)),
    ).toBe(rcode.toLowerCase());
  });
});
