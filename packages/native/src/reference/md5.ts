import { createHash } from 'node:crypto';

/** Twin of the `md5` kernel: the 16-byte MD5 digest of `bytes` (strings as UTF-8), by node:crypto. */
export function md5(bytes: Uint8Array | string): Buffer {
  return createHash('md5').update(bytes).digest();
}
