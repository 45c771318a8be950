import { readFileSync } from 'node:fs';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME, PACKAGE_VERSION, PoolkitInstrumentation } from '../src/index.js';
import { instrument, useContextManager } from './otel.js';

useContextManager();

describe('the config is validated by field; its hooks shape the spans', () => {
  it('a malformed field is refused by name with the value received', () => {
    expect(() => new PoolkitInstrumentation({ ignore: 3 as never })).toThrow(
      /config\.ignore must be a function, received 3/,
    );
    expect(() => new PoolkitInstrumentation({ enabled: 'yes' as never })).toThrow(
      /config\.enabled must be a boolean/,
    );
    expect(() => new PoolkitInstrumentation(null as never)).toThrow(/config must be an object/);
    const instrumentation = new PoolkitInstrumentation({ enabled: false });
    expect(() => instrumentation.setConfig({ spanAttributes: 'x' as never })).toThrow(
      /config\.spanAttributes/,
    );
    expect(() => instrumentation.observePool({} as never)).toThrow(TypeError);
  });

  it('ignore skips tries; spanAttributes adds attributes; a hook that throws does not break the task', async () => {
    const otel = instrument({
      ignore: (trace) => trace.input === 0,
      spanAttributes: (trace) => {
        if (trace.input === 2) throw new Error('hook bug');
        return { 'app.input': trace.input as number };
      },
    });
    const pool = new Pool({ executor: (n: number) => n + 1 });
    expect(await Promise.all([0, 1, 2].map((n) => pool.submit(n)))).toEqual([1, 2, 3]);
    await pool.close();
    const spans = otel.spans();
    expect(spans.map((s) => s.attributes['app.input'])).toEqual([1, undefined]);
    const [finished] = await otel.points('poolkit.task.finished');
    expect(finished.value).toBe(2);
  });

  it('the instrumentation scope is this package, at its version', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([manifest.name, manifest.version]);
  });
});
