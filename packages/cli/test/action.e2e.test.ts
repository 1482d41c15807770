import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { binDir, useProject } from './helpers.js';

interface ActionFile {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { steps: Array<{ id?: string; env?: Record<string, string>; run?: string }> };
}

const action = parse(
  readFileSync(fileURLToPath(new URL('../../../actions/modelship/action.yml', import.meta.url)), 'utf8'),
) as ActionFile;
const step = action.runs.steps.find((s) => s.id === 'run')!;
const project = useProject();

// `npx --package @modelship/cli@… -- modelship …` is replaced by the built bin of this checkout.
const fakeBin = join(project.dir, 'fake-bin');
mkdirSync(fakeBin);
writeFileSync(
  join(fakeBin, 'npx'),
  `#!/bin/sh\necho "$@" > "${join(project.dir, 'npx-args')}"\nwhile [ "$1" != "--" ]; do shift; done\nshift\nshift\nexec "${process.execPath}" "${join(binDir, 'modelship.js')}" "$@"\n`,
);
chmodSync(join(fakeBin, 'npx'), 0o755);

/** Runs the action's script as the runner would: inputs (with defaults) as the step's env. */
function runAction(
  inputs: Record<string, string>,
): Promise<{ code: number; stdout: string; outputs: string }> {
  const values = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, inputs[name] ?? input.default ?? '']),
  );
  const env: Record<string, string> = {};
  for (const [name, expression] of Object.entries(step.env ?? {})) {
    const input = /\$\{\{ inputs\.([\w-]+) \}\}/.exec(expression)?.[1];
    env[name] = input ? (values[input] ?? '') : expression;
  }
  const outputs = join(project.dir, `out-${Math.random().toString(36).slice(2)}`);
  writeFileSync(outputs, '');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', step.run!],
      {
        cwd: project.dir,
        env: {
          PATH: `${fakeBin}:${process.env.PATH}`,
          HOME: project.dir,
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: outputs,
          // Who started the run; only this user may approve from a workflow.
          GITHUB_ACTOR: 'alice',
          MODELSHIP_ACTOR: 'ci',
          ...env,
        },
      },
      (error, stdout) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, outputs: readFileSync(outputs, 'utf8') }),
    );
  });
}

describe('actions/modelship (composite action script, run with bash)', () => {
  it('declares the CLI outputs', () => {
    expect(Object.keys(action.outputs)).toEqual([
      'version',
      'stage',
      'status',
      'manifest-digest',
      'endpoint',
      'refs',
      'ledger-head',
      'report',
      'exit-code',
    ]);
  });

  it('maps inputs to CLI flags: register, promote, pending approval passes, approve', async () => {
    const model = project.model('a', 2, 0.9);
    const registered = await runAction({
      command: 'register',
      model: 'm',
      path: model.path,
      metrics: model.metrics,
    });
    expect(registered.code, registered.stdout).toBe(0);
    expect(registered.outputs).toContain('version=v1\n');
    const staged = await runAction({ command: 'promote', model: 'm', version: 'v1', to: 'staging' });
    expect(staged.outputs).toContain('status=promoted\n');
    const pending = await runAction({ command: 'promote', model: 'm', version: 'v1', to: 'production' });
    expect(pending.code).toBe(0);
    expect(pending.outputs).toContain('status=pending-approval\n');
    expect(pending.outputs).toContain('exit-code=4\n');
    const strict = await runAction({
      command: 'promote',
      model: 'm',
      version: 'v1',
      to: 'production',
      'allow-pending': 'false',
    });
    expect(strict.code).toBe(4);
    const approved = await runAction({
      command: 'approve',
      model: 'm',
      version: 'v1',
      stage: 'production',
      by: 'alice',
      reason: "it's fine; $(rm -rf /)",
    });
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.outputs).toContain('status=promoted\n');
  });

  it('installs the CLI with only the providers asked for (default: the provider input, else local)', async () => {
    const npxArgs = () => readFileSync(join(project.dir, 'npx-args'), 'utf8').trim().split(' -- ')[0];
    await runAction({ command: 'status', model: 'm' });
    expect(npxArgs()).toBe('--yes --package @modelship/cli@latest --package @modelship/provider-local');
    await runAction({ command: 'status', model: 'm', provider: 'local', 'cli-version': '0.4.0' });
    expect(npxArgs()).toBe('--yes --package @modelship/cli@0.4.0 --package @modelship/provider-local');
    await runAction({ command: 'status', model: 'm', providers: 'local sagemaker@0.4.1' });
    expect(npxArgs()).toBe(
      '--yes --package @modelship/cli@latest --package @modelship/provider-local --package @modelship/provider-sagemaker@0.4.1',
    );
    const bad = await runAction({ command: 'status', model: 'm', providers: 'local ../evil' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("providers: '../evil' is not a provider name");
  });

  it('writes the HTML report where path says and names it in the report output', async () => {
    const report = await runAction({ command: 'report', model: 'm', path: 'reports/m.html' });
    expect(report.code, report.stdout).toBe(0);
    expect(report.outputs).toContain(`report=${join(project.dir, 'reports', 'm.html')}\n`);
    expect(readFileSync(join(project.dir, 'reports', 'm.html'), 'utf8')).toContain('<section id="board">');
  });

  it('passes failures through with their exit code', async () => {
    const unknown = await runAction({ command: 'promote', model: 'm', version: 'v7', to: 'staging' });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('::error title=modelship promote::');
    expect((await runAction({ command: 'explode' })).code).toBe(2);
  });
});
