import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The fixture counts the pool's threads by name in /proc (Linux), not the process's thread
// count, which a runtime's own threads also move (see the fixture's comment).
const fixture = join(import.meta.dirname, 'fixtures', 'idle-threads.mjs');
const run = (idleMs: string, limitMs: number) =>
  spawnSync(process.execPath, [fixture, String(limitMs)], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, POOLKIT_NATIVE_THREADS: '2', POOLKIT_NATIVE_IDLE_MS: idleMs },
  });

describe('idle threads beyond the pool size exit', () => {
  it('a threads: 64 batch starts 62 extra OS threads, and they are gone soon after the idle timeout', () => {
    const r = run('300', 10_000);
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(m.poolBefore).toBe(2);
    expect(m.before).toBe(2);
    expect(m.during).toBe(64);
    expect(m.after).toBe(2);
    // 300 ms of idleness, then the exit; generous for a loaded machine.
    expect(m.afterMs).toBeLessThan(5_000);
    expect(m.poolAfter).toBe(2);
    expect(m.check).toBe(16);
  });

  it('threads within the pool size stay, and extras stay while the timeout has not passed', () => {
    const r = run('60000', 1_000);
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(m.during).toBe(64);
    expect(m.after).toBe(64);
  });
});
