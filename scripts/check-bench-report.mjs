#!/usr/bin/env node
// CI's benchmark smoke check: the report a `poolkit-bench` run wrote must be valid JSON that
// matches the report schema. Numbers are never judged here (CI must not fail on a timing).
// Usage: node scripts/check-bench-report.mjs <report.json>
import { readFileSync } from 'node:fs';
import { checkReport } from '@poolkit/bench';

const file = process.argv[2];
if (!file) {
  console.error('usage: check-bench-report.mjs <report.json>');
  process.exit(2);
}
const problems = checkReport(JSON.parse(readFileSync(file, 'utf8')));
if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`${file}: a valid poolkit-bench report`);
