/**
 * `poolkit-bench --task <module>`: parses the flags, runs {@link benchmarkTask}, prints the
 * environment, the task, the table, the verdict and — last — the recommendation, and writes the
 * reports. Returns the exit status: 0 when every contender that ran agreed with the main thread,
 * 1 when one failed, 2 for bad input (a message on stderr, nothing timed) or, after the run,
 * when some inputs could not go to a thread.
 */
import { environmentLine } from '../environment.js';
import { UsageError } from '../options.js';
import { progressHooks } from '../progress.js';
import { renderText, renderVerdictText } from '../report/table.js';
import { recommendationText, taskLine, taskRemarks } from '../report/task.js';
import { writeReport } from '../report/write.js';
import { parseTaskArgs, TASK_USAGE } from './args.js';
import { TASK_CONTENDER_IDS } from './contenders.js';
import { TaskInputError } from './errors.js';
import { benchmarkTask } from './run.js';

/** Runs `poolkit-bench --task …` with `argv` (without node and script); resolves with the exit status. */
export async function runTaskCli(argv: readonly string[]): Promise<number> {
  let config: ReturnType<typeof parseTaskArgs>;
  try {
    config = parseTaskArgs(argv, { isTTY: Boolean(process.stderr.isTTY), ci: Boolean(process.env.CI) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`poolkit-bench: ${error.message}\n\n${TASK_USAGE}`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(TASK_USAGE);
    return 0;
  }
  const planned = config.options.backends?.length ?? TASK_CONTENDER_IDS.length;
  const progress = progressHooks(config.progress, planned);
  let report: Awaited<ReturnType<typeof benchmarkTask>>;
  try {
    report = await benchmarkTask({ ...config.options, hooks: progress });
  } catch (error) {
    progress.end();
    if (!(error instanceof TaskInputError)) throw error;
    process.stderr.write(`poolkit-bench: ${error.message}\n`);
    return 2;
  }
  progress.end();
  const [scenario] = report.scenarios;
  console.log(environmentLine(report.environment));
  console.log(taskLine(report.task));
  for (const remark of taskRemarks(report.task)) console.log(remark);
  console.log(`\n${renderText(scenario, report.settings.threads)}`);
  console.log(`\n${renderVerdictText(report.scenarios)}`);
  const written = await writeReport(report, config);
  console.log(
    `\nJSON: ${written.json}${written.md ? ` · Markdown: ${written.md}` : ''}${written.html ? ` · HTML: ${written.html}` : ''} · chart: ${written.svg[0] ?? '–'}`,
  );
  console.log(`\n${recommendationText(report.recommendation).join('\n')}`);
  const failed = scenario.contenders.filter((c) => c.status === 'failed');
  if (report.task.problems.length > 0) {
    for (const problem of report.task.problems) console.error(`\npoolkit-bench: ${problem.message}`);
    return 2;
  }
  if (failed.length > 0) {
    console.error(
      `\n${failed.length} contender(s) failed:\n  ${failed.map((c) => `${c.id}: ${c.reason}`).join('\n  ')}`,
    );
    return 1;
  }
  return 0;
}
