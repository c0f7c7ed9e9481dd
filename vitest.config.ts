import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Live registry tests run only with `npm run test:live`.
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three workers on a two-core machine: most of a test's time is spent waiting on the git, node, registry and browser
    // processes it spawns (measured: 178 s with three, 247 s with two, for the same 603 tests).
    maxWorkers: 3,
    // Builds dist/ from the current source first: the CLI tests run the built bin.
    globalSetup: ['test/global-setup.ts'],
  },
});
