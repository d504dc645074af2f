/**
 * `npm run board [-- --port P]`: the facilitator's board for the room. It listens on every
 * interface, so that the pairs' machines reach it, and prints the addresses to open and the
 * command each pair runs.
 */
import type net from 'node:net';
import { CLI_TEXT, joinCommand, lanAddresses, parseBoardArgs } from './cli.ts';
import { createBoard } from './server.ts';

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseBoardArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(CLI_TEXT.usage);
    return 0;
  }
  if (command.kind === 'invalid') {
    process.stderr.write(command.message + CLI_TEXT.usage);
    return 2;
  }
  const board = createBoard();
  try {
    // '::' takes IPv4 too where the system is dual-stack; a machine without IPv6 gets 0.0.0.0
    await listen(board.server, command.port, '::').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EAFNOSUPPORT' && error.code !== 'EADDRNOTAVAIL') throw error;
      return listen(board.server, command.port, '0.0.0.0');
    });
  } catch (error) {
    const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    process.stderr.write(taken ? CLI_TEXT.taken(command.port) : `${(error as Error).message}\n`);
    await board.close();
    return 1;
  }
  const { port } = board.server.address() as net.AddressInfo;
  const origins = [...lanAddresses(), '127.0.0.1'].map((host) => `http://${host}:${port}`);
  const shared = origins[0] as string;
  process.stdout.write(
    CLI_TEXT.banner(
      origins.map((origin) => `${origin}/`),
      joinCommand(shared, board.code),
      board.stateFile,
    ),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await board.close();
  process.stdout.write(CLI_TEXT.stopped);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
