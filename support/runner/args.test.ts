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
