import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_API_VERSION } from '../src/index.js';

const script = join(import.meta.dirname, '..', 'scripts', 'check-headers.mjs');
const sys = join(import.meta.dirname, '..', 'rust', 'sys.rs');

function check(path: string, napiVersion?: number) {
  const version = napiVersion === undefined ? [] : ['--napi-version', String(napiVersion)];
  return spawnSync(process.execPath, [script, '--sys', path, ...version], { encoding: 'utf8' });
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

  it('they are read at the Node-API version the loader checks for, and it is exact: one below fails', () => {
    const atNeeded = check(sys);
    expect(atNeeded.stdout).toContain(`at Node-API ${NODE_API_VERSION}`);
    expect(atNeeded.status).toBe(0);
    const below = check(sys, NODE_API_VERSION - 1);
    expect(below.status).not.toBe(0);
    // The function that sets the floor, named by the check.
    expect(below.stdout).toMatch(/FAILED: .*napi_is_detached_arraybuffer/);
  });
});
