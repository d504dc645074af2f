/**
 * Re-verification behind the learner's back. A kata already reached whose modules
 * change (an edit, a reset, a file copied in) stands "changed" until its specs run
 * again; while the learner works on another kata in watch mode, the runner runs them
 * itself: for every kata that stands changed after each result of the open kata,
 * and after each save of such a kata's modules. Each run is
 * `npm run kata N -- --once` in a child process, one at a time: it records its own
 * result and ends its own hung workers, never the watch session's. When the watch
 * session hangs, the runner ends all its children, this one too: the kata then stands
 * changed until its next save.
 */
import { spawn } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { folderOf, KATAS, type Kata } from '../katas.ts';
import { type Ledger, readLedger } from './ledger.ts';
import { ROOT } from './paths.ts';
import { hashKata } from './progress.ts';
import { unlocked } from './unlock.ts';

/** A save's events come in bursts (write, rename, chmod): one run per burst. */
const SAVE_DEBOUNCE_MS = 300;
const LAUNCH = path.join(ROOT, 'support', 'runner', 'launch.mjs');

export type Reverified =
  | { readonly kind: 'passes'; readonly kata: Kata }
  /** No verdict: the run gave up on a spec that never finished, and recorded nothing. */
  | { readonly kind: 'unfinished'; readonly kata: Kata }
  | {
      readonly kind: 'fails';
      readonly kata: Kata;
      readonly failed: number;
      readonly total: number;
    };

/** The katas, other than the one open, that are reached and stand changed now. */
export function stale(ledger: Ledger, open: Kata): Kata[] {
  return unlocked(ledger, false).filter(
    (kata) => kata !== open && ledger.standings.get(kata.number) === 'changed',
  );
}

/** What a run found, read from the ledger it recorded in. */
function outcomeOf(kata: Kata, ledger: Ledger): Reverified {
  const record = ledger.progress.get(kata.number);
  switch (ledger.standings.get(kata.number)) {
    case 'done':
      return { kind: 'passes', kata };
    case 'failing':
      return {
        kind: 'fails',
        kata,
        failed: (record?.total ?? 0) - (record?.passed ?? 0),
        total: record?.total ?? 0,
      };
    default:
      return { kind: 'unfinished', kata };
  }
}

/** The kata a path under katas/ belongs to, when it is one of that kata's modules. */
export function moduleOwner(relative: string): Kata | undefined {
  const [folder, ...rest] = relative.split(/[\\/]/);
  const kata = KATAS.find((k) => folderOf(k) === folder);
  return kata?.modules.includes(rest.join('/')) ? kata : undefined;
}

export interface Reverifier {
  /** The kata open in watch mode now: it is never run in the background. */
  open(kata: Kata): void;
  /** Queues every kata that stands changed now: called once a result of the open kata is on screen. */
  sweep(): void;
  close(): void;
}

/**
 * Starts re-verifying. `done` sees each outcome with the ledger read after it; a
 * run killed from outside (the runner quitting) reports nothing.
 */
export function reverify(
  start: Kata,
  done: (outcome: Reverified, ledger: Ledger) => void,
  options: { readonly follow: boolean },
): Reverifier {
  let current = start;
  let closed = false;
  let running = false;
  const queue: Kata[] = [];
  const timers = new Map<Kata, NodeJS.Timeout>();
  /** The code of each kata whose run did not finish: it is not run again until it changes. */
  const gaveUp = new Map<Kata, string>();

  const next = () => {
    if (running || closed) return;
    const kata = queue.shift();
    if (!kata) return;
    const settled = kata === current || !stale(readLedger(), current).includes(kata);
    if (settled || gaveUp.get(kata) === hashKata(kata)) return next();
    running = true;
    const child = spawn(process.execPath, [LAUNCH, String(kata.number), '--once', '--force'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: 'ignore',
    });
    const hash = hashKata(kata);
    child.once('exit', (code) => {
      running = false;
      if (closed) return;
      // Killed (the runner quit, or ended a hung run of its own), or saved again meanwhile:
      // then the run that save queued reports instead.
      if (code !== null && hashKata(kata) === hash) {
        const ledger = readLedger();
        const outcome = outcomeOf(kata, ledger);
        if (outcome.kind === 'unfinished') gaveUp.set(kata, hash);
        done(outcome, ledger);
      }
      next();
    });
  };
  const enqueue = (kata: Kata) => {
    if (!queue.includes(kata)) queue.push(kata);
    next();
  };

  let watcher: FSWatcher | undefined;
  if (options.follow) {
    watcher = watch(path.join(ROOT, 'katas'), { recursive: true }, (_event, file) => {
      const kata = file ? moduleOwner(file.toString()) : undefined;
      if (!kata || kata === current) return;
      clearTimeout(timers.get(kata));
      timers.set(
        kata,
        setTimeout(() => enqueue(kata), SAVE_DEBOUNCE_MS),
      );
    });
  }
  return {
    open(kata) {
      current = kata;
    },
    sweep() {
      for (const kata of stale(readLedger(), current)) enqueue(kata);
    },
    close() {
      closed = true;
      watcher?.close();
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
