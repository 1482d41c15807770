// tag = the SageMaker model registry. A version becomes a model package (always created with an
// explicit ModelApprovalStatus); approvals and rejections recorded in modelship are mirrored onto
// it with UpdateModelPackage, and every other tag is kept in its CustomerMetadataProperties.
import {
  ErrorCode,
  type ExternalApproval,
  type ExternalApprovalInput,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type TagInput,
  type TagResult,
} from '@modelship/core';
import type { SageMakerApi } from './client.js';
import { aws } from './errors.js';
import {
  adoptablePackage,
  describePackage,
  ensureGroup,
  findPackage,
  MIRRORED,
  packageDescription,
  packageTags,
  TAGS,
  updatePackage,
} from './model-packages.js';
import type { ResolvedSettings } from './settings.js';
import { isTarball } from './upload.js';

/** How a modelship tag maps to an approval status; other tags only register the package. */
export function approvalStatusForTag(tag: string, action: 'add' | 'remove' = 'add') {
  if (action === 'remove')
    return tag === 'approved' || tag === 'rejected' ? 'PendingManualApproval' : undefined;
  if (tag === 'approved') return 'Approved';
  if (tag === 'rejected') return 'Rejected';
  return undefined;
}

/** CustomerMetadataProperties: digests and provenance, within SageMaker's 256-character values. */
export function customerMetadata(input: TagInput): Record<string, string> {
  const refs = input.refs;
  const pick: Array<[string, string | undefined]> = [
    ['modelship:model', input.model.name],
    ['modelship:version', input.model.version],
    ['modelship:manifest-digest', refs.manifestDigest],
    ['modelship:manifest-uri', refs.manifestUri],
    ['modelship:commit', refs.commit],
    ['modelship:repository', refs.repository],
    ['modelship:run-id', refs.runId],
    ['modelship:training-job', refs.trainingJobName],
    ['modelship:pipeline-execution', refs.pipelineExecutionArn],
  ];
  return Object.fromEntries(
    pick
      .filter((entry): entry is [string, string] => Boolean(entry[1]))
      .map(([k, v]) => [k, v.slice(0, 256)]),
  );
}

/**
 * Where the package's container finds the model: a gzip tarball as `ModelDataUrl` (S3Object), or
 * an uncompressed prefix as `ModelDataSource.S3DataSource` with `S3DataType: S3Prefix` and
 * `CompressionType: None` (API reference, ModelPackageContainerDefinition and S3ModelDataSource:
 * the S3Uri of an uncompressed prefix must end with "/").
 */
export function modelData(input: TagInput) {
  const refs = input.refs;
  const url = refs.modelDataUrl ?? refs.modelArtifact;
  if (url) {
    if (!isTarball(url))
      throw new InvalidInputError(
        `tag: ${input.model.name}@${input.model.version} has modelDataUrl ${url}; SageMaker loads a single object only as a gzip tarball (model.tar.gz) — upload the model directory instead (refs.modelDataPrefix) or pack it`,
      );
    return { ModelDataUrl: url };
  }
  const prefix = refs.modelDataPrefix;
  if (prefix)
    return {
      ModelDataSource: {
        S3DataSource: {
          S3Uri: prefix.endsWith('/') ? prefix : `${prefix}/`,
          S3DataType: 'S3Prefix' as const,
          CompressionType: 'None' as const,
        },
      },
    };
  throw new InvalidInputError(
    `tag: ${input.model.name}@${input.model.version} has no modelDataUrl, modelDataPrefix or modelArtifact ref; upload (or train) it first and pass the refs that call returned`,
  );
}

