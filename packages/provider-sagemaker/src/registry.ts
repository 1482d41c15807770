// tag = the SageMaker model registry. A version becomes a model package (always created with an
// explicit ModelApprovalStatus); approvals and rejections recorded in modelship are mirrored onto
// it with UpdateModelPackage.
import type { ModelPackageSummary, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  ErrorCode,
  InvalidInputError,
  ModelshipError,
  type ProviderContext,
  type TagInput,
  type TagResult,
} from '@modelship/core';
import { aws } from './errors.js';
import type { ResolvedSettings } from './settings.js';

type SageMaker = typeof import('@aws-sdk/client-sagemaker');

/** How a modelship tag maps to an approval status; other tags only register the package. */
export function approvalStatusForTag(tag: string, action: 'add' | 'remove' = 'add') {
  if (action === 'remove')
    return tag === 'approved' || tag === 'rejected' ? 'PendingManualApproval' : undefined;
  if (tag === 'approved') return 'Approved';
  if (tag === 'rejected') return 'Rejected';
  return undefined;
}

/** The description that identifies a modelship version inside its group (ListModelPackages returns it). */
export function packageDescription(model: string, version: string): string {
  return `modelship ${model}@${version}`;
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
    if (!/\.(tar\.gz|tgz)$/i.test(url))
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

async function ensureGroup(client: SageMakerClient, SM: SageMaker, group: string, context: ProviderContext) {
  try {
    await aws('CreateModelPackageGroup', `model package group ${group}`, () =>
      client.send(
        new SM.CreateModelPackageGroupCommand({
          ModelPackageGroupName: group,
          ModelPackageGroupDescription: 'registered by modelship',
        }),
        { abortSignal: context.signal },
      ),
    );
  } catch (error) {
    // Real SageMaker refuses a second create; an existing group is what we wanted.
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
}

/** The package registered for one modelship version (matched by its description), newest first. */
export async function findPackage(
  client: SageMakerClient,
  SM: SageMaker,
  group: string,
  description: string,
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await aws('ListModelPackages', `model package group ${group}`, () =>
      client.send(
        new SM.ListModelPackagesCommand({
          ModelPackageGroupName: group,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 100,
          NextToken,
        }),
        { abortSignal: context.signal },
      ),
    );
    const hit = page.ModelPackageSummaryList?.find((p) => p.ModelPackageDescription === description);
    if (hit) return hit;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/** The newest Approved package of a group (SortBy CreationTime, Descending), or undefined. */
export async function latestApprovedPackage(
  client: SageMakerClient,
  group: string,
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  const SM = await import('@aws-sdk/client-sagemaker');
  const page = await aws('ListModelPackages', `model package group ${group}`, () =>
    client.send(
      new SM.ListModelPackagesCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 1,
      }),
      { abortSignal: context.signal },
    ),
  );
  return page.ModelPackageSummaryList?.[0];
}

export async function tagVersion(
  settings: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const group = input.refs.modelPackageGroup ?? settings.modelPackageGroup(input.model.name);
  const description = packageDescription(input.model.name, input.model.version);
  let arn = input.refs.modelPackageArn;

  if (!arn) {
    await ensureGroup(client, SM, group, context);
    arn = (await findPackage(client, SM, group, description, context))?.ModelPackageArn;
  }
  if (!arn) {
    const container = modelData(input);
    const created = await aws('CreateModelPackage', `model package group ${group}`, () =>
      client.send(
        new SM.CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: description,
          // Never left to the default: a package must wait for a recorded approval.
          ModelApprovalStatus: 'PendingManualApproval',
          CustomerMetadataProperties: customerMetadata(input),
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
  }

  const approval = approvalStatusForTag(input.tag, input.action);
  if (approval) {
    if (approval !== 'PendingManualApproval' && !input.approval?.by)
      throw new ModelshipError(
        ErrorCode.ApprovalRequired,
        `tag: marking ${input.model.name}@${input.model.version} ${input.tag} needs an approval naming who decided (approval.by; CLI --by)`,
      );
    const who = input.approval
      ? `${input.tag} by ${input.approval.by}${input.approval.reason ? `: ${input.approval.reason}` : ''}`
      : `${input.tag} removed`;
    await aws('UpdateModelPackage', arn, () =>
      client.send(
        new SM.UpdateModelPackageCommand({
          ModelPackageArn: arn,
          ModelApprovalStatus: approval,
          ApprovalDescription: who.slice(0, 1024),
        }),
        { abortSignal: context.signal },
      ),
    );
    context.logger.info(`tag: ${arn} is now ${approval} (${who})`);
  }
  return { refs: { ...input.refs, modelPackageGroup: group, modelPackageArn: arn }, warnings: [] };
}
