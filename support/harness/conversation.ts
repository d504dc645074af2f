/**
 * A client's side of a byte conversation, with a transcript. Everything sent and
 * received is recorded, so a failing spec can show the bytes exchanged with CR
 * and LF visible:
 *
 *   C: ADD 2 3\r\n
 *   S: 5\r\n
 */
import type net from 'node:net';
import { visible } from './bytes.ts';
import { connect, NeverHappened, WAIT_MS, within } from './sockets.ts';

type Turn = { readonly from: 'C' | 'S'; readonly bytes: Buffer };

export class Conversation {
  private readonly turns: Turn[] = [];
  private received = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (piece: Buffer) => {
      this.turns.push({ from: 'S', bytes: piece });
      this.received = Buffer.concat([this.received, piece]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<Conversation> {
    return new Conversation(await connect(port));
  }

  /** Sends bytes (or latin1 text) and records them. */
  async send(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    this.turns.push({ from: 'C', bytes });
    await new Promise<void>((resolve, reject) =>
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Half-closes: the client says it will send no more (FIN). */
  endWriting(): void {
    this.socket.end();
  }

  /** Waits until the server has sent `count` bytes in all and takes them. */
  take(count: number, ms = WAIT_MS): Promise<Buffer> {
    return this.waitFor(
      () => (this.received.length >= count ? count : undefined),
      `the server never sent ${count} bytes`,
      ms,
    );
  }

  /** Waits for the delimiter and takes everything up to and including it. */
  takeUntil(delimiter: string, ms = WAIT_MS): Promise<Buffer> {
    return this.waitFor(
      () => {
        const at = this.received.indexOf(delimiter, 0, 'latin1');
        return at < 0 ? undefined : at + Buffer.byteLength(delimiter, 'latin1');
      },
      `the server never sent "${visible(delimiter)}"`,
      ms,
    );
  }

  /** Waits for the server to close and takes whatever it sent before. */
  takeRest(ms = WAIT_MS): Promise<Buffer> {
    return this.waitFor(
      () => (this.ended ? this.received.length : undefined),
      'the server never closed the connection',
      ms,
    );
  }

  /** The bytes exchanged so far, one turn per line, CR and LF visible. */
  transcript(): string {
    if (this.turns.length === 0) return '(no bytes exchanged)';
    // Consecutive pieces from one side are one turn: a byte-at-a-time client reads as one line.
    const merged: Turn[] = [];
    for (const turn of this.turns) {
      const last = merged.at(-1);
      if (last?.from === turn.from)
        merged[merged.length - 1] = {
          from: turn.from,
          bytes: Buffer.concat([last.bytes, turn.bytes]),
        };
      else merged.push(turn);
    }
    return merged.map((turn) => `${turn.from}: ${visible(turn.bytes)}`).join('\n');
  }

  private async waitFor(
    ready: () => number | undefined,
    what: string,
    ms: number,
  ): Promise<Buffer> {
    const attempt = (): Buffer | undefined => {
      const count = ready();
      if (count === undefined) return undefined;
      const taken = this.received.subarray(0, count);
      this.received = this.received.subarray(count);
      return taken;
    };
    try {
      return await within(
        new Promise<Buffer>((resolve, reject) => {
          const check = () => {
            const taken = attempt();
            if (taken) return resolve(taken);
            if (this.ended)
              return reject(new NeverHappened(`${what}: it closed the connection first`));
            this.waiters.push(check);
          };
          check();
        }),
        what,
        ms,
      );
    } catch (error) {
      if (error instanceof Error) error.message += `\n\nBytes exchanged:\n${this.transcript()}`;
      throw error;
    }
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const check of waiting) check();
  }
}
