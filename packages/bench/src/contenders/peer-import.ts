/** Imports a peer library, turning "not installed" into a skip rather than a crash. */
import { SkipError } from '../contender.js';

export async function importPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new SkipError(`${name} is not installed (${(error as Error).message.split('\n')[0]})`);
  }
}
