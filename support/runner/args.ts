/** The runner's command line, read into one command. */
import { nameProblem } from '../board/standing.ts';
import { TRACK_NAMES, type TrackName } from '../tracks.ts';
import { MESSAGES } from './messages.ts';

export type Command =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'watch';
      readonly number?: number;
      readonly force: boolean;
      readonly pairMinutes?: number;
      readonly poll: boolean;
      /** A track to follow from now on (it is recorded); the recorded one when left out. */
      readonly track?: TrackName;
      /** The room's board, where the standing is posted after each run. */
      readonly board?: BoardTarget;
    }
  | {
      readonly kind: 'once';
      readonly number?: number;
      readonly force: boolean;
      readonly track?: TrackName;
    }
  | { readonly kind: 'reset'; readonly number?: number }
  | { readonly kind: 'catch-up'; readonly before: number }
  | {
      readonly kind: 'serve';
      readonly number?: number;
      readonly force: boolean;
      readonly port: number;
    }
  | {
      readonly kind: 'measure';
      readonly number?: number;
      readonly force: boolean;
      readonly seconds?: number;
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
  '--measure',
  '--poll',
  '--progress',
  '--json',
  '--ui',
] as const;
const VALUED = ['--catch-up', '--port', '--pair', '--seconds'] as const;
type Flag = (typeof FLAGS)[number];
type Valued = (typeof VALUED)[number];

const DEFAULT_PAIR_MINUTES = 10;

/** Where a pair's standing goes: the board's origin, the room's join code, the pair's name. */
export interface BoardTarget {
  readonly url: string;
  readonly code: string;
  readonly name: string;
}

/** The strings of a command line: `--track`, and the board's three (or their variables). */
const TEXTS = ['--track', '--board', '--code', '--name'] as const;
type Text = (typeof TEXTS)[number];

/** The board from --board, --code and --name, or KATA_BOARD, KATA_BOARD_CODE, KATA_BOARD_NAME. */
function boardOf(
  texts: ReadonlyMap<Text, string>,
  env: NodeJS.ProcessEnv,
): BoardTarget | string | undefined {
  const url = texts.get('--board') ?? env.KATA_BOARD;
  const code = texts.get('--code') ?? env.KATA_BOARD_CODE;
  const name = texts.get('--name') ?? env.KATA_BOARD_NAME;
  if (url === undefined && code === undefined && name === undefined) return undefined;
  if (url === undefined || !/^https?:\/\/[^/]+\/?$/.test(url))
    return MESSAGES.badBoard(
      `the board's address is http://HOST:PORT, got ${JSON.stringify(url ?? '')}`,
    );
  if (code === undefined || code === '')
    return MESSAGES.badBoard('the join code (--code) is missing');
  if (name === undefined) return MESSAGES.badBoard("the pair's name (--name) is missing");
  const problem = nameProblem(name);
  if (problem !== undefined) return MESSAGES.badBoard(problem);
  return { url: url.replace(/\/$/, ''), code, name };
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Command {
  const flags = new Set<Flag>();
  const values = new Map<Valued, number>();
  let number: number | undefined;
  const texts = new Map<Text, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if ((TEXTS as readonly string[]).includes(arg)) {
      texts.set(arg as Text, argv[i + 1] ?? '');
      i++;
    } else if ((FLAGS as readonly string[]).includes(arg)) {
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
  const trackName = texts.get('--track') ?? (env.KATA_TRACK || undefined);
  const track = TRACK_NAMES.find((name) => name === trackName);
  if (trackName !== undefined && track === undefined)
    return { kind: 'invalid', message: MESSAGES.unknownTrack(trackName, TRACK_NAMES) };
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
  if (flags.has('--measure'))
    return { kind: 'measure', number, force, seconds: values.get('--seconds') };
  if (flags.has('--once')) return { kind: 'once', number, force, track };
  const board = boardOf(texts, env);
  if (typeof board === 'string') return { kind: 'invalid', message: board };
  return { kind: 'watch', number, force, pairMinutes: values.get('--pair'), poll, track, board };
}
