/**
 * A batch whose inputs (or results) are all byte arrays travels as one transferred block instead
 * of one structured clone per value (batch-protocol.ts). What a task sees, and what its caller
 * gets back, must not change: each value arrives as a Uint8Array of its own with the same bytes
 * (a Buffer arrives as a Uint8Array, as a clone would give it), memory shared through a
 * SharedArrayBuffer stays shared, and batches that mix kinds go as before.
 */
import { fileURLToPath } from 'node:url';
import type { BatchEntry, RunOptions } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { packValues } from '../src/batch-protocol.js';
import { backend, never } from './helpers.js';

const BYTES = fileURLToPath(new URL('./fixtures/bytes.mjs', import.meta.url));

const entries = (inputs: unknown[], task: string): BatchEntry<unknown>[] =>
  inputs.map((input) => ({ input, options: { signal: never(), task } as RunOptions }));

const checksum = (bytes: Uint8Array): number => {
  let sum = 0;
  for (const byte of bytes) sum = (sum * 31 + byte) >>> 0;
  return sum;
};

/** `count` arrays of assorted lengths and contents; some are views into the middle of a bigger buffer. */
function assorted(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 1 + ((i * 37) % 300);
    if (i % 3 === 0) {
      const big = new Uint8Array(length + 64);
      for (let j = 0; j < big.length; j++) big[j] = (i + j * 7) & 255;
      return big.subarray(32, 32 + length);
    }
    const own = i % 3 === 1 ? new Uint8Array(length) : Buffer.alloc(length);
    for (let j = 0; j < length; j++) own[j] = (i * 13 + j) & 255;
    return own;
  });
}

describe('byte arrays in a batch', () => {
  it('packs only what it can: numbers as one Float64Array, byte arrays as one block, anything else as it is', () => {
    const transfer: ArrayBuffer[] = [];
    expect(packValues([1, 2, 3], transfer)).toBeInstanceOf(Float64Array);
    const bytes = packValues(assorted(8), transfer) as { bytes: Uint8Array; ends: Uint32Array };
    expect(bytes.ends.length).toBe(8);
    expect(transfer).toEqual([bytes.bytes.buffer]);
    const shared = new Uint8Array(new SharedArrayBuffer(8));
    for (const values of [
      [...assorted(7), 'text'],
      [...assorted(7), new Uint8Array(0)],
      [...assorted(7), shared],
      [...assorted(7), new Uint16Array(4)],
      assorted(3),
    ]) {
      const before = transfer.length;
      expect(packValues(values, transfer)).toBe(values);
      expect(transfer.length).toBe(before);
    }
  });

  it('hands each task its own Uint8Array with the same bytes, whatever view or Buffer it was sent as', async () => {
    const inputs = assorted(40);
    const results = await backend({ filename: BYTES, threads: 1 }).runMany(entries(inputs, 'describeBytes'));
    expect(results).toHaveLength(40);
    results.forEach((result, i) => {
      expect(result.status, String(i)).toBe('fulfilled');
      const seen = (result as { value: Record<string, unknown> }).value;
      expect(seen).toEqual({
        type: '[object Uint8Array]',
        proto: 'Uint8Array',
        length: inputs[i].length,
        byteOffset: 0,
        bufferLength: inputs[i].length,
        shared: false,
        sum: checksum(inputs[i]),
      });
    });
    // The sender's arrays are left as they were (copied into the block, never transferred).
    expect(inputs.every((input) => input.buffer.byteLength > 0)).toBe(true);
  });

  it('still shares memory that is shared: a task writing into a SharedArrayBuffer view is seen by the sender', async () => {
    const shared = Array.from({ length: 6 }, () => new Uint8Array(new SharedArrayBuffer(4)));
    const results = await backend({ filename: BYTES, threads: 1 }).runMany(entries(shared, 'poke'));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    expect(shared.map((view) => view[0])).toEqual(Array(6).fill(255));
  });

  it('returns byte results as Uint8Arrays of their own, each with its bytes, and mixed results as before', async () => {
    const sizes = [16, 1, 300, 16, 1024, 7, 64, 65];
    const b = backend({ filename: BYTES, threads: 1 });
    const results = await b.runMany(entries(sizes, 'bytesOf'));
    results.forEach((result, i) => {
      const value = (result as { value: Uint8Array }).value;
      expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
      expect(value.byteOffset).toBe(0);
      expect(value.buffer.byteLength).toBe(sizes[i]);
      expect([...value]).toEqual(Array(sizes[i]).fill(sizes[i] % 256));
    });
    // Writing into one result leaves the others alone.
    (results[0] as { value: Uint8Array }).value.fill(9);
    expect((results[3] as { value: Uint8Array }).value[0]).toBe(16);
    const reversed = await b.runMany(entries(assorted(9), 'reversed'));
    reversed.forEach((result, i) => {
      expect([...(result as { value: Uint8Array }).value]).toEqual([...assorted(9)[i]].reverse());
    });
  });
});
