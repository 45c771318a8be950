/**
 * Regression (issue 23): under Node 24, files of this package failed setup.ts's "OS threads left
 * after this file" check (11 > 7) though every backend was closed: the 4 extra threads were libuv's
 * threadpool (`libuv-worker`), which Node 22 and later start on the first fs/crypto/dns request
 * instead of at start-up, so a bare count charged them to whichever file first touched it. The
 * ledger (threads.ts) starts that pool before it counts and follows Workers by their 'exit'.
 * Each case runs in a fresh process, where nothing has started the threadpool yet.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ThreadsLeft } from './threads.js';

const PROBE = fileURLToPath(new URL('./fixtures/thread-ledger-probe.mjs', import.meta.url));

/**
 * Runs the probe in a fresh process: its ledger's report, and the threads that appeared after the
 * process started (on Node 22+ the 4 `libuv-worker`s there are what the bare count tripped on).
 */
function probe(mode: 'clean' | 'leak'): { left: ThreadsLeft; sinceStart: string[] } {
  // The probe imports threads.ts: where Node strips types itself (a feature, not a version check)
  // it needs no loader, which would start the threadpool before the probe could count.
  // (process.features.typescript: Node 22.10+; @types/node 20 does not declare it.)
  const strips = Boolean((process.features as { typescript?: unknown }).typescript);
  const loader = strips ? [] : ['--import', 'tsx'];
  const run = spawnSync(process.execPath, [...loader, PROBE, mode], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
}

describe.runIf(process.platform === 'linux')('the thread check (OS threads read from /proc)', () => {
  it("does not count threads of the process that are not a pool's, started after it opened", () => {
    const { left, sinceStart } = probe('clean');
    expect(left, `threads started since the probe's process began: ${sinceStart.join(', ')}`).toMatchObject({
      workers: 0,
      extra: [],
    });
    // The probe read files and ran a Worker after the ledger opened: libuv's threadpool is up now
    // whether it started before the ledger (Node 20) or because of it (Node 22+).
    expect(left.osThreads).toBe(left.baseline);
  });

  it('still catches a Worker left running, by its missing exit and by the OS count', () => {
    const { left } = probe('leak');
    expect(left.workers).toBe(1);
    expect(left.extra).toHaveLength(1);
    expect(left.osThreads).toBe((left.baseline ?? 0) + 1);
  });
});
