import { describe, expect, it } from 'vitest';
import {
  errorJson,
  historyJson,
  ledgerVerifyJson,
  promotionJson,
  registerJson,
  statusAllJson,
  statusJson,
} from '../src/json-output.js';
import { cli, useProject } from './helpers.js';

const project = useProject();
const run = async (args: string[]) => {
  const result = await cli([...args, '--json'], { cwd: project.dir });
  return { ...result, json: JSON.parse(result.stdout) as unknown };
};

describe('--json output parses and matches the documented schemas', () => {
  it('register → { model, version, … } with the manifest digest and refs', async () => {
    const model = project.model('a', 3, 0.8);
    const { code, json } = await run(['register', 'm', '--path', model.path, '--metrics', model.metrics]);
    expect(code).toBe(0);
    const parsed = registerJson.parse(json);
    expect(parsed).toMatchObject({ model: 'm', version: 'v1', metrics: { r2: 0.8 } });
    expect(parsed.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parsed.refs.artifactDir).toMatch(/\S/);
  });

  it('promote → outcome, gates with inputs, deploy endpoint and the board', async () => {
    const { code, json } = await run(['promote', 'm', 'v1', '--to', 'staging']);
    expect(code).toBe(0);
    const parsed = promotionJson.parse(json);
    expect(parsed.outcome).toBe('promoted');
    expect(parsed.gates[0]).toMatchObject({
      kind: 'metric',
      verdict: 'pass',
      inputs: { metric: 'r2', op: '>=', threshold: 0.5, actual: 0.8 },
    });
    expect(parsed.deploy?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pending approval → exit 4 and still a promotion document', async () => {
    const { code, json } = await run(['promote', 'm', 'v1', '--to', 'production']);
    expect(code).toBe(4);
    expect(promotionJson.parse(json).outcome).toBe('pending-approval');
  });

  it('status <model> → { model, stages: [{ name, champion, challengers, pendingApprovals }] }; status → { models }', async () => {
    const { json } = await run(['status', 'm']);
    const board = statusJson.parse(json);
    expect(board.stages.map((s) => s.name)).toEqual(['staging', 'production']);
    expect(board.stages[0]!.champion?.version).toBe('v1');
    expect(board.stages[1]!.champion).toBeNull();
    expect(board.stages[1]!.pendingApprovals).toEqual([
      { version: 'v1', required: 1, granted: [], approvers: [] },
    ]);
    expect(statusAllJson.parse((await run(['status'])).json).models).toHaveLength(1);
  });

  it('history and ledger verify', async () => {
    const history = historyJson.parse((await run(['history', 'm'])).json);
    expect(history.events.map((e) => e.type)).toContain('deploy.succeeded');
    const mermaid = await cli(['history', 'm', '--format', 'mermaid'], { cwd: project.dir });
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(ledgerVerifyJson.parse((await run(['ledger', 'verify'])).json).ok).toBe(true);
  });

  it('failures → { ok: false, exitCode, error: { code, message } } on stdout', async () => {
    const { code, json } = await run(['approve', 'm', 'v1', '--stage', 'staging', '--by', 'x']);
    expect(code).toBe(2);
    expect(errorJson.parse(json).error.code).toBe('illegal_transition');
  });
});
