import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshKey } from '../../core/test/helpers/ssh-keys.js';
import { type CliResult, cli, defaultConfig, makeProject, stopServers } from './helpers.js';

// The secret sweep: every command, made to fail at least two ways (and succeed where it writes
// something to disk), with canary secrets in the environment and named by the config, in GitHub
// Actions mode, with and without --json. No canary may appear anywhere the process writes.
const canaries = {
  AWS_SECRET_ACCESS_KEY: 'canaryAwsSecret0000aaaa1111',
  GITHUB_TOKEN: 'ghp_canaryGithubToken22223333',
  ALGORITHMIA_API_KEY: 'simCanaryAlgorithmia4444',
  MODELSHIP_WEBHOOK_SECRET: 'canaryWebhookSecret55556666',
  // The passphrase of an approver's SSH key (approve --sign-key); here a wrong one.
  MODELSHIP_SIGN_KEY_PASSPHRASE: 'canaryPassphrase9999aaaa',
  // Not a well-known name: a secret only because the config names it (notifiers[].webhookUrlEnv).
  TEAM_HOOK: '',
};
const slackPath = '/services/T0000/B0000/canarySlackPath77778888';

const project = makeProject();
const received: string[] = [];
let server: Server;
const outputFile = join(project.dir, 'github-output');
const summaryFile = join(project.dir, 'github-summary');
const results: { args: string[]; result: CliResult }[] = [];

function env(): Record<string, string> {
  return {
    ...canaries,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'alice',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
}

/** Runs with --json; `plain` also runs it without (text output, ::error on stdout). */
async function run(...args: string[]): Promise<CliResult> {
  const json = await cli([...args, '--json'], { cwd: project.dir, env: env() });
  results.push({ args: [...args, '--json'], result: json });
  return json;
}
async function plain(...args: string[]): Promise<CliResult> {
  const result = await cli(args, { cwd: project.dir, env: env() });
  results.push({ args, result });
  return run(...args);
}

const failing = (message: string) =>
  `process.stderr.write('deploy key ' + process.env.TEAM_HOOK + ' ' + process.env.MODELSHIP_WEBHOOK_SECRET + ' ${message}\\n'); process.exit(3)`;
const training = `const fs = require('node:fs');
fs.writeFileSync(process.env.MODELSHIP_MODEL_DIR + '/model.json', JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [2] }));
fs.writeFileSync(process.env.MODELSHIP_METRICS_FILE, JSON.stringify({ r2: 0.9 }));
console.log('token', process.env.GITHUB_TOKEN);`;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(`${JSON.stringify(request.headers)} ${body}`);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canaries.TEAM_HOOK = `http://127.0.0.1:${(server.address() as AddressInfo).port}${slackPath}`;
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(
    join(project.dir, 'modelship.config.yaml'),
    // The default project, approvals trusted by flag, and a Slack notifier whose URL is a canary.
    `${defaultConfig.replace('approvals:\n', 'approvals:\n  trustByFlag: true\n')}notifiers:
  - { type: slack, webhookUrlEnv: TEAM_HOOK }
`,
  );
});

afterAll(async () => {
  await stopServers(project.dir);
  server.close();
  project.cleanup();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return [];
    return info.isDirectory() ? filesUnder(path) : info.size < 5_000_000 ? [path] : [];
  });
}

