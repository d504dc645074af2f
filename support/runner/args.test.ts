import { describe, expect, test } from 'vitest';
import { parseArgs } from './args.ts';

const parse = (line: string, env: NodeJS.ProcessEnv = {}) =>
  parseArgs(line.split(' ').filter(Boolean), env);

describe('the command line', () => {
  test('no argument: watch the next pending kata', () => {
    expect(parse('')).toEqual({
      kind: 'watch',
      number: undefined,
      force: false,
      pairMinutes: undefined,
      poll: false,
    });
  });
  test('a number and --once', () => {
    expect(parse('17 --once')).toEqual({ kind: 'once', number: 17, force: false });
  });
  test('--force, or KATA_UNLOCK=all', () => {
    expect(parse('3 --once --force')).toMatchObject({ force: true });
    expect(parse('3 --once', { KATA_UNLOCK: 'all' })).toMatchObject({ force: true });
  });
  test('--catch-up takes the kata to catch up to', () => {
    expect(parse('--catch-up 17')).toEqual({ kind: 'catch-up', before: 17 });
    expect(parse('--catch-up x')).toMatchObject({ kind: 'invalid' });
  });
  test('--pair defaults to 10 minutes', () => {
    expect(parse('--pair')).toMatchObject({ kind: 'watch', pairMinutes: 10 });
    expect(parse('4 --pair 15')).toMatchObject({ kind: 'watch', number: 4, pairMinutes: 15 });
    expect(parse('--pair --poll')).toMatchObject({ pairMinutes: 10, poll: true });
  });
  test.each(['0', 'abc', '1.5'])('--pair %s is refused with its own message', (value) => {
    const command = parse(`--pair ${value}`);
    expect(command).toMatchObject({ kind: 'invalid' });
    expect(command.kind === 'invalid' && command.message).toContain('--pair takes the minutes');
  });
  test('--serve with an optional port', () => {
    expect(parse('3 --serve --port 8080')).toEqual({
      kind: 'serve',
      number: 3,
      force: false,
      port: 8080,
    });
    expect(parse('3 --serve')).toMatchObject({ port: 0 });
  });
  test('--measure with optional seconds', () => {
    expect(parse('44 --measure --seconds 3')).toEqual({
      kind: 'measure',
      number: 44,
      force: false,
      seconds: 3,
    });
    expect(parse('44 --measure')).toMatchObject({ kind: 'measure', seconds: undefined });
  });
  test('--track names a track, or KATA_TRACK does; an unknown one is refused with the list', () => {
    expect(parse('--track workshop')).toMatchObject({ kind: 'watch', track: 'workshop' });
    expect(parseArgs([], { KATA_TRACK: 'workshop' })).toMatchObject({ track: 'workshop' });
    const command = parse('--track nope');
    expect(command.kind === 'invalid' && command.message).toContain('all, workshop');
  });
  test('--board, --code and --name (or KATA_BOARD, KATA_BOARD_CODE, KATA_BOARD_NAME)', () => {
    expect(
      parseArgs(
        ['--board', 'http://10.0.0.5:4321/', '--code', 'TYNETF', '--name', 'Ada & Linus'],
        {},
      ),
    ).toMatchObject({
      kind: 'watch',
      board: { url: 'http://10.0.0.5:4321', code: 'TYNETF', name: 'Ada & Linus' },
    });
    const env = { KATA_BOARD: 'http://h:1', KATA_BOARD_CODE: 'C', KATA_BOARD_NAME: 'Ada' };
    expect(parseArgs([], env)).toMatchObject({
      board: { url: 'http://h:1', code: 'C', name: 'Ada' },
    });
    expect(parseArgs([], {})).toMatchObject({ board: undefined });
  });
  test('a board without its code, with a name too long, or not at http://HOST:PORT is refused', () => {
    const refusal = (argv: string[]) => {
      const command = parseArgs(argv, {});
      return command.kind === 'invalid' ? command.message : '';
    };
    expect(refusal(['--board', 'http://h:1', '--name', 'Ada'])).toContain('join code');
    expect(refusal(['--board', 'h:1', '--code', 'C', '--name', 'Ada'])).toContain(
      'http://HOST:PORT',
    );
    expect(refusal(['--board', 'http://h:1', '--code', 'C', '--name', 'x'.repeat(61)])).toContain(
      '--board',
    );
  });
  test('--progress, with --json', () => {
    expect(parse('--progress --json')).toEqual({ kind: 'progress', json: true });
  });
  test('--poll, or KATA_POLL=1, for file systems without file events', () => {
    expect(parse('--poll')).toMatchObject({ poll: true });
    expect(parse('', { KATA_POLL: '1' })).toMatchObject({ poll: true });
  });
  test('an unknown option is refused with its name', () => {
    const command = parse('--frobnicate');
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.message).toContain('--frobnicate');
  });
});
