import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { kataTarget } from './support/target.ts';

export default defineConfig({
  plugins: [kataTarget()],
  resolve: {
    // Same API, loads in milliseconds: see the comment at the top of the file.
    alias: {
      '@fast-check/vitest': fileURLToPath(
        new URL('./support/harness/fast-check-vitest.ts', import.meta.url),
      ),
    },
  },
  test: {
    testTimeout: 5_000,
    hookTimeout: 5_000,
    teardownTimeout: 2_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'katas',
          include: ['katas/**/*.spec.ts'],
          // One module cache per worker across spec files: a first result and a save's result
          // come about 30% sooner (npm run bench:runner). Every spec closes what it opens, so
          // nothing leaks from one file to the next. Workers stay processes (forks), which the
          // runner can kill when a learner's loop never ends.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'support', include: ['support/**/*.test.ts'] } },
    ],
  },
});
