import { describe, expect, it } from 'vitest';
import { type Environment, environment, environmentLine } from '../src/environment.js';
import { checkReport } from '../src/report/schema.js';
import { renderMarkdown } from '../src/report/table.js';
import { runtimeLabel, runtimeOf } from '../src/runtime.js';
import { env, sampleReport } from './sample-report.js';

// What each runtime's process.versions holds (abridged from Node 20.20.2, Bun 1.4.4, Deno 2.9.6).
const NODE = { node: '20.20.2', v8: '11.3.244.8-node.30', uv: '1.51.0' };
const BUN = { node: '26.3.0', bun: '1.4.4', v8: '14.6.202.34-node.20', webkit: 'd6375c7' };
const DENO = { node: '26.3.0', deno: '2.9.6', v8: '15.0.245.2-rusty', typescript: '6.0.3' };

describe('the runtime in the environment', () => {
  it('is Node, with process.version, when neither Bun nor Deno names itself', () => {
    expect(runtimeOf(NODE, 'v20.20.2')).toEqual({ name: 'node', version: 'v20.20.2' });
  });

  it('is Bun when process.versions has bun, with Bun’s own version', () => {
    expect(runtimeOf(BUN, 'v26.3.0')).toEqual({ name: 'bun', version: '1.4.4' });
  });

  it('is Deno when process.versions has deno, with Deno’s own version', () => {
    expect(runtimeOf(DENO, 'v26.3.0')).toEqual({ name: 'deno', version: '2.9.6' });
  });

  it('is printed with the runtime’s version and, for Bun and Deno, the Node version they implement', () => {
    expect(runtimeLabel(runtimeOf(NODE, 'v20.20.2'), 'v20.20.2')).toBe('Node v20.20.2');
    expect(runtimeLabel(runtimeOf(BUN, 'v26.3.0'), 'v26.3.0')).toBe('Bun 1.4.4 (Node-compatible v26.3.0)');
    expect(runtimeLabel(runtimeOf(DENO, 'v26.3.0'), 'v26.3.0')).toBe('Deno 2.9.6 (Node-compatible v26.3.0)');
  });

  it('starts the environment line, and so the Markdown report', () => {
    const bun: Environment = { ...env, runtime: { name: 'bun', version: '1.4.4' }, node: 'v26.3.0' };
    expect(environmentLine(bun)).toMatch(/^Bun 1\.4\.4 \(Node-compatible v26\.3\.0\) · Test CPU/);
    expect(renderMarkdown({ ...sampleReport, environment: bun })).toContain(
      'Bun 1.4.4 (Node-compatible v26.3.0) · ',
    );
  });

  it('of this process is the one vitest runs under', () => {
    const here = environment().runtime;
    expect(here).toEqual(runtimeOf(process.versions, process.version));
    if (here.name === 'node') expect(here.version).toBe(process.version);
  });
});

describe('the report check on environment.runtime', () => {
  it('accepts Node, Bun and Deno runs', () => {
    expect(checkReport(sampleReport)).toEqual([]);
    for (const runtime of [runtimeOf(BUN, 'v26.3.0'), runtimeOf(DENO, 'v26.3.0')]) {
      const report = { ...sampleReport, environment: { ...env, runtime, node: 'v26.3.0' } };
      expect(checkReport(report)).toEqual([]);
    }
  });

  it('names a missing runtime, an unknown name, an empty version and a Node version that disagrees', () => {
    const { runtime: _, ...without } = env;
    expect(checkReport({ ...sampleReport, environment: without })).toEqual([
      'environment.runtime: not an object',
    ]);
    const odd = { ...env, runtime: { name: 'rhino', version: '' } };
    expect(checkReport({ ...sampleReport, environment: odd })).toEqual([
      'environment.runtime.name: not one of node/bun/deno',
      'environment.runtime.version: not a non-empty string',
    ]);
    const differs = { ...env, runtime: { name: 'node', version: 'v22.0.0' } };
    expect(checkReport({ ...sampleReport, environment: differs })).toEqual([
      'environment.runtime.version: a Node run has its version in environment.node too, and they differ',
    ]);
  });
});
