// tag = the SageMaker model registry. A version becomes a model package (always created with an
// explicit ModelApprovalStatus); approvals and rejections recorded in modelship are mirrored onto
// it with UpdateModelPackage.
import type {
  DescribeModelPackageCommandOutput,
  ModelPackageSummary,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
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
import { aws } from './errors.js';
import type { ResolvedSettings } from './settings.js';

type SageMaker = typeof import('@aws-sdk/client-sagemaker');

/**
 * The approval status modelship last wrote (or found when it adopted the package). A status that
 * differs was set on the registry itself — Studio's "Update status" — and counts as a decision.
 */
export const MIRRORED = 'modelship:mirrored-status';

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

/**
 * The package registered for one modelship version: filed by modelship (matched by its
 * description), or adopted from the build pipeline (its metadata names the version).
 */
export async function findPackage(
  client: SageMakerClient,
  SM: SageMaker,
  group: string,
  model: { name: string; version: string },
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  const description = packageDescription(model.name, model.version);
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
  const adopted = await scanForeign(client, SM, group, context, (pkg) => {
    const meta = pkg.CustomerMetadataProperties ?? {};
    return meta['modelship:model'] === model.name && meta['modelship:version'] === model.version;
  });
  return adopted;
}

/** Packages of other origin looked at when adopting one, newest first (each costs a Describe). */
const ADOPTION_SCAN = 25;

/** The newest package of the group not filed by modelship that `match`es, or undefined. */
async function scanForeign(
  client: SageMakerClient,
  SM: SageMaker,
  group: string,
  context: ProviderContext,
  match: (pkg: DescribeModelPackageCommandOutput) => boolean,
) {
  const page = await aws('ListModelPackages', `model package group ${group}`, () =>
    client.send(
      new SM.ListModelPackagesCommand({
        ModelPackageGroupName: group,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: ADOPTION_SCAN,
      }),
      { abortSignal: context.signal },
    ),
  );
  for (const summary of page.ModelPackageSummaryList ?? []) {
    if (summary.ModelPackageDescription?.startsWith('modelship ')) continue;
    const pkg = await describePackage(client, SM, summary.ModelPackageArn!, context);
    if (match(pkg)) return summary;
  }
  return undefined;
}

/**
 * The newest Approved package of a group (SortBy CreationTime, Descending), or undefined. A
 * filtered page can come back empty with a NextToken (the filter applies after paging; the
 * MLOps template's own lookup loops on it), so this follows NextToken until a hit or the end.
 */
export async function latestApprovedPackage(
  client: SageMakerClient,
  group: string,
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  const SM = await import('@aws-sdk/client-sagemaker');
  let NextToken: string | undefined;
  do {
    const page = await aws('ListModelPackages', `model package group ${group}`, () =>
      client.send(
        new SM.ListModelPackagesCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: 'Approved',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 10,
          NextToken,
        }),
        { abortSignal: context.signal },
      ),
    );
    const hit = page.ModelPackageSummaryList?.[0];
    if (hit) return hit;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/**
 * The package the build pipeline's RegisterModel step already filed for this version: named by
 * the pipeline execution's RegisterModel step, else the newest package not filed by modelship whose
 * model data or recorded digest is this version's.
 */
export async function adoptablePackage(
  client: SageMakerClient,
  SM: SageMaker,
  group: string,
  input: TagInput,
  context: ProviderContext,
): Promise<string | undefined> {
  const execution = input.refs.pipelineExecutionArn;
  if (execution) {
    try {
      const steps = await aws('ListPipelineExecutionSteps', execution, () =>
        client.send(new SM.ListPipelineExecutionStepsCommand({ PipelineExecutionArn: execution }), {
          abortSignal: context.signal,
        }),
      );
      const registered = steps.PipelineExecutionSteps?.find((step) => step.Metadata?.RegisterModel?.Arn);
      if (registered?.Metadata?.RegisterModel?.Arn) return registered.Metadata.RegisterModel.Arn;
    } catch (error) {
      context.logger.debug(`tag: cannot list the steps of ${execution} (${(error as Error).message})`);
    }
  }
  const artifacts = new Set([input.refs.modelArtifact, input.refs.modelDataUrl].filter(Boolean));
  const digest = input.refs.manifestDigest;
  if (artifacts.size === 0 && !digest) return undefined;
  const found = await scanForeign(client, SM, group, context, (pkg) => {
    const meta = pkg.CustomerMetadataProperties ?? {};
    if (meta['modelship:version']) return false; // already another version's
    const urls = pkg.InferenceSpecification?.Containers?.map((c) => c.ModelDataUrl) ?? [];
    return (
      urls.some((url) => url && artifacts.has(url)) ||
      (!!digest && meta['modelship:manifest-digest'] === digest)
    );
  });
  return found?.ModelPackageArn;
}

export function describePackage(
  client: SageMakerClient,
  SM: SageMaker,
  arn: string,
  context: ProviderContext,
) {
  return aws('DescribeModelPackage', `model package ${arn}`, () =>
    client.send(new SM.DescribeModelPackageCommand({ ModelPackageName: arn }), {
      abortSignal: context.signal,
    }),
  );
}

/**
 * UpdateModelPackage that keeps what it does not change: the approval status and every customer
 * metadata key are always sent (an emulator may clear omitted fields; SageMaker merges keys).
 */
async function updatePackage(
  client: SageMakerClient,
  SM: SageMaker,
  arn: string,
  change: { status?: string; description?: string; metadata?: Record<string, string> },
  context: ProviderContext,
) {
  const current = await describePackage(client, SM, arn, context);
  await aws('UpdateModelPackage', arn, () =>
    client.send(
      new SM.UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: (change.status ?? current.ModelApprovalStatus) as never,
        ...(change.description !== undefined || current.ApprovalDescription
          ? { ApprovalDescription: (change.description ?? current.ApprovalDescription)!.slice(0, 1024) }
          : {}),
        CustomerMetadataProperties: { ...current.CustomerMetadataProperties, ...change.metadata },
      }),
      { abortSignal: context.signal },
    ),
  );
}

