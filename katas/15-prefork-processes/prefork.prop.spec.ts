import { fc, test } from '@fast-check/vitest';
import { describe, expect, onTestFinished } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { isAlive, PID_CHILD, whoAnswers } from './fixtures/children.ts';
import { prefork } from './prefork.ts';

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
    // three groups of forked children: ~3 s on a quiet machine, several times that on a busy one
    30_000,
  );
});
