#!/usr/bin/env node
// Prints the closing line `N passed, N failed` from vitest's JSON report and pytest's JUnit XML.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;

if (existsSync('.reports/vitest.json')) {
  const report = JSON.parse(readFileSync('.reports/vitest.json', 'utf8'));
  passed += report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  // A suite that failed to load has no failed tests of its own; count it once so it is seen.
  const brokenSuites = failedTests === 0 ? (report.numFailedTestSuites ?? 0) : 0;
  failed += failedTests + brokenSuites;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed += 1; // no report means vitest never finished
}

// pytest.xml (the source tree) and pytest-wheel.xml (the built wheel, installed).
const pytestReports = existsSync('.reports')
  ? readdirSync('.reports').filter((file) => /^pytest.*\.xml$/.test(file))
  : [];
for (const report of pytestReports) {
  const xml = readFileSync(`.reports/${report}`, 'utf8');
  for (const match of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(match[1])?.[1] ?? 0);
    const total = attr('tests');
    const bad = attr('failures') + attr('errors');
    const skip = attr('skipped');
    passed += total - bad - skip;
    failed += bad;
    skipped += skip;
  }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
