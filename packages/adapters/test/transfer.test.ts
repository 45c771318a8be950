import { describe, expect, it } from 'vitest';
import { backend, never } from './helpers.js';

describe('transfer hands buffers to the thread without copying', () => {
  it('detaches a transferred ArrayBuffer on the sending side', async () => {
    const bytes = new Uint8Array(1024).fill(3);
    const buffer = bytes.buffer;
    const result = await backend().run(buffer, { signal: never(), task: 'sumBytes', transfer: [buffer] });
    expect(result).toEqual({ total: 3 * 1024, byteLength: 1024 });
    expect(buffer.byteLength).toBe(0);
    expect(bytes.length).toBe(0);
  });

  it('copies (and keeps) a buffer that is not in the transfer list', async () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const result = await backend().run(buffer, { signal: never(), task: 'sumBytes' });
    expect(result).toEqual({ total: 6, byteLength: 3 });
    expect(buffer.byteLength).toBe(3);
  });
});
