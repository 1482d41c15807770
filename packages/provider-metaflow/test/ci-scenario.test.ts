// The example's GitHub Actions workflow (apps/examples/metaflow/github/modelship-metaflow.yml),
// replayed step by step with the example's own config and flows against real Metaflow in local
// mode: pushes to main, a pull request whose run races main's deploy job, a push that breaks the
// flow, one that makes a weak model, then a rollback through the wrapper and through the promoter.
// Tags are read back with Metaflow's own client. Five training runs and four template renders: the
// slowest file of this package, so every assertion reuses the same runs.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMemoryLedger,
  createPromoter,
  createProviderContext,
  loadConfig,
  silentLogger,
} from '@modelship/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMetaflowProvider } from '../src/index.js';
import { motoBucket, python, runsTaggedByMetaflow } from './fixtures.js';
import {
  type JobResult,
  type ReplayOptions,
  readWorkflow,
  runJob,
  type WorkflowEvent,
} from './workflow-replay.js';

const example = fileURLToPath(new URL('../../../apps/examples/metaflow/', import.meta.url));
const cliBin = fileURLToPath(new URL('../../cli/bin/', import.meta.url));
const flow = 'EvaluateNewModelFlow';
const built = (() => {
  try {
    readFileSync(join(cliBin, '..', 'dist', 'wrapper.js'));
    readFileSync(new URL('../dist/cli.js', import.meta.url));
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!built)(
  'the example workflow, replayed (GITHUB_ACTIONS=true, real Metaflow, moto S3)',
  () => {
    const motoUrl = inject('motoUrl');
    const root = mkdtempSync(join(tmpdir(), 'modelship-metaflow-gha-'));
    const repo = join(root, 'repo');
    const templates = join(root, 'argo');
    const bucket = `gha-${Date.now()}`;
    const metaflow = {
      METAFLOW_DEFAULT_DATASTORE: 'local',
      METAFLOW_DEFAULT_METADATA: 'local',
      METAFLOW_DATASTORE_SYSROOT_LOCAL: join(root, 'sysroot'),
      METAFLOW_HOME: join(root, 'home', '.metaflowconfig'),
      HOME: join(root, 'home'),
    };
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    const commit = (message: string) => {
      git('add', '-A');
      git('commit', '-qm', message);
      return git('rev-parse', 'HEAD');
    };
    const editFlow = (from: string, to: string) => {
      const file = join(repo, 'evaluate_new_model_flow.py');
      const text = readFileSync(file, 'utf8');
      if (!text.includes(from)) throw new Error(`the example flow no longer contains ${from}`);
      writeFileSync(file, text.replace(from, to));
    };
    let options: ReplayOptions;
    const tagged = (tag: string) => runsTaggedByMetaflow(metaflow, flow, tag);
    const event = (ref: string, sha: string, runId: string): WorkflowEvent => ({ ref, sha, runId });
    const main = 'refs/heads/main';

    beforeAll(async () => {
      await motoBucket(motoUrl, bucket);
      mkdirSync(metaflow.METAFLOW_HOME, { recursive: true });
      mkdirSync(repo);
      for (const file of ['evaluate_new_model_flow.py', 'predict_flow.py', 'modelship.config.yaml'])
        cpSync(join(example, file), join(repo, file));
      cpSync(join(example, 'github'), join(repo, '.github', 'workflows'), { recursive: true });
      git('init', '-q', '-b', 'main');
      // The CI machine's tools: `modelship` and `modelship-metaflow` (npm install --global), and a
      // python3 with metaflow, kubernetes and scikit-learn (setup-python + pip install).
      const bin = join(root, 'bin');
      mkdirSync(bin);
      for (const name of ['modelship', 'modelship-metaflow']) {
        writeFileSync(
          join(bin, name),
          `#!/bin/sh\nexec "${process.execPath}" "${join(cliBin, `${name}.js`)}" "$@"\n`,
        );
        chmodSync(join(bin, name), 0o755);
      }
      options = {
        workflow: readWorkflow(join(example, 'github', 'modelship-metaflow.yml')),
        repo,
        env: {
          PATH: `${bin}:${dirname(python)}:${process.env.PATH}`,
          ...metaflow,
          METAFLOW_S3_ENDPOINT_URL: motoUrl,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_DEFAULT_REGION: 'us-east-1',
          // No Argo cluster here: deploys render the WorkflowTemplate instead of applying it.
          MODELSHIP_METAFLOW_ONLY_JSON: 'true',
          MODELSHIP_METAFLOW_TEMPLATE_DIR: templates,
        },
        vars: {
          METAFLOW_DATASTORE_SYSROOT_S3: `s3://${bucket}/metaflow`,
          METAFLOW_KUBERNETES_NAMESPACE: 'ml-production',
          AWS_REGION: 'us-east-1',
        },
        // No metadata service can run here (it needs Postgres): local metadata, shared by every job.
        overrides: { METAFLOW_DEFAULT_DATASTORE: 'local', METAFLOW_DEFAULT_METADATA: 'local' },
      };
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const step = (job: JobResult, index: number) => {
      const result = job.steps[index];
      if (!result) throw new Error(`${job.job} has no step ${index}: ${JSON.stringify(job.steps)}`);
      return result;
    };
    const runs: Record<string, string> = {};
    const versions: Record<string, string> = {};

    it('main: a push is evaluated and gated; then a pull request races the deploy job and loses', {
      timeout: 900_000,
    }, async () => {
      commit('iris model');
      const first = await runJob(options, event(main, git('rev-parse', 'HEAD'), '1'), 'evaluate');
      expect(first.conclusion, JSON.stringify(first.steps)).toBe('success');
      runs.first = first.outputs['run-id']!;
      versions.first = first.outputs.version!;
      expect(runs.first).toMatch(new RegExp(`^${flow}/\\d+$`));

      writeFileSync(join(repo, 'NOTES.md'), 'second push\n');
      const sha = commit('second push');
      const evaluated = await runJob(options, event(main, sha, '2'), 'evaluate');
      expect(evaluated.conclusion).toBe('success');
      runs.second = evaluated.outputs['run-id']!;
      versions.second = evaluated.outputs.version!;
      expect(await tagged('deployment_candidate')).toEqual([runs.second]);

      // While the deploy job waits for its reviewer, a pull request's run finishes: newer than main's.
      git('checkout', '-qb', 'feature');
      writeFileSync(join(repo, 'NOTES.md'), 'a pull request\n');
      const prSha = commit('pull request');
      git('checkout', '-q', 'main');
      const pr = event('refs/pull/7/merge', prSha, '3');
      const prEvaluated = await runJob(options, pr, 'evaluate');
      expect(prEvaluated.conclusion).toBe('success');
      expect(prEvaluated.steps.map((s) => s.name)).toHaveLength(1); // train only: no gate, no tag
      runs.pr = prEvaluated.outputs['run-id']!;
      expect((await runJob(options, pr, 'deploy', [prEvaluated])).conclusion).toBe('skipped');

      const deployed = await runJob(options, event(main, sha, '2'), 'deploy', [evaluated]);
      expect(deployed.conclusion, JSON.stringify(deployed.steps)).toBe('success');
      expect(step(deployed, 0).outputs['ref-runId']).toBe(runs.second);
      expect(await tagged('production')).toEqual([runs.second]);
      expect(await tagged('deployment_candidate')).toEqual([runs.second]);
      // The schedule's default is the deployed run.
      const template = JSON.parse(readFileSync(join(templates, readdirSync(templates)[0] ?? ''), 'utf8'));
      const upstream = template.spec.arguments.parameters.find(
        (p: { name: string }) => p.name === 'upstream-run-id',
      );
      expect(JSON.parse(upstream.value)).toBe(runs.second);
    });

    it('a push that breaks the flow fails the train step (exit 1) and nothing after it runs', {
      timeout: 900_000,
    }, async () => {
      editFlow('max_depth=self.max_depth,', 'max_depth=self.max_depth - 3,');
      const broken = event(main, commit('break the flow'), '4');
      const evaluated = await runJob(options, broken, 'evaluate');
      expect(evaluated.conclusion).toBe('failure');
      expect(evaluated.steps).toHaveLength(1);
      const train = step(evaluated, 0);
      expect(train.code).toBe(1);
      expect(train.outputs).toMatchObject({ status: 'failed' });
      expect(train.stdout).toMatch(
        /::error title=modelship train::training iris did not succeed: run EvaluateNewModelFlow\/\d+ is failed/,
      );
      expect(train.stderr).not.toMatch(/^warn: /m);
      expect((await runJob(options, broken, 'deploy', [evaluated])).conclusion).toBe('skipped');
    });

    it('a push that makes a weak model: trained and registered, stopped by the gate, never a candidate', {
      timeout: 900_000,
    }, async () => {
      editFlow('max_depth=self.max_depth - 3,', 'max_depth=1,');
      const weak = event(main, commit('a weaker model'), '5');
      const evaluated = await runJob(options, weak, 'evaluate');
      expect(evaluated.conclusion).toBe('failure');
      expect(step(evaluated, 0).code).toBe(0);
      expect(step(evaluated, 1).code).toBe(1);
      expect(step(evaluated, 1).stdout + step(evaluated, 1).stderr).toMatch(/accuracy/);
      expect((await runJob(options, weak, 'deploy', [evaluated])).conclusion).toBe('skipped');
      expect(await tagged('deployment_candidate')).toEqual([runs.second]);
    });

    it('selection is scoped: unscoped newest-wins would have shipped the pull request; --commit and --run do not', {
      timeout: 900_000,
    }, async () => {
      // What the old workflow did on pull requests: tag the run a candidate. The config's trainFlow
      // makes that the flow's own `tag` command, which needs a user name (a runner has one; root here).
      const shell = (command: string) =>
        execFileSync('bash', ['-c', command], {
          cwd: repo,
          env: { ...options.env, ...options.overrides, METAFLOW_USER: 'ci' },
          encoding: 'utf8',
        });
      const json = (command: string) => JSON.parse(shell(`${command} --json`));
      const select = `modelship-metaflow select --flow ${flow} --tag modelship_test_all --artifact model_path`;
      for (const run of [runs.first, runs.second, runs.pr])
        shell(
          `modelship-metaflow tag --model iris --version x --stage none --tag modelship_test_all --ref runId=${run}`,
        );
      expect(json(select).runId).toBe(runs.pr);
      expect(json(`${select} --commit ${git('rev-parse', 'HEAD~2')}`).runId).toBe(runs.second);
      expect(json(`${select} --run ${runs.first}`).runId).toBe(runs.first);
    });

    it('rollback through the wrapper (deploy --rollback) and through the promoter: one production run each time', {
      timeout: 900_000,
    }, async () => {
      const cwd = mkdtempSync(join(root, 'ops-'));
      for (const file of ['predict_flow.py', 'evaluate_new_model_flow.py'])
        cpSync(join(example, file), join(cwd, file));
      const env = {
        ...options.env,
        ...options.overrides,
        METAFLOW_DATASTORE_SYSROOT_S3: `s3://${bucket}/metaflow`,
        METAFLOW_USER: 'ops',
      };
      execFileSync(
        'bash',
        [
          '-c',
          `modelship-metaflow deploy --model iris --version ${versions.first} --stage production --deploy-flow predict_flow.py --deploy-datastore s3 --rollback --ref runId=${runs.first}`,
        ],
        { cwd, env },
      );
      expect(await tagged('production')).toEqual([runs.first]);

      const { config } = await loadConfig(join(example, 'modelship.config.yaml'));
      const provider = createMetaflowProvider({
        ...(config.providers.metaflow as Record<string, string>),
        python,
        cwd,
        env,
        onlyJson: true,
        withCard: false,
      });
      const context = createProviderContext({ logger: silentLogger });
      const promoter = createPromoter({
        config,
        ledger: createMemoryLedger(),
        provider,
        context,
        captureProvenance: false,
      });
      for (const [name, runId] of [
        ['first', runs.first],
        ['second', runs.second],
      ] as const) {
        const version = await promoter.register({
          model: 'iris',
          metrics: { accuracy: 95 },
          refs: { runId: runId! },
        });
        for (const to of ['staging', 'production'])
          expect((await promoter.promote({ model: 'iris', version: version.id, to })).outcome, name).toBe(
            'promoted',
          );
        expect(await tagged('production')).toEqual([runId]);
      }
      expect((await promoter.rollback({ model: 'iris', stage: 'production' })).outcome).toBe('rolled-back');
      expect(await tagged('production')).toEqual([runs.first]);
    });
  },
);
