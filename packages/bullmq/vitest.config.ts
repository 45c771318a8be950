import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Redis server per test file; files run one at a time so worker processes do not crowd 2 cores.
    fileParallelism: false,
  },
});
