import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, onTestFinished } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { prefork } from './prefork.ts';

const PID_CHILD = fileURLToPath(new URL('./fixtures/pid-child.ts', import.meta.url));

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function whoAnswers(port: number): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    text += data;
  });
  await within(
    new Promise((resolve, reject) => socket.on('end', resolve).on('error', reject)),
    'no child answered',
  );
  return Number(text.trim());
}

describe('prefork: any number of children, any number of connections', () => {
  test.prop([fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 })], { numRuns: 3 })(
    'every connection is answered by a child of the group, and after close none is alive',
    async (n, connections) => {
      const group = await prefork(PID_CHILD, n);
      const seen = new Set(group.pids());
      onTestFinished(() => {
        for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      });
      expect(seen.size).toBe(n);
      const answers = await Promise.all(
        Array.from({ length: connections }, () => whoAnswers(group.port)),
      );
      for (const pid of answers) expect(seen).toContain(pid);
      await group.close();
      await within(
        (async () => {
          while ([...seen].some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        'a child was still alive after close',
        4000,
      );
    },
  );
});
