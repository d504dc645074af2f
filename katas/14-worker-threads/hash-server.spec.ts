import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { type Worker, Worker as WorkerThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { Conversation, listen, within } from '../../support/harness/index.ts';
import { COLD_MS, sha256Rounds, type WarmServer, warmServer } from './fixtures/hash-peer.ts';
import { createHashServer, MAX_ROUNDS, REASONS, type Reason } from './hash-server.ts';

const CRLF = '\r\n';
// Reply lines as the rule spells them: "+" and the hex digest (or PONG), or "-ERR " and the reason.
const digestOf = (text: string, rounds: number) => `+${sha256Rounds(text, rounds)}${CRLF}`;
const pong = `+PONG${CRLF}`;
const error = (reason: Reason) => `-ERR ${REASONS[reason]}${CRLF}`;

/** The pool size the specs ask for. */
const POOL = 2;
/** Tests that may wait for worker threads to start get this long. */
const SLOW = { timeout: 20_000 } as const;
/** How long the long HASH takes node:crypto in this spec, on this machine, now. */
const HEAVY_MS = 200;
/** While the long HASH runs, a PING's usual round trip stays below this share of its time. */
const PING_SHARE = 1 / 4;
/** The share of the long HASH's time the event loop may spend busy: hashing on it is about 1. */
const BUSY_SHARE = 0.5;

/** Every worker_threads Worker this process starts while the file runs: Node's 'worker' event. */
const threads = {
  started: [] as Worker[],
  running: new Set<Worker>(),
  mostAtOnce: 0,
  posted: 0,
  /** The Worker the last job was posted to. */
  lastPostedTo: undefined as Worker | undefined,
};
function recordWorker(worker: Worker): void {
  threads.started.push(worker);
  threads.running.add(worker);
  threads.mostAtOnce = Math.max(threads.mostAtOnce, threads.running.size);
  worker.once('exit', () => threads.running.delete(worker));
}
process.on('worker', recordWorker);
// Every message the main thread posts to a worker (the jobs handed out), counted from the
// Worker class itself: Node reports a new Worker a tick after it starts, after its first job.
const { postMessage } = WorkerThread.prototype;
WorkerThread.prototype.postMessage = function (this: Worker, ...args) {
  threads.posted += 1;
  threads.lastPostedTo = this;
  postMessage.apply(this, args);
};

/** One server for the whole file: its POOL workers stay warm from one test to the next. */
let shared: Promise<WarmServer> | undefined;
function sharedServer(): Promise<WarmServer> {
  // A failure is kept: every later test fails with it at once, instead of starting workers again.
  if (shared === undefined) {
    shared = warmServer(created ?? createHashServer({ workers: POOL }), POOL);
    created = undefined;
  }
  return shared;
}
const sharedPort = async () => (await sharedServer()).port;

// Created before the first test rather than inside it: what runs at creation (the pool, its
// 'close' listener) then belongs to no single test, and Stryker runs every test against it.
let created: net.Server | undefined;
beforeAll(() => {
  try {
    created = createHashServer({ workers: POOL });
  } catch {
    // the stub: every test that needs the server fails with the same error, at once
  }
});

afterAll(async () => {
  process.off('worker', recordWorker);
  WorkerThread.prototype.postMessage = postMessage;
  await (await shared?.catch(() => undefined))?.close();
  await Promise.all([...threads.running].map((worker) => worker.terminate()));
});

/** A HASH that takes node:crypto about HEAVY_MS here: its rounds are measured, not guessed. */
let heavy: { readonly text: string; readonly rounds: number; readonly reply: string } | undefined;
function heavyHash() {
  if (heavy) return heavy;
  sha256Rounds('warm-up', 2_000);
  // The fastest of five samples: a sample slowed by a busy machine would make the HASH short
  // when the machine is quiet again, too short for several PINGs to fit in it.
  const sample = 2_000;
  let perRound = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    sha256Rounds('calibration', sample);
    perRound = Math.min(perRound, (performance.now() - started) / sample);
  }
  const rounds = Math.min(MAX_ROUNDS, Math.ceil(HEAVY_MS / perRound));
  heavy = { text: 'heavy', rounds, reply: digestOf('heavy', rounds) };
  return heavy;
}

/** Takes `count` reply lines (each up to its LF), as text. */
async function replies(conversation: Conversation, count = 1, ms?: number): Promise<string> {
  let text = '';
  for (let line = 0; line < count; line += 1) {
    text += (await conversation.takeUntil('\n', ms)).toString('latin1');
  }
  return text;
}

