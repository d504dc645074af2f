import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { canBind, LOOPBACK, within } from '../../support/harness/index.ts';
import type { RecordType } from '../06-dns-query/query.ts';
import type { ResourceRecord } from '../07-dns-response/message.ts';
import {
  FORGED_ADDRESS,
  FORGERIES,
  type Forgery,
  type Script,
  startZoneServer,
  type ZoneServer,
} from './fixtures/zone-server.ts';
import { DnsQueryError, type QueryOptions, query } from './resolver.ts';

// The server is fixtures/zone-server.ts: dns-packet on UDP and TCP (no learner code),
// scripted per test to lose datagrams, send forgeries first, set TC, or fail.

/** A second loopback address, for a forger at another address; where it cannot be bound (macOS), the case that needs it is left out. */
const SECOND_LOOPBACK = await canBind('127.0.0.2');

const NAME = 'example.test';
const ADDRESSES = ['192.0.2.1', '192.0.2.2'];
const ZONE = new Map<string, dnsPacket.Answer[]>([
  [
    NAME,
    [
      ...ADDRESSES.map((data) => ({ name: NAME, type: 'A' as const, ttl: 60, data })),
      { name: NAME, type: 'AAAA', ttl: 60, data: '2001:db8::1' },
      { name: NAME, type: 'MX', ttl: 60, data: { preference: 10, exchange: `mail.${NAME}` } },
      { name: NAME, type: 'TXT', ttl: 60, data: ['v=spf1 -all', 'second string'] },
    ],
  ],
  [`www.${NAME}`, [{ name: `www.${NAME}`, type: 'CNAME', ttl: 60, data: NAME }]],
]);

/** Where nothing is lost: room for a busy machine, and still under `within`'s 2 s. */
const PATIENT = { timeoutMs: 500, attempts: 2 } as const;
/** Where a datagram is lost on purpose: each loss costs one short timeout. */
const FAST = { timeoutMs: 150, attempts: 3 } as const;
/** For the specs that wait for every attempt to time out. */
const IMPATIENT = { timeoutMs: 60, attempts: 3 } as const;

async function serve(script: Script = {}): Promise<ZoneServer> {
  return startZoneServer(ZONE, script);
}

/** The learner's query, bounded: a query that never settles fails with a reason. */
function ask(
  server: ZoneServer,
  name: string,
  type: RecordType,
  options: QueryOptions = PATIENT,
): Promise<readonly ResourceRecord[]> {
  return within(
    query({ host: LOOPBACK, port: server.port }, name, type, options),
    `query(${type} ${name}) never settled`,
  );
}

/** What the server received, for assertion messages. */
const seenBy = (server: ZoneServer) => `the server received: ${JSON.stringify(server.seen)}`;

/** The A addresses of an answer section; any other record shown by its type. */
const addresses = (answers: readonly ResourceRecord[]) =>
  answers.map((record) => (record.type === 'A' ? record.address : `(${record.type})`));

/** Waits for `settling` to reject and hands back the DnsQueryError; anything else fails. */
async function queryErrorOf(settling: Promise<unknown>): Promise<DnsQueryError> {
  let answers: unknown;
  try {
    answers = await settling;
  } catch (error) {
    if (error instanceof DnsQueryError) return error;
    throw error; // the KataTodo, a DnsFormatError, a raw socket error: shown as it is
  }
  throw new Error(
    `query() answered ${JSON.stringify(answers)}, but it should have rejected with a DnsQueryError`,
  );
}

/** UDP sockets open in this process (node's handle name is UDPWrap). */
const udpSocketsOpen = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'UDPWrap').length;

/** One turn of the event loop: a closed socket leaves the list one turn after its 'close'. */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** UDP sockets open once those closed by earlier tests are gone. */
async function udpSocketsSettled(): Promise<number> {
  await nextTurn();
  return udpSocketsOpen();
}

/** Resolves once no more UDP sockets are open than `before`. */
async function udpSocketsBackTo(before: number): Promise<void> {
  while (udpSocketsOpen() > before) await nextTurn();
}

