import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './settle.js';

/**
 * The suite's side of the probe's `'heartbeat'` op: hands out fresh files, waits for a task's
 * start mark, and tells whether its beats stopped. Files live in one temporary directory,
 * removed by {@link Heartbeats.dispose}.
 */
export class Heartbeats {
  /** Silence that counts as stopped: 40 beats of the probe's 10 ms. */
  static readonly QUIET_MS = 400;
  #dir: string | undefined;
  #count = 0;

  /** A file no task has written yet. */
  file(): string {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'poolkit-heartbeat-'));
    return join(this.#dir, `beat-${++this.#count}`);
  }

  /** The beat count written to `file`, or undefined before its start mark. */
  read(file: string): string | undefined {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Resolves true once the task writing `file` has started, false if it has not within `ms`. */
  async started(file: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.read(file) === undefined) {
      if (Date.now() > deadline) return false;
      await sleep(5);
    }
    return true;
  }

  /**
   * Waits for the beats in `file` to stop (no change for {@link Heartbeats.QUIET_MS}), allowing
   * `graceMs` for the stop to take effect. Resolves undefined once stopped, or how many ms the
   * beats went on, counted from `since`, when they still change after the grace.
   */
  async stopped(file: string, graceMs: number, since: number): Promise<number | undefined> {
    let last = this.read(file);
    let changed = Date.now();
    const deadline = Date.now() + graceMs + Heartbeats.QUIET_MS;
    while (Date.now() < deadline) {
      await sleep(20);
      const now = this.read(file);
      if (now !== last) {
        last = now;
        changed = Date.now();
      } else if (Date.now() - changed >= Heartbeats.QUIET_MS) {
        return undefined;
      }
    }
    return changed - since;
  }

  /** Removes every file handed out. */
  dispose(): void {
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