export async function tagVersion(
  settings: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  const api = await settings.sageMakerApi(context);
  const { client, SM } = api;
  const group = settings.group(input);
  const description = packageDescription(input.model.name, input.model.version);
  const model = { name: input.model.name, version: input.model.version };
  let arn = input.refs.modelPackageArn;

  if (!arn) {
    await ensureGroup(api, group, context);
    arn = (await findPackage(api, group, model, context))?.ModelPackageArn;
  }
  if (!arn) {
    arn = await adoptablePackage(api, group, input, context);
    if (arn) {
      // Adopted: its metadata names the modelship version from now on (findPackage matches on it).
      const current = await describePackage(api, arn, context);
      await updatePackage(
        api,
        arn,
        // Whatever it holds now was decided before modelship took it over: not an external decision.
        { metadata: { ...customerMetadata(input), [MIRRORED]: current.ModelApprovalStatus ?? '' } },
        context,
      );
      context.logger.info(
        `tag: adopted ${arn}, filed by the build pipeline, for ${input.model.name}@${input.model.version}`,
      );
    }
  }
  const approval = approvalStatusForTag(input.tag, input.action);
  if (approval && approval !== 'PendingManualApproval' && !input.approval?.by)
    throw new ModelshipError(
      ErrorCode.ApprovalRequired,
      `tag: marking ${input.model.name}@${input.model.version} ${input.tag} needs an approval naming who decided (approval.by; CLI --by)`,
    );
  // Approvals live in ModelApprovalStatus; every other tag in the package's TAGS metadata.
  const change = (recorded: string[]) =>
    approval ? recorded : withTag(recorded, input.tag, input.action ?? 'add');
  if (!arn) {
    const container = modelData(input);
    const tags = change([]);
    const created = await aws('CreateModelPackage', `model package group ${group}`, () =>
      client.send(
        new SM.CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: description,
          // Never left to the default: a package must wait for a recorded approval.
          ModelApprovalStatus: 'PendingManualApproval',
          CustomerMetadataProperties: {
            ...customerMetadata(input),
            [MIRRORED]: 'PendingManualApproval',
            ...(tags.length ? { [TAGS]: tags.join(',') } : {}),
          },
          InferenceSpecification: {
            Containers: [{ Image: settings.inferenceImage(), ...container }],
            SupportedContentTypes: ['text/csv', 'application/json'],
            SupportedResponseMIMETypes: ['text/csv', 'application/json'],
          },
        }),
        { abortSignal: context.signal },
      ),
    );
    arn = created.ModelPackageArn!;
    context.logger.info(`tag: registered ${input.model.name}@${input.model.version} as ${arn}`);
    if (approval) await decide(api, arn, input, approval, {}, context);
  } else {
    const current = await describePackage(api, arn, context);
    const recorded = packageTags({ CustomerMetadataProperties: current.CustomerMetadataProperties });
    const tags = change(recorded);
    const metadata: Record<string, string> =
      tags.join(',') === recorded.join(',') ? {} : { [TAGS]: tags.join(',') };
    if (approval) await decide(api, arn, input, approval, metadata, context);
    else if (Object.keys(metadata).length) {
      await updatePackage(api, arn, { metadata }, context);
      context.logger.info(`tag: ${arn} is now tagged ${tags.join(', ') || '(nothing)'}`);
    }
  }
  return { refs: { ...input.refs, modelPackageGroup: group, modelPackageArn: arn }, warnings: [] };
}

function withTag(tags: string[], tag: string, action: 'add' | 'remove'): string[] {
  const rest = tags.filter((t) => t !== tag);
  return action === 'add' ? [...rest, tag].sort() : rest;
}

/** Mirrors an approval decision (or its removal) onto the package, with who decided and why. */
async function decide(
  api: SageMakerApi,
  arn: string,
  input: TagInput,
  approval: string,
  metadata: Record<string, string>,
  context: ProviderContext,
) {
  const who = input.approval
    ? `${input.tag} by ${input.approval.by}${input.approval.reason ? `: ${input.approval.reason}` : ''}`
    : `${input.tag} removed`;
  await updatePackage(
    api,
    arn,
    { status: approval, description: who, metadata: { ...metadata, [MIRRORED]: approval } },
    context,
  );
  context.logger.info(`tag: ${arn} is now ${approval} (${who})`);
}

/** An Approved/Rejected set in the registry, not by modelship (see MIRRORED), with who and why. */
export async function externalApproval(
  settings: ResolvedSettings,
  input: ExternalApprovalInput,
  context: ProviderContext,
): Promise<ExternalApproval | undefined> {
  const api = await settings.sageMakerApi(context);
  const group = settings.group(input);
  const arn =
    input.refs.modelPackageArn ?? (await findPackage(api, group, input.model, context))?.ModelPackageArn;
  if (!arn) return undefined;
  const pkg = await describePackage(api, arn, context);
  const status = pkg.ModelApprovalStatus;
  if (
    (status !== 'Approved' && status !== 'Rejected') ||
    pkg.CustomerMetadataProperties?.[MIRRORED] === status
  )
    return undefined;
  const who = pkg.LastModifiedBy;
  const by = who?.UserProfileName ?? who?.IamIdentity?.Arn ?? 'the SageMaker model registry';
  context.logger.info(`registry: ${arn} was set ${status} by ${by} in SageMaker; recording it`);
  return {
    decision: status === 'Approved' ? 'approved' : 'rejected',
    by,
    ...(pkg.ApprovalDescription ? { reason: pkg.ApprovalDescription } : {}),
    raw: status,
  };
}
