import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';

const script = fileURLToPath(new URL('./fixtures/aborted-endless-batch.mjs', import.meta.url));

/** Runs the fixture; a process still alive after 30 s is killed (status null, signal SIGKILL). */
function run(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
}

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('an aborted runBatch lets the process exit', () => {
  it('an endless spin batch, aborted: the promise rejects and the process exits 0 on its own', () => {
    const r = run('spin');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('rejected AbortError');
  }, 40_000);

  it('a kernel that ignores cancellation (ABI version 1, sleeping 10 minutes), aborted: the process exits 0 all the same', () => {
    const r = run('v1', testLibraries.abiV1);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('rejected AbortError');
  }, 40_000);
});