describe('secret sweep over every command', () => {
  it('runs every command, failing two ways or more, in GitHub Actions mode with and without --json', {
    timeout: 400_000,
  }, async () => {
    const good = project.model('good', 2, 0.9);
    const weak = project.model('weak', 2, 0.2);
    writeFileSync(join(project.dir, 'leaky.json'), `{"r2": ${canaries.GITHUB_TOKEN}}`);
    writeFileSync(
      join(project.dir, 'evaluation.json'),
      JSON.stringify({ id: `eval-${canaries.ALGORITHMIA_API_KEY}`, metrics: { r2: 0.9 }, champion: {} }),
    );
    mkdirSync(join(project.dir, 'a-directory'));

    // init: onto a directory; over an existing file.
    await plain('init', '--config', 'a-directory');
    await run('init');
    // train: the command fails echoing secrets; a param carries a token; a good run with that param.
    await plain(
      'train',
      'm',
      '--param',
      `token=${canaries.GITHUB_TOKEN}`,
      '--',
      'node',
      '-e',
      failing('boom'),
    );
    await run('train', canaries.AWS_SECRET_ACCESS_KEY, '--', 'node', '-e', training);
    await run(
      'train',
      'm',
      '--register',
      '--evaluation',
      `eval-${canaries.ALGORITHMIA_API_KEY}`,
      '--param',
      `token=${canaries.GITHUB_TOKEN}`,
      '--',
      'node',
      '-e',
      training,
    );
    // upload: a model name that is a secret; a missing path named after one.
    await run('upload', canaries.GITHUB_TOKEN, '--path', good.path);
    await run('upload', 'm', '--path', `missing-${canaries.AWS_SECRET_ACCESS_KEY}`);
    // register: metrics that are not JSON (quoting a secret); a missing path; then two good ones.
    await plain('register', 'm', '--path', good.path, '--metrics', 'leaky.json');
    await run('register', 'm', '--path', `nowhere-${canaries.MODELSHIP_WEBHOOK_SECRET}`);
    expect((await run('register', 'm', '--path', good.path, '--metrics', good.metrics)).code).toBe(0);
    await run('register', 'm', '--path', weak.path, '--metrics', weak.metrics);
    // promote: an unknown version; a gate that says no; an evaluation that quotes a secret; pending.
    await run('promote', 'm', `v-${canaries.GITHUB_TOKEN}`, '--to', 'staging');
    await plain('promote', 'm', 'v3', '--to', 'staging');
    await plain('promote', 'm', 'v2', '--to', 'staging', '--evaluation', 'evaluation.json');
    await run('promote', 'm', 'v2', '--to', 'production', '--by', canaries.GITHUB_TOKEN);
    // approve --sign-key: a file that is not a key (it quotes a secret); a locked key, a wrong passphrase.
    const locked = await sshKey(project.dir, 'locked-key', 'ed25519', 'the-right-passphrase');
    await run('approve', 'm', 'v2', '--stage', 'production', '--by', 'alice', '--sign-key', 'leaky.json');
    await plain('approve', 'm', 'v2', '--stage', 'production', '--by', 'alice', '--sign-key', locked.path);
    // approve / reject: nothing pending; a secret as the approver (trusted flag: it reaches the ledger).
    await run('reject', 'm', 'v3', '--stage', 'production', '--by', canaries.ALGORITHMIA_API_KEY);
    await plain('approve', 'm', 'v1', '--stage', 'production', '--by', canaries.AWS_SECRET_ACCESS_KEY);
    await run('approve', 'm', 'v2', '--stage', 'production', '--by', canaries.AWS_SECRET_ACCESS_KEY);
    // deploy / rollback: unknown version; unknown stage; no previous champion.
    await run('deploy', 'm', `v-${canaries.AWS_SECRET_ACCESS_KEY}`, '--stage', 'staging');
    await run('deploy', 'm', '--stage', canaries.MODELSHIP_WEBHOOK_SECRET);
    await run('rollback', 'm', '--stage', 'staging', '--by', canaries.GITHUB_TOKEN);
    await run('rollback', 'm', '--stage', `x${canaries.ALGORITHMIA_API_KEY}`);
    // reconcile: an unknown model quoting a secret; a stage that is one.
    await run('reconcile', canaries.GITHUB_TOKEN);
    await plain('reconcile', 'm', '--stage', canaries.AWS_SECRET_ACCESS_KEY);
    // ledger checkpoint: into a missing directory named after a secret; then a good one.
    await run('ledger', 'checkpoint', '--out', `${canaries.MODELSHIP_WEBHOOK_SECRET}/head.json`);
    await run('ledger', 'checkpoint', '--public-key', 'ignored');
    await run('ledger', 'checkpoint', '--out', 'head.json');
    // status / history / ledger verify / manifest: unknown names, bad options, missing files.
    await plain('status', canaries.GITHUB_TOKEN);
    await run('status', '--config', `${canaries.AWS_SECRET_ACCESS_KEY}.yaml`);
    await run('history', canaries.MODELSHIP_WEBHOOK_SECRET);
    await run('history', 'm', '--format', canaries.GITHUB_TOKEN);
    await run('history', 'm', '--format', 'mermaid');
    await plain('ledger', 'verify', '--ledger', canaries.AWS_SECRET_ACCESS_KEY);
    await run('ledger', canaries.GITHUB_TOKEN);
    await run('manifest', 'verify', `${canaries.GITHUB_TOKEN}.json`);
    await run('manifest', 'create', good.path, '--name', canaries.GITHUB_TOKEN, '--out', 'x.manifest.json');
    await run(`--${canaries.AWS_SECRET_ACCESS_KEY}`);
    await run(canaries.ALGORITHMIA_API_KEY);
    await run('status');

    // The sweep did reach the places it checks.
    expect(results.some(({ result }) => result.stderr.includes('command failed with exit code 3'))).toBe(
      true,
    );
    expect(readdirSync(join(project.dir, '.modelship', 'runs')).length).toBeGreaterThan(1);
    expect(results.some(({ result }) => result.stderr.includes('is not an SSH private key'))).toBe(true);
    expect(
      results.some(({ result }) => result.stderr.includes('the passphrase does not open this key')),
    ).toBe(true);
    expect(readFileSync(summaryFile, 'utf8')).toContain('modelship');
    expect(received.length).toBeGreaterThan(0);
  });

  it('no canary appears in stdout, stderr, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, the ledger, snapshots, run records or notifications', () => {
    const secrets = [...Object.values(canaries), slackPath, 'OPENSSH PRIVATE KEY'];
    const places: [string, string][] = [
      ...results.flatMap(({ args, result }): [string, string][] => [
        [`stdout of modelship ${args.join(' ')}`, result.stdout],
        [`stderr of modelship ${args.join(' ')}`, result.stderr],
      ]),
      ['$GITHUB_OUTPUT', readFileSync(outputFile, 'utf8')],
      ['$GITHUB_STEP_SUMMARY', readFileSync(summaryFile, 'utf8')],
      ...filesUnder(join(project.dir, '.modelship')).map((path): [string, string] => [
        path,
        readFileSync(path, 'latin1'),
      ]),
      ...received.map((body, index): [string, string] => [`notification ${index}`, body]),
    ];
    const leaks = places.flatMap(([where, text]) =>
      secrets.filter((secret) => text.includes(secret)).map((secret) => `${where} holds ${secret}`),
    );
    expect(leaks).toEqual([]);
    expect(places.some(([, text]) => text.includes('***'))).toBe(true);
  });
});
