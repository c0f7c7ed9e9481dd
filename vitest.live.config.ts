import { defineConfig } from 'vitest/config';

// `npm run test:live`: the tests that reach a real registry; never part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.test.ts'],
    testTimeout: 60_000,
  },
});
