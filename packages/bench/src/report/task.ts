/**
 * A user's task in the reports (`poolkit-bench --task`): what was run, how it was checked, and the
 * recommendation — the same words in the terminal, the Markdown and the HTML page.
 */
import { formatMs } from './format.js';
import type { Recommendation, TaskInfo } from './types.js';

/** What was run, in one line: `render of src/render.ts (TypeScript, sync) · 120 tasks per batch …`. */
export function taskLine(task: TaskInfo): string {
  const format = { esm: 'ES module', commonjs: 'CommonJS', typescript: 'TypeScript' }[task.format];
  const source =
    task.inputs.source === 'module'
      ? `inputs(${task.inputs.tasks}) of the module`
      : task.inputs.source === 'file'
        ? `the file ${task.inputs.file}`
        : 'the inputs given';
  const sized = task.sized === 'auto' ? ' (sized from the probe)' : '';
  const cost =
    task.threadCostMs === null ? '' : ` · ${formatMs(task.threadCostMs)} per task in a worker thread`;
  const budget = task.budgetSeconds === null ? '' : ` · budget ${task.budgetSeconds} s`;
  return (
    `Task: ${task.export === 'default' ? 'the default export' : task.export} of ${task.module} ` +
    `(${format}, ${task.async ? 'async' : 'sync'}) · ${task.inputs.tasks} tasks per batch${sized} from ${source}` +
    `${cost} · per-task limit ${formatMs(task.limitMs)}${budget}` +
    `${task.deterministic ? '' : ' · NON-DETERMINISTIC: outputs not compared'}`
  );
}

/** The problems and notes of a task run, one line each (empty when there are none). */
export function taskRemarks(task: TaskInfo): string[] {
  return [
    ...task.problems.map((p) => `problem (${p.code}): ${p.message}`),
    ...task.notes.map((n) => `note: ${n}`),
  ];
}

/** The recommendation as text lines: its headline, then each reason indented. */
export function recommendationText(rec: Recommendation): string[] {
  const [headline = 'No recommendation.', ...reasons] = rec.lines;
  return [headline, ...reasons.map((line) => `  ${line}`)];
}
