import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import {
  CRASHING_CHILD,
  eventually,
  forked,
  isAlive,
  LINGERING_CHILD,
  PID_CHILD,
  SILENT_CHILD,
  STUBBORN_CHILD,
  track,
  whoAnswers,
} from './fixtures/children.ts';
import { PreforkError, prefork } from './prefork.ts';

/**
 * Counts the timers of `ms` milliseconds created from now on that are still armed and keep the
 * process alive (Node's Timeout objects, seen through async_hooks).
 */
function timersOf(ms: number): () => number {
  type Timer = { _idleTimeout: number; _destroyed: boolean; hasRef(): boolean };
  const created: Timer[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as Timer)._idleTimeout === ms)
        created.push(resource as Timer);
    },
  }).enable();
  onTestFinished(() => {
    hook.disable();
  });
  return () => created.filter((timer) => !timer._destroyed && timer.hasRef()).length;
}

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
    const children = forked();
    const attempt = prefork(CRASHING_CHILD, 2, { timeoutMs: 3000 });
    await expect(attempt).rejects.toThrow(PreforkError);
    await expect(attempt).rejects.toMatchObject({ reason: 'child-exited' });
    expect(children.size, 'cluster never forked a child').toBeGreaterThan(0);
    await eventually(() => ![...children].some(isAlive), 'a child was still alive after the error');
  });
});

describe('prefork: a failure says what was seen', FORKING, () => {
  test("child-exited: the detail holds the child's exit code", async () => {
    // crashing-child.ts calls process.exit(3)
    const attempt = prefork(CRASHING_CHILD, 1, { timeoutMs: 3000 });
    await expect(attempt).rejects.toMatchObject({
      reason: 'child-exited',
      detail: expect.stringMatching(/\b3\b/),
    });
  });

  test('not-listening: the detail holds the time waited, in ms', async () => {
    const attempt = prefork(SILENT_CHILD, 1, { timeoutMs: 432 });
    await expect(attempt).rejects.toMatchObject({
      reason: 'not-listening',
      detail: expect.stringMatching(/\b432 ms\b/),
    });
  });
});

describe('prefork: the wait for listening has a bound', FORKING, () => {
  test("children that never listen: a PreforkError 'not-listening' once timeoutMs has passed", async () => {
    const started = performance.now();
    const attempt = prefork(SILENT_CHILD, 1, { timeoutMs: 700 });
    attempt.catch(() => {});
    await expect(
      within(
        attempt.then(
          () => 'listening',
          (error: unknown) => error,
        ),
        'prefork never gave up',
        6000,
      ),
    ).resolves.toMatchObject({ name: 'PreforkError', reason: 'not-listening' });
    expect(performance.now() - started, 'it gave up before timeoutMs').toBeGreaterThanOrEqual(700);
  });

  test('after not-listening, no child is left: each is stopped, none is replaced', async () => {
    const children = forked();
    await expect(prefork(SILENT_CHILD, 2, { timeoutMs: 700 })).rejects.toMatchObject({
      reason: 'not-listening',
    });
    expect(children.size, 'cluster never forked a child').toBeGreaterThan(0);
    await eventually(() => ![...children].some(isAlive), 'a child was still alive after the error');
  });

  test('once every child listens, no timer of the wait is left running', async () => {
    // A timer left armed keeps the primary's process alive for timeoutMs after it is done.
    const timeoutMs = 7_777; // a duration no other timer here has
    const armed = timersOf(timeoutMs);
    const group = await prefork(PID_CHILD, 2, { timeoutMs });
    track(group);
    expect(armed(), "a 'listening' timer still runs after prefork resolved: clear it").toBe(0);
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

  test('a child that ignores SIGTERM is killed once timeoutMs has passed, and close resolves', async () => {
    const group = await prefork(STUBBORN_CHILD, 1, { timeoutMs: 1000 });
    const seen = track(group);
    await within(
      group.close(),
      'close() never resolved: a child that ignores SIGTERM needs SIGKILL',
      5000,
    );
    expect([...seen].filter(isAlive), 'children still running when close() resolved').toEqual([]);
  });

  test("close waits for each child's 'disconnect' too: the primary frees the shared socket only then", async () => {
    // Each child leaves a process behind that holds its IPC channel for a second: the primary
    // sees the child's 'exit' at once, its 'disconnect' a second later.
    const group = await prefork(LINGERING_CHILD, 2);
    track(group);
    await group.close();
    const refused = new Promise((resolve) =>
      net
        .connect(group.port, '127.0.0.1')
        .on('error', resolve)
        .on('connect', () => resolve(null)),
    );
    expect(
      await within(refused, 'the port neither accepted nor refused'),
      "the port still accepted connections after close(): the primary's copy of the listening " +
        "socket was still open (close() resolved on 'exit', before 'disconnect')",
    ).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
