import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { main } from '../dist/md5-fork-join.js';
import { quiet, runProgram } from './run-program.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('md5-fork-join', () => {
  it('prints that all 1000 digests equal node:crypto and exits 0', async () => {
    const run = await runProgram('md5-fork-join');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hashing 1000 strings on 2 worker threads');
    expect(run.stdout).toContain("all 1000 digests equal node:crypto's");
    // The sample lines are real digests of the printed strings.
    const samples = [...run.stdout.matchAll(/^ {2}([0-9a-f]{32}) {2}(".*")$/gm)];
    expect(samples.length).toBe(3);
    for (const [, digest, text] of samples) expect(digest).toBe(md5(JSON.parse(text)));
  });

  it('collects one digest per generated string, each equal to node:crypto', async () => {
    const result = await main({ count: 300, threads: 2, print: quiet });
    expect(result.failed).toBe(0);
    expect(result.mismatches).toBe(0);
    expect(result.digests.size).toBe(300);
    for (const [text, digest] of result.digests) expect(digest).toBe(md5(text));
  });
});
