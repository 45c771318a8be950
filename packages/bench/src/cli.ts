#!/usr/bin/env node
/**
 * `poolkit-bench`: runs the suite (or, with `--task <module>`, benchmarks the user's own task:
 * see task/cli.ts), prints the environment, a table per scenario and a verdict per scenario, and writes the JSON report, the SVG charts and (with --md, --html) Markdown and
 * an HTML page. Exit status: 0 when every contender
 * that ran agreed with the kernel (a slow number never fails it), 1 when one failed, 2 for a
 * bad command line.
 */
import { CONTENDER_IDS } from './contenders/registry.js';
import { stopCluster } from './distributed/cluster.js';
import { environmentLine } from './environment.js';
import { plannedRuns, runSuite } from './harness.js';
import { parseOptions, USAGE, UsageError } from './options.js';
import { progressHooks } from './progress.js';
import { renderSweepText, renderText, renderVerdictText, sweepSummary } from './report/table.js';
import { writeReport } from './report/write.js';
import { isTaskRun } from './task/args.js';
import { runTaskCli } from './task/cli.js';

async function main(argv: string[]): Promise<number> {
  // `--task <module>`: the user's own task instead of the suite's workloads.
  if (isTaskRun(argv)) return runTaskCli(argv);
  let config: ReturnType<typeof parseOptions>;
  try {
    config = parseOptions(argv, { isTTY: Boolean(process.stderr.isTTY), ci: Boolean(process.env.CI) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`poolkit-bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = progressHooks(config.progress, plannedRuns(config));
  const report = await runSuite(config, progress);
  progress.end();
  console.log(environmentLine(report.environment));
  for (const scenario of report.scenarios) console.log(`\n${renderText(scenario, config.threads)}`);
  for (const sweep of report.maxBatchSweep ?? []) console.log(`\n${renderSweepText(sweep)}`);
  if (report.maxBatchSweep !== undefined) console.log(`\n${sweepSummary(report.maxBatchSweep)}`);
  console.log(`\n${renderVerdictText(report.scenarios)}`);
  const written = await writeReport(report, config);
  console.log(
    `\nJSON: ${written.json}${written.md ? ` · Markdown: ${written.md}` : ''}${written.html ? ` · HTML: ${written.html}` : ''} · charts: ${config.svgDir}/`,
  );
  const failed = [
    ...report.scenarios.flatMap((s) =>
      s.contenders.filter((c) => c.status === 'failed').map((c) => `${s.id} · ${c.id}: ${c.reason}`),
    ),
    ...(report.maxBatchSweep ?? []).flatMap((s) =>
      s.rows.filter((r) => r.status === 'failed').map((r) => `${s.scenario} sweep · ${r.label}: ${r.reason}`),
    ),
  ];
  if (failed.length > 0) {
    console.error(`\n${failed.length} contender run(s) failed:\n  ${failed.join('\n  ')}`);
    return 1;
  }
  return 0;
}

// Ctrl-C or a kill mid-run: stop the Redis server and the poolkit-worker processes the
// distributed scenario started (runSuite stops them on every other way out), then exit as the
// signal would have. A second signal ends the process at once.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.error(`\npoolkit-bench: ${signal}, stopping what the run started`);
    void stopCluster().finally(() => process.exit(code));
  });
}

let finished = false;
// A library promise that never settles while holding no handle would let Node end the process,
// silently and with status 0, in the middle of the run. Make that loud instead.
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  console.error(
    'poolkit-bench: the event loop ran empty before the run finished (a contender left a promise pending)',
  );
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
    // Every pool was closed and awaited, so the process ends by itself. Should a library leave
    // a handle behind, say so and end anyway rather than hang CI (unref: this timer alone
    // keeps nothing alive).
    setTimeout(() => {
      console.error(
        `poolkit-bench: a handle was still open 10 s after the run (${CONTENDER_IDS.length} contenders); exiting`,
      );
      process.exit(code);
    }, 10_000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
