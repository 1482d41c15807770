#!/usr/bin/env node
// Prints the closing line `N passed, N failed` from the vitest JSON reports (.reports/vitest*.json:
// the main run, the pack-and-install test, the other Node versions) and pytest's JUnit XML.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
/** One line per failed test, printed just above the closing line so a log's tail names them. */
const failures = [];
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((line) => line.trim() !== '') ?? '';

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
  for (const suite of report.testResults ?? []) {
    const where = `${file}: ${relative(process.cwd(), suite.name)}`;
    const failedHere = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedHere) {
      failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
    if (failedHere.length === 0 && suite.status === 'failed') {
      failures.push(`${where}: ${firstLine(suite.message)}`);
    }
  }
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
  for (const match of xml.matchAll(/<testcase\b([^>]*)>\s*<(failure|error)\b[^>]*?message="([^"]*)"/g)) {
    const attr = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(match[1])?.[1] ?? '';
    failures.push(`${report}: ${attr('classname')}.${attr('name')}: ${firstLine(match[3])}`);
  }
}

if (failures.length > 0) {
  console.log(`\nfailed (${failures.length}):`);
  for (const failure of failures) console.log(`  ${failure.slice(0, 300)}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
