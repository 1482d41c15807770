import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPachydermProvider } from '../src/index.js';
import { parseJsonStream } from '../src/json-stream.js';
import { pipelineInfoSchema } from '../src/schemas.js';
import { fixtures, housingWorld, imageName, quietContext } from './world.js';

const world = housingWorld({ tag: 'sha-one' });
afterAll(world.cleanup);
const context = quietContext();
const inspectPipeline = (name: string) =>
  pipelineInfoSchema.parse(parseJsonStream(world.double.run(['inspect', 'pipeline', name, '--raw']))[0]);

describe('train: image-tagged pipelines, in dependency order, waited on', () => {
  it('runs the configured build commands with {image} replaced, then updates and waits', async () => {
    const provider = createPachydermProvider({
      ...world.settings,
      imageTag: 'sha-two',
      build: [
        {
          command: world.double.pachctl,
          args: ['push-image', '{image}', join(fixtures, 'image')],
          env: world.double.env,
        },
      ],
    });
    const result = await provider.train({ model: { name: 'housing' } }, context);
    expect(result.status).toEqual({ unified: 'succeeded', raw: 'JOB_SUCCESS' });
    expect(result.metrics).toMatchObject({ rows: 100 });
    expect(result.metrics.r2).toBeGreaterThan(0.6);
    expect(result.refs).toMatchObject({
      image: `${imageName}:sha-two`,
      repo: 'regression',
      pipelineVersion: '1',
    });
    expect(result.refs.dataCommits).toMatch(/^housing_data@[0-9a-f]{32}$/);
    expect(result.runId).toBe(`regression@${result.refs.commit}`);
    expect(inspectPipeline('regression').details?.transform?.image).toBe(`${imageName}:sha-two`);
    expect(result.warnings).toEqual([]);
  });

  it('is a no-op for pipelines already on the image, and warns when no build is configured', async () => {
    const provider = createPachydermProvider({ ...world.settings, imageTag: 'sha-two' });
    const before = inspectPipeline('regression').version;
    const result = await provider.train({ model: { name: 'housing' } }, context);
    expect(inspectPipeline('regression').version).toBe(before);
    expect(result.warnings.map((w) => w.feature)).toEqual(['image build']);
  });

  it('updates a downstream pipeline after the one it reads, and trains the last one', async () => {
    const downstream = join(world.double.stateDir, 'work-tree', 'evaluate.json');
    const regression = JSON.parse(readFileSync(world.spec, 'utf8'));
    writeFileSync(
      downstream,
      JSON.stringify({
        ...regression,
        pipeline: { name: 'evaluate' },
        input: { pfs: { repo: 'regression', glob: '/' } },
      }),
    );
    world.double.pushImage(`${imageName}:sha-three`, join(fixtures, 'image'));
    const updates: string[] = [];
    const provider = createPachydermProvider({
      ...world.settings,
      imageTag: 'sha-three',
      pipelineSpecs: [downstream, world.spec],
    });
    const result = await provider.train(
      { model: { name: 'housing' } },
      {
        ...context,
        run: (command, args, options) => {
          if (args[0] === 'update') updates.push(JSON.parse(String(options?.input)).pipeline.name);
          return context.run(command, args, options);
        },
      },
    );
    expect(updates).toEqual(['regression', 'evaluate']);
    expect(result.runId).toMatch(/^evaluate@/);
    expect(result.refs.upstreamCommits).toMatch(/^regression@/);
  });

  it('surfaces a failed job with its state and reason', async () => {
    const provider = createPachydermProvider({ ...world.settings, imageTag: 'never-pushed' });
    const error = await provider.train({ model: { name: 'housing' } }, context).catch((e: unknown) => e);
    expect(ModelshipError.isInstance(error)).toBe(true);
    expect((error as ModelshipError).message).toMatch(
      /job regression@[0-9a-f]{32} ended JOB_FAILURE: image .*never-pushed could not be pulled/,
    );
    expect((error as ModelshipError).details).toMatchObject({ state: 'JOB_FAILURE' });
  });

  it('needs an image and a tag, naming both the option and the variable', async () => {
    const provider = createPachydermProvider({ ...world.settings, image: undefined });
    await expect(provider.train({ model: { name: 'housing' } }, context)).rejects.toThrow(
      /settings\.image or the DOCKER_IMAGE_TAG environment variable/,
    );
    // No tag and no git SHA: the tag defaults to the SHA, which nothing names.
    const untagged = createPachydermProvider({ ...world.settings, imageTag: undefined, gitSha: undefined });
    const error = await untagged.train({ model: { name: 'housing' } }, context).catch((e: unknown) => e);
    expect((error as ModelshipError).code).toBe(ErrorCode.InvalidInput);
    expect((error as Error).message).toMatch(/GITHUB_SHA/);
  });
});
