import { describe, expect, it } from 'vitest';
import { CUSTOM_KERNEL_STEPS, main } from '../dist/native-kernels.js';
import { quiet, runProgram } from './run-program.js';

describe('native-kernels', () => {
  it('prints identical prime counts from the JS twin, runBatch and NativeBackend, then the custom-kernel steps', async () => {
    const run = await runProgram('native-kernels');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const js = run.stdout.match(/JS twin, main thread: +(\d+) primes/);
    const batch = run.stdout.match(/runBatch, \d+ threads: +(\d+) primes/);
    expect(js).not.toBeNull();
    expect(batch?.[1]).toBe(js?.[1]);
    expect(run.stdout.match(/identical results: true/g)).toHaveLength(2);
    expect(run.stdout).toContain("use it: runBatch('<name>', inputs)");
  });

  it('gives item-for-item the same answers natively as the JS twin', async () => {
    const result = await main({ count: 6000, perTaskCount: 500, print: quiet });
    expect(result.identical).toBe(true);
    expect(result.backendIdentical).toBe(true);
    expect(result.primes.runBatch).toBe(result.primes.js);
    expect(result.primes.backend).toBe(result.primes.backendOfSlice);
    expect(result.primes.js).toBeGreaterThan(0);
    expect(CUSTOM_KERNEL_STEPS.length).toBeGreaterThan(3);
  });
});
