/**
 * Kata 03 · An echo server: the Echo Protocol (RFC 862) over TCP (RFC 9293).
 */
import net from 'node:net';

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
  // RFC 9293 §3.6.1: "a host is permitted to continue sending data in the open direction on a
  // half-closed connection". Node's default (allowHalfOpen: false) ends our side for us the
  // moment the client's FIN is read; we keep it open and end it ourselves, after the last byte.
  return net.createServer({ allowHalfOpen: true }, echo);
}

function echo(connection: net.Socket): void {
  // RFC 862: "Once a connection is established any data received is sent back."
  // pipe() writes every chunk back as it arrives, as bytes; pauses reading while write() returns
  // false and resumes on 'drain' (backpressure); and calls end() once the client's FIN is read:
  // RFC 9293 §3.6: "send a FIN to the other TCP peer after sending any remaining data."
  connection.pipe(connection);
  // RFC 9293 §3.6: the application "MUST be informed whether it closed normally or was aborted"
  // (MUST-12). Node reports an abort as 'error' (ECONNRESET, EPIPE), and an 'error' event with no
  // listener is thrown: one client's reset would stop the server and every other session.
  connection.on('error', () => {
    // Node has already destroyed this socket: this session is over, and only this one.
  });
}
