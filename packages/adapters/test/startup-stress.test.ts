import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/startup-stress.mjs', import.meta.url));

describe('threads ended while they start up (issue: a SIGABRT and a spin seen once each)', () => {
  it('300 rounds of abort / timeout / stop / force-stop / close during start-up: no abort, no hang', () => {
    const child = spawnSync(process.execPath, [SCRIPT, '300'], { encoding: 'utf8', timeout: 240_000 });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    expect(child.signal, `ended by a signal; stderr: ${child.stderr.slice(-2000)}`).toBeNull();
    expect(child.status, `exit ${child.status}: ${last} ${child.stderr.slice(-2000)}`).toBe(0);
    const summary = JSON.parse(last) as { rounds: number; settled: number };
    expect(summary).toMatchObject({ rounds: 300, settled: 1200 });
  }, 250_000);
});
