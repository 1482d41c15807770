import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createProviderContext, silentLogger } from '@modelship/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { flowName, metaflowEnv, motoBucket, runsTaggedByMetaflow, testProvider } from './fixtures.js';

describe('deploy: stage tags and `argo-workflows create --only-json` with an S3 datastore on moto', () => {
  const shared = inject('metaflowRuns');
  const motoUrl = inject('motoUrl');
  const templates = mkdtempSync(join(tmpdir(), 'modelship-metaflow-templates-'));
  const bucket = `deploy-${Date.now()}`;
  const suffix = `${process.pid}_${Date.now()}`;
  const stageTags = { staging: `candidate_${suffix}`, production: `production_${suffix}` };
  const context = createProviderContext({ logger: silentLogger });
  const provider = testProvider(shared.root, {
    stageTags,
    onlyJson: true,
    deployDatastore: 's3',
    templateDir: templates,
    env: {
      ...metaflowEnv(shared.root),
      METAFLOW_DATASTORE_SYSROOT_S3: `s3://${bucket}/metaflow`,
      METAFLOW_S3_ENDPOINT_URL: motoUrl,
      METAFLOW_KUBERNETES_NAMESPACE: 'modelship',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
  });
  let s3: Awaited<ReturnType<typeof motoBucket>>;
  beforeAll(async () => {
    s3 = await motoBucket(motoUrl, bucket);
  });
  afterAll(() => rmSync(templates, { recursive: true, force: true }));

  it('production: tags the run, renders the WorkflowTemplate, uploads the code package, skips trigger', async () => {
    const result = await provider.deploy(
      {
        model: { name: 'm', version: 'v7' },
        stage: 'production',
        refs: { runId: shared.good, uri: 's3://b/m/v7/' },
      },
      context,
    );
    expect(result.status).toEqual({ unified: 'deployed', raw: 'template-rendered' });
    expect(result.refs.workflowTemplate).toBe('modelshiptest.prod.modelshippredictflow');
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'skipped', feature: 'argo-workflows trigger' }),
    ]);
    expect(result.warnings[0]?.message).toContain(`trigger --upstream-run-id ${shared.good}`);

    const template = JSON.parse(readFileSync(result.refs.templatePath ?? '', 'utf8'));
    expect(template.kind).toBe('WorkflowTemplate');
    expect(template.metadata.namespace).toBe('modelship');
    // The flow's deploy-time default reads MODELSHIP_UPSTREAM_RUN_ID, which deploy sets: a
    // scheduled or bare trigger runs the deployed model, no parameter needed.
    const parameters = template.spec.arguments.parameters as { name: string; value: string }[];
    const upstream = parameters.find((p) => p.name === 'upstream-run-id');
    expect(upstream && JSON.parse(upstream.value)).toBe(shared.good);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'metaflow/ModelshipPredictFlow/' }),
    );
    expect(listed.KeyCount, 'the code package was uploaded to the S3 datastore').toBeGreaterThan(0);

    const run = await provider.readRun(shared.good, [], context);
    expect(run.tags).toEqual(
      expect.arrayContaining([
        stageTags.production,
        'modelship_version:v7',
        'modelship_model_uri:s3://b/m/v7/',
      ]),
    );
    const status = await provider.status(
      { model: { name: 'm' }, stage: 'production', refs: result.refs },
      context,
    );
    expect(status.status).toEqual({ unified: 'deployed', raw: 'template-rendered' });
  });

  it('staging: the stage tag moves from the previous run to the new one', async () => {
    const first = await provider.deploy(
      { model: { name: 'm', version: 'v1' }, stage: 'staging', refs: { runId: shared.weak } },
      context,
    );
    expect(first.status.raw).toBe(`tagged ${stageTags.staging}`);
    await provider.deploy(
      {
        model: { name: 'm', version: 'v2' },
        stage: 'staging',
        refs: { runId: shared.good },
        previous: { version: 'v1', refs: first.refs },
      },
      context,
    );
    expect((await provider.readRun(shared.good, [], context)).tags).toContain(stageTags.staging);
    expect((await provider.readRun(shared.weak, [], context)).tags).not.toContain(stageTags.staging);
    const old = await provider.status({ model: { name: 'm' }, stage: 'staging', refs: first.refs }, context);
    expect(old.status.unified).toBe('unknown');
  });

  it('a rollback without `previous` (the CLI path) still moves the stage tag: one run carries it', async () => {
    const stage = { model: { name: 'm', version: 'v1' }, stage: 'staging' } as const;
    await provider.deploy({ ...stage, refs: { runId: shared.good } }, context);
    await provider.deploy({ ...stage, refs: { runId: shared.weak } }, context);
    await provider.deploy({ ...stage, refs: { runId: shared.good }, rollback: true }, context);
    const tagged = await runsTaggedByMetaflow(metaflowEnv(shared.root), flowName, stageTags.staging);
    expect(tagged).toEqual([shared.good]);
  });

  it('refuses a failed run, and a run that does not exist is not_found', async () => {
    await expect(
      provider.deploy(
        { model: { name: 'm', version: 'x' }, stage: 'staging', refs: { runId: shared.failed } },
        context,
      ),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('did not succeed') });
    await expect(
      provider.deploy(
        { model: { name: 'm', version: 'x' }, stage: 'staging', refs: { runId: 'ModelshipTrainFlow/42' } },
        context,
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(existsSync(templates)).toBe(true);
  });
});
