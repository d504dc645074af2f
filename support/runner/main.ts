/**
 * npm run kata: the runner. Reads the command line, checks the lock rules, and
 * hands over to watch mode, a single run, or one of the facilitator's commands.
 * Exit codes of --once: 0 passed, 1 failed, 2 locked or unknown.
 */

import { spawn } from 'node:child_process';
import type dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { KATA_TODO } from '../kata-todo.ts';
import { KATAS, type Kata } from '../katas.ts';
import { type TrackName, trackKatas } from '../tracks.ts';
import { type Command, parseArgs } from './args.ts';
import { copyReference, resetKata } from './files.ts';
import { doneCount, followTrack, labels, readLedger, record } from './ledger.ts';
import { MESSAGES } from './messages.ts';
import { kataDir, PROGRESS_FILE, shown } from './paths.ts';
import { render } from './screen.ts';
import { failedCount, type KataRun, openSession, passed, skipped } from './session.ts';
import { access, nextPending, unlocked } from './unlock.ts';
import { closeWithin, HANG_SECONDS, watchKata } from './watch.ts';
import { killChildren } from './workers.ts';

const EXIT = { passed: 0, failed: 1, refused: 2 } as const;
/** Where npm run ui serves vitest's UI. */
const UI_PORT = 51204;

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EXIT.refused);
}

/** The kata a command is about: the one named, checked against the locks, or the next pending. */
function chosen(number: number | undefined, force: boolean): Kata {
  const ledger = readLedger();
  if (number === undefined) {
    const next = nextPending(ledger);
    if (!next) {
      process.stdout.write(`${MESSAGES.allDone}\n`);
      process.exit(EXIT.passed);
    }
    return next;
  }
  const gate = access(number, ledger, force);
  switch (gate.kind) {
    case 'unknown':
      return refuse(MESSAGES.unknownKata(number, KATAS.at(-1)?.number ?? 0));
    case 'locked':
      return refuse(MESSAGES.locked(gate.kata, gate.first));
    case 'unlocked':
    case 'forced':
      return gate.kata;
  }
}

/**
 * Runs the specs of the katas once, in this process. The bound is on progress: the run
 * is given up when no spec gives a verdict for `boundSeconds`. `report` sees the
 * results as soon as the run ends, before vitest is closed; the outcome is undefined
 * when the run was given up.
 */
async function verify(
  katas: readonly Kata[],
  boundSeconds: number,
  report?: (runs: readonly KataRun[]) => void,
  /** While the run goes on: how many specs have their verdict. */
  onVerdicts?: (count: number) => void,
): Promise<readonly KataRun[] | undefined> {
  let runs: readonly KataRun[] | undefined;
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  let giveUp: (outcome: 'hung') => void = () => {};
  const hung = new Promise<'hung'>((resolve) => {
    giveUp = (outcome) => {
      gaveUp = true;
      resolve(outcome);
    };
  });
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => giveUp('hung'), boundSeconds * 1000);
  };
  const session = await openSession({
    katas,
    watch: false,
    onProgress: (sofar) => {
      arm();
      onVerdicts?.(sofar.reduce((sum, run) => sum + run.specs.length, 0));
    },
    onRunEnd: (r) => {
      // Once given up, what vitest reports as it closes (the specs its killed workers were
      // running, as failed) is not the kata's result.
      if (gaveUp) return;
      runs = r;
      report?.(r);
    },
  });
  arm();
  const outcome = await Promise.race([session.rerun().then(() => 'ran' as const), hung]);
  clearTimeout(timer);
  if (outcome === 'hung') killChildren();
  await closeWithin(session);
  return outcome === 'hung' ? undefined : runs;
}

