import dgram from 'node:dgram';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { canBind, within } from '../../support/harness/index.ts';
import { startSntpServer } from './fixtures/sntp-server.ts';
import {
  fromNtpTimestamp,
  type InvalidReason,
  NTP_UNIX_OFFSET_SECONDS,
  PACKET_OCTETS,
  parseSntpReply,
  queryTime,
  SntpError,
  sntpRequest,
  toNtpTimestamp,
} from './sntp.ts';

/** A second loopback address, for a forger at another address; where it cannot be bound (macOS), the case that needs it is left out. */
const SECOND_LOOPBACK = await canBind('127.0.0.2');

/** A server reply with the given first octet, stratum and timestamps (NTP seconds, fraction 0). */
function reply(fields: {
  first?: number;
  stratum?: number;
  t1?: number;
  t2?: number;
  t3?: number;
  refid?: string;
}) {
  const bytes = Buffer.alloc(PACKET_OCTETS);
  bytes[0] = fields.first ?? (0 << 6) | (4 << 3) | 4;
  bytes[1] = fields.stratum ?? 1;
  bytes.write(fields.refid ?? 'GPS\0', 12, 'latin1');
  bytes.writeUInt32BE(fields.t1 ?? 0, 24);
  bytes.writeUInt32BE(fields.t2 ?? 0, 32);
  bytes.writeUInt32BE(fields.t3 ?? 0, 40);
  return bytes;
}

function refusal(bytes: Uint8Array): InvalidReason | string {
  try {
    return `read as ${JSON.stringify(parseSntpReply(bytes, Date.now()))}`;
  } catch (error) {
    if (error instanceof SntpError) return error.reason;
    throw error;
  }
}

/** 2026-11-24T00:00:00Z in NTP seconds: inside era 0. */
const NOW_NTP = Date.UTC(2026, 10, 24) / 1000 + NTP_UNIX_OFFSET_SECONDS;

describe('RFC 5905 §6: the NTP timestamp counts from 1900', () => {
  test('the Unix epoch is 2,208,988,800 seconds after the NTP epoch', () => {
    expect(toNtpTimestamp(0)).toEqual({ seconds: 2_208_988_800, fraction: 0 });
  });

  test('half a second is a fraction of 2^31', () => {
    expect(toNtpTimestamp(500).fraction).toBe(2 ** 31);
  });

  test('RFC 4330 §3: a timestamp with bit 0 clear is in era 1, after 2036-02-07T06:28:16Z', () => {
    expect(new Date(fromNtpTimestamp({ seconds: 0, fraction: 0 })).toISOString()).toBe(
      '2036-02-07T06:28:16.000Z',
    );
    expect(new Date(fromNtpTimestamp({ seconds: 0x80000000, fraction: 0 })).toISOString()).toBe(
      '1968-01-20T03:14:08.000Z',
    );
  });
});

describe('RFC 4330 §3: the 2036 rollover, writing', () => {
  test('2036-02-07T06:28:16Z is second 0 of era 1', () => {
    expect(toNtpTimestamp(Date.UTC(2036, 1, 7, 6, 28, 16))).toEqual({ seconds: 0, fraction: 0 });
  });
});

describe('RFC 4330 §5: the client request', () => {
  test('48 octets: LI 0, VN 4, Mode 3 (client) in the first', () => {
    const request = sntpRequest(0);
    expect(request).toHaveLength(PACKET_OCTETS);
    expect(request[0]).toBe((0 << 6) | (4 << 3) | 3);
  });

  test('the Transmit Timestamp is T1, the time it leaves; the rest is zero', () => {
    const t1 = Date.UTC(2026, 10, 24, 12, 0, 0, 250);
    const request = Buffer.from(sntpRequest(t1));
    expect(request.readUInt32BE(40)).toBe(t1 / 1000 - 0.25 + NTP_UNIX_OFFSET_SECONDS);
    expect(request.readUInt32BE(44)).toBe(2 ** 30);
    expect(request.subarray(1, 40).every((octet) => octet === 0)).toBe(true);
  });
});

describe('RFC 5905 §8: offset and delay from T1, T2, T3 and T4', () => {
  test('θ = ((T2 − T1) + (T3 − T4)) / 2 and δ = (T4 − T1) − (T3 − T2)', () => {
    // T1 = 0 s, T2 = 10 s, T3 = 11 s, T4 = 3 s (server 9 s ahead, 1 s each way, 1 s held)
    const t4 = fromNtpTimestamp({ seconds: NOW_NTP + 3, fraction: 0 });
    const sample = parseSntpReply(reply({ t1: NOW_NTP, t2: NOW_NTP + 10, t3: NOW_NTP + 11 }), t4);
    expect(sample.offsetMs).toBe(((10 - 0 + (11 - 3)) / 2) * 1000);
    expect(sample.delayMs).toBe((3 - 0 - (11 - 10)) * 1000);
    expect(sample.stratum).toBe(1);
  });
});

