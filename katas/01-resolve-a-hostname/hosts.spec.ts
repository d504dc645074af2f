import { promises as dns, type LookupAddress } from 'node:dns';
import { describe, expect, test } from 'vitest';
import { type Family, parseHosts, resolve, type SystemLookup, UnknownHost } from './hosts.ts';

// Addresses and names reserved for documentation and tests, so no spec means a
// real host: 192.0.2.0/24 and 198.51.100.0/24 (RFC 5737), 2001:db8::/32
// (RFC 3849), names under .example and .test (RFC 6761 §6.2, §6.5).

/** A system resolver that records what it was asked and answers `answer`. */
function systemAnswering(answer: LookupAddress) {
  const asked: { hostname: string; family: 0 | Family }[] = [];
  const lookup: SystemLookup = async (hostname, options) => {
    asked.push({ hostname, family: options.family });
    return answer;
  };
  return { lookup, asked };
}

/** A system resolver that fails the way dns.lookup does when getaddrinfo(3) fails. */
function systemFailing(code: 'ENOTFOUND' | 'EAI_AGAIN') {
  const asked: string[] = [];
  const lookup: SystemLookup = async (hostname) => {
    asked.push(hostname);
    throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), {
      code,
      syscall: 'getaddrinfo',
      hostname,
    });
  };
  return { lookup, asked };
}

describe('hosts(5): one line is an address, a canonical name, then aliases', () => {
  test('a line gives its address and its names, canonical name first', () => {
    expect(parseHosts('192.0.2.10 printer.example.test printer\n')).toEqual([
      { address: '192.0.2.10', family: 4, names: ['printer.example.test', 'printer'] },
    ]);
  });

  test('fields are separated by any number of blanks and tabs, before and between them', () => {
    expect(parseHosts('  192.0.2.10 \t printer.example.test\t\tprinter  \n')).toEqual([
      { address: '192.0.2.10', family: 4, names: ['printer.example.test', 'printer'] },
    ]);
  });

  test('an IPv6 address gives family 6', () => {
    expect(parseHosts('2001:db8::10 printer.example.test\n')).toEqual([
      { address: '2001:db8::10', family: 6, names: ['printer.example.test'] },
    ]);
  });

  test('any field after the address is a name: glibc does not check the characters', () => {
    expect(parseHosts('192.0.2.10 under_score.test *wild\n')).toEqual([
      { address: '192.0.2.10', family: 4, names: ['under_score.test', '*wild'] },
    ]);
  });

  test('names keep the letter case they are written in', () => {
    expect(parseHosts('192.0.2.10 Printer.Example.TEST\n')).toEqual([
      { address: '192.0.2.10', family: 4, names: ['Printer.Example.TEST'] },
    ]);
  });

  test('every line gives its own entry, in file order, even for the same name', () => {
    const text = '192.0.2.10 printer\n2001:db8::10 printer\n192.0.2.11 printer scanner';
    expect(parseHosts(text)).toEqual([
      { address: '192.0.2.10', family: 4, names: ['printer'] },
      { address: '2001:db8::10', family: 6, names: ['printer'] },
      { address: '192.0.2.11', family: 4, names: ['printer', 'scanner'] },
    ]);
  });

  test('the CR of a CRLF line end is blank space, not part of the last name', () => {
    expect(parseHosts('192.0.2.10 printer\r\n192.0.2.11 scanner\r\n')).toEqual([
      { address: '192.0.2.10', family: 4, names: ['printer'] },
      { address: '192.0.2.11', family: 4, names: ['scanner'] },
    ]);
  });
});

describe('hosts(5): text from a "#" to the end of the line is a comment', () => {
  test('comment lines and blank lines give no entry', () => {
    const text = '# printers\n\n   \n\t# 192.0.2.10 printer\n192.0.2.11 scanner\n';
    expect(parseHosts(text)).toEqual([{ address: '192.0.2.11', family: 4, names: ['scanner'] }]);
  });

  test('a comment after the names is dropped, with or without a blank before the "#"', () => {
    const text = '192.0.2.10 printer # by the door\n192.0.2.11 scanner#broken\n';
    expect(parseHosts(text)).toEqual([
      { address: '192.0.2.10', family: 4, names: ['printer'] },
      { address: '192.0.2.11', family: 4, names: ['scanner'] },
    ]);
  });
});

