/**
 * Progress while the suite runs, on stderr (tables go to stdout): on a terminal one line
 * rewritten in place; in CI a plain line per finished contender.
 */
import type { Contender, Scenario } from './contender.js';
import type { Hooks } from './harness.js';
import { formatMs, formatRate } from './report/format.js';
import type { ContenderResult } from './report/types.js';

export function progressHooks(
  mode: 'tty' | 'lines' | 'off',
  total: number,
  stream: NodeJS.WritableStream = process.stderr,
): Hooks & { end(): void } {
  let done = 0;
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const summary = (r: ContenderResult): string => {
    if (r.status !== 'ok') return `${r.status}: ${r.reason}`;
    const median = formatMs(r.batch?.stats.medianMs);
    return r.computed
      ? `${median} (computed)`
      : `${formatRate(r.tasksPerSec)} tasks/s, batch median ${median}`;
  };
  if (mode === 'off') return { end() {} };
  if (mode === 'lines') {
    return {
      onResult(scenario: Scenario, r: ContenderResult) {
        done++;
        stream.write(`[${done}/${total} ${elapsed()}] ${scenario.id} · ${r.label}: ${summary(r)}\n`);
      },
      end() {},
    };
  }
  const width = () => (process.stderr as { columns?: number }).columns ?? 100;
  const show = (text: string) => stream.write(`\r\x1b[2K${text.slice(0, width() - 1)}`);
  return {
    onPhase(scenario: Scenario, contender: Contender, phase) {
      show(`[${done + 1}/${total} ${elapsed()}] ${scenario.id} · ${contender.label} · ${phase}…`);
    },
    onResult() {
      done++;
    },
    end() {
      stream.write('\r\x1b[2K');
    },
  };
}
