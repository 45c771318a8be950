/**
 * The worker module of `md5-fork-join`: PiscinaBackend loads it in every worker thread and
 * calls its default export once per task. Plain JavaScript once compiled: no loader needed.
 */
import { createHash } from 'node:crypto';

/** The MD5 digest of `text` (UTF-8), as 32 lower-case hex digits. */
export default function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
