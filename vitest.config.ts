import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Live registry tests run only with `npm run test:live`.
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs test file after test file without starting again (81 s against 91 s for the same 657 tests): the tests
    // leave the process's environment as they found it, and the CLI runs in process with an environment of its own.
    isolate: false,
    // Three workers on a two-core machine: a test still waits on the git, registry and browser processes it starts
    // (measured with the CLI in process: 81 s with three, 96 s with two).
    maxWorkers: 3,
    // Brings dist/ up to date with the current source first: the bin tests and the signal test run the built code.
    globalSetup: ['test/global-setup.ts'],
  },
});
