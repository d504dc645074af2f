import { defineConfig } from 'vitest/config';
import { kataTarget } from './support/target.ts';

export default defineConfig({
  plugins: [kataTarget()],
  test: {
    testTimeout: 5_000,
    hookTimeout: 5_000,
    teardownTimeout: 2_000,
    projects: [
      { extends: true, test: { name: 'katas', include: ['katas/**/*.spec.ts'] } },
      { extends: true, test: { name: 'support', include: ['support/**/*.test.ts'] } },
    ],
  },
});