/** Sends `request` in one write, then takes `count` reply lines. */
async function exchange(conversation: Conversation, request: string, count = 1): Promise<string> {
  await conversation.send(request);
  return replies(conversation, count, COLD_MS);
}

/**
 * POOL clients, each with a HASH of MAX_ROUNDS (`label-0`, `label-1`, …): every worker busy
 * for seconds, so that the next job waits in the queue.
 */
function occupyEveryWorker(port: number, label: string): Promise<Conversation[]> {
  return Promise.all(
    Array.from({ length: POOL }, async (_, index) => {
      const client = await Conversation.open(port);
      await client.send(`HASH ${MAX_ROUNDS} ${label}-${index}${CRLF}`);
      return client;
    }),
  );
}

/** Warnings Node emits during the test, such as MaxListenersExceededWarning. */
function processWarnings(): Error[] {
  const warned: Error[] = [];
  const record = (warning: Error) => warned.push(warning);
  process.on('warning', record);
  onTestFinished(() => {
    process.off('warning', record);
  });
  return warned;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('A server is a net.Server; whoever runs it chooses where it listens', () => {
  test('createHashServer() returns a net.Server that is not listening yet', async () => {
    const server = createHashServer();
    expect(server).toBeInstanceOf(net.Server);
    // Node: listen() to an IP address binds a tick later; give it that tick before looking.
    await new Promise((resolve) => setImmediate(resolve));
    const listening = server.listening;
    server.close();
    expect(listening, 'the caller calls listen(), not createHashServer()').toBe(false);
  });
});

describe(
  'The hash protocol: "HASH rounds text" gets "+" and the hex of SHA-256 applied rounds times; "PING" gets "+PONG"',
  SLOW,
  () => {
    test('PING gives +PONG', async () => {
      const client = await Conversation.open(await sharedPort());
      expect(await exchange(client, `PING${CRLF}`), client.transcript()).toBe(pong);
    });

    test('HASH 1 abc is SHA-256("abc"), the classic test vector of FIPS 180 and RFC 6234', async () => {
      const client = await Conversation.open(await sharedPort());
      const vector = createHash('sha256').update('abc').digest('hex');
      expect(await exchange(client, `HASH 1 abc${CRLF}`), client.transcript()).toBe(
        `+${vector}${CRLF}`,
      );
    });

    test('HASH 1000 applies SHA-256 1000 times: to the text, then to each 32-octet digest (not its hex)', async () => {
      const client = await Conversation.open(await sharedPort());
      expect(await exchange(client, `HASH 1000 stretch${CRLF}`), client.transcript()).toBe(
        digestOf('stretch', 1000),
      );
    });

    test('rounds may have leading zeros, and the text any visible ASCII', async () => {
      const client = await Conversation.open(await sharedPort());
      const text = '!"#$%&()*+,-./09:;<=>?@AZ[\\]^_`az{|}~';
      expect(await exchange(client, `HASH 0007 ${text}${CRLF}`), client.transcript()).toBe(
        digestOf(text, 7),
      );
    });

    test('a dozen HASHes on one connection leave no abort listener behind (Node warns past ten on one AbortSignal)', async () => {
      const warned = processWarnings();
      const client = await Conversation.open(await sharedPort());
      const texts = Array.from({ length: 12 }, (_, index) => `job-${index}`);
      const request = texts.map((text) => `HASH 2 ${text}${CRLF}`).join('');
      expect(await exchange(client, request, texts.length), client.transcript()).toBe(
        texts.map((text) => digestOf(text, 2)).join(''),
      );
      await new Promise((resolve) => setImmediate(resolve)); // Node emits warnings a tick later
      expect(
        warned.map((warning) => `${warning.name}: ${warning.message}`),
        "an 'abort' listener added for each job stays on the connection's signal until it " +
          'closes: remove it once the job is done',
      ).toEqual([]);
    });

    test('RFC 9112 §9.3.2: lines on one connection are answered in order, a HASH before a PING', async () => {
      const client = await Conversation.open(await sharedPort());
      const reply = await exchange(client, `HASH 5000 first${CRLF}PING${CRLF}`, 2);
      expect(reply, client.transcript()).toBe(digestOf('first', 5000) + pong);
    });
  },
);

describe(
  'The hash protocol: "-ERR reason" answers a line that is not a request, and the session goes on',
  SLOW,
  () => {
    const cases: readonly (readonly [Reason, readonly string[]])[] = [
      ['unknownCommand', ['ping', 'hash 1 x', 'PONG', 'toString', '', ' PING']],
      ['wrongArgumentCount', ['HASH', 'HASH 1', 'HASH 1 a b', 'HASH  1 a', 'PING x', 'PING ']],
      [
        'badRounds',
        [
          'HASH 0 x',
          'HASH -1 x',
          'HASH 1e3 x',
          'HASH 0x10 x',
          `HASH ${MAX_ROUNDS + 1} x`,
          'HASH  x',
        ],
      ],
      ['badText', ['HASH 1 tab\there', 'HASH 1 caf\xe9', 'HASH 1 del\x7f', 'HASH 1 bare\rCR']],
    ];
    for (const [reason, lines] of cases) {
      test(`${reason}: ${lines.map((line) => JSON.stringify(line)).join(', ')}`, async () => {
        const client = await Conversation.open(await sharedPort());
        const request = lines.map((line) => `${line}${CRLF}`).join('');
        const reply = await exchange(client, `${request}PING${CRLF}`, lines.length + 1);
        expect(reply, client.transcript()).toBe(error(reason).repeat(lines.length) + pong);
      });
    }
  },
);

describe(
  'worker_threads: the hashing runs on worker threads, so the event loop stays free for every other client',
  SLOW,
  () => {
    test('a PING on another connection is answered at once while a long HASH runs', async () => {
      const port = await sharedPort();
      const { text, rounds, reply: expected } = heavyHash();
      const [hasher, pinger] = [await Conversation.open(port), await Conversation.open(port)];
      const started = performance.now();
      await hasher.send(`HASH ${rounds} ${text}${CRLF}`);
      const digest = replies(hasher, 1, COLD_MS);
      let hashed = false;
      digest.then(
        () => (hashed = true),
        () => (hashed = true),
      );
      const roundTrips: number[] = [];
      while (!hashed) {
        const sent = performance.now();
        expect(await exchange(pinger, `PING${CRLF}`), pinger.transcript()).toBe(pong);
        roundTrips.push(performance.now() - sent);
      }
      const hashMs = performance.now() - started;
      expect(await digest, hasher.transcript()).toBe(expected);
      const blocked =
        `while HASH ${rounds} took ${Math.round(hashMs)} ms, ${roundTrips.length} PINGs were answered ` +
        `(round trips ${roundTrips.map(Math.round).join(', ')} ms): was the event loop hashing?`;
      expect(roundTrips.length, blocked).toBeGreaterThanOrEqual(3);
      expect(median(roundTrips), blocked).toBeLessThan(hashMs * PING_SHARE);
    });

    test('while a long HASH runs, the event loop is mostly idle: the hashing is on another thread', async () => {
      const port = await sharedPort();
      const { text, rounds, reply: expected } = heavyHash();
      const hasher = await Conversation.open(port);
      // Node: the share of time the event loop spent running callbacks rather than waiting for
      // the kernel. Hashing on it, even in slices with setImmediate() between, keeps it near 1.
      const before = performance.eventLoopUtilization();
      await hasher.send(`HASH ${rounds} ${text}${CRLF}`);
      const reply = await replies(hasher, 1, COLD_MS);
      const { utilization } = performance.eventLoopUtilization(before);
      expect(reply, hasher.transcript()).toBe(expected);
      expect(
        utilization,
        `the event loop was busy ${Math.round(utilization * 100)}% of the time HASH ${rounds} took: ` +
          'the hashing ran on it, not on a worker thread',
      ).toBeLessThan(BUSY_SHARE);
    });

    test(`${2 * POOL} HASHes at once on a pool of ${POOL}: each gets its digest, from at most ${POOL} worker threads`, async () => {
      const port = await sharedPort();
      threads.mostAtOnce = threads.running.size;
      const rounds = Math.ceil(heavyHash().rounds / 10);
      const clients = await Promise.all(
        Array.from({ length: 2 * POOL }, () => Conversation.open(port)),
      );
      const answered = await Promise.all(
        clients.map(async (client, index) => ({
          client,
          expected: digestOf(`job-${index}`, rounds),
          reply: await exchange(client, `HASH ${rounds} job-${index}${CRLF}`),
        })),
      );
      for (const { client, expected, reply } of answered) {
        expect(reply, client.transcript()).toBe(expected);
      }
      expect(
        threads.started.length,
        'no worker_threads Worker was ever started: the hashing ran on the main thread',
      ).toBeGreaterThan(0);
      expect(
        threads.mostAtOnce,
        `a pool of ${POOL} had ${threads.mostAtOnce} worker threads at once: jobs beyond the pool ` +
          'wait in a queue for a worker to be free',
      ).toBeLessThanOrEqual(POOL);
    });

    test('with no workers option, the pool is os.availableParallelism() − 1 threads, at least 1', async () => {
      const size = Math.max(1, availableParallelism() - 1);
      const mine = new Set<Worker>();
      let mostAtOnce = 0;
      const watch = (worker: Worker) => {
        mine.add(worker);
        mostAtOnce = Math.max(mostAtOnce, mine.size);
        worker.once('exit', () => mine.delete(worker));
      };
      process.on('worker', watch);
      onTestFinished(() => {
        process.off('worker', watch);
      });
      const port = await listen(createHashServer());
      const clients = await Promise.all(
        Array.from({ length: size + 1 }, () => Conversation.open(port)),
      );
      const rounds = Math.ceil(heavyHash().rounds / 10);
      await Promise.all(
        clients.map(async (client, index) =>
          expect(await exchange(client, `HASH ${rounds} default-${index}${CRLF}`)).toBe(
            digestOf(`default-${index}`, rounds),
          ),
        ),
      );
      expect(mostAtOnce, `${size + 1} HASHes at once on a default pool`).toBeGreaterThan(0);
      expect(mostAtOnce, `${size + 1} HASHes at once on a default pool`).toBeLessThanOrEqual(size);
    });

    // The last eight tests break the shared server, then close it: a worker thread costs 0.4 s to
    // start, and these reuse the ones already warm. Run alone, each starts its own.
    test('a worker that dies mid-job fails that job only: -ERR hash worker failed, then the next HASH is answered', async () => {
      const port = await sharedPort();
      const workers = [...threads.running];
      expect(workers.length, 'no worker_threads Worker runs for the HASHes').toBeGreaterThan(0);
      const { text, rounds } = heavyHash();
      const client = await Conversation.open(port);
      await client.send(`HASH ${rounds} ${text}${CRLF}`);
      // Once another client's PONG is back, the server has read the HASH too, and handed it to a
      // worker: the kernel had the HASH before the PING was sent.
      const other = await Conversation.open(port);
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      await Promise.all(workers.map((worker) => worker.terminate()));
      const lost = await replies(client).catch((never: Error) => {
        never.message = `the HASH's worker exited and its client never got a reply: the Worker's 'exit' event always comes, fail the job there\n\n${never.message}`;
        throw never;
      });
      expect(lost, client.transcript()).toBe(error('workerFailed'));
      expect(await exchange(client, `HASH 2 again${CRLF}`), client.transcript()).toBe(
        digestOf('again', 2),
      );
    });

    test('a job whose client leaves while it waits in the queue is dropped: no worker ever gets it', async () => {
      const port = await sharedPort();
      const busy = await occupyEveryWorker(port, 'busy');
      const leaving = await Conversation.open(port);
      await leaving.send(`HASH 2 left${CRLF}`);
      // Once another client's PONG is back, the server has read every HASH above.
      const other = await Conversation.open(port);
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      const posted = threads.posted;
      leaving.socket.resetAndDestroy();
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      // The busy workers die: a job still queued would now go to a worker started for it.
      await Promise.all([...threads.running].map((worker) => worker.terminate()));
      for (const client of busy) {
        expect(await replies(client, 1, COLD_MS), client.transcript()).toBe(error('workerFailed'));
      }
      expect(
        threads.posted - posted,
        'a job was posted to a worker after its client had left: drop queued jobs on abort',
      ).toBe(0);
    });

    test("an uncaught exception in a worker does not reach the main thread: the pool listens for the Worker's 'error'", async () => {
      const client = await Conversation.open(await sharedPort());
      expect(await exchange(client, `HASH 1 listening${CRLF}`), client.transcript()).toBe(
        digestOf('listening', 1),
      );
      // What Node does when code in a worker throws: it emits 'error' on the Worker, then 'exit'.
      for (const worker of threads.running) {
        expect(
          () => worker.emit('error', new Error('thrown in the worker')),
          "no 'error' listener on a Worker: Node throws the worker's exception in the main thread",
        ).not.toThrow();
      }
    });

    test('a client that leaves while its job runs takes no other queued job with it', async () => {
      const port = await sharedPort();
      const busy = await occupyEveryWorker(port, 'running');
      const queued = await Conversation.open(port);
      await queued.send(`HASH 2 still-queued${CRLF}`);
      const other = await Conversation.open(port);
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      const [leaving, ...staying] = busy;
      leaving?.socket.resetAndDestroy();
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      // The busy workers die; the queued job must still be there to get a worker of its own.
      await Promise.all([...threads.running].map((worker) => worker.terminate()));
      for (const client of staying) {
        expect(await replies(client, 1, COLD_MS), client.transcript()).toBe(error('workerFailed'));
      }
      expect(await replies(queued, 1, COLD_MS), queued.transcript()).toBe(
        digestOf('still-queued', 2),
      );
    });

    test('a worker that dies mid-job takes no idle worker with it: the pool stays at its size', async () => {
      const port = await sharedPort();
      // POOL HASHes at once first, long enough to overlap, so that the pool holds POOL workers,
      // idle once they answer.
      const rounds = Math.ceil(heavyHash().rounds / 10);
      await Promise.all(
        Array.from({ length: POOL }, async (_, index) => {
          const client = await Conversation.open(port);
          expect(
            await exchange(client, `HASH ${rounds} warm-${index}${CRLF}`),
            client.transcript(),
          ).toBe(digestOf(`warm-${index}`, rounds));
        }),
      );
      const hasher = await Conversation.open(port);
      await hasher.send(`HASH ${MAX_ROUNDS} doomed${CRLF}`);
      const other = await Conversation.open(port);
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      const doomed = threads.lastPostedTo;
      expect(doomed, 'no job was posted to a worker').toBeDefined();
      await doomed?.terminate();
      expect(await replies(hasher, 1, COLD_MS), hasher.transcript()).toBe(error('workerFailed'));
      // Every worker the pool still counts on, and one new one at most, take the next jobs.
      const clients = await Promise.all(
        Array.from({ length: POOL }, () => Conversation.open(port)),
      );
      await Promise.all(
        clients.map(async (client, index) =>
          expect(await exchange(client, `HASH 2 after-${index}${CRLF}`), client.transcript()).toBe(
            digestOf(`after-${index}`, 2),
          ),
        ),
      );
      expect(
        threads.running.size,
        `${threads.running.size} worker threads run for a pool of ${POOL}: a worker the pool forgot still runs`,
      ).toBeLessThanOrEqual(POOL);
    });

    test('workers that exit while idle are forgotten: the next HASH gets a live worker', async () => {
      const client = await Conversation.open(await sharedPort());
      expect(await exchange(client, `HASH 1 idle${CRLF}`), client.transcript()).toBe(
        digestOf('idle', 1),
      );
      // No job is running now: every worker is idle.
      await Promise.all([...threads.running].map((worker) => worker.terminate()));
      await client.send(`HASH 2 revived${CRLF}`);
      const reply = await replies(client, 1, COLD_MS).catch((never: Error) => {
        never.message = `a HASH after the idle workers exited was never answered: was it posted to a dead worker? Forget a worker on its 'exit'\n\n${never.message}`;
        throw never;
      });
      expect(reply, client.transcript()).toBe(digestOf('revived', 2));
    });

    test('a job queued behind busy workers that die is still answered: a new worker takes it', async () => {
      const port = await sharedPort();
      // POOL jobs of MAX_ROUNDS keep every worker busy for seconds; one more waits in the queue.
      const busy = await occupyEveryWorker(port, 'busy');
      const queued = await Conversation.open(port);
      await queued.send(`HASH 2 queued${CRLF}`);
      // Once another client's PONG is back, the server has read every HASH above.
      const other = await Conversation.open(port);
      expect(await exchange(other, `PING${CRLF}`), other.transcript()).toBe(pong);
      await Promise.all([...threads.running].map((worker) => worker.terminate()));
      for (const client of busy) {
        expect(await replies(client, 1, COLD_MS), client.transcript()).toBe(error('workerFailed'));
      }
      const reply = await replies(queued, 1, COLD_MS).catch((never: Error) => {
        never.message = `the queued HASH was never answered after the busy workers died: start a worker for it when one exits\n\n${never.message}`;
        throw never;
      });
      expect(reply, queued.transcript()).toBe(digestOf('queued', 2));
    });

    test("on the server's 'close' event every worker is terminated: no thread outlives the server", async () => {
      const warm = await sharedServer();
      const client = await Conversation.open(warm.port);
      expect(await exchange(client, `HASH 1 close${CRLF}`), client.transcript()).toBe(
        digestOf('close', 1),
      );
      const workers = [...threads.running];
      expect(workers.length, 'no worker_threads Worker runs for the HASHes').toBeGreaterThan(0);
      shared = undefined; // closed now: a test after this one would start a server of its own
      await within(warm.close(), 'server.close() never completed once its connections were gone');
      const running = () => workers.filter((worker) => threads.running.has(worker));
      await within(
        Promise.all(running().map((worker) => once(worker, 'exit'))),
        `${running().length} of ${workers.length} worker threads still run after the server closed: ` +
          "terminate() them on the server's 'close' event",
      );
    });
  },
);
