/** Twin of the `fnv1a` kernel: the 32-bit FNV-1a hash of `bytes` (strings as UTF-8). */
export function fnv1a(bytes: Uint8Array | string): number {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h = Math.imul(h ^ data[i], 0x01000193);
  }
  return h >>> 0;
}