describe('RFC 1035 §4.2.1, §4.1.3: a query over UDP; the answer section comes back', () => {
  test('A: every address of the RRset, once', async () => {
    const server = await serve();
    const answers = await ask(server, NAME, 'A');
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    expect(server.seen, 'one datagram, no retry').toEqual([
      { transport: 'udp', id: expect.any(Number), name: NAME, type: 'A' },
    ]);
  });

  test('AAAA (RFC 3596): the address as RFC 5952 text', async () => {
    const server = await serve();
    expect(await ask(server, NAME, 'AAAA'), seenBy(server)).toMatchObject([
      { name: NAME, type: 'AAAA', address: '2001:db8::1' },
    ]);
  });

  test('MX: preference and exchange', async () => {
    const server = await serve();
    expect(await ask(server, NAME, 'MX'), seenBy(server)).toMatchObject([
      { name: NAME, type: 'MX', preference: 10, exchange: `mail.${NAME}` },
    ]);
  });

  test('TXT: the character-strings, as sent', async () => {
    const server = await serve();
    expect(await ask(server, NAME, 'TXT'), seenBy(server)).toMatchObject([
      {
        name: NAME,
        type: 'TXT',
        texts: [Buffer.from('v=spf1 -all'), Buffer.from('second string')],
      },
    ]);
  });

  test('a CNAME answer comes back as the server sent it (a stub does not chase it)', async () => {
    const server = await serve();
    expect(await ask(server, `www.${NAME}`, 'A'), seenBy(server)).toMatchObject([
      { name: `www.${NAME}`, type: 'CNAME', target: NAME },
    ]);
  });

  test('names are case-insensitive (RFC 4343): EXAMPLE.test is answered like example.test', async () => {
    const server = await serve();
    const answers = await ask(server, 'EXAMPLE.test', 'A');
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
  });

  test('an IPv6 server (::1) is asked over UDP on IPv6', async () => {
    const server = dgram.createSocket('udp6');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise<void>((resolve) => server.bind(0, '::1', resolve));
    server.on('message', (message, remote) => {
      const asked = dnsPacket.decode(message);
      const answer = dnsPacket.encode({
        type: 'response',
        id: asked.id ?? 0,
        questions: asked.questions ?? [],
        answers: [{ name: NAME, type: 'A', ttl: 1, data: '192.0.2.6' }],
      });
      server.send(answer, remote.port, remote.address);
    });
    const answers = await within(
      query({ host: '::1', port: server.address().port }, NAME, 'A', PATIENT),
      'query() to ::1 never settled',
    );
    expect(addresses(answers)).toEqual(['192.0.2.6']);
  });

  test('a name asked with its trailing dot (the root, written) is the same name', async () => {
    const server = await serve();
    const answers = await ask(server, `${NAME}.`, 'A');
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    expect(server.seen, 'taken at once: no retry was needed').toHaveLength(1);
  });

  test('RFC 4343 §3: a reply that spells the question in another case of A–Z is the reply', async () => {
    // the server writes EXAMPLE.TEST in its question section: the same name, compared without case
    const server = await serve({ respell: (name) => name.toUpperCase() });
    const answers = await ask(server, NAME, 'A');
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    expect(server.seen, 'taken at once: no retry was needed').toHaveLength(1);
  });
});

describe('RFC 5452 §9.2: the ID is unpredictable, or given', () => {
  test('the query carries the ID that options.id gives', async () => {
    const server = await serve();
    await ask(server, NAME, 'A', { ...PATIENT, id: () => 0xbeef });
    expect(server.seen.map((seen) => seen.id)).toEqual([0xbeef]);
  });

  test('by default, the ID differs from query to query', async () => {
    const server = await serve();
    for (let i = 0; i < 8; i += 1) await ask(server, NAME, 'A');
    // 8 IDs drawn from 2^16: two equal pairs would happen about once in 10^7 runs
    expect(new Set(server.seen.map((seen) => seen.id)).size, seenBy(server)).toBeGreaterThan(6);
  });
});

describe('RFC 5452 §9.1, RFC 1035 §7.3: only the reply to this question, from this server, is taken', () => {
  test.each(Object.keys(FORGERIES) as Forgery[])(
    'first %s: ignored (not an error), and the real reply after it is taken',
    async (forgery) => {
      const server = await serve({ first: [forgery] });
      const answers = await ask(server, NAME, 'A');
      expect(
        addresses(answers).sort(),
        `sent first: ${FORGERIES[forgery]} (forgeries answer ${FORGED_ADDRESS})`,
      ).toEqual([...ADDRESSES].sort());
      expect(server.seen, 'answered at once: no retry was needed').toHaveLength(1);
    },
  );

  test.each([
    ['another port', LOOPBACK, 0],
    ...(SECOND_LOOPBACK
      ? ([['another address (127.0.0.2), the same port', '127.0.0.2', undefined]] as const)
      : []),
  ] as const)(
    'a reply from %s is ignored, even with the right ID and question',
    async (_case, forgerAddress, forgerPort) => {
      // A forger who guessed the ID, sending from elsewhere; the real server stays silent.
      const silent = dgram.createSocket('udp4');
      const forger = dgram.createSocket('udp4');
      onTestFinished(async () => {
        await new Promise((resolve) => silent.close(() => resolve(undefined)));
        await new Promise((resolve) => forger.close(() => resolve(undefined)));
      });
      await new Promise<void>((resolve) => silent.bind(0, LOOPBACK, resolve));
      await new Promise<void>((resolve) =>
        forger.bind(forgerPort ?? silent.address().port, forgerAddress, resolve),
      );
      let forgedSent = 0;
      silent.on('message', (message, remote) => {
        const asked = dnsPacket.decode(message);
        const forged = dnsPacket.encode({
          type: 'response',
          id: asked.id ?? 0,
          questions: asked.questions ?? [],
          answers: [{ name: NAME, type: 'A', ttl: 1, data: FORGED_ADDRESS }],
        });
        forger.send(forged, remote.port, remote.address);
        forgedSent += 1;
      });
      const port = silent.address().port;
      const options = { timeoutMs: 100, attempts: 1 };
      const error = await queryErrorOf(query({ host: LOOPBACK, port }, NAME, 'A', options));
      expect(forgedSent, 'the forger never answered').toBe(1);
      expect(error.reason, error.message).toBe('timeout');
    },
  );
});

