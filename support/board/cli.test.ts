/** The board's command line: its one option, the addresses it prints, the pair's command. */
import { describe, expect, test } from 'vitest';
import { CLI_TEXT, DEFAULT_PORT, joinCommand, lanAddresses, parseBoardArgs } from './cli.ts';

describe('npm run board [-- --port P]', () => {
  test('--port P, 1 to 65535, the default otherwise; why: a facilitator can move off a taken port', () => {
    expect(parseBoardArgs([])).toEqual({ kind: 'start', port: DEFAULT_PORT });
    expect(parseBoardArgs(['--port', '8080'])).toEqual({ kind: 'start', port: 8080 });
    expect(parseBoardArgs(['--port', '0'])).toEqual({
      kind: 'invalid',
      message: CLI_TEXT.badPort('0'),
    });
    expect(parseBoardArgs(['--port'])).toEqual({
      kind: 'invalid',
      message: CLI_TEXT.badPort(undefined),
    });
    expect(parseBoardArgs(['--prot', '1'])).toEqual({
      kind: 'invalid',
      message: CLI_TEXT.unknown('--prot'),
    });
  });

  test('the LAN addresses: IPv4 first, global IPv6 in brackets, no loopback or link-local; why: the room must reach the URL', () => {
    const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({
      address,
      family,
      internal,
      netmask: '',
      mac: '00:00:00:00:00:00',
      cidr: null,
      ...(family === 'IPv6' ? { scopeid: 0 } : {}),
    });
    const interfaces = {
      lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
      wlan0: [info('fe80::1', 'IPv6'), info('2001:db8::7', 'IPv6'), info('192.168.1.20', 'IPv4')],
    } as unknown as Parameters<typeof lanAddresses>[0];
    expect(lanAddresses(interfaces)).toEqual(['192.168.1.20', '[2001:db8::7]']);
  });

  test('the command each pair runs; why: it is copied from the projector as it is', () => {
    expect(joinCommand('http://192.168.1.20:4321', 'QWERTY')).toBe(
      'npm run kata -- --board http://192.168.1.20:4321 --code QWERTY --name "Ada & Linus"',
    );
  });
});
