// Adds up runner reports into one { passed, failed, skipped } — the counts behind the summary line
// `tests: N passed, N failed, N skipped` that `npm test` (scripts/test.mjs) and the runtime matrix
// (scripts/test-runtimes.mjs) end with. A report is vitest's JSON reporter output
// (<name>.vitest.json) or a plain count file ({ "passed", "failed", "skipped" } in <name>.counts.json).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The counts of one report file, by its name; zeros for a file that is no report. */
export function countReport(name, data) {
  if (name.endsWith('.vitest.json')) {
    let failed = data.numFailedTests ?? 0;
    // A test file that failed to load ran no test at all: count it as one failure.
    for (const file of data.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
    }
    return {
      passed: data.numPassedTests ?? 0,
      failed,
      skipped: (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0),
    };
  }
  if (name.endsWith('.counts.json')) {
    return { passed: data.passed ?? 0, failed: data.failed ?? 0, skipped: data.skipped ?? 0 };
  }
  return { passed: 0, failed: 0, skipped: 0 };
}

/** The sum of every report file directly in `dir` (none when it does not exist), and their names. */
export function countReports(dir) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => statSync(join(dir, f)).isFile())
        .sort()
    : [];
  for (const file of files) {
    if (!file.endsWith('.vitest.json') && !file.endsWith('.counts.json')) continue;
    const counts = countReport(file, JSON.parse(readFileSync(join(dir, file), 'utf8')));
    for (const key of Object.keys(total)) total[key] += counts[key];
  }
  return { ...total, files };
}

/** The one summary line CI reads. */
export const summaryLine = ({ passed, failed, skipped }) =>
  `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;