function printOnce(run: KataRun): void {
  const ledger = record([run]);
  const view = {
    kata: run.kata,
    done: doneCount(ledger),
    total: KATAS.length,
    hints: [],
    hintsShown: 0,
    notices: [],
    keys: false,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  process.stdout.write(render({ ...view, pane: { kind: 'result', run } }));
  const failed = failedCount(run);
  const left = skipped(run);
  process.stdout.write(
    `\n${passed(run) ? MESSAGES.passedOnce(run.kata, run.specs.length - left, left) : MESSAGES.failedOnce(run.kata, failed, run.specs.length)}\n`,
  );
}

async function once(kata: Kata): Promise<never> {
  const runs = await verify([kata], HANG_SECONDS, ([run]) => run && printOnce(run));
  const run = runs?.[0];
  if (!run) {
    process.stdout.write(`${MESSAGES.hungOnce(kata, HANG_SECONDS)}\n`);
    process.exit(EXIT.failed);
  }
  process.exit(passed(run) ? EXIT.passed : EXIT.failed);
}

/** Verifies every kata reached (every kata, with KATA_UNLOCK=all); a locked kata is not run. */
async function progress(json: boolean): Promise<never> {
  const katas = unlocked(readLedger(), process.env.KATA_UNLOCK === 'all');
  process.stderr.write(`${MESSAGES.verifying(katas)}\n`);
  const runs = await verify(katas, HANG_SECONDS);
  if (!runs) refuse(MESSAGES.hung(HANG_SECONDS));
  const ledger = record(runs);
  if (json) {
    const label = labels(ledger);
    const rows = KATAS.map((kata) => ({
      number: kata.number,
      slug: kata.slug,
      title: kata.title,
      standing: label.get(kata.number),
      unlocked: label.get(kata.number) !== 'locked',
      ...ledger.progress.get(kata.number),
    }));
    process.stdout.write(
      `${JSON.stringify({ done: doneCount(ledger), total: KATAS.length, katas: rows }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(readFileSync(PROGRESS_FILE, 'utf8'));
  }
  process.exit(EXIT.passed);
}

/** How often a catch-up's count of verdicts is redrawn on a terminal. */
const VERDICTS_EVERY_MS = 200;

/**
 * Runs every spec of katas whose reference modules were just copied in, with a count of the
 * verdicts on a terminal (a minute or more for many katas), and records them.
 */
async function verifyCopies(
  katas: readonly Kata[],
  options: { readonly filled: boolean },
): Promise<boolean> {
  if (katas.length === 0) return true;
  process.stdout.write(
    `${MESSAGES.verifyingCopies(katas.length, options.filled ? 'filled' : 'passed')}\n`,
  );
  const live = process.stdout.isTTY === true;
  let shownAt = 0;
  const runs = await verify(katas, HANG_SECONDS, undefined, (count) => {
    if (!live || performance.now() - shownAt < VERDICTS_EVERY_MS) return;
    shownAt = performance.now();
    process.stdout.write(`\r${MESSAGES.verdictsSoFar(count)}`);
  });
  if (live && shownAt > 0) process.stdout.write('\n');
  if (runs) record(runs, PROGRESS_FILE, options);
  return runs?.every(passed) === true;
}

const backupsOf = (replaced: ReturnType<typeof copyReference>) =>
  replaced.flatMap((r) => (r.backup ? [r.backup] : []));

async function catchUp(before: number): Promise<never> {
  if (!KATAS.some((kata) => kata.number === before))
    refuse(MESSAGES.unknownKata(before, KATAS.at(-1)?.number ?? 0));
  const katas = KATAS.filter((kata) => kata.number < before);
  const replaced = copyReference(katas);
  process.stdout.write(`${MESSAGES.caughtUp(katas.length, backupsOf(replaced))}\n`);
  const ok = await verifyCopies(katas, { filled: false });
  const open = KATAS.find((kata) => kata.number === before);
  process.stdout.write(`${ok && open ? MESSAGES.caughtUpOpen(open) : MESSAGES.caughtUpFailed}\n`);
  process.exit(ok ? EXIT.passed : EXIT.failed);
}

/**
 * Before a kata opens on a track: fills the katas off the track that come before it, the
 * ones it builds on, where the learner has never run them (a kata with any record, passed,
 * failing, filled or reset after a fill, is the learner's to keep). Only the katas before
 * the one opening: a kata after it may build on it, and would fail on its stub. The files
 * are backed up first, as --catch-up does; the copies are verified and recorded as filled.
 */
async function fillBefore(kata: Kata): Promise<void> {
  const ledger = readLedger();
  const { track } = ledger;
  if (track === undefined || track.name === 'all') return;
  const onTrack = new Set(trackKatas(track).map((k) => k.number));
  const due = (k: Kata) => ledger.standings.get(k.number) === 'not-run';
  const katas = KATAS.filter((k) => k.number < kata.number && !onTrack.has(k.number) && due(k));
  if (katas.length === 0) return;
  const replaced = copyReference(katas);
  process.stdout.write(`${MESSAGES.filling(katas.length, track.name, backupsOf(replaced))}\n`);
  if (!(await verifyCopies(katas, { filled: true })))
    process.stdout.write(`${MESSAGES.fillFailed}\n`);
}

/** The kata a command opens, on the track it names (recorded from now on), filled up to it. */
async function opening(command: {
  readonly number?: number;
  readonly force: boolean;
  readonly track?: TrackName;
}): Promise<Kata> {
  if (command.track !== undefined) followTrack(command.track);
  const kata = chosen(command.number, command.force);
  await fillBefore(kata);
  return kata;
}

type Listening = net.Server | dgram.Socket;

/** Starts a TCP server with listen(), a UDP socket (kata 09's DNS server) with bind(). */
function start(server: Listening, port: number, ready: (port: number) => void): void {
  const bound = () => ready((server.address() as net.AddressInfo).port);
  if ('bind' in server) server.bind(port, '127.0.0.1', bound);
  else server.listen(port, '127.0.0.1', bound);
}

async function serve(kata: Kata, port: number): Promise<void> {
  const { serve: how } = kata;
  if (!how) refuse(MESSAGES.notAServer(kata));
  // The runner runs as plain JavaScript; the learner's module is TypeScript.
  const { register } = await import('tsx/esm/api');
  register();
  const module = (await import(path.join(kataDir(kata), how.module))) as Record<
    string,
    (...args: readonly unknown[]) => Listening
  >;
  const factory = module[how.factory];
  if (typeof factory !== 'function')
    refuse(MESSAGES.notExported(shown(path.join(kataDir(kata), how.module)), how.factory));
  let server: Listening;
  try {
    server = factory(...(how.args ?? []));
  } catch (error) {
    if (error instanceof Error && error.name === KATA_TODO)
      refuse(MESSAGES.notWrittenServe(how.factory));
    throw error;
  }
  server.once('error', (error: NodeJS.ErrnoException) =>
    refuse(MESSAGES.cannotListen(port, error.code ?? error.message)),
  );
  start(server, port, (bound) => process.stdout.write(`${MESSAGES.serving(kata, bound, how)}\n`));
}

/**
 * Runs the `main(argv)` of the kata's given measuring module (kata 44's measure.ts), which
 * measures with the learner's own modules, prints its report (or what is not written yet),
 * and resolves with the exit code.
 */
async function measure(kata: Kata, seconds: number | undefined): Promise<never> {
  const { measure: module } = kata;
  if (module === undefined) refuse(MESSAGES.notMeasurable(kata));
  const { register } = await import('tsx/esm/api');
  register();
  const file = path.join(kataDir(kata), module);
  const { main: run } = (await import(file)) as {
    main?: (argv: readonly string[]) => Promise<number>;
  };
  if (typeof run !== 'function') refuse(MESSAGES.notExported(shown(file), 'main'));
  process.exit(await run(seconds === undefined ? [] : [String(seconds)]));
}

/** Set in the child process that serves the UI (see ui()): its port, and whether to open a browser. */
const UI_CHILD = { port: 'KATA_UI_PORT', open: 'KATA_UI_OPEN' } as const;
/** A UI child exits so when the kata it served passed and the next one unlocked. */
const UI_MOVED_ON = 3;

/** The first port from `from` up that is free on 127.0.0.1. */
async function freePort(from: number): Promise<number> {
  for (let port = from; ; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net
        .createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * vitest's UI, over the current kata alone so that it is the one in view (every kata
 * with KATA_UNLOCK=all). Every run it shows is recorded, as in watch mode. When the
 * current kata passes, the UI moves on to the next without a restart: it is served by a
 * child process, which exits then, and a new one over the next kata takes the same
 * port; the page open on the old one says "Disconnected", and a reload shows the next
 * kata alone. (Added to the same UI, the next kata would sit below the one passed, the
 * UI listing spec files by path, and a page reconnected to a new UI keeps the old files
 * in its list; closing vitest's server to open another in the same process trips vite's
 * file watcher.)
 */
async function ui(): Promise<void> {
  const port = await freePort(UI_PORT);
  process.stdout.write(`${MESSAGES.uiAt(`http://127.0.0.1:${port}/__vitest__/`)}\n`);
  for (let open = !process.env.CI; ; open = false) {
    const child = spawn(process.execPath, process.argv.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, [UI_CHILD.port]: String(port), [UI_CHILD.open]: open ? '1' : '' },
    });
    const stop = () => child.kill('SIGTERM');
    process.once('SIGINT', stop).once('SIGTERM', stop);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.off('SIGINT', stop).off('SIGTERM', stop);
    if (code !== UI_MOVED_ON) process.exit(code ?? 0);
  }
}

/** The UI's child process: one session over the current kata, until it passes. */
async function uiChild(poll: boolean, port: number): Promise<void> {
  const all = process.env.KATA_UNLOCK === 'all';
  const current = nextPending(readLedger()) ?? KATAS.at(-1);
  const katas = all ? [...KATAS] : current ? [current] : [];
  process.stdout.write(`${MESSAGES.uiOver(katas)}\n`);
  const session = await openSession({
    katas,
    watch: true,
    poll,
    ui: { port, open: process.env[UI_CHILD.open] === '1' },
    onRunEnd: (runs) => {
      const ran = runs.filter((run) => run.specs.length > 0);
      const ledger = record(ran);
      process.stdout.write(`${MESSAGES.uiRun(ran)}\n`);
      const next = nextPending(ledger);
      if (all || !next || katas.includes(next)) return;
      process.stdout.write(`${MESSAGES.uiNext(next)}\n`);
      killChildren();
      process.exit(UI_MOVED_ON);
    },
  });
  await session.rerun();
}

async function main(command: Command): Promise<void> {
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${MESSAGES.usage}\n`);
      return;
    case 'invalid':
      return refuse(`${command.message}\n\n${MESSAGES.usage}`);
    case 'progress':
      return progress(command.json);
    case 'ui': {
      const port = Number(process.env[UI_CHILD.port]);
      return port ? uiChild(command.poll, port) : ui();
    }
    case 'catch-up':
      return catchUp(command.before);
    case 'reset': {
      const kata = chosen(command.number, true);
      for (const r of resetKata(kata))
        process.stdout.write(`${MESSAGES.resetDone(r.file, r.backup)}\n`);
      return;
    }
    case 'serve':
      return serve(chosen(command.number, command.force), command.port);
    case 'measure':
      return measure(chosen(command.number, command.force), command.seconds);
    case 'once':
      return once(await opening(command));
    case 'watch':
      return watchKata(await opening(command), { ...command, prepare: fillBefore });
  }
}

await main(parseArgs(process.argv.slice(2)));
