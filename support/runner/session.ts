/**
 * One vitest instance, in this process, over the specs of some katas. In watch
 * mode vitest follows every file the specs import (the learner's modules and the
 * earlier katas they use) and reruns on save; this module only turns vitest's
 * results into outcomes per kata. vitest's own keyboard shortcuts are never
 * registered (createVitest does not), so the runner owns stdin.
 */
import path from 'node:path';
import type { TestModule } from 'vitest/node';
import { createVitest, type Vitest } from 'vitest/node';
import { KATAS, type Kata } from '../katas.ts';
import { classify, type Failure } from './failures.ts';
import { kataDir, ROOT, shown } from './paths.ts';

export interface SpecResult {
  /** The full name, with the describe blocks: "RFC 862: … > sends back a line of text". */
  readonly name: string;
  /** The test's own name. */
  readonly title: string;
  readonly file: string;
  readonly state: 'passed' | 'failed' | 'skipped';
  readonly failures: readonly Failure[];
}

export interface KataRun {
  readonly kata: Kata;
  readonly specs: readonly SpecResult[];
  /** Errors outside any spec: a syntax error, an import that fails, an unhandled rejection. */
  readonly errors: readonly Failure[];
}

/**
 * Every spec passed, or was skipped: a spec that needs a tool this machine lacks (curl)
 * skips itself, and its point is covered without the tool too. At least one ran.
 */
export const passed = (run: KataRun) =>
  run.errors.length === 0 &&
  run.specs.some((s) => s.state === 'passed') &&
  run.specs.every((s) => s.state !== 'failed');

/** How many specs of a run ended in this state. */
const counted = (run: KataRun, state: SpecResult['state']) =>
  run.specs.filter((s) => s.state === state).length;

/** How many specs a run skipped. */
export const skipped = (run: KataRun) => counted(run, 'skipped');

/** How many specs a run passed. */
export const passedCount = (run: KataRun) => counted(run, 'passed');

/** What failed: the specs that failed, or, where none did, the errors that stopped the run. */
export const failedCount = (run: KataRun) => counted(run, 'failed') || run.errors.length;

export interface SessionOptions {
  readonly katas: readonly Kata[];
  readonly watch: boolean;
  /** Poll for file changes, for mounts where file events never arrive (network drives, WSL /mnt). */
  readonly poll?: boolean;
  /** Serve vitest's UI on 127.0.0.1 at this port as well. */
  readonly ui?: { readonly port: number; readonly open: boolean };
  readonly onRunStart?: () => void;
  /**
   * While a run goes on: the verdicts so far (specs not yet finished left out), and the
   * specs running now. Each call is progress: a run is hung only when none comes.
   */
  readonly onProgress?: (runs: readonly KataRun[], running: readonly string[]) => void;
  readonly onRunEnd: (runs: readonly KataRun[]) => void;
  /** A run after a save could not start (watch mode; the first run's error is rerun()'s). */
  readonly onRunError?: (error: unknown) => void;
}

/** Vite's file watcher, polling where file events never arrive (network drives, WSL /mnt). */
export function watcherOverrides(poll: boolean) {
  return poll ? { server: { watch: { usePolling: true, interval: POLL_INTERVAL_MS } } } : {};
}

const POLL_INTERVAL_MS = 250;

export interface Session {
  rerun(): Promise<void>;
  close(): Promise<void>;
}

function kataOf(moduleId: string): Kata | undefined {
  return KATAS.find(
    (kata) =>
      moduleId.startsWith(kataDir(kata) + path.sep) || moduleId.startsWith(`${kataDir(kata)}/`),
  );
}

const isProperty = (module: TestModule) => module.moduleId.endsWith('.prop.spec.ts');

/** The place of a spec file's module (`x.spec.ts` and `x.prop.spec.ts` test `x.ts`) in the kata. */
function taskOrder(kata: Kata, module: TestModule): number {
  const tested = path.basename(module.moduleId).replace(/(\.prop)?\.spec\.ts$/, '.ts');
  const index = kata.modules.indexOf(tested);
  return index === -1 ? kata.modules.length : index;
}

