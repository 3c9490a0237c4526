#!/usr/bin/env node
// Sums jest JSON reports (and promqltest-style {passed, failed, skipped} reports) into
// the single closing line CI reads: `N passed, N failed, N skipped`.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let r;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.log(`${file}: no readable report (suite did not finish)`);
    failed += 1;
    continue;
  }
  if ('numPassedTests' in r) {
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    console.log(`${file}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numRuntimeErrorTestSuites ?? 0} suites failed to run`);
  } else {
    passed += r.passed ?? 0;
    failed += r.failed ?? 0;
    skipped += r.skipped ?? 0;
    console.log(`${file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped ?? 0} skipped`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
