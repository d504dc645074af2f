/**
 * Watch mode: one kata, rerun on every save, one screen redrawn after each run,
 * and the keys. A run that does not finish within HANG_SECONDS (an infinite loop,
 * a server that never answers) is stopped: vitest is closed, which ends its
 * workers, and a new one starts on the next save.
 */
import { type FSWatcher, watch as watchFiles } from 'node:fs';
import path from 'node:path';
import { type BoardClient, type BoardReport, createBoardClient } from '../board/client.ts';
import { KATAS, type Kata } from '../katas.ts';
import type { BoardTarget } from './args.ts';
import { resetKata } from './files.ts';
import { readHints } from './hints.ts';
import { doneCount, type Ledger, labels, readLedger, record } from './ledger.ts';
import { MESSAGES } from './messages.ts';
import { lessonPath, ROOT, shown, solutionDir } from './paths.ts';
import { type Reverifier, reverify } from './reverify.ts';
import { type Pane, render, renderList } from './screen.ts';
import {
  failedCount,
  type KataRun,
  openSession,
  passed,
  passedCount,
  type Session,
} from './session.ts';
import { access, following } from './unlock.ts';
import { killChildren } from './workers.ts';

/** How long a run may take before the runner calls it hung; KATA_HANG_SECONDS overrides it (the e2e tests do). */
export const HANG_SECONDS = Number(process.env.KATA_HANG_SECONDS) || 10;
const CLOSE_BOUND_MS = 3_000;
const SAVE_DEBOUNCE_MS = 100;
const PROGRESS_DRAW_MS = 100;
const SWAP_NOTICE_MS = 60_000;
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';
const BELL = '\x07';

const KEYS = {
  hint: 'h',
  hide: 'x',
  list: 'l',
  rerun: 'r',
  next: 'n',
  solution: 's',
  quit: 'q',
  interrupt: '\u0003',
} as const;

/** Keys of the list mode; arrows arrive as escape sequences. */
const LIST_KEYS = {
  up: ['\x1b[A', 'k'],
  down: ['\x1b[B', 'j'],
  open: ['\r', '\n'],
  reset: ['R'],
  back: ['l', '\x1b'],
} as const;

/** A chunk of stdin cut into keys: an escape sequence (an arrow) is one key. */
function keysOf(chunk: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < chunk.length; i++) {
    const arrow = chunk.startsWith(ESC_BRACKET, i) ? chunk.slice(i, i + 3) : '';
    keys.push(arrow || (chunk[i] ?? ''));
    if (arrow) i += 2;
  }
  return keys;
}
const ESC_BRACKET = '\x1b[';

export interface WatchOptions {
  readonly force: boolean;
  readonly poll: boolean;
  readonly pairMinutes?: number;
  /** The room's board: the standing is posted there after each run, in the background. */
  readonly board?: BoardTarget;
  /** Before another kata opens (`n`, or the list): a track fills the katas it builds on. */
  readonly prepare?: (kata: Kata) => Promise<void>;
}