describe('RFC 4330 §5, RFC 5905 §7.3: replies a client must not use', () => {
  const ok = { t1: NOW_NTP, t2: NOW_NTP, t3: NOW_NTP };

  test('shorter than 48 octets', () => {
    expect(refusal(reply(ok).subarray(0, 47))).toBe('wrong-length');
  });

  test('not in mode 4 (server): a client request, or a broadcast', () => {
    expect(refusal(reply({ ...ok, first: (4 << 3) | 3 }))).toBe('not-a-server-reply');
    expect(refusal(reply({ ...ok, first: (4 << 3) | 5 }))).toBe('not-a-server-reply');
  });

  test('the not-a-server-reply error names the mode the reply came in', () => {
    for (const mode of [3, 5]) {
      let caught: unknown;
      try {
        parseSntpReply(reply({ ...ok, first: (4 << 3) | mode }), Date.now());
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SntpError);
      expect((caught as SntpError).reason).toBe('not-a-server-reply');
      expect(String(caught)).toMatch(new RegExp(`\\bmode\\W*${mode}\\b`, 'i'));
    }
  });

  test("RFC 4330 §5, RFC 5905 §14: the server copies the request's version (4); 3, 0 and 5 are refused", () => {
    expect(refusal(reply({ ...ok, first: (3 << 3) | 4 }))).toBe('bad-version');
    expect(refusal(reply({ ...ok, first: (0 << 3) | 4 }))).toBe('bad-version');
    expect(refusal(reply({ ...ok, first: (5 << 3) | 4 }))).toBe('bad-version');
  });

  test("§7.4: stratum 0 is a Kiss-o'-Death; the error carries the kiss code", () => {
    expect(refusal(reply({ ...ok, stratum: 0, refid: 'RATE' }))).toBe('kiss-of-death');
    expect(() => parseSntpReply(reply({ ...ok, stratum: 0, refid: 'DENY' }), 0)).toThrow(/DENY/);
  });

  test("§7.4: a Kiss-o'-Death with leap indicator 3 (as real ones often carry) still gives its kiss code", () => {
    const kiss = reply({ ...ok, first: (3 << 6) | (4 << 3) | 4, stratum: 0, refid: 'RATE' });
    expect(refusal(kiss)).toBe('kiss-of-death');
    expect(() => parseSntpReply(kiss, 0)).toThrow(/RATE/);
  });

  test('leap indicator 3: the server is not synchronized', () => {
    expect(refusal(reply({ ...ok, first: (3 << 6) | (4 << 3) | 4 }))).toBe('unsynchronized');
  });

  test('a zero Transmit Timestamp', () => {
    expect(refusal(reply({ ...ok, t3: 0 }))).toBe('no-transmit-time');
  });

  test('zero seconds with a non-zero fraction is not a zero Transmit Timestamp (all 64 bits count)', () => {
    const bytes = reply({ ...ok, t3: 0 });
    bytes.writeUInt32BE(1, 44); // the fraction of T3
    expect(refusal(bytes)).toMatch(/^read as /);
  });
});

