import { describe, expect, it } from 'vitest';
import { main } from '../dist/square-sum.js';
import { quiet, runProgram } from './run-program.js';

describe('square-sum', () => {
  it('prints 338350 and a cancelled run that rejected with AbortError', async () => {
    const run = await runProgram('square-sum');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sum of squares 1..100 = 338350');
    expect(run.stdout).toMatch(/run\(\) rejected with AbortError/);
  });

  it('sums the squares of 1..100 to 338350, and aborting mid-run stops the producer and the run', async () => {
    const result = await main({ abortAfter: 20, print: quiet });
    expect(result.sum).toBe(338350);
    expect(result.cancelled.rejectedWith).toBe('AbortError');
    expect(result.cancelled.collected).toBeGreaterThanOrEqual(20);
    expect(result.cancelled.collected).toBeLessThan(100);
    expect(result.cancelled.pushed).toBeLessThan(100);
    expect(result.cancelled.sum).toBeLessThan(338350);
  });
});
