import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'scripts', 'check-headers.mjs');
const sys = join(import.meta.dirname, '..', 'rust', 'sys.rs');

function check(path: string) {
  return spawnSync(process.execPath, [script, '--sys', path], { encoding: 'utf8' });
}

describe('the Node-API declarations are checked against Node C headers', () => {
  it('sys.rs as written passes', () => {
    const r = check(sys);
    expect(r.stdout).toMatch(/headers: \d+ passed, 0 failed/);
    expect(r.status).toBe(0);
  });

  it('a deliberately wrong signature fails the check, naming the function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolkit-sys-'));
    const wrong = join(dir, 'sys.rs');
    const source = readFileSync(sys, 'utf8');
    const mutated = source.replace(
      'napi_typeof(env: napi_env, value: napi_value, result: *mut napi_valuetype)',
      'napi_typeof(env: napi_env, value: napi_value, result: *mut f64)',
    );
    expect(mutated).not.toBe(source);
    writeFileSync(wrong, mutated);
    const r = check(wrong);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('FAILED: napi_typeof');
  });
});
