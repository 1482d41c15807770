// Gate tables are read in CI logs: the manifest gate shows a short digest and a path relative to
// the working directory (not ~360 characters of absolute paths and full digests); --json keeps all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateReport } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { gateRows, shortDigest, shortPath } from '../src/report.js';
import { cli, makeProject, stopServers } from './helpers.js';

const digest = `sha256:${'9f86d081884c7d65'.repeat(4)}`;
const project = makeProject(`version: 1
stages: [staging]
gates:
  staging:
    manifest: true
`);
afterAll(async () => {
  await stopServers(project.dir);
  project.cleanup();
});

describe('gate rows', () => {
  it('the manifest gate: short digest, file count, path relative to the working directory', () => {
    const gate: GateReport = {
      name: 'manifest',
      kind: 'manifest',
      verdict: 'pass',
      inputs: {
        manifest: `/work/app/.modelship/artifacts/${digest.slice(7)}/modelship.manifest.json`,
        path: `/work/app/.modelship/artifacts/${digest.slice(7)}`,
        manifestDigest: digest,
        files: 3,
      },
      message: '3 file(s) match the manifest',
    };
    const [row] = gateRows([gate], { cwd: '/work/app' });
    expect(row![1]).toBe('sha256:9f86d081884c… · 3 files · .modelship/artifacts/9f86d081884c…');
  });

  it('a digest mismatch names both digests short, in the cell and the detail', () => {
    const other = `sha256:${'ab'.repeat(32)}`;
    const [row] = gateRows(
      [
        {
          name: 'manifest',
          kind: 'manifest',
          verdict: 'fail',
          inputs: {
            manifest: '/elsewhere/m.json',
            path: '/elsewhere/model',
            manifestDigest: digest,
            found: other,
          },
          message: `the manifest now has digest ${other}, not the registered ${digest}`,
        },
      ],
      { cwd: '/work/app' },
    );
    expect(row![1]).toBe('found sha256:abababababab… · registered sha256:9f86d081884c… · /elsewhere/model');
    expect(row![4]).toBe(
      'the manifest now has digest sha256:abababababab…, not the registered sha256:9f86d081884c…',
    );
  });

  it('shortDigest and shortPath leave what is already short alone', () => {
    expect(shortDigest('sha256:abc')).toBe('sha256:abc');
    expect(shortDigest('v3')).toBe('v3');
    expect(shortPath('/outside/model', '/work/app')).toBe('/outside/model');
    expect(shortPath('/work/app/models/churn', '/work/app')).toBe('models/churn');
  });
});

describe('modelship promote through a manifest gate', () => {
  it('prints a short measured column in the table and the step summary; --json keeps the full values', async () => {
    const a = project.model('a', 2, 0.7);
    const b = project.model('b', 3, 0.8);
    for (const model of [a, b])
      expect((await cli(['register', 'm', '--path', model.path], { cwd: project.dir })).code).toBe(0);
    const summaryFile = join(project.dir, 'step-summary');
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: join(project.dir, 'out'),
    };
    const promoted = await cli(['promote', 'm', 'v1', '--to', 'staging'], { cwd: project.dir, env });
    expect(promoted.code, promoted.stderr).toBe(0);
    const row = promoted.stdout.split('\n').find((line) => /^\s*manifest\s/.test(line))!;
    expect(row).toMatch(/sha256:[0-9a-f]{12}… · 1 file · \.modelship\/artifacts\/[0-9a-f]{12}…/);
    expect(row).not.toContain(project.dir);
    expect(row.trim().length).toBeLessThan(140);
    const summaryRow = readFileSync(summaryFile, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| manifest |'))!;
    expect(summaryRow).toMatch(
      /^\| manifest \| sha256:[0-9a-f]{12}… · 1 file · \.modelship\/artifacts\/[0-9a-f]{12}… \|/,
    );

    const json = await cli(['promote', 'm', 'v2', '--to', 'staging', '--json'], { cwd: project.dir });
    expect(json.code, json.stderr).toBe(0);
    const gate = (JSON.parse(json.stdout) as { gates: GateReport[] }).gates.find(
      (g) => g.kind === 'manifest',
    )!;
    expect(gate.inputs).toMatchObject({
      manifestDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      path: expect.stringMatching(new RegExp(`^${project.dir}/\\.modelship/artifacts/[0-9a-f]{64}$`)),
    });
  });
});