describe('RFC 4330: against the ntp-time server, with a known skew', () => {
  test.each([3_500, -120_000, 86_400_000])(
    'a server %i ms ahead: the offset is the skew, within half the delay',
    async (skewMs) => {
      const port = await startSntpServer({ skewMs });
      const sample = await queryTime({ host: '127.0.0.1', port });
      // RFC 5905 §8: the error of θ is at most δ/2; a little more for the ms clock used here
      expect(Math.abs(sample.offsetMs - skewMs)).toBeLessThanOrEqual(sample.delayMs / 2 + 2);
      expect(sample.delayMs).toBeGreaterThanOrEqual(-2);
    },
  );

  test("a reply whose Origin Timestamp is not the request's is ignored; the genuine one is used", async () => {
    const port = await startSntpServer({
      skewMs: 5_000,
      // first a bogus reply, claiming a clock a day off, with a wrong origin
      tamper: (_request, genuine) => {
        const bogus = Buffer.from(genuine);
        bogus.writeUInt32BE(bogus.readUInt32BE(24) - 1, 24);
        bogus.writeUInt32BE(bogus.readUInt32BE(40) + 86_400, 40);
        return [bogus, genuine];
      },
    });
    const sample = await queryTime({ host: '127.0.0.1', port });
    expect(Math.abs(sample.offsetMs - 5_000)).toBeLessThanOrEqual(sample.delayMs / 2 + 2);
  });

  test('only bogus replies: a timeout error', async () => {
    let bogusSent = 0;
    const port = await startSntpServer({
      skewMs: 0,
      tamper: (_request, genuine) => {
        // the last bit of the Origin Timestamp's fraction flipped; >>> 0 keeps it an unsigned 32-bit number
        genuine.writeUInt32BE((genuine.readUInt32BE(28) ^ 1) >>> 0, 28);
        bogusSent += 1;
        return [genuine];
      },
    });
    const error = await queryTime({ host: '127.0.0.1', port }, { timeoutMs: 200 }).catch(
      (caught: unknown) => caught,
    );
    expect(bogusSent, 'the fixture never sent the bogus reply').toBe(1);
    expect(error).toBeInstanceOf(SntpError);
    expect((error as SntpError).reason).toBe('timeout');
  });

  test.each([
    ['another port', '127.0.0.1', 0],
    ...(SECOND_LOOPBACK
      ? ([['another address (127.0.0.2), the same port', '127.0.0.2', undefined]] as const)
      : []),
  ] as const)(
    'RFC 4330 §5: a reply from %s is ignored, even with the right origin',
    async (_case, forgerAddress, forgerPort) => {
      // the server stays silent; a forger elsewhere answers with a reply that echoes the origin
      const silent = dgram.createSocket('udp4');
      const forger = dgram.createSocket('udp4');
      onTestFinished(() => {
        silent.close();
        forger.close();
      });
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
      const port = silent.address().port;
      await new Promise<void>((resolve) => forger.bind(forgerPort ?? port, forgerAddress, resolve));
      let forged = 0;
      silent.on('message', (request, remote) => {
        const t = request.readUInt32BE(40);
        const bytes = reply({ t1: t, t2: t, t3: t });
        request.copy(bytes, 24, 40, 48); // the origin, all 64 bits
        forger.send(bytes, remote.port, remote.address);
        forged += 1;
      });
      const error = await queryTime({ host: '127.0.0.1', port }, { timeoutMs: 200 }).catch(
        (caught: unknown) => caught,
      );
      expect(forged, 'the forger never answered').toBe(1);
      expect((error as SntpError).reason, String(error)).toBe('timeout');
    },
  );

  test('an IPv6 server (::1) is asked over UDP on IPv6', async () => {
    const server = dgram.createSocket('udp6');
    onTestFinished(() => {
      server.close();
    });
    await new Promise<void>((resolve) => server.bind(0, '::1', resolve));
    server.on('message', (request, remote) => {
      const t = request.readUInt32BE(40);
      const bytes = reply({ t1: t, t2: t, t3: t });
      request.copy(bytes, 24, 40, 48);
      server.send(bytes, remote.port, remote.address);
    });
    const sample = await queryTime({ host: '::1', port: server.address().port });
    expect(sample.stratum).toBe(1);
  });

  test('Node dgram: a socket error (as a failed send emits) rejects the query with that error, not the process', async () => {
    const silent = dgram.createSocket('udp4');
    onTestFinished(() => {
      silent.close();
    });
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const received = new Promise<void>((resolve) => silent.once('message', () => resolve()));
    const createSocket = vi.spyOn(dgram, 'createSocket');
    onTestFinished(() => createSocket.mockRestore());
    const outcome = within(
      queryTime({ host: '127.0.0.1', port: silent.address().port }, { timeoutMs: 1500 }),
      'queryTime() never settled after the socket error',
    ).then(
      () => 'answered',
      (error: unknown) => error,
    );
    // the request is out once the server has it; stop at once if queryTime() settled first
    const first = await Promise.race([received.then(() => undefined), outcome]);
    if (first !== undefined) throw first;
    const socket = createSocket.mock.results[0]?.value as dgram.Socket | undefined;
    expect(socket, 'queryTime() did not open its socket with dgram.createSocket').toBeDefined();
    const failure = new Error('send EHOSTUNREACH (emitted by the spec)');
    socket?.emit('error', failure);
    expect(await outcome).toBe(failure);
  });

  test("a Kiss-o'-Death from the server is an error with its code", async () => {
    const port = await startSntpServer({ skewMs: 0, stratum: 0 });
    await expect(queryTime({ host: '127.0.0.1', port })).rejects.toThrow(/kiss-of-death.*RATE/);
  });
});
