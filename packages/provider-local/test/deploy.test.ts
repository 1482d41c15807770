import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProviderContext, ErrorCode, ModelshipError, silentLogger } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalProvider } from '../src/index.js';
import { isAlive } from '../src/process.js';
import { makeWorkspace } from './fixtures.js';

const workspace = makeWorkspace();
const provider = createLocalProvider({ root: workspace.root });
const context = createProviderContext({ logger: silentLogger });
const model = 'houses';

async function upload(version: string, slope: number) {
  const dir = join(workspace.root, '..', `model-${version}`);
  cpSync(workspace.modelDir, dir, { recursive: true });
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 1, coefficients: [slope] }),
  );
  return provider.upload({ model: { name: model, version }, path: dir }, context);
}

async function predict(endpoint: string | undefined, x: number): Promise<number> {
  const response = await fetch(`${endpoint}/predict`, {
    method: 'POST',
    body: JSON.stringify({ instances: [{ x }] }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { predictions: number[] }).predictions[0]!;
}

afterAll(async () => {
  await provider.undeployAll(context);
  workspace.cleanup();
});

describe('local inference servers', () => {
  it('serve predictions and report the verified manifest digest and provenance', async () => {
    const v1 = await upload('v1', 2);
    const deployed = await provider.deploy(
      { model: { name: model, version: 'v1' }, stage: 'staging', refs: v1.refs },
      context,
    );
    expect(await predict(deployed.endpoint, 3)).toBe(7);
    const health = (await (await fetch(`${deployed.endpoint}/healthz`)).json()) as Record<string, unknown>;
    expect(health.manifestDigest).toBe(v1.manifestDigest);
    expect(health.provenance).toMatchObject({ source: expect.any(String) });
    const bad = await fetch(`${deployed.endpoint}/predict`, {
      method: 'POST',
      body: '{"instances":[{"y":1}]}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('"x"');
  });

  it('replace the stage blue/green, and rollback swaps back', async () => {
    const before = (await provider.deployments()).find((d) => d.stage === 'staging')!;
    const v2 = await upload('v2', 10);
    const deployed = await provider.deploy(
      { model: { name: model, version: 'v2' }, stage: 'staging', refs: v2.refs },
      context,
    );
    expect(await predict(deployed.endpoint, 1)).toBe(11);
    expect(isAlive(before.pid)).toBe(false);
    const back = await provider.rollback({ model, stage: 'staging' }, context);
    expect(await predict(back.endpoint, 3)).toBe(7);
    const again = await provider.rollback({ model, stage: 'staging' }, context);
    expect(await predict(again.endpoint, 1)).toBe(11);
    expect(await provider.deployments()).toHaveLength(1);
  });

  it('refuse to start on a tampered model, naming expected and actual digests, and keep the old server', async () => {
    const v3 = await upload('v3', 5);
    const running = (await provider.deployments())[0]!;
    const tampered = join(workspace.root, '..', 'tampered');
    cpSync(v3.refs.artifactDir!, tampered, { recursive: true });
    const file = join(tampered, 'model.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('5', '6'));
    const error = await provider
      .deploy(
        { model: { name: model, version: 'v3' }, stage: 'staging', refs: { artifactDir: tampered } },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.Integrity)).toBe(true);
    expect((error as Error).message).toMatch(
      /model\.json: sha256 expected [0-9a-f]{64}, actual [0-9a-f]{64}/,
    );
    expect(isAlive(running.pid)).toBe(true);
    expect((await provider.deployments())[0]!.version).toBe(running.version);
  });

  it('undeploy stops the server and status says so', async () => {
    const { pid } = (await provider.deployments())[0]!;
    await provider.undeploy({ model: { name: model }, stage: 'staging' }, context);
    expect(isAlive(pid)).toBe(false);
    const status = await provider.status({ model: { name: model }, stage: 'staging' }, context);
    expect(status.status).toEqual({ unified: 'stopped', raw: 'not-deployed' });
  });
});
