/**
 * What specs import as '@fast-check/vitest' (vitest.config.ts aliases it here):
 * the same `test.prop(arbitraries, params)(name, predicate)` and `fc`, over
 * fast-check's own `fc.assert`, so a failure still reports the shrunk
 * counterexample, the seed and the path to replay it.
 *
 * Why not the package's module itself: @fast-check/vitest 0.5.0, as it loads,
 * builds `.prop` for every permutation of vitest 4.1's chain modifiers (skip,
 * only, each, for, runIf, skipIf, concurrent, …): about 250,000 calls, 1.2 s on
 * a quiet 2-core machine, 2.4 s on a busy one, paid by every property spec file.
 * That alone breaks the budget of a first result in 1.5 s (DESIGN.md). The
 * package stays a dependency for its types; drop the alias once it loads fast
 * (`npm run bench:runner` shows it).
 */
import fc from 'fast-check';
import { test as vitestTest } from 'vitest';

type Arbitraries<Ts extends unknown[]> = { [K in keyof Ts]: fc.Arbitrary<Ts[K]> };
type Predicate<Ts extends unknown[]> = (
  ...args: Ts
) => boolean | undefined | Promise<boolean | undefined>;

function prop<Ts extends [unknown, ...unknown[]]>(
  arbitraries: Arbitraries<Ts>,
  params?: fc.Parameters<Ts>,
) {
  return (name: string, predicate: Predicate<Ts>, timeout?: number) =>
    vitestTest(
      name,
      async () => {
        await fc.assert(
          fc.asyncProperty<Ts>(...arbitraries, async (...args: Ts) => predicate(...args)),
          params,
        );
      },
      timeout,
    );
}

const call: typeof vitestTest = ((...args: Parameters<typeof vitestTest>) =>
  vitestTest(...args)) as typeof vitestTest;

export const test = Object.assign(call, {
  prop,
  skip: vitestTest.skip,
  only: vitestTest.only,
  each: vitestTest.each,
});
export const it = test;
export { fc };
