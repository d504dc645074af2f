/** The runner's command line, read into one command. */
import { MESSAGES } from './messages.ts';

export type Command =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'watch';
      readonly number?: number;
      readonly force: boolean;
      readonly pairMinutes?: number;
      readonly poll: boolean;
    }
  | { readonly kind: 'once'; readonly number?: number; readonly force: boolean }
  | { readonly kind: 'reset'; readonly number?: number }
  | { readonly kind: 'catch-up'; readonly before: number }
  | {
      readonly kind: 'serve';
      readonly number?: number;
      readonly force: boolean;
      readonly port: number;
    }
  | { readonly kind: 'progress'; readonly json: boolean }
  | { readonly kind: 'ui'; readonly poll: boolean }
  | { readonly kind: 'invalid'; readonly message: string };

const FLAGS = [
  '--help',
  '-h',
  '--once',
  '--force',
  '--reset',
  '--serve',
  '--poll',
  '--progress',
  '--json',
  '--ui',
] as const;
const VALUED = ['--catch-up', '--port', '--pair'] as const;
type Flag = (typeof FLAGS)[number];
type Valued = (typeof VALUED)[number];

const DEFAULT_PAIR_MINUTES = 10;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Command {
  const flags = new Set<Flag>();
  const values = new Map<Valued, number>();
  let number: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if ((FLAGS as readonly string[]).includes(arg)) {
      flags.add(arg as Flag);
    } else if ((VALUED as readonly string[]).includes(arg)) {
      const next = argv[i + 1];
      if (arg === '--pair' && (next === undefined || next.startsWith('-'))) {
        values.set('--pair', DEFAULT_PAIR_MINUTES);
        continue;
      }
      if (arg === '--pair' && !/^[1-9]\d*$/.test(next ?? ''))
        return { kind: 'invalid', message: MESSAGES.badPair(next, DEFAULT_PAIR_MINUTES) };
      if (next === undefined || !/^\d+$/.test(next))
        return { kind: 'invalid', message: MESSAGES.badNumber(arg, next) };
      values.set(arg as Valued, Number(next));
      i++;
    } else if (/^\d+$/.test(arg) && number === undefined) {
      number = Number(arg);
    } else {
      return { kind: 'invalid', message: MESSAGES.unknownOption(arg) };
    }
  }
  const force = flags.has('--force') || env.KATA_UNLOCK === 'all';
  const poll = flags.has('--poll') || env.KATA_POLL === '1';
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  if (flags.has('--progress')) return { kind: 'progress', json: flags.has('--json') };
  if (flags.has('--ui')) return { kind: 'ui', poll };
  const catchUp = values.get('--catch-up');
  if (catchUp !== undefined) return { kind: 'catch-up', before: catchUp };
  if (flags.has('--reset')) return { kind: 'reset', number };
  if (flags.has('--serve'))
    return { kind: 'serve', number, force, port: values.get('--port') ?? 0 };
  if (flags.has('--once')) return { kind: 'once', number, force };
  return { kind: 'watch', number, force, pairMinutes: values.get('--pair'), poll };
}
