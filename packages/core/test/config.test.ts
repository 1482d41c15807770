import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, defaultConfig, ErrorCode, loadConfig, parseConfig } from '../src/index.js';
import { suiteTempDir } from './helpers/temp-dir.js';

const dir = suiteTempDir('modelship-config-');

describe('configuration', () => {
  it('defaults to development → staging → production with a file ledger in .modelship', () => {
    expect(defaultConfig.stages).toEqual(['development', 'staging', 'production']);
    expect(defaultConfig.ledger).toEqual({ type: 'file', dir: '.modelship' });
  });

  it('loads modelship.config.yaml from a directory', async () => {
    const cwd = join(dir(), 'yaml');
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
    await writeFile(
      join(cwd, 'modelship.config.yaml'),
      [
        'stages: [dev, prod]',
        'gates:',
        '  prod:',
        '    metrics: { accuracy: ">= 0.9", mse: { op: "<=", value: 6.0 } }',
        '    challenger: { metric: accuracy, minImprovement: 0.01 }',
        'approvals:',
        '  prod: { count: 2, approvers: [alice, bob, carol] }',
        'notifiers:',
        '  - { type: slack, webhookUrlEnv: SLACK_WEBHOOK_URL }',
        'ledger: { type: s3, bucket: ml-ledger, prefix: team-a/ }',
      ].join('\n'),
    );
    const { config, path } = await loadConfig(cwd);
    expect(path).toBe(join(cwd, 'modelship.config.yaml'));
    expect(config.stages).toEqual(['dev', 'prod']);
    expect(config.approvals.prod).toEqual({
      count: 2,
      approvers: ['alice', 'bob', 'carol'],
      allowSelfApproval: false,
    });
    expect(config.gates.prod?.challenger).toEqual({
      metric: 'accuracy',
      direction: 'higher',
      minImprovement: 0.01,
    });
  });

  it('names the key path of every invalid value', () => {
    const error = (() => {
      try {
        parseConfig(
          { gates: { staging: { metrics: { accuracy: 'at least 0.9' } } }, ledger: { type: 'ftp' } },
          'modelship.config.json',
        );
      } catch (e) {
        return e as ConfigInvalidError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error?.code).toBe(ErrorCode.ConfigInvalid);
    expect(error?.message).toContain('gates.staging.metrics.accuracy');
    expect(error?.message).toContain('ledger.type');
  });

  it('refuses secrets written into the config and stages that do not exist', () => {
    expect(() =>
      parseConfig({
        notifiers: [{ type: 'webhook', url: 'http://x.test', secretEnv: 'HOOK', secret: 'hunter22' }],
      }),
    ).toThrow(/notifiers\.0\.secret holds a secret value; store it in an environment variable/);
    expect(() => parseConfig({ gates: { qa: { manifest: true } } })).toThrow(
      /gates\.qa names a stage that is not in stages/,
    );
    expect(() =>
      parseConfig({
        notifiers: [{ type: 'slack', webhookUrlEnv: 'https://hooks.slack.com/services/T/B/x' }],
      }),
    ).toThrow(/notifiers\[0\]\.webhookUrlEnv: an environment variable NAME/);
  });

  it('reports unreadable YAML with the file name', async () => {
    const file = join(dir(), 'broken.yaml');
    await writeFile(file, 'stages: [dev\n');
    await expect(loadConfig(file)).rejects.toThrow(/broken\.yaml is not valid YAML/);
  });
});
