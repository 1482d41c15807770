// The seed's flow across three MLRun clusters (development, staging, production), each with its own
// access key, replayed through the `modelship` and `modelship-iguazio` processes, and read back
// from each cluster with the real `mlrun` client.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const bin = (name: string) => join(repo, 'packages/cli/bin', `${name}.js`);
const python = join(repo, '.peers/mlrun/bin/python');
const reader = join(import.meta.dirname, '../python-tests/environments_reader.py');
const built = ['packages/cli/dist/main.js', 'packages/provider-iguazio/dist/cli.js'].every((file) =>
  existsSync(join(repo, file)),
);
const keys = { development: 'igz-dev-7c1e', staging: 'igz-stg-4d2f', production: 'igz-prod-9a3b' };
const slackToken = 'slack-secret-5e6f';

const config = `version: 1
stages: [development, staging, production]
gates:
  development: { metrics: { accuracy: ">= 0.9" } }
  staging: { metrics: { accuracy: ">= 0.9" } }
  production: { metrics: { accuracy: ">= 0.9" } }
approvals:
  staging: { count: 1, approvers: [alice, bob] }
  production: { count: 1, approvers: [alice, bob] }
providers:
  iguazio:
    project: churn-dev
    function-name: churn-serving
    poll-interval-ms: 20
    project-source: git://github.com/acme/churn#main
    environments:
      staging: { apiUrlEnv: STAGING_MLRUN_DBPATH, project: churn-staging, accessKeyEnv: STAGING_V3IO_ACCESS_KEY, v3ioApiEnv: STAGING_V3IO_API }
      production: { apiUrlEnv: PROD_MLRUN_DBPATH, project: churn-prod, accessKeyEnv: PROD_V3IO_ACCESS_KEY, v3ioApiEnv: PROD_V3IO_API }
notifiers:
  - type: slack
    webhookUrlEnv: SLACK_WEBHOOK_URL
    events: [deploy.succeeded, approval.*]
ledger: { type: file, dir: .modelship }
`;

