/**
 * Watch mode: one kata, rerun on every save, one screen redrawn after each run,
 * and the keys. A run that does not finish within HANG_SECONDS (an infinite loop,
 * a server that never answers) is stopped: vitest is closed, which ends its
 * workers, and a new one starts on the next save.
 */
import { type FSWatcher, watch as watchFiles } from 'node:fs';
import path from 'node:path';
import { KATAS, type Kata } from '../katas.ts';
import { readHints } from './hints.ts';
import { doneCount, type Ledger, readLedger, record } from './ledger.ts';
import { MESSAGES } from './messages.ts';
import { lessonPath, ROOT, shown, solutionDir } from './paths.ts';
import { type Pane, render } from './screen.ts';
import { type KataRun, openSession, passed, type Session } from './session.ts';
import { access } from './unlock.ts';
import { killChildren } from './workers.ts';

/** How long a run may take before the runner calls it hung; KATA_HANG_SECONDS overrides it (the e2e tests do). */
export const HANG_SECONDS = Number(process.env.KATA_HANG_SECONDS) || 10;
const CLOSE_BOUND_MS = 3_000;
const SAVE_DEBOUNCE_MS = 100;
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';
const BELL = '\x07';

const KEYS = {
  hint: 'h',
  rerun: 'r',
  next: 'n',
  solution: 's',
  quit: 'q',
  interrupt: '\u0003',
} as const;

export interface WatchOptions {
  readonly force: boolean;
  readonly poll: boolean;
  readonly pairMinutes?: number;
}

/**
 * Closes a session, but never waits longer than CLOSE_BOUND_MS: a worker stuck in
 * a learner's loop never answers, so whatever is left of them then is killed.
 */
export async function closeWithin(session: Session): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_BOUND_MS);
  });
  await Promise.race([session.close(), bound]);
  clearTimeout(timer);
  killChildren();
}

export async function watchKata(start: Kata, options: WatchOptions): Promise<void> {
  let kata = start;
  let ledger: Ledger = readLedger();
  let pane: Pane = { kind: 'running' };
  let lastRun: KataRun | undefined;
  let hints = readHints(lessonPath(kata));
  let hintsShown = 0;
  let notices: string[] = [];
  let session: Session | undefined;
  let stalled: FSWatcher | undefined;
  let watchdog: NodeJS.Timeout | undefined;

  const draw = () => {
    process.stdout.write(
      CLEAR +
        render({
          kata,
          done: doneCount(ledger),
          total: KATAS.length,
          pane,
          hints,
          hintsShown,
          notices,
          keys: true,
          color: process.stdout.isTTY === true && !process.env.NO_COLOR,
          rows: process.stdout.rows,
          columns: process.stdout.columns,
        }),
    );
  };

  const disarm = () => clearTimeout(watchdog);
  const arm = () => {
    disarm();
    watchdog = setTimeout(() => void stall(), HANG_SECONDS * 1000);
  };

  // Each vitest instance gets a generation; what a closed one still reports is ignored.
  let generation = 0;

  const open = async () => {
    const mine = ++generation;
    pane = { kind: 'running' };
    draw();
    const opened = await openSession({
      katas: [kata],
      watch: true,
      poll: options.poll,
      onRunStart: () => {
        if (mine !== generation) return;
        pane = { kind: 'running' };
        arm();
        draw();
      },
      onRunEnd: (runs) => {
        if (mine !== generation) return;
        disarm();
        const run = runs[0];
        if (!run) return;
        lastRun = run;
        ledger = record([run]);
        pane = { kind: 'result', run };
        draw();
      },
    });
    session = opened;
    arm();
    opened.rerun().catch((error: unknown) => {
      if (mine !== generation) return;
      notices = [String(error)];
      draw();
    });
  };

  /**
   * The run hung: say so, end vitest and its workers, and start again on the next
   * save. The files are watched before the old vitest is closed, so a save made
   * while it closes is not missed.
   */
  const stall = async () => {
    generation++;
    pane = { kind: 'hung', seconds: HANG_SECONDS };
    lastRun = undefined;
    draw();
    const stuck = session;
    session = undefined;
    let closing = true;
    let savedWhileClosing = false;
    let timer: NodeJS.Timeout | undefined;
    const reopen = () => {
      stalled?.close();
      stalled = undefined;
      void open();
    };
    stalled = watchFiles(path.join(ROOT, 'katas'), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (closing) savedWhileClosing = true;
        else reopen();
      }, SAVE_DEBOUNCE_MS);
    });
    killChildren();
    if (stuck) await closeWithin(stuck);
    closing = false;
    if (savedWhileClosing) reopen();
  };

  const switchTo = async (next: Kata) => {
    generation++;
    const current = session;
    session = undefined;
    disarm();
    if (current) await closeWithin(current);
    kata = next;
    hints = readHints(lessonPath(kata));
    hintsShown = 0;
    notices = [];
    lastRun = undefined;
    await open();
  };

  const quit = async () => {
    disarm();
    stalled?.close();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    if (session) await closeWithin(session);
    process.exit(0);
  };

  const onKey = (key: string) => {
    const done = lastRun !== undefined && passed(lastRun);
    switch (key) {
      case KEYS.hint:
        hintsShown = Math.min(hintsShown + 1, hints.length + 1);
        break;
      case KEYS.rerun:
        if (session) void session.rerun();
        else if (!stalled) void open();
        else {
          stalled.close();
          stalled = undefined;
          void open();
        }
        return;
      case KEYS.next: {
        const following = KATAS.find((k) => k.number > kata.number);
        if (!done || !following) {
          notices = [done ? MESSAGES.allDone : MESSAGES.nextLocked];
          break;
        }
        const gate = access(following.number, ledger, options.force);
        if (gate.kind === 'locked') notices = [MESSAGES.locked(gate.kata, gate.first)];
        else void switchTo(following);
        break;
      }
      case KEYS.solution:
        notices = [
          done
            ? MESSAGES.solutionAt(kata.modules.map((m) => shown(path.join(solutionDir(kata), m))))
            : MESSAGES.solutionLocked,
        ];
        break;
      case KEYS.quit:
      case KEYS.interrupt:
        void quit();
        return;
      default:
        return;
    }
    draw();
  };

  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    for (const key of chunk) onKey(key);
  });
  process.stdout.on('resize', draw);
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());

  if (options.pairMinutes) {
    const minutes = options.pairMinutes;
    setInterval(() => {
      notices = [MESSAGES.swap(minutes)];
      process.stdout.write(BELL);
      draw();
    }, minutes * 60_000);
  }

  await open();
}
