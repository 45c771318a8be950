import { fileURLToPath } from 'node:url';
import { PiscinaBackend } from '@poolkit/adapters';
import { Pool } from '@poolkit/core';
import { NativeBackend } from '@poolkit/native';
import { describe, expect, it } from 'vitest';
import { instrument, useContextManager } from './otel.js';

useContextManager();

const TRIPLE = fileURLToPath(new URL('./fixtures/triple.mjs', import.meta.url));

describe('spans of thread backends are made on the main thread, children of the submitter', () => {
  it('PiscinaBackend: one span per try with the right parent and attributes', async () => {
    const otel = instrument();
    const pool = new Pool({ name: 'threads', backend: new PiscinaBackend({ filename: TRIPLE, threads: 1 }) });
    try {
      const { span: parent, value } = await otel.inSpan('request', () =>
        Promise.all([1, 2].map((n) => pool.submit(n, { task: 'default' }))),
      );
      expect(value).toEqual([3, 6]);
      const spans = otel.spans();
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        expect(s.attributes).toMatchObject({
          'poolkit.pool.name': 'threads',
          'poolkit.backend': 'piscina',
          'poolkit.task.name': 'default',
          'poolkit.outcome': 'succeeded',
        });
      }
    } finally {
      await pool.close();
    }
  });

  it('NativeBackend: one span per try with the right parent and attributes', async () => {
    const otel = instrument();
    const pool = new Pool({ name: 'rust', backend: new NativeBackend({ kernel: 'square', threads: 1 }) });
    try {
      const { span: parent, value } = await otel.inSpan('request', () =>
        Promise.all([2, 3].map((n) => pool.submit(n))),
      );
      expect(value).toEqual([4, 9]);
      const spans = otel.spans();
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        expect(s.attributes).toMatchObject({
          'poolkit.pool.name': 'rust',
          'poolkit.backend': 'native:square',
          'poolkit.outcome': 'succeeded',
        });
      }
    } finally {
      await pool.close();
    }
  });
});
