import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchEntry } from '../src/contracts.js';
import { sameBatch, splitBatch } from '../src/kit/index.js';

const entry = (task?: string, transfer?: unknown[]): BatchEntry => ({
  input: 0,
  options: { signal: new AbortController().signal, task, transfer: transfer as never },
});

describe('splitBatch follows the Pool’s own grouping rule', () => {
  it('puts entries of the first task without a transfer list together, the rest alone', () => {
    const buffer = new ArrayBuffer(8);
    const batch = [entry('a'), entry('a'), entry('a', [buffer]), entry('b'), entry('a'), entry(undefined)];
    expect(splitBatch(batch)).toEqual({ task: 'a', together: [0, 1, 4], alone: [2, 3, 5] });
  });

  it('lets the first entry without a transfer list open the group', () => {
    const batch = [entry('a', []), entry(undefined), entry(undefined)];
    expect(splitBatch(batch)).toEqual({ task: undefined, together: [1, 2], alone: [0] });
  });

  it('runs everything alone when every entry has a transfer list, and splits an empty batch into nothing', () => {
    expect(splitBatch([entry('a', []), entry('a', [])])).toEqual({
      task: undefined,
      together: [],
      alone: [0, 1],
    });
    expect(splitBatch([])).toEqual({ task: undefined, together: [], alone: [] });
  });

  it('joins two tasks only when they name the same task and neither has a transfer list', () => {
    expect(sameBatch({ task: 'a' }, { task: 'a' })).toBe(true);
    expect(sameBatch(undefined, {})).toBe(true); // two default-export tasks
    expect(sameBatch({ task: 'a' }, { task: 'b' })).toBe(false);
    expect(sameBatch({ task: 'a' }, undefined)).toBe(false);
    expect(sameBatch({ task: 'a', transfer: [] }, { task: 'a' })).toBe(false);
    expect(sameBatch({ task: 'a' }, { task: 'a', transfer: [] })).toBe(false);
  });

  it('keeps every entry exactly once, together ones all joinable with the group’s first', () => {
    const batches = fc.array(
      fc.record({ task: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }), moves: fc.boolean() }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(batches, (shape) => {
        const batch = shape.map(({ task, moves }) => entry(task, moves ? [] : undefined));
        const { task, together, alone } = splitBatch(batch);
        expect([...together, ...alone].sort((x, y) => x - y)).toEqual(batch.map((_, i) => i));
        for (const i of together) {
          expect(batch[i].options.task).toBe(task);
          expect(sameBatch(batch[together[0]].options, batch[i].options)).toBe(true);
        }
      }),
    );
  });
});