function specResults(module: TestModule, soFar: boolean): SpecResult[] {
  const results: SpecResult[] = [];
  for (const test of module.children.allTests()) {
    const result = test.result();
    if (soFar && result.state === 'pending') continue;
    const state = result.state === 'pending' ? 'skipped' : result.state;
    results.push({
      name: test.fullName,
      title: test.name,
      file: shown(module.moduleId),
      state,
      failures: result.state === 'failed' ? result.errors.map(classify) : [],
    });
  }
  return results;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const katas = [...options.katas];
  // The latest result of every spec file, so a rerun of one file keeps the others' results.
  const latest = new Map<string, TestModule>();
  // The spec files of the run going on, and the specs running now, for onProgress.
  const current = new Map<string, TestModule>();
  const running = new Set<string>();
  const collect = (unhandled: readonly Failure[], soFar = false): KataRun[] =>
    katas.map((kata) => {
      // Example specs first: their failures read better than a property's counterexample.
      // Then in the order of the kata's modules, which is the order of the lesson's tasks.
      const modules = [...(soFar ? current : latest).values()]
        .filter((m) => kataOf(m.moduleId) === kata)
        .sort(
          (a, b) =>
            Number(isProperty(a)) - Number(isProperty(b)) ||
            taskOrder(kata, a) - taskOrder(kata, b) ||
            a.moduleId.localeCompare(b.moduleId),
        );
      return {
        kata,
        specs: modules.flatMap((m) => specResults(m, soFar)),
        errors: [
          ...modules.flatMap((m) => m.errors().map(classify)),
          ...(katas.length === 1 ? unhandled : []),
        ],
      };
    });

  const vitest: Vitest = await createVitest(
    'test',
    {
      root: ROOT,
      config: path.join(ROOT, 'vitest.config.ts'),
      project: 'katas',
      watch: options.watch,
      // Transformed modules kept on disk between runs: a first result comes ~0.1 s sooner.
      experimental: { fsModuleCache: true },
      ...(options.ui && {
        ui: true,
        open: options.ui.open,
        api: { host: '127.0.0.1', port: options.ui.port, strictPort: true },
      }),
      reporters: [
        {
          onTestRunStart: () => {
            current.clear();
            running.clear();
            options.onRunStart?.();
          },
          onTestCaseReady: (test) => {
            current.set(test.module.moduleId, test.module);
            running.add(test.fullName);
            options.onProgress?.(collect([], true), [...running]);
          },
          onTestCaseResult: (test) => {
            running.delete(test.fullName);
            options.onProgress?.(collect([], true), [...running]);
          },
          onTestRunEnd: (modules, unhandledErrors) => {
            for (const module of modules) latest.set(module.moduleId, module);
            options.onRunEnd(collect(unhandledErrors.map((e) => classify(e))));
          },
        },
      ],
    },
    watcherOverrides(options.poll === true),
  );
  const filterOf = (kata: Kata) => `${shown(kataDir(kata))}/`;
  // Every run goes through this chain, one after another: a run asked for while another goes on
  // starts when it ends (vitest would report the second run's start in the middle of the first).
  let runs: Promise<unknown> = Promise.resolve();
  const serially = (run: () => Promise<unknown>) => {
    const next = runs.then(run);
    runs = next.catch(() => undefined);
    return next;
  };
  if (options.watch)
    scheduleSaves(vitest, (run) => serially(run).catch((error) => options.onRunError?.(error)));
  return {
    async rerun() {
      await serially(async () => {
        const filters = katas.map(filterOf);
        if (latest.size === 0) await vitest.start(filters);
        else await vitest.rerunTestSpecifications(await vitest.globTestSpecifications(filters));
      });
    },
    close: () => vitest.close(),
  };
}

/**
 * How long after a file event a save's run starts: long enough to fold the events of one save
 * (an editor that truncates, then writes; or writes a temporary file and renames it).
 */
const SAVE_SETTLE_MS = 15;

/**
 * vitest reruns WATCHER_DEBOUNCE (100 ms, not an option) after the last file event: a fifth
 * of the half second a save's result may take (DESIGN.md, "Budgets"). The session takes over
 * that one step, vitest's `scheduleRerun`, which its file watcher calls once it has
 * invalidated the changed module and noted the spec files that import it; everything else
 * (which specs, the invalidated modules sent to the worker) stays vitest's.
 */
function scheduleSaves(
  vitest: Vitest,
  serially: (run: () => Promise<unknown>) => Promise<unknown>,
): void {
  let timer: NodeJS.Timeout | undefined;
  // Private in vitest's types: pinned to vitest 4.1 (package.json), and e2e.test.ts's save
  // test fails if a vitest update stops calling it.
  (vitest as unknown as { scheduleRerun: (trigger: string) => Promise<void> }).scheduleRerun =
    async () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void serially(async () => {
          const changed = [...vitest.watcher.changedTests];
          vitest.watcher.changedTests.clear();
          if (changed.length === 0) return;
          await vitest.rerunTestSpecifications(
            changed.flatMap((file) => vitest.getModuleSpecifications(file)),
          );
        });
      }, SAVE_SETTLE_MS);
    };
}