/** What the screen says of the board, once per change: nothing while it answers. */
function boardNotice(report: BoardReport): string | undefined {
  switch (report.kind) {
    case 'unreachable':
      return MESSAGES.boardUnreachable(report.reason);
    case 'reachable':
      return MESSAGES.boardBack;
    case 'refused':
      return MESSAGES.boardRefused(report.status, report.reason);
  }
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
  let hintsHidden = false;
  /** After a pass: that it was recorded, and what comes next. */
  let passNotice: string | undefined;
  /** What the last re-verification of an earlier kata found. */
  let behindNotice: string | undefined;
  let behind: Reverifier | undefined;
  let notices: string[] = [];
  let session: Session | undefined;
  let stalled: FSWatcher | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  /** For the board: when this kata was opened, and when its last run started (a save, or r). */
  let openedAt = Date.now();
  let changedAt = Date.now();
  let boardSays: string | undefined;
  const board: BoardClient | undefined =
    options.board &&
    createBoardClient({
      ...options.board,
      onReport: (report) => {
        boardSays = boardNotice(report);
        draw();
      },
    });
  const postStanding = (run: KataRun) => {
    board?.post({
      track: ledger.track?.name ?? 'all',
      kata: { number: kata.number, slug: kata.slug },
      passed: passedCount(run),
      failed: failedCount(run),
      firstFailing: run.specs.find((spec) => spec.state === 'failed')?.name ?? null,
      hintsOpened: hintsShown,
      secondsOnKata: (Date.now() - openedAt) / 1000,
      secondsSinceChange: (Date.now() - changedAt) / 1000,
    });
  };

  /** List mode: the kata under the cursor, and a reset waiting for its second R. */
  let list: { cursor: number; resetting?: number } | undefined;
  const color = () => process.stdout.isTTY === true && !process.env.NO_COLOR;

  const draw = () => {
    if (list) {
      process.stdout.write(
        CLEAR +
          renderList({
            labels: labels(ledger),
            cursor: list.cursor,
            current: kata.number,
            done: doneCount(ledger),
            notices,
            color: color(),
            rows: process.stdout.rows,
          }),
      );
      return;
    }
    process.stdout.write(
      CLEAR +
        render({
          kata,
          done: doneCount(ledger),
          total: KATAS.length,
          pane,
          hints,
          hintsShown: hintsHidden ? 0 : hintsShown,
          notices: [passNotice, behindNotice, boardSays, ...notices].filter((n) => n !== undefined),
          keys: true,
          color: color(),
          ...(options.pairMinutes && { status: MESSAGES.pairOn(options.pairMinutes) }),
          rows: process.stdout.rows,
          columns: process.stdout.columns,
        }),
    );
  };

  const disarm = () => clearTimeout(watchdog);
  // The bound is on progress, not on the whole run: each spec's verdict re-arms it, so
  // a slow kata whose specs each give up in time is never called hung.
  const arm = () => {
    disarm();
    watchdog = setTimeout(() => void stall(), HANG_SECONDS * 1000);
  };
  let runningNow: readonly string[] = [];
  let drawn = 0;
  let pendingDraw: NodeJS.Timeout | undefined;
  /** Redraws at most every PROGRESS_DRAW_MS while specs report: a screen per spec would flicker. */
  const drawSoon = () => {
    if (pendingDraw) return;
    const wait = Math.max(0, drawn + PROGRESS_DRAW_MS - performance.now());
    pendingDraw = setTimeout(() => {
      pendingDraw = undefined;
      drawn = performance.now();
      draw();
    }, wait);
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
        changedAt = Date.now();
        pane = { kind: 'running' };
        runningNow = [];
        arm();
        draw();
      },
      onProgress: (runs, running) => {
        if (mine !== generation) return;
        arm();
        runningNow = running;
        const run = runs[0];
        pane = { kind: 'running', ...(run && run.specs.length > 0 && { run }) };
        drawSoon();
      },
      onRunEnd: (runs) => {
        if (mine !== generation) return;
        disarm();
        clearTimeout(pendingDraw);
        pendingDraw = undefined;
        const run = runs[0];
        if (!run) return;
        lastRun = run;
        ledger = record([run]);
        pane = { kind: 'result', run };
        passNotice = passed(run) ? MESSAGES.recordedNext(following(kata, ledger)) : undefined;
        postStanding(run);
        draw();
        behind?.sweep();
      },
      onRunError: (error) => {
        if (mine !== generation) return;
        notices = [String(error)];
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
    clearTimeout(pendingDraw);
    pendingDraw = undefined;
    pane = { kind: 'hung', seconds: HANG_SECONDS, specs: runningNow };
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
    if (options.prepare) {
      await options.prepare(next);
      ledger = readLedger();
    }
    kata = next;
    openedAt = Date.now();
    hints = readHints(lessonPath(kata));
    hintsShown = 0;
    hintsHidden = false;
    passNotice = undefined;
    behindNotice = undefined;
    notices = [];
    lastRun = undefined;
    behind?.open(kata);
    await open();
  };

  const quit = async () => {
    disarm();
    stalled?.close();
    behind?.close();
    board?.close();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    if (session) await closeWithin(session);
    process.exit(0);
  };

  const onListKey = (key: string, at: { cursor: number; resetting?: number }) => {
    const index = KATAS.findIndex((k) => k.number === at.cursor);
    const selected = KATAS[index];
    const is = (keys: readonly string[]) => keys.includes(key);
    if (is(LIST_KEYS.up)) list = { cursor: KATAS[Math.max(0, index - 1)]?.number ?? at.cursor };
    else if (is(LIST_KEYS.down))
      list = { cursor: KATAS[Math.min(KATAS.length - 1, index + 1)]?.number ?? at.cursor };
    else if (is(LIST_KEYS.back)) list = undefined;
    else if (is(LIST_KEYS.open) && selected) {
      if (access(selected.number, ledger, options.force).kind === 'locked') {
        notices = [MESSAGES.notReached(selected)];
      } else {
        list = undefined;
        notices = [];
        if (selected.number !== kata.number) void switchTo(selected);
      }
    } else if (is(LIST_KEYS.reset) && selected) {
      if (at.resetting !== selected.number) {
        list = { cursor: at.cursor, resetting: selected.number };
        notices = [MESSAGES.confirmReset(selected)];
      } else {
        notices = resetKata(selected).map((r) => MESSAGES.resetDone(r.file, r.backup));
        ledger = readLedger();
        list = { cursor: at.cursor };
      }
    } else if (key === KEYS.quit || key === KEYS.interrupt) {
      void quit();
      return;
    } else return;
    draw();
  };

  const onKey = (key: string) => {
    if (list) return onListKey(key, list);
    const done = lastRun !== undefined && passed(lastRun);
    switch (key) {
      case KEYS.list:
        list = { cursor: kata.number };
        notices = [];
        break;
      case KEYS.hint:
        hintsShown = hintsHidden
          ? Math.max(hintsShown, 1)
          : Math.min(hintsShown + 1, hints.length + 1);
        hintsHidden = false;
        break;
      case KEYS.hide:
        hintsHidden = true;
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
        const after = following(kata, ledger);
        if (!done || !after) {
          notices = [done ? MESSAGES.allDone : MESSAGES.nextLocked];
          break;
        }
        const gate = access(after.number, ledger, options.force);
        if (gate.kind === 'locked') notices = [MESSAGES.locked(gate.kata, gate.first)];
        else void switchTo(after);
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
    for (const key of keysOf(chunk)) onKey(key);
  });
  process.stdout.on('resize', draw);
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());

  if (options.pairMinutes) {
    const minutes = options.pairMinutes;
    setInterval(() => {
      const swap = MESSAGES.swap(minutes);
      notices = [swap];
      process.stdout.write(BELL);
      draw();
      // The reminder clears itself: it must not stand for the next ten minutes.
      setTimeout(() => {
        if (notices.includes(swap)) {
          notices = notices.filter((n) => n !== swap);
          draw();
        }
      }, SWAP_NOTICE_MS);
    }, minutes * 60_000);
  }

  behind = reverify(
    kata,
    (outcome, after) => {
      ledger = after;
      behindNotice = MESSAGES.reverified(outcome);
      draw();
    },
    { follow: !options.poll },
  );
  await open();
}
