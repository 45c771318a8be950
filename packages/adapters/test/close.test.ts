import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backend, never, rejection } from './helpers.js';

describe('close() waits for running tasks and ends the threads', () => {
  it('waits for a running task, then refuses new ones with ERR_POOL_CLOSED', async () => {
    const b = backend({ threads: 1 });
    const running = b.run({ ms: 150, value: 'finished' }, { signal: never(), task: 'sleepThen' });
    let runningSettled = false;
    void running.then(() => {
      runningSettled = true;
    });
    await b.close();
    expect(runningSettled).toBe(true);
    expect(await running).toBe('finished');
    const error = await rejection(b.run(1, { signal: never() }));
    expect(error.code).toBe('ERR_POOL_CLOSED');
  });

  it('is idempotent: every call resolves, and the same promise is returned', async () => {
    const b = backend();
    const first = b.close();
    expect(b.close()).toBe(first);
    await first;
    await b.close();
  });

  it('leaves nothing keeping a process alive (built package, child process)', async () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    expect(existsSync(dist), 'build the package first (npx tsc -b)').toBe(true);
    const script = fileURLToPath(new URL('./fixtures/close-child.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    // Generous bound: the child needs well under a second; if it has not exited by itself
    // in 15 s, something keeps it alive.
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still alive after 15 s');
      }, 15_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode ?? 'killed');
      });
    });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: 20,
      crash: 'ERR_WORKER_CRASHED',
      aborted: 'AbortError',
      late: 'late',
    });
  });
});
