import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProviderContext, ErrorCode, type Logger, ModelshipError } from '@modelship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalProvider } from '../src/index.js';
import { makeWorkspace, nodeTrainer } from './fixtures.js';

const workspace = makeWorkspace();
const lines: string[] = [];
const logger: Logger = {
  debug() {},
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(m),
};
const context = createProviderContext({ logger });
afterAll(() => workspace.cleanup());

describe('local training', () => {
  it('runs the user command, streams its output and returns the model directory and metrics', async () => {
    const provider = createLocalProvider({ root: workspace.root, train: nodeTrainer });
    const result = await provider.train({ model: { name: 'm' }, params: { slope: 4 } }, context);
    expect(result.metrics).toEqual({ rmse: 0.5, r2: 0.9 });
    expect(JSON.parse(readFileSync(join(result.artifact!, 'model.json'), 'utf8')).coefficients).toEqual([4]);
    expect(lines).toContain('training with {"slope":4}');
  });

  it('fails with the command and its exit code when training fails', async () => {
    const provider = createLocalProvider({ root: workspace.root });
    const error = await provider
      .train(
        {
          model: { name: 'm' },
          options: { command: process.execPath, args: ['-e', 'console.error("boom"); process.exit(3)'] },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(error, ErrorCode.CommandFailed)).toBe(true);
    expect((error as Error).message).toContain('exit code 3');
    expect((error as Error).message).toContain('boom');
  });

  it('rejects non-numeric metrics and a missing command with what to do', async () => {
    const provider = createLocalProvider({ root: workspace.root });
    const bad = await provider
      .train(
        {
          model: { name: 'm' },
          options: {
            command: process.execPath,
            args: [
              '-e',
              'require("fs").writeFileSync(process.env.MODELSHIP_METRICS_FILE, \'{"rmse":"low"}\')',
            ],
          },
        },
        context,
      )
      .catch((e: unknown) => e);
    expect((bad as Error).message).toContain('metric "rmse"');
    const none = await provider.train({ model: { name: 'm' } }, context).catch((e: unknown) => e);
    expect(ModelshipError.hasCode(none, ErrorCode.InvalidInput)).toBe(true);
    expect((none as Error).message).toContain('train.command');
  });

  it('an upload of identical content is skipped and lands in the same content-addressed directory', async () => {
    const provider = createLocalProvider({ root: workspace.root });
    const first = await provider.upload(
      { model: { name: 'm', version: 'a' }, path: workspace.modelDir },
      context,
    );
    const second = await provider.upload(
      { model: { name: 'm', version: 'b' }, path: workspace.modelDir },
      context,
    );
    expect(second).toMatchObject({ uri: first.uri, skipped: true, manifestDigest: first.manifestDigest });
    expect(existsSync(join(first.refs.artifactDir!, 'modelship.manifest.json'))).toBe(true);
    const wrong = await provider
      .upload(
        { model: { name: 'm', version: 'c' }, path: workspace.modelDir, manifestDigest: 'sha256:00' },
        context,
      )
      .catch((e: unknown) => e);
    expect(ModelshipError.hasCode(wrong, ErrorCode.Integrity)).toBe(true);
  });
});
