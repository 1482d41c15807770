// The CLI lifecycle from the installed tarballs, as a GitHub Actions job runs it: step outputs and
// the job summary are read back from the files the runner would read.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bin, linearModel, readGithubOutput } from './helpers.js';

const { apps } = inject('install');
const cwd = mkdtempSync(join(apps.cli, 'project-'));
const outputFile = join(cwd, 'github-output');
const summaryFile = join(cwd, 'step-summary');
const actions = {
  GITHUB_ACTIONS: 'true',
  GITHUB_OUTPUT: outputFile,
  GITHUB_STEP_SUMMARY: summaryFile,
  GITHUB_REPOSITORY: 'acme/houses',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: 'c'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SERVER_URL: 'https://github.com',
};

/** One CI step: fresh output and summary files, as the runner gives every step. */
function step(args: string[], env: Record<string, string> = {}) {
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const ran = bin(apps.cli, 'modelship', args, { cwd, env: { ...actions, ...env } });
  return { ...ran, outputs: readGithubOutput(outputFile), summary: readFileSync(summaryFile, 'utf8') };
}

function model(name: string, slope: number, metrics: Record<string, number>) {
  mkdirSync(join(cwd, 'models', name), { recursive: true });
  writeFileSync(join(cwd, 'models', name, 'model.json'), linearModel(slope));
  writeFileSync(join(cwd, 'models', `${name}.metrics.json`), JSON.stringify(metrics));
  return ['--path', join('models', name), '--metrics', join('models', `${name}.metrics.json`)];
}

afterAll(() => {
  bin(apps.cli, 'modelship-local', ['undeploy', '--all', '--root', join(cwd, '.modelship')], { cwd });
});

describe('the installed CLI in a GitHub Actions job', () => {
  it('init writes the commented config', () => {
    const init = step(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'modelship.config.yaml'), 'utf8')).toContain(
      'stages: [development, staging, production]',
    );
  });

  it('register → promote through the stages → approval → a challenger → rollback', () => {
    const registered = step(['register', 'housing', ...model('a', 2, { r2: 0.7, rmse: 1 })]);
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.outputs).toMatchObject({ version: 'v1', status: 'registered' });
    expect(registered.outputs['manifest-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(registered.summary).toContain('### Registered housing v1');

    for (const stage of ['development', 'staging']) {
      const promoted = step(['promote', 'housing', 'v1', '--to', stage]);
      expect(promoted.code, promoted.stdout + promoted.stderr).toBe(0);
      expect(promoted.outputs).toMatchObject({ version: 'v1', stage, status: 'promoted' });
      expect(promoted.outputs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    const staging = step(['status', 'housing']);
    expect(staging.stdout).toMatch(/staging\s+v1/);

    const waiting = step(['promote', 'housing', 'v1', '--to', 'production']);
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(4);
    expect(waiting.outputs).toMatchObject({ status: 'pending-approval' });
    expect(waiting.summary).toContain('| gate | measured | required | verdict | detail |');
    expect(waiting.summary).toMatch(/\| approvals \|.*\| pending \|/);

    // The approval is its own workflow run, started by the approver.
    const approved = step(['approve', 'housing', 'v1', '--stage', 'production', '--by', 'alice'], {
      GITHUB_ACTOR: 'alice',
    });
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(approved.outputs).toMatchObject({ version: 'v1', stage: 'production', status: 'promoted' });

    step(['register', 'housing', ...model('b', 3, { r2: 0.8, rmse: 0.5 })]);
    // The production challenger gate compares both models scored on one held-out set.
    const evaluation = join(cwd, 'models', 'evaluation.json');
    writeFileSync(
      evaluation,
      JSON.stringify({ id: 'holdout', metrics: { r2: 0.8, rmse: 0.5 }, champion: { r2: 0.7, rmse: 1 } }),
    );
    for (const stage of ['development', 'staging']) step(['promote', 'housing', 'v2', '--to', stage]);
    const challenger = step(['promote', 'housing', 'v2', '--to', 'production', '--evaluation', evaluation]);
    expect(challenger.code, challenger.stdout + challenger.stderr).toBe(4);
    expect(challenger.summary).toMatch(/\| challenger vs champion \|.*\| pass \|/);
    const v2 = step(['approve', 'housing', 'v2', '--stage', 'production', '--by', 'alice'], {
      GITHUB_ACTOR: 'alice',
    });
    expect(v2.outputs).toMatchObject({ version: 'v2', stage: 'production', status: 'promoted' });

    const rolledBack = step(['rollback', 'housing', '--stage', 'production']);
    expect(rolledBack.code, rolledBack.stdout + rolledBack.stderr).toBe(0);
    expect(rolledBack.outputs).toMatchObject({ version: 'v1', stage: 'production' });
    const board = JSON.parse(step(['status', 'housing', '--json']).stdout);
    const production = board.stages.find((s: { name: string }) => s.name === 'production');
    expect(production.champion.version).toBe('v1');
  });

  it('history and ledger verify read the ledger back', () => {
    const history = step(['history', 'housing', '--format', 'json']);
    expect(history.code, history.stderr).toBe(0);
    const types = JSON.parse(history.stdout).events.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['version.registered', 'approval.granted', 'deploy.succeeded']),
    );
    const verified = step(['ledger', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.outputs.status).toBe('verified');
    expect(verified.outputs['ledger-head']).toMatch(/^\d+:sha256:[0-9a-f]{64}$/);
  });
});
