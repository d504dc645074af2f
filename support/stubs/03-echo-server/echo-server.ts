/**
 * Kata 03 · An echo server: the Echo Protocol (RFC 862) over TCP (RFC 9293).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';

/**
 * Builds a TCP echo server (RFC 862, "TCP Based Echo Service"): "Once a connection is
 * established any data received is sent back. This continues until the calling user
 * terminates the connection."
 *
 * On every connection, and on that connection only:
 * - every byte received is sent back unchanged and in order, as it arrives (bytes, not text:
 *   0x00, 0xff, CR and LF included);
 * - while the client is not reading what comes back, the server stops reading too
 *   (backpressure), rather than buffering without bound;
 * - once the client half-closes (its FIN, RFC 9293 §3.6), the server sends back whatever it
 *   has not sent yet, then ends its own side;
 * - a client that resets (RST) ends its own connection, never the server.
 *
 * Returns the server without listening: the caller (a spec, or `npm run kata 3 -- --serve`)
 * picks the address and calls `listen()`.
 */
export function createEchoServer(): net.Server {
  throw new KataTodo('createEchoServer');
}
