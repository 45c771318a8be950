import { defineProject } from 'vitest/config';

// The tests run the built programs (dist/), so `npm run build` comes first (nx's test target
// depends on build). Timeouts are generous: the examples sleep, fork processes and start threads.
export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
