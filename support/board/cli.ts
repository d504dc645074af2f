/**
 * The board's command line: its options, the addresses the room can reach, and the command
 * each pair runs.
 */
import os from 'node:os';

export const DEFAULT_PORT = 4321;

export type BoardCommand =
  | { readonly kind: 'start'; readonly port: number }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly message: string };

/** The texts of the command line. */
export const CLI_TEXT = {
  usage: `usage: npm run board [-- --port P]   (P: 1 to 65535, ${DEFAULT_PORT} when left out)\n`,
  badPort: (value: string | undefined) =>
    `--port wants a number from 1 to 65535${value === undefined ? '' : `, not "${value}"`}.\n`,
  unknown: (arg: string) => `Unknown option "${arg}".\n`,
  taken: (port: number) =>
    `Port ${port} is taken by another program: choose another with npm run board -- --port P.\n`,
  banner: (urls: readonly string[], command: string, stateFile: string) =>
    [
      'The kata board is up. Open it on the projector:',
      ...urls.map((url) => `  ${url}`),
      '',
      'Each pair runs, in its own copy of the repository (their names instead of Ada & Linus):',
      `  ${command}`,
      '',
      `The room is kept in ${stateFile}; Ctrl-C stops the board.`,
      '',
    ].join('\n'),
  stopped: 'The board stopped.\n',
} as const;

/** The example name of the printed command. */
export const EXAMPLE_NAME = 'Ada & Linus';

export function parseBoardArgs(argv: readonly string[]): BoardCommand {
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg !== '--port') return { kind: 'invalid', message: CLI_TEXT.unknown(arg) };
    const value = argv[++i];
    const number = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || number < 1 || number > 65_535) {
      return { kind: 'invalid', message: CLI_TEXT.badPort(value) };
    }
    port = number;
  }
  return { kind: 'start', port };
}

/** The machine's addresses the room can reach: IPv4 first, then global IPv6; never link-local. */
export function lanAddresses(
  interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces(),
): string[] {
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const external = all.filter((info) => !info.internal);
  const v4 = external.filter((info) => info.family === 'IPv4').map((info) => info.address);
  const v6 = external
    .filter((info) => info.family === 'IPv6' && !/^fe80:/i.test(info.address))
    .map((info) => `[${info.address}]`);
  return [...new Set([...v4, ...v6])];
}

/** The command a pair runs; the name is quoted for a POSIX shell. */
export function joinCommand(origin: string, code: string, name = EXAMPLE_NAME): string {
  return `npm run kata -- --board ${origin} --code ${code} --name "${name}"`;
}