export async function tagVersion(
  settings: ResolvedSettings,
  input: TagInput,
  context: ProviderContext,
): Promise<TagResult> {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const group = input.refs.modelPackageGroup ?? settings.modelPackageGroup(input.model.name);
  const description = packageDescription(input.model.name, input.model.version);
  const model = { name: input.model.name, version: input.model.version };
  let arn = input.refs.modelPackageArn;

  if (!arn) {
    await ensureGroup(client, SM, group, context);
    arn = (await findPackage(client, SM, group, model, context))?.ModelPackageArn;
  }
  if (!arn) {
    arn = await adoptablePackage(client, SM, group, input, context);
    if (arn) {
      // Adopted: its metadata names the modelship version from now on (findPackage matches on it).
      const current = await describePackage(client, SM, arn, context);
      await updatePackage(
        client,
        SM,
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
  if (!arn) {
    const container = modelData(input);
    const created = await aws('CreateModelPackage', `model package group ${group}`, () =>
      client.send(
        new SM.CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: description,
          // Never left to the default: a package must wait for a recorded approval.
          ModelApprovalStatus: 'PendingManualApproval',
          CustomerMetadataProperties: { ...customerMetadata(input), [MIRRORED]: 'PendingManualApproval' },
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
    await updatePackage(
      client,
      SM,
      arn,
      { status: approval, description: who, metadata: { [MIRRORED]: approval } },
      context,
    );
    context.logger.info(`tag: ${arn} is now ${approval} (${who})`);
  }
  return { refs: { ...input.refs, modelPackageGroup: group, modelPackageArn: arn }, warnings: [] };
}

/** An Approved/Rejected set in the registry, not by modelship (see MIRRORED), with who and why. */
export async function externalApproval(
  settings: ResolvedSettings,
  input: ExternalApprovalInput,
  context: ProviderContext,
): Promise<ExternalApproval | undefined> {
  const [client, SM] = await Promise.all([settings.sageMaker(context), import('@aws-sdk/client-sagemaker')]);
  const group = input.refs.modelPackageGroup ?? settings.modelPackageGroup(input.model.name);
  const arn =
    input.refs.modelPackageArn ??
    (await findPackage(client, SM, group, input.model, context))?.ModelPackageArn;
  if (!arn) return undefined;
  const pkg = await describePackage(client, SM, arn, context);
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
