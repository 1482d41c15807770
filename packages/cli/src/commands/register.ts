import { resolve } from 'node:path';
import type { ModelVersion, ProviderRefs, UploadResult } from '@modelship/core';
import { keyValues } from '../args.js';
import type { CommandOutcome, CommandRunner } from '../command.js';
import { exitCodes, UsageError } from '../exit-codes.js';
import { assertModelName, assertModelPath } from '../input-checks.js';
import { trainFailure } from './train-status.js';
import { openWorkspace, type Workspace } from './workspace.js';

/** The `--json` document of a registered version. */
function versionJson(version: ModelVersion, upload: UploadResult | undefined) {
  return {
    ...version,
    model: version.model,
    version: version.id,
    uri: upload?.uri ?? version.artifact,
    skipped: upload?.skipped ?? false,
  };
}

/** `register --path` and `train --register`: core's registerFromPath with this workspace's pieces. */
async function registerVersion(
  workspace: Workspace,
  input: {
    model: string;
    path: string;
    metrics: Record<string, number> | string | undefined;
    evaluation?: string;
    refs?: ProviderRefs;
    idempotencyKey?: string;
    newVersion?: boolean;
  },
): Promise<{ version: ModelVersion; upload: UploadResult | undefined }> {
  const { registerFromPath } = await import('@modelship/core');
  const { version, upload } = await registerFromPath({
    ...input,
    promoter: workspace.promoter,
    provider: workspace.provider,
    context: workspace.context,
    env: workspace.env,
  });
  return { version, upload };
}

function registeredOutcome(
  version: ModelVersion,
  upload: UploadResult | undefined,
  extra: Record<string, unknown> = {},
): CommandOutcome {
  return {
    exitCode: 0,
    json: { ...versionJson(version, upload), ...extra },
    text: version.id,
    outputs: {
      version: version.id,
      status: 'registered',
      'manifest-digest': version.manifestDigest,
      refs: JSON.stringify(version.refs),
      ...Object.fromEntries(Object.entries(version.refs).map(([k, v]) => [`ref-${k}`, v])),
    },
    summary: `### Registered ${version.model} ${version.id}\n\nMetrics: ${Object.entries(version.metrics)
      .map(([k, v]) => `\`${k}\` = ${v}`)
      .join(', ')}${version.manifestDigest ? `\n\nManifest digest: \`${version.manifestDigest}\`` : ''}`,
  };
}

export const runRegister: CommandRunner = async (command, io) => {
  assertModelName(command.args.model!, io.redact);
  await assertModelPath(resolve(io.cwd, String(command.values.path)));
  const workspace = await openWorkspace(command, io, { provider: true });
  const { version, upload } = await registerVersion(workspace, {
    model: command.args.model!,
    path: resolve(io.cwd, String(command.values.path)),
    metrics:
      command.values.metrics === undefined ? undefined : resolve(io.cwd, String(command.values.metrics)),
    evaluation: command.values.evaluation as string | undefined,
    idempotencyKey: command.idempotencyKey,
    newVersion: command.values['new-version'] === true,
  });
  return registeredOutcome(version, upload);
};

export const runUpload: CommandRunner = async (command, io) => {
  assertModelName(command.args.model!, io.redact);
  await assertModelPath(resolve(io.cwd, String(command.values.path)));
  const workspace = await openWorkspace(command, io, { provider: true });
  const provider = workspace.provider!;
  const result = await provider.upload(
    {
      model: { name: command.args.model!, version: command.values.version as string | undefined },
      path: resolve(io.cwd, String(command.values.path)),
      idempotencyKey: command.idempotencyKey,
    },
    workspace.context,
  );
  return {
    exitCode: 0,
    json: { model: command.args.model, ...result },
    text: `${result.uri}${result.skipped ? ' (already stored)' : ''}${result.manifestDigest ? `\nmanifest ${result.manifestDigest}` : ''}`,
    outputs: {
      status: result.skipped ? 'skipped' : 'uploaded',
      'manifest-digest': result.manifestDigest,
      uri: result.uri,
      ...Object.fromEntries(Object.entries(result.refs).map(([k, v]) => [`ref-${k}`, v])),
    },
  };
};

export const runTrain: CommandRunner = async (command, io) => {
  assertModelName(command.args.model!, io.redact);
  const workspace = await openWorkspace(command, io, { provider: true });
  const provider = workspace.provider!;
  const model = command.args.model!;
  const options: Record<string, unknown> = keyValues(command.values.option, 'option');
  if (command.tail.length > 0) {
    options.command = command.tail[0];
    options.args = command.tail.slice(1);
    options.cwd ??= io.cwd;
  }
  const trained = await provider.train(
    {
      model: { name: model },
      params: keyValues(command.values.param, 'param'),
      options,
      idempotencyKey: command.idempotencyKey && `${command.idempotencyKey}:train`,
    },
    workspace.context,
  );
  const summary = `trained ${model}: run ${trained.runId}, ${trained.status.unified}, metrics ${JSON.stringify(trained.metrics)}`;
  // A failed run is reported, never registered, and fails the step.
  const failure = trainFailure(model, trained.runId, trained.status);
  if (command.values.register !== true || failure) {
    return {
      exitCode: failure ? exitCodes.failed : exitCodes.ok,
      json: { model, ...trained },
      text: `${summary}${trained.artifact ? `\nmodel at ${trained.artifact}` : ''}`,
      outputs: { status: trained.status.unified, 'run-id': trained.runId },
      ...(failure ? { failure } : {}),
    };
  }
  if (!trained.artifact)
    throw new UsageError(
      `train --register: the ${provider.name} provider returned no local artifact to register; register its output with \`modelship register\``,
    );
  const { version, upload } = await registerVersion(workspace, {
    model,
    path: trained.artifact,
    metrics: trained.metrics,
    evaluation: command.values.evaluation as string | undefined,
    refs: trained.refs,
    idempotencyKey: command.idempotencyKey,
  });
  const outcome = registeredOutcome(version, upload, { runId: trained.runId, trainStatus: trained.status });
  outcome.text = `${summary}\nregistered ${model} ${version.id} (manifest ${version.manifestDigest ?? 'none'})\n${version.id}`;
  outcome.outputs = { ...outcome.outputs, 'run-id': trained.runId };
  return outcome;
};
