/**
 * The vitest config Stryker runs (npm run mutate): one kata's specs, always on the
 * reference. The kata comes from KATA_MUTATE (its folder name), set by main.ts before
 * Stryker starts, so a spec of a later kata never kills an earlier reference's
 * mutants (kata 19 imports kata 17). The specs are limited here, through `include`,
 * and never through Stryker's `testFiles` option (stryker-js #6144, #6209).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { kataTarget } from '../target.ts';

const kata = process.env.KATA_MUTATE;
if (!kata) throw new Error('KATA_MUTATE names the kata folder to mutate (npm run mutate sets it).');

export default defineConfig({
  plugins: [kataTarget('reference')],
  resolve: {
    alias: {
      '@fast-check/vitest': fileURLToPath(
        new URL('../harness/fast-check-vitest.ts', import.meta.url),
      ),
    },
  },
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: [`katas/${kata}/*.spec.ts`],
    setupFiles: [fileURLToPath(new URL('./seed.ts', import.meta.url))],
    testTimeout: 5_000,
    hookTimeout: 5_000,
    teardownTimeout: 2_000,
  },
});
