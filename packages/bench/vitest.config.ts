import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI smoke test starts worker pools of five libraries in a child process.
    testTimeout: 90_000,
  },
});
