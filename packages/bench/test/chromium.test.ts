import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, readPng, runBrowser } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'poolkit-bench-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** True while `pid` runs (a zombie, ended but not yet reaped by its new parent, does not count). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('the browser helpers of the HTML test', () => {
  it('find chromium, then chromium-browser, on PATH and nothing elsewhere', () => {
    const a = mkdtempSync(join(dir, 'a-'));
    const b = mkdtempSync(join(dir, 'b-'));
    writeFileSync(join(b, 'chromium-browser'), '');
    expect(findChromium(`${a}:${b}`)).toBeUndefined(); // not executable
    chmodSync(join(b, 'chromium-browser'), 0o755);
    expect(findChromium(`${a}:${b}`)).toBe(join(b, 'chromium-browser'));
    writeFileSync(join(a, 'chromium'), '');
    chmodSync(join(a, 'chromium'), 0o755);
    expect(findChromium(`${b}:${a}`)).toBe(join(a, 'chromium'));
    expect(findChromium('')).toBeUndefined();
  });

  it('kill a browser that hangs at the deadline, helpers included', async () => {
    const pidFile = join(dir, 'helper.pid');
    const hang = script('hang', `sleep 30 & echo $! > ${pidFile}; sleep 30`);
    const started = Date.now();
    const run = await runBrowser(hang, [], 500);
    expect(run.timedOut).toBe(true);
    expect(run.code).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('end the helpers a browser leaves behind when it exits', async () => {
    const pidFile = join(dir, 'left.pid');
    const leaves = script('leaves', `sleep 30 > /dev/null 2>&1 & echo $! > ${pidFile}; echo done`);
    const run = await runBrowser(leaves, [], 10_000);
    expect([run.code, run.timedOut, run.stdout]).toEqual([0, false, 'done\n']);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });

  it('refuse a file that is not a PNG', () => {
    expect(() => readPng(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
  });
});
