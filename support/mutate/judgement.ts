/**
 * How a surviving mutant is judged, kata by kata, in support/mutate/equivalents/NN-slug.ts
 * (a default export: `export default [ … ] satisfies readonly Judgement[];`).
 *
 * - 'equivalent': no observable behaviour differs. Named exactly: the file (relative to
 *   the kata's reference folder), Stryker's mutator name, the original code and its
 *   replacement, as `npm run mutate` prints them. Line numbers are left out on purpose:
 *   they move with every edit above.
 * - 'not measurable': code that only runs in a worker thread or a child process, where
 *   Stryker's coverage cannot see it. It applies to the uncovered mutants of that file.
 *
 * Every judgement says why in one line. A judgement that matches no mutant is stale and
 * the report says so.
 */
export type Judgement =
  | {
      readonly verdict: 'equivalent';
      readonly file: string;
      readonly mutator: string;
      readonly original: string;
      readonly replacement: string;
      readonly why: string;
    }
  | {
      readonly verdict: 'not measurable';
      readonly file: string;
      readonly why: string;
    };
