import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import {
  CRASHING_CHILD,
  eventually,
  isAlive,
  PID_CHILD,
  track,
  whoAnswers,
} from './fixtures/children.ts';
import { PreforkError, prefork } from './prefork.ts';

/** Forking children that load tsx takes ~0.3 s each, several times that on a busy machine. */
const FORKING = { timeout: 20_000 };

describe('prefork: n children share one listening socket', FORKING, () => {
  test('n children, each a live process other than this one', async () => {
    const group = await prefork(PID_CHILD, 3);
    track(group);
    const pids = group.pids();
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
    expect(pids.every(isAlive)).toBe(true);
  });

  test('every connection is answered by one of the children', async () => {
    const group = await prefork(PID_CHILD, 2);
    track(group);
    for (let i = 0; i < 6; i += 1) expect(group.pids()).toContain(await whoAnswers(group.port));
  });

  test('the socket is shared: when each child takes one connection and stops, the next child takes the next', async () => {
    const group = await prefork(PID_CHILD, 3, { env: { ONE_SHOT: '1' } });
    track(group);
    const answered = [
      await whoAnswers(group.port),
      await whoAnswers(group.port),
      await whoAnswers(group.port),
    ];
    expect(new Set(answered).size).toBe(3);
    expect(group.pids()).toEqual(expect.arrayContaining(answered));
  });

  test('a given port is the one they listen on', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const group = await prefork(PID_CHILD, 1, { port });
    track(group);
    expect(group.port).toBe(port);
    expect(group.pids()).toContain(await whoAnswers(port));
  });
});

describe('prefork: a dead child is replaced', FORKING, () => {
  test('SIGKILL one child: a new one takes its place and answers', async () => {
    const group = await prefork(PID_CHILD, 2);
    const seen = track(group);
    const [victim = 0] = group.pids();
    process.kill(victim, 'SIGKILL');
    await eventually(
      () => group.pids().length === 2 && !group.pids().includes(victim),
      'no child replaced the killed one',
    );
    for (const pid of group.pids()) seen.add(pid);
    expect(group.pids().every(isAlive)).toBe(true);
    expect(group.pids()).toContain(await whoAnswers(group.port));
  });

  test('a script that fails at start: a PreforkError, and no child left', async () => {
    const attempt = prefork(CRASHING_CHILD, 2, { timeoutMs: 3000 });
    await expect(attempt).rejects.toThrow(PreforkError);
    await expect(attempt).rejects.toMatchObject({ reason: 'child-exited' });
  });
});

describe('prefork: close leaves no child behind', FORKING, () => {
  test('after close every child has exited and the port refuses connections', async () => {
    const group = await prefork(PID_CHILD, 3);
    const seen = track(group);
    await group.close();
    // close() resolves only once every child has exited: no polling here
    expect([...seen].filter(isAlive), 'children still running when close() resolved').toEqual([]);
    expect(group.pids()).toEqual([]);
    const refused = new Promise((resolve) =>
      net
        .connect(group.port, '127.0.0.1')
        .on('error', resolve)
        .on('connect', () => resolve(null)),
    );
    expect(await within(refused, 'the port neither accepted nor refused')).toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