describe('RFC 1035 §4.2.1, RFC 1123 §6.1.3.3: UDP loses datagrams; the resolver sends again', () => {
  test('the first datagram lost: answered on the second attempt', async () => {
    const server = await serve({ dropFirst: 1 });
    const answers = await ask(server, NAME, 'A', FAST);
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    expect(server.seen.map((seen) => seen.transport)).toEqual(['udp', 'udp']);
  });

  test('options.attempts is the number of datagrams sent: 2 attempts, 2 datagrams, then the timeout', async () => {
    const server = await serve({ dropFirst: 99 });
    const error = await queryErrorOf(ask(server, NAME, 'A', { timeoutMs: 60, attempts: 2 }));
    expect(error.message).toMatch(/\b2 attempts\b/);
    expect(server.seen, 'one datagram per attempt').toHaveLength(2);
  });

  test('every attempt lost: a timeout error that says how many attempts', async () => {
    const server = await serve({ dropFirst: 99 });
    const error = await queryErrorOf(ask(server, NAME, 'A', IMPATIENT));
    expect(error.reason, error.message).toBe('timeout');
    expect(error.message).toMatch(/\b3 attempts\b/);
    expect(server.seen, 'one datagram per attempt').toHaveLength(3);
  });
});

describe('Node dgram: the UDP socket is closed on every way out', () => {
  test('after the answer', async () => {
    const server = await serve();
    const before = await udpSocketsSettled();
    await ask(server, NAME, 'A');
    await within(
      udpSocketsBackTo(before),
      'query() answered, but its UDP socket stayed open',
      1000,
    );
  });

  test('after the last attempt timed out', async () => {
    const server = await serve({ dropFirst: 99 });
    const before = await udpSocketsSettled();
    await queryErrorOf(ask(server, NAME, 'A', IMPATIENT));
    await within(udpSocketsBackTo(before), 'query() gave up, but its UDP socket stayed open', 1000);
  });
});

describe('Node dgram: an error on the UDP socket rejects the query, not the process', () => {
  test('a socket error (as a failed send emits) rejects the query with that error', async () => {
    const server = await serve({ dropFirst: 99 });
    const createSocket = vi.spyOn(dgram, 'createSocket');
    onTestFinished(() => createSocket.mockRestore());
    const asking = ask(server, NAME, 'A', { timeoutMs: 1500, attempts: 1 });
    const outcome = asking.then(
      () => 'answered',
      (error: unknown) => error,
    );
    // the query is out once the server saw it; stop at once if query() settled first
    let settled = false;
    void outcome.then(() => {
      settled = true;
    });
    await within(
      (async () => {
        while (server.seen.length === 0 && !settled) await nextTurn();
      })(),
      'the server never received the query',
    );
    if (settled) throw await outcome;
    const socket = createSocket.mock.results[0]?.value as dgram.Socket | undefined;
    expect(socket, 'query() did not open its socket with dgram.createSocket').toBeDefined();
    const failure = new Error('send EHOSTUNREACH (emitted by the spec)');
    socket?.emit('error', failure);
    expect(await outcome).toBe(failure);
  });
});

