import { describe, expect, it } from 'vitest';
import { main } from '../dist/lifecycle.js';
import { quiet, runProgram } from './run-program.js';

describe('lifecycle', () => {
  it('prints the blocking enqueue, both endings and counters that always add up', async () => {
    const run = await runProgram('lifecycle');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('enqueue(7) blocks: the queue is full');
    expect(run.stdout).toContain('close(): 10 succeeded, 0 cancelled');
    expect(run.stdout).toContain('stop():  2 succeeded, 8 cancelled');
    expect(run.stdout).toMatch(/the counters added up at all \d+ snapshots: true/);
    expect(run.stdout).not.toContain('DOES NOT ADD UP');
  });

  it('blocks after capacity + workers, reads results with tryResult/nextResult, and close differs from stop', async () => {
    const result = await main({ print: quiet });
    expect(result.acceptedBeforeBlocking).toBe(6);
    expect(result.firstTry).toEqual({ hadOutcome: false, done: false });
    expect([...result.values].sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(result.finalTry).toEqual({ hadOutcome: false, done: true });
    expect(result.afterClose).toMatchObject({
      submitted: 10,
      succeeded: 10,
      cancelled: 0,
      waiting: 0,
      running: 0,
    });
    expect(result.afterStop).toMatchObject({
      submitted: 10,
      succeeded: 2,
      cancelled: 8,
      waiting: 0,
      running: 0,
    });
    for (const snapshot of result.snapshots) expect(snapshot.addsUp, snapshot.at).toBe(true);
  });
});
