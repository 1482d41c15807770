import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGithubOutputs } from '../../core/test/helpers/github-outputs.js';
import { cli, useProject } from './helpers.js';

const project = useProject();
const outputFile = join(project.dir, 'github-output');
const summaryFile = join(project.dir, 'step-summary');
const env = {
  GITHUB_ACTIONS: 'true',
  GITHUB_OUTPUT: outputFile,
  GITHUB_STEP_SUMMARY: summaryFile,
  GITHUB_REPOSITORY: 'acme/houses',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'promote',
  GITHUB_SERVER_URL: 'https://github.com',
};
const run = (args: string[]) => cli(args, { cwd: project.dir, env });

const readOutputs = () => parseGithubOutputs(readFileSync(outputFile, 'utf8'));

describe('GitHub Actions integration (GITHUB_ACTIONS=true)', () => {
  it('register and promote write step outputs and a markdown summary with gates, board, digests, provenance and the run link', async () => {
    const model = project.model('a', 2, 0.7);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const promoted = await run(['promote', 'm', 'v1', '--to', 'staging']);
    expect(promoted.code, promoted.stderr).toBe(0);
    const outputs = readOutputs();
    expect(outputs).toMatchObject({ version: 'v1', stage: 'staging', status: 'promoted' });
    expect(outputs['manifest-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outputs['ref-artifactDir']).toContain('.modelship');
    expect(JSON.parse(outputs.refs!)).toHaveProperty('manifestDigest');
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain('| gate | measured | required | verdict | detail |');
    expect(summary).toContain('| metric r2 | r2 = 0.7 | >= 0.5 | pass |');
    expect(summary).toContain('| stage | champion | challengers | pending approvals |');
    expect(summary).toMatch(/Manifest digest of v1: `sha256:[0-9a-f]{64}`/);
    expect(summary).toContain('| repository | `acme/houses` |');
    expect(summary).toContain(`| commit | \`${'a'.repeat(40)}\` |`);
    expect(summary).toContain('[Workflow run](https://github.com/acme/houses/actions/runs/4242)');
  });

  it('a failed gate writes status, a summary and an ::error:: annotation', async () => {
    const model = project.model('b', 5, 0.1);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    writeFileSync(outputFile, '');
    const failed = await run(['promote', 'm', 'v2', '--to', 'staging']);
    expect(failed.code).toBe(1);
    expect(readOutputs()).toMatchObject({ version: 'v2', status: 'gate-failed' });
    expect(failed.stdout).toMatch(
      /^::error title=modelship promote::m v2 → staging: metric r2: r2 = 0\.1 fails >= 0\.5$/m,
    );
    expect(readFileSync(summaryFile, 'utf8')).toContain('| metric r2 | r2 = 0.1 | >= 0.5 | FAIL |');
  });

  it('an error is annotated too (on stderr with --json, so stdout stays one JSON document)', async () => {
    const failed = await run(['promote', 'm', 'v9', '--to', 'staging', '--json']);
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stdout).ok).toBe(false);
    expect(failed.stderr).toMatch(/^::error title=modelship promote::.*v9/m);
    expect(readOutputs().status).toBe('not_found');
  });
});
