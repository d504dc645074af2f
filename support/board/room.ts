/**
 * The room as the board sees it: each runner's last standing and what the board noticed over
 * its posts, and the view the page shows, worked out for a moment: who looks stuck, who is
 * offline, how the pairs spread over the katas.
 */
import type { KataRef, Standing } from './standing.ts';

/** When a pair looks stuck, and when a runner is taken for gone. */
export interface Rules {
  /** No new passing spec on the kata for this many minutes. */
  readonly stuckMinutes: number;
  /** The same first failing spec across this many saves (posts) in a row. */
  readonly stuckSaves: number;
  /** No post for this many seconds: offline. */
  readonly offlineSeconds: number;
}

export const DEFAULT_RULES: Rules = { stuckMinutes: 10, stuckSaves: 5, offlineSeconds: 120 };

/** One runner, as the board keeps it (and writes it to its state file). */
export interface Pair {
  readonly standing: Standing;
  /** When it last posted, in ms of the board's clock. */
  readonly seenAt: number;
  /** When the board last saw it progress: onto this kata, or past its most passing specs. */
  readonly progressAt: number;
  /** The most specs seen passing on this kata. */
  readonly best: number;
  /** The first failing spec and how many posts in a row it has been the first. */
  readonly failure: { readonly title: string; readonly saves: number } | null;
}

/** A new post from a runner, set against what the board knew of it. */
export function observe(previous: Pair | undefined, standing: Standing, now: number): Pair {
  const { passed, firstFailing } = standing;
  if (previous === undefined || previous.standing.kata.number !== standing.kata.number) {
    const failure = firstFailing === null ? null : { title: firstFailing, saves: 1 };
    return { standing, seenAt: now, progressAt: now, best: passed, failure };
  }
  const better = passed > previous.best;
  const same = firstFailing !== null && previous.failure?.title === firstFailing;
  return {
    standing,
    seenAt: now,
    progressAt: better ? now : previous.progressAt,
    best: Math.max(passed, previous.best),
    failure:
      firstFailing === null
        ? null
        : { title: firstFailing, saves: same ? (previous.failure?.saves ?? 0) + 1 : 1 },
  };
}

/** Where a pair stands now: offline wins over stuck; a kata with no failing spec is no one's trouble. */
export type Status =
  | { readonly kind: 'working' }
  | { readonly kind: 'passing' }
  | { readonly kind: 'stuck'; readonly why: string }
  | { readonly kind: 'offline'; readonly why: string };

/** The texts the page shows: the rules, and why a row is marked. */
export const RULE_TEXT = {
  stuck: (rules: Rules) =>
    `Looks stuck: no new passing spec for ${rules.stuckMinutes} min, or the same first failing spec across ${rules.stuckSaves} saves.`,
  offline: (rules: Rules) => `Offline: no post for ${rules.offlineSeconds} s.`,
  noProgress: (minutes: number) => `no new passing spec for ${minutes} min`,
  sameFailure: (saves: number) => `the same first failing spec across ${saves} saves`,
  silent: (seconds: number) => `no post for ${seconds} s or more`,
} as const;

export function statusOf(pair: Pair, rules: Rules, now: number): Status {
  if (now - pair.seenAt >= rules.offlineSeconds * 1000) {
    return { kind: 'offline', why: RULE_TEXT.silent(rules.offlineSeconds) };
  }
  if (pair.standing.failed === 0) return { kind: 'passing' };
  const still = Math.floor((now - pair.progressAt) / 60_000);
  if (still >= rules.stuckMinutes) return { kind: 'stuck', why: RULE_TEXT.noProgress(still) };
  const saves = pair.failure?.saves ?? 0;
  if (saves >= rules.stuckSaves) return { kind: 'stuck', why: RULE_TEXT.sameFailure(saves) };
  return { kind: 'working' };
}

/** One row of the page. */
export interface Row extends Standing {
  readonly status: Status;
  /** Whole seconds since its last post, at the view's making (the page counts on from it). */
  readonly secondsSincePost: number;
}

/** How many pairs are on one kata (offline ones left out), and how many of them look stuck. */
export interface KataCount {
  readonly kata: KataRef;
  readonly pairs: number;
  readonly stuck: number;
}

/** Everything the page shows. */
export interface View {
  readonly rules: { readonly stuck: string; readonly offline: string };
  /** Stuck first, then working, passing, offline; by kata, then by name. */
  readonly rows: readonly Row[];
  /** By kata number. */
  readonly distribution: readonly KataCount[];
}

const ORDER: Readonly<Record<Status['kind'], number>> = {
  stuck: 0,
  working: 1,
  passing: 2,
  offline: 3,
};

export function viewOf(pairs: Iterable<Pair>, rules: Rules, now: number): View {
  const rows: Row[] = [...pairs].map((pair) => ({
    ...pair.standing,
    status: statusOf(pair, rules, now),
    secondsSincePost: Math.max(0, Math.floor((now - pair.seenAt) / 1000)),
  }));
  rows.sort(
    (a, b) =>
      ORDER[a.status.kind] - ORDER[b.status.kind] ||
      a.kata.number - b.kata.number ||
      a.name.localeCompare(b.name) ||
      a.runner.localeCompare(b.runner),
  );
  const counts = new Map<number, { kata: KataRef; pairs: number; stuck: number }>();
  for (const row of rows) {
    if (row.status.kind === 'offline') continue;
    const count = counts.get(row.kata.number) ?? { kata: row.kata, pairs: 0, stuck: 0 };
    count.pairs += 1;
    if (row.status.kind === 'stuck') count.stuck += 1;
    counts.set(row.kata.number, count);
  }
  return {
    rules: { stuck: RULE_TEXT.stuck(rules), offline: RULE_TEXT.offline(rules) },
    rows,
    distribution: [...counts.values()].sort((a, b) => a.kata.number - b.kata.number),
  };
}
