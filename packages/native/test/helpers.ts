/** A small seeded PRNG (mulberry32) so random-input tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random byte strings of lengths 0..maxLen (covers MD5's 55/56/64-byte padding edges often). */
export function randomBytes(next: () => number, count: number, maxLen: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const b = Buffer.alloc(Math.floor(next() * (maxLen + 1)));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(next() * 256);
    return b;
  });
}

/** Settles `p` and returns the rejection (or fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}