describe('hosts(5) as glibc reads it: a line it cannot use is skipped, not an error', () => {
  test('a line whose first field is not an IPv4 or IPv6 address is skipped', () => {
    const text = [
      'printer 192.0.2.10', // name first
      '192.0.2.256 printer', // an octet above 255
      '0xc0.2.10 printer', // inet_aton(3) takes this; inet_pton(3), which hosts files use, does not
      '2001:db8::10::1 printer', // "::" twice
      '192.0.2.11 scanner',
    ].join('\n');
    expect(parseHosts(text)).toEqual([{ address: '192.0.2.11', family: 4, names: ['scanner'] }]);
  });

  test('a line with an address and no name is skipped', () => {
    expect(parseHosts('192.0.2.10\n192.0.2.11 # scanner\n')).toEqual([]);
  });
});

describe('nsswitch.conf(5) "hosts: files dns": resolve looks in the hosts text first', () => {
  const hosts = [
    '192.0.2.10    printer.example.test  printer',
    '2001:db8::10  printer.example.test  printer',
    '192.0.2.11    printer.example.test  scanner',
  ].join('\n');

  test('a canonical name gives the address of its line, and the system is not asked', async () => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(
      resolve('printer.example.test', { hosts, lookup: system.lookup }),
    ).resolves.toEqual({ address: '192.0.2.10', family: 4, source: 'hosts' });
    expect(system.asked).toEqual([]);
  });

  test('an alias gives the address of its line', async () => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(resolve('scanner', { hosts, lookup: system.lookup })).resolves.toEqual({
      address: '192.0.2.11',
      family: 4,
      source: 'hosts',
    });
  });

  test('RFC 4343 §3: a name matches in any letter case', async () => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(
      resolve('PRINTER.Example.Test', { hosts, lookup: system.lookup }),
    ).resolves.toEqual({ address: '192.0.2.10', family: 4, source: 'hosts' });
  });

  test.each([
    ['\u212Aelvin', 'kelvin', 'the Kelvin sign is not K'],
    ['caf\u00E9', 'CAF\u00C9', 'é is not É'],
    ['stra\u00DFe', 'STRASSE', 'ß is not SS'],
  ])(
    'RFC 4343 §3: only A–Z fold, so %j does not match %j (%s): the system is asked',
    async (name, written) => {
      const system = systemAnswering({ address: '198.51.100.1', family: 4 });
      await expect(
        resolve(name, { hosts: `192.0.2.10 ${written}`, lookup: system.lookup }),
      ).resolves.toEqual({ address: '198.51.100.1', family: 4, source: 'system' });
      expect(system.asked).toEqual([{ hostname: name, family: 0 }]);
    },
  );

  test('with family 6, only IPv6 lines count', async () => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(resolve('printer', { hosts, family: 6, lookup: system.lookup })).resolves.toEqual({
      address: '2001:db8::10',
      family: 6,
      source: 'hosts',
    });
  });

  test('a line in the hosts text overrides what the system resolver knows', async () => {
    await expect(resolve('localhost', { hosts: '192.0.2.10 localhost' })).resolves.toEqual({
      address: '192.0.2.10',
      family: 4,
      source: 'hosts',
    });
  });
});