describe.skipIf(!built || !existsSync(python))(
  'scenario: development → staging → production on three MLRun clusters',
  () => {
    const clusters = {} as Record<keyof typeof keys, MlrunEmulator>;
    const slack: string[] = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        slack.push(String(JSON.parse(body || '{}').text ?? ''));
        res.end('ok');
      });
    });
    const outputs: string[] = [];
    let work: string;
    let env: NodeJS.ProcessEnv;

    const run = async (name: string, args: string[], expected = 0) => {
      const result = await promisify(execFile)(process.execPath, [bin(name), ...args], {
        cwd: work,
        env,
        timeout: 60_000,
      }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );
      outputs.push(result.stdout, result.stderr);
      expect(result.code, `${name} ${args.join(' ')}\n${result.stderr}`).toBe(expected);
      return result;
    };
    const tagChampion = (version: string, stage: string, storeUri: string) =>
      run('modelship-iguazio', [
        'tag',
        '--model',
        'churn',
        '--version',
        version,
        '--stage',
        stage,
        '--tag',
        'champion',
        '--ref',
        `storeUri=${storeUri}`,
      ]);

    beforeAll(async () => {
      for (const [name, accessKey] of Object.entries(keys))
        clusters[name as keyof typeof keys] = await startMlrunEmulator({ accessKey, deployPolls: 1 });
      await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
      work = await mkdtemp(join(tmpdir(), 'iguazio-scenario-'));
      await writeFile(join(work, 'modelship.config.yaml'), config);
      const { development, staging, production } = clusters;
      env = {
        ...process.env,
        MLRUN_DBPATH: development.url,
        V3IO_ACCESS_KEY: keys.development,
        V3IO_API: development.v3ioUrl,
        STAGING_MLRUN_DBPATH: staging.url,
        STAGING_V3IO_ACCESS_KEY: keys.staging,
        STAGING_V3IO_API: staging.v3ioUrl,
        PROD_MLRUN_DBPATH: production.url,
        PROD_V3IO_ACCESS_KEY: keys.production,
        PROD_V3IO_API: production.v3ioUrl,
        SLACK_WEBHOOK_URL: `http://127.0.0.1:${(sink.address() as { port: number }).port}/services/T0/B0/${slackToken}`,
        MODELSHIP_ACTOR: 'ci-bot',
        GITHUB_ACTIONS: '',
        FORCE_COLOR: '0',
      };
    });
    afterAll(async () => {
      await Promise.all(Object.values(clusters).map((cluster) => cluster.close()));
      sink.close();
      await rm(work, { recursive: true, force: true });
    });

    it('trains, exports, gates, approves and promotes each version into its own cluster, then rolls back', async () => {
      const versions: { version: string; uri: string; tree: string }[] = [];
      for (const accuracy of ['0.93', '0.95']) {
        // train-workflow.yaml: the development workflow logs the model; modelship registers it.
        const trained = JSON.parse(
          (
            await run('modelship', [
              'train',
              'churn',
              '--register',
              '--param',
              `accuracy=${accuracy}`,
              '--json',
            ])
          ).stdout,
        );
        const v = {
          version: trained.version as string,
          uri: trained.uri as string,
          tree: trained.refs.tree as string,
        };
        versions.push(v);
        await run('modelship-iguazio', ['export', '--model-uri', v.uri, '--tag', 'challenger', '--yes']);
        expect(await readFile(join(work, 'artifacts/churn:challenger.yaml'), 'utf8')).toContain(v.tree);
        await run('modelship', ['promote', 'churn', v.version, '--to', 'development']);
        await tagChampion(v.version, 'development', v.uri);
        for (const stage of ['staging', 'production']) {
          await run('modelship', ['promote', 'churn', v.version, '--to', stage], 4);
          const refused = await run(
            'modelship',
            ['approve', 'churn', v.version, '--stage', stage, '--by', 'mallory'],
            2,
          );
          expect(refused.stderr).toContain('mallory may not approve');
          await run('modelship', ['approve', 'churn', v.version, '--stage', stage, '--by', 'alice']);
          await tagChampion(v.version, stage, v.uri);
        }
      }
      const [v1, v2] = versions as [(typeof versions)[0], (typeof versions)[0]];
      await run('modelship', ['rollback', 'churn', '--stage', 'production', '--by', 'bob']);
      await tagChampion(v1.version, 'production', v1.uri);

      // Read back from each cluster with the mlrun client, each with its own key.
      const envs = (['development', 'staging', 'production'] as const).map((name) => ({
        name,
        url: clusters[name].url,
        project: { development: 'churn-dev', staging: 'churn-staging', production: 'churn-prod' }[name],
        key: 'churn',
        function: `churn-serving-${name}`,
        keyEnv: {
          development: 'V3IO_ACCESS_KEY',
          staging: 'STAGING_V3IO_ACCESS_KEY',
          production: 'PROD_V3IO_ACCESS_KEY',
        }[name],
      }));
      const { stdout } = await promisify(execFile)(python, [reader, JSON.stringify(envs)], {
        env: { ...env, MLRUN_LOG_LEVEL: 'ERROR' },
        timeout: 120_000,
      });
      const seen = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(seen.development).toMatchObject({
        champion_tree: v2.tree,
        served_model: `store://models/churn-dev/churn#0@${v2.tree}`,
      });
      expect(seen.staging).toMatchObject({
        champion_tree: v2.tree,
        trees: [v1.tree, v2.tree].sort(),
        served_model: `store://models/churn-staging/churn#0@${v2.tree}`,
      });
      expect(seen.production).toMatchObject({
        champion_tree: v1.tree,
        served_model: `store://models/churn-prod/churn#0@${v1.tree}`,
      });
      expect(seen.production.tags).toEqual(expect.arrayContaining(['champion', v1.version, v2.version]));
      // The model files crossed too, and each cluster only ever saw its own key.
      expect([...clusters.production.objects.keys()].filter((k) => k.endsWith('model.pkl'))).toHaveLength(2);
      for (const cluster of Object.values(clusters))
        expect(cluster.requests.every((r) => r.authenticated)).toBe(true);

      // The ledger keeps both URIs of the production deploys.
      const board = JSON.parse((await run('modelship', ['history', 'churn', '--json'])).stdout);
      expect(JSON.stringify(board)).toContain(`"sourceUri":"store://models/churn-dev/churn#0@${v1.tree}"`);
      expect(JSON.stringify(board)).toContain(`"storeUri":"store://models/churn-prod/churn#0@${v1.tree}"`);

      await expect
        .poll(
          () =>
            slack.filter((text) => text.includes('deploy.succeeded') || text.startsWith(':rocket:')).length,
        )
        .toBe(7);
      expect(slack.some((text) => text.includes('approv'))).toBe(true);
      const printed = outputs.join('\n') + stdout + slack.join('\n');
      for (const secret of [...Object.values(keys), slackToken]) expect(printed).not.toContain(secret);
    }, 300_000);
  },
);
