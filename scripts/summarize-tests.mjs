#!/usr/bin/env node
// Prints the closing line `N passed, N failed` from the vitest JSON reports (.reports/vitest*.json:
// the main run, the pack-and-install test, the other Node versions) and pytest's JUnit XML.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;

const reports = existsSync('.reports') ? readdirSync('.reports') : [];
// scripts/test.mjs names the reports its steps must write; one that never appeared is a step that
// never finished, counted as one failure so it is seen.
const expected = reports.includes('expected.json')
  ? JSON.parse(readFileSync('.reports/expected.json', 'utf8'))
  : ['vitest.json'];
for (const report of expected.filter((name) => !reports.includes(name))) {
  console.error(`summarize: .reports/${report} is missing: that step never finished`);
  failed += 1;
}

for (const file of reports.filter((name) => /^vitest.*\.json$/.test(name))) {
  const report = JSON.parse(readFileSync(`.reports/${file}`, 'utf8'));
  passed += report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  // A suite that failed to load has no failed tests of its own; count it once so it is seen.
  const brokenSuites = failedTests === 0 ? (report.numFailedTestSuites ?? 0) : 0;
  failed += failedTests + brokenSuites;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

// pytest.xml (the source tree) and pytest-wheel.xml (the built wheel, installed).
for (const report of reports.filter((file) => /^pytest.*\.xml$/.test(file))) {
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