describe('nsswitch.conf(5): a name not in the hosts text goes to the system resolver, getaddrinfo(3)', () => {
  test('by default resolve answers what dns.promises.lookup answers', async () => {
    // Compare with the peer, never with 127.0.0.1: getaddrinfo sorts by RFC 6724
    // and many systems list ::1 first.
    const peer = await dns.lookup('localhost');
    await expect(resolve('localhost', { hosts: '192.0.2.10 printer' })).resolves.toEqual({
      address: peer.address,
      family: peer.family,
      source: 'system',
    });
  });

  test('the name and the family go to the system resolver as given', async () => {
    const system = systemAnswering({ address: '2001:db8::20', family: 6 });
    await expect(
      resolve('Fax.Example.Test', {
        hosts: '2001:db8::10 printer',
        family: 6,
        lookup: system.lookup,
      }),
    ).resolves.toEqual({ address: '2001:db8::20', family: 6, source: 'system' });
    expect(system.asked).toEqual([{ hostname: 'Fax.Example.Test', family: 6 }]);
  });

  test('without a family, the system resolver is asked for either (family 0)', async () => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(resolve('fax.example.test', { lookup: system.lookup })).resolves.toEqual({
      address: '198.51.100.1',
      family: 4,
      source: 'system',
    });
    expect(system.asked).toEqual([{ hostname: 'fax.example.test', family: 0 }]);
  });
});

describe('getaddrinfo(3) EAI_NONAME, ENOTFOUND in Node: an unknown name is an UnknownHost that names it', () => {
  test('getaddrinfo finds nothing (ENOTFOUND): UnknownHost, with the name in the message', async () => {
    const system = systemFailing('ENOTFOUND');
    const failure = resolve('fax.example.test', {
      hosts: '192.0.2.10 printer',
      lookup: system.lookup,
    });
    await expect(failure).rejects.toBeInstanceOf(UnknownHost);
    await expect(failure).rejects.toThrow('fax.example.test');
    await expect(failure).rejects.toMatchObject({
      hostname: 'fax.example.test',
      reason: 'not found',
    });
  });

  test("UnknownHost keeps the system resolver's error as its cause", async () => {
    const system = systemFailing('ENOTFOUND');
    const error = await resolve('fax.example.test', { lookup: system.lookup }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownHost);
    expect(error.cause).toMatchObject({ code: 'ENOTFOUND', hostname: 'fax.example.test' });
  });

  test('any other failure (EAI_AGAIN: no DNS server answered) passes through unchanged', async () => {
    // The name may well exist: calling it unknown would hide a network problem.
    const system = systemFailing('EAI_AGAIN');
    await expect(resolve('fax.example.test', { lookup: system.lookup })).rejects.toMatchObject({
      code: 'EAI_AGAIN',
      hostname: 'fax.example.test',
    });
  });
});

describe('RFC 6761 §6.4: "invalid." and any name falling within it never resolve', () => {
  // glibc's getaddrinfo, and so dns.lookup, do send such names to DNS; here we follow the RFC.
  test.each([
    ['invalid', 'the bare name'],
    ['printer.Invalid', 'a name under it, in any letter case'],
    ['x.invalid.', 'a fully qualified name, with its final dot'],
  ])('%j (%s) is unknown at once, and nobody is asked', async (name) => {
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    const failure = resolve(name, { hosts: '192.0.2.10 printer', lookup: system.lookup });
    await expect(failure).rejects.toBeInstanceOf(UnknownHost);
    await expect(failure).rejects.toThrow(name);
    await expect(failure).rejects.toMatchObject({ hostname: name, reason: 'reserved' });
    expect(system.asked).toEqual([]);
  });

  test('a hosts line that carries a name under "invalid." does not make it resolve', async () => {
    // glibc answers such a line; the RFC's SHOULD comes before the file here.
    const system = systemAnswering({ address: '198.51.100.1', family: 4 });
    await expect(
      resolve('printer.invalid', { hosts: '192.0.2.10 printer.invalid', lookup: system.lookup }),
    ).rejects.toMatchObject({ hostname: 'printer.invalid', reason: 'reserved' });
  });

  test.each(['notinvalid', 'invalid.example.test'])(
    '%j is not within "invalid." and resolves as usual',
    async (name) => {
      const system = systemAnswering({ address: '198.51.100.1', family: 4 });
      await expect(
        resolve(name, { hosts: `192.0.2.10 ${name}`, lookup: system.lookup }),
      ).resolves.toEqual({ address: '192.0.2.10', family: 4, source: 'hosts' });
    },
  );
});
