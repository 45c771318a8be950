import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeErrorCode, NODE_API_VERSION, nodeApiShortfall } from '../src/index.js';

const dlopen = () => {};
const entry = join(import.meta.dirname, '..', 'dist', 'index.js');
const fixture = join(import.meta.dirname, 'fixtures', 'old-node-api.mjs');

/** Runs the fixture under this runtime, reporting Node-API `napi`; returns its JSON report. */
function loadReporting(napi: string) {
  const r = spawnSync(process.execPath, [fixture, entry, napi], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

describe('a runtime with too old a Node-API gets a coded error, not a dlopen failure', () => {
  it('the addon needs Node-API 7 (napi_is_detached_arraybuffer; headers.test.ts proves the number)', () => {
    expect(NODE_API_VERSION).toBe(7);
  });

  it('a report below the needed version is a shortfall naming both versions', () => {
    const why = nodeApiShortfall({ napi: String(NODE_API_VERSION - 1), dlopen });
    expect(why).toBe(
      `@poolkit/native needs Node-API ${NODE_API_VERSION} or later; this runtime reports Node-API ${NODE_API_VERSION - 1} (process.versions.napi)`,
    );
  });

  it('the needed version and any later one are enough', () => {
    expect(nodeApiShortfall({ napi: String(NODE_API_VERSION), dlopen })).toBeUndefined();
    expect(nodeApiShortfall({ napi: '10', dlopen })).toBeUndefined();
  });

  it('a runtime with no process.dlopen has no Node-API at all', () => {
    expect(nodeApiShortfall({ napi: '10', dlopen: undefined })).toContain(
      'this runtime has no Node-API (process.dlopen is not a function)',
    );
  });

  it('no version reported (or not a number) is not a shortfall: the load itself decides', () => {
    expect(nodeApiShortfall({ napi: undefined, dlopen })).toBeUndefined();
    expect(nodeApiShortfall({ napi: '', dlopen })).toBeUndefined();
    expect(nodeApiShortfall({ napi: 'experimental', dlopen })).toBeUndefined();
  });

  it('this runtime itself is enough, by its own report', () => {
    expect(nodeApiShortfall()).toBeUndefined();
    expect(Number(process.versions.napi)).toBeGreaterThanOrEqual(NODE_API_VERSION);
  });

  it('loading under a lower reported version throws ERR_NODE_API_VERSION and never opens the binary', () => {
    const report = loadReporting(String(NODE_API_VERSION - 1));
    expect(report.available).toBe(false);
    expect(report.batch).toBeUndefined();
    expect(report.error.code).toBe(NativeErrorCode.NodeApiVersion);
    expect(report.error.message).toContain(`needs Node-API ${NODE_API_VERSION} or later`);
    expect(report.error.message).toContain(`reports Node-API ${NODE_API_VERSION - 1}`);
    expect(report.error.message).toContain('@poolkit/native/reference');
    expect(report.loaded).toEqual([]);
  });

  it('loading without process.dlopen throws ERR_NODE_API_VERSION too', () => {
    const report = loadReporting('none');
    expect(report.error.code).toBe('ERR_NODE_API_VERSION');
    expect(report.error.message).toContain('has no Node-API');
  });

  it('loading under exactly the needed version loads and runs', () => {
    const report = loadReporting(String(NODE_API_VERSION));
    expect(report.error).toBeUndefined();
    expect(report.available).toBe(true);
    expect(report.batch).toEqual([1, 4, 9]);
    expect(report.loaded).toHaveLength(1);
  });
});
