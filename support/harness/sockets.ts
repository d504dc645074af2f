/**
 * Loopback sockets for specs: servers listen on port 0 on 127.0.0.1, every
 * socket and server is closed when the test finishes, and every wait has a short
 * explicit timeout whose message says what never happened.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { onTestFinished } from 'vitest';

export const LOOPBACK = '127.0.0.1';
/** How long a spec waits for a peer on loopback before saying what never happened. */
export const WAIT_MS = 2_000;

export class NeverHappened extends Error {
  override readonly name = 'NeverHappened';
}

/** Resolves with the promise, or rejects after `ms` with "<what> (waited N ms)". */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NeverHappened(`${what} (waited ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What a server factory may return: anything that listens like net.Server. */
export interface Listener {
  listen(port: number, host: string, callback: () => void): unknown;
  address(): net.AddressInfo | string | null;
  close(callback?: (err?: Error) => void): unknown;
  on(event: 'connection', listener: (socket: net.Socket) => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Starts `server` on 127.0.0.1 (or `host`, such as ::1) port 0 and returns the port it
 * got. When the test finishes, open connections are destroyed and the server is closed.
 */
export async function listen(server: Listener, host: string = LOOPBACK): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  await within(
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        // Later errors are the spec's business, not this promise's.
        server.off('error', reject);
        resolve();
      });
    }),
    'the server never started listening',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`the server listens on ${String(address)}, not on a TCP port`);
  }
  return address.port;
}

/** A client socket connected to 127.0.0.1:port, destroyed when the test finishes. */
export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: LOOPBACK, noDelay: true });
  onTestFinished(() => {
    socket.destroy();
  });
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    }),
    `nothing accepted a connection on ${LOOPBACK}:${port}`,
  );
  return socket;
}

/** Writes each chunk on its own, waiting until it is handed to the kernel before the next. */
export async function writeChunks(
  socket: net.Socket,
  chunks: readonly Uint8Array[],
): Promise<void> {
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) =>
      socket.write(chunk, (err) => (err ? reject(err) : resolve())),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every byte the peer sends until it ends its side of the connection. */
export function readToEnd(
  socket: net.Socket,
  what = 'the peer never closed its side of the connection',
  ms = WAIT_MS,
): Promise<Buffer> {
  const pieces: Buffer[] = [];
  socket.on('data', (piece: Buffer) => pieces.push(piece));
  return within(
    new Promise<Buffer>((resolve, reject) => {
      socket.once('end', () => resolve(Buffer.concat(pieces)));
      socket.once('error', reject);
    }),
    what,
    ms,
  );
}

/**
 * Whether a UDP socket can bind `address`: Linux routes all of 127.0.0.0/8 to the loopback
 * interface, macOS only 127.0.0.1 unless an alias is added. A spec that needs a second
 * loopback address (a forger at another address) is left out where it cannot be bound.
 */
export function canBind(address: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = dgram.createSocket('udp4');
    probe.once('error', () => {
      probe.close();
      resolve(false);
    });
    probe.bind(0, address, () => {
      probe.close();
      resolve(true);
    });
  });
}