describe('RFC 1035 §4.2.2, RFC 7766 §5: TC set, so the same question again over TCP', () => {
  test('a truncated UDP reply is followed by the same question over TCP, and its answer', async () => {
    const server = await serve({ truncateUdp: true });
    const answers = await ask(server, NAME, 'A');
    expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    expect(server.seen.map(({ transport, name, type }) => ({ transport, name, type }))).toEqual([
      { transport: 'udp', name: NAME, type: 'A' },
      { transport: 'tcp', name: NAME, type: 'A' },
    ]);
  });

  test('the reply is read by its 2-octet length, even when it arrives one octet at a time', async () => {
    const server = await serve({
      truncateUdp: true,
      cutTcp: (framed) => [...framed].map((octet) => Buffer.from([octet])),
    });
    expect(await ask(server, NAME, 'MX'), seenBy(server)).toMatchObject([
      { type: 'MX', preference: 10, exchange: `mail.${NAME}` },
    ]);
  });

  test('RFC 7766 §6.2.1: the client closes the connection once it has the reply', async () => {
    const server = await serve({ truncateUdp: true });
    // a long timeout: the connection must close because the reply is in, not because it idled
    await ask(server, NAME, 'A', { timeoutMs: 10_000, attempts: 1 });
    await within(
      server.tcpClientClosed,
      'query() answered, but its TCP connection to the server stayed open',
    );
  });

  test.each(['another-id', 'not-dns'] as const)(
    'over TCP, a message first with %s: skipped by its length, and the real reply after it taken',
    async (forgery) => {
      const server = await serve({ truncateUdp: true, tcpFirst: [forgery] });
      const answers = await ask(server, NAME, 'A');
      expect(addresses(answers).sort(), seenBy(server)).toEqual([...ADDRESSES].sort());
    },
  );

  test('a TCP server that never answers: a timeout after timeoutMs, not a hang', async () => {
    const server = await serve({ truncateUdp: true, tcpSilent: true });
    const error = await queryErrorOf(ask(server, NAME, 'A', { timeoutMs: 150, attempts: 1 }));
    expect(error.reason, error.message).toBe('timeout');
  });

  test('a TCP connection reset by the server: tcp-failed', async () => {
    const server = await serve({ truncateUdp: true, tcpReset: true });
    const error = await queryErrorOf(ask(server, NAME, 'A'));
    expect(error.reason, error.message).toBe('tcp-failed');
  });

  test.each([1, 2, 20])(
    'the connection closed after octet %i of the reply: a clear error, not a hang',
    async (octets) => {
      const server = await serve({ truncateUdp: true, tcpCloseAfter: octets });
      const error = await queryErrorOf(ask(server, NAME, 'A'));
      expect(error.reason, error.message).toBe('tcp-failed');
    },
  );

  test('the TCP timeout error names the transport and the timeout it waited', async () => {
    const server = await serve({ truncateUdp: true, tcpSilent: true });
    const error = await queryErrorOf(ask(server, NAME, 'A', { timeoutMs: 150, attempts: 1 }));
    expect(error.reason, error.message).toBe('timeout');
    expect(error.message).toMatch(/\bTCP\b/);
    expect(error.message).toMatch(/\b150 ?ms\b/);
  });

  test('a reset TCP connection: the error names the transport and passes on the socket error', async () => {
    const server = await serve({ truncateUdp: true, tcpReset: true });
    const error = await queryErrorOf(ask(server, NAME, 'A'));
    expect(error.reason, error.message).toBe('tcp-failed');
    expect(error.message).toMatch(/\bTCP\b/);
    expect(error.message).toMatch(/\b(ECONNRESET|EPIPE)\b/);
  });

  test.each([1, 20])(
    'the connection closed after octet %i: the error says how many octets came',
    async (octets) => {
      const server = await serve({ truncateUdp: true, tcpCloseAfter: octets });
      const error = await queryErrorOf(ask(server, NAME, 'A'));
      expect(error.reason, error.message).toBe('tcp-failed');
      expect(error.message).toMatch(new RegExp(`\\b${octets} octets?\\b`));
    },
  );
});

describe('RFC 1035 §4.1.1: RCODE, an error is a clear error', () => {
  test('NXDOMAIN (3): the name does not exist, and the error names it', async () => {
    const server = await serve();
    const error = await queryErrorOf(ask(server, `nowhere.${NAME}`, 'A'));
    expect(error.reason, error.message).toBe('nxdomain');
    expect(error.domain).toBe(`nowhere.${NAME}`);
    expect(error.message).toContain(`nowhere.${NAME}`);
  });

  test('RFC 2308 §2.2: a name without records of the type is an empty answer (NODATA), not an error', async () => {
    const server = await serve();
    expect(await ask(server, NAME, 'CNAME'), seenBy(server)).toEqual([]);
  });

  test('any other error RCODE (NOTIMP, 4): other-rcode, and the message gives the RCODE', async () => {
    const server = await serve({ rcode: 'NOTIMP' });
    const error = await queryErrorOf(ask(server, NAME, 'A'));
    expect(error.reason, error.message).toBe('other-rcode');
    expect(error.message).toMatch(/RCODE 4\b/);
  });

  test.each(['SERVFAIL', 'REFUSED', 'FORMERR'] as const)('%s: its own reason', async (rcode) => {
    const server = await serve({ rcode });
    const error = await queryErrorOf(ask(server, NAME, 'A'));
    expect(error.reason, error.message).toBe(rcode.toLowerCase());
  });
});
