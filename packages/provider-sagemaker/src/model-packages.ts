// The model registry's lookups and updates: which package holds a modelship version (filed by
// modelship, or adopted from the build pipeline), the newest Approved one, and UpdateModelPackage
// without losing what it does not change.
import type { DescribeModelPackageCommandOutput, ModelPackageSummary } from '@aws-sdk/client-sagemaker';
import type { ProviderContext, TagInput } from '@modelship/core';
import type { SageMakerApi } from './client.js';
import { aws } from './errors.js';

/**
 * The approval status modelship last wrote (or found when it adopted the package). A status that
 * differs was set on the registry itself — Studio's "Update status" — and counts as a decision.
 */
export const MIRRORED = 'modelship:mirrored-status';

/**
 * The version's modelship tags other than approvals (those are the package's ModelApprovalStatus),
 * comma separated. One key, rewritten whole: moto clears omitted metadata, SageMaker merges keys,
 * and a whole value reads the same on both.
 */
export const TAGS = 'modelship:tags';

/** The description that identifies a modelship version inside its group (ListModelPackages returns it). */
export function packageDescription(model: string, version: string): string {
  return `modelship ${model}@${version}`;
}

export async function ensureGroup({ client, SM }: SageMakerApi, group: string, context: ProviderContext) {
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

type ListQuery = { MaxResults: number; ModelApprovalStatus?: 'Approved'; NextToken?: string };

/** One page of the group's packages, newest first. */
function listPage(api: SageMakerApi, group: string, query: ListQuery, context: ProviderContext) {
  return aws('ListModelPackages', `model package group ${group}`, () =>
    api.client.send(
      new api.SM.ListModelPackagesCommand({
        ModelPackageGroupName: group,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        ...query,
      }),
      { abortSignal: context.signal },
    ),
  );
}

/**
 * The first package `pick` finds, following NextToken to the end. A filtered page can come back
 * empty with a NextToken (the filter applies after paging; the MLOps template's own lookup loops
 * on it), so an empty page is not the end.
 */
async function findInPages(
  api: SageMakerApi,
  group: string,
  query: ListQuery,
  context: ProviderContext,
  pick: (summaries: ModelPackageSummary[]) => ModelPackageSummary | undefined,
): Promise<ModelPackageSummary | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await listPage(api, group, { ...query, ...(NextToken ? { NextToken } : {}) }, context);
    const hit = pick(page.ModelPackageSummaryList ?? []);
    if (hit) return hit;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/**
 * The package registered for one modelship version: filed by modelship (matched by its
 * description), or adopted from the build pipeline (its metadata names the version).
 */
export async function findPackage(
  api: SageMakerApi,
  group: string,
  model: { name: string; version: string },
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  const description = packageDescription(model.name, model.version);
  const filed = await findInPages(api, group, { MaxResults: 100 }, context, (summaries) =>
    summaries.find((p) => p.ModelPackageDescription === description),
  );
  return (
    filed ??
    scanForeign(api, group, context, (pkg) => {
      const meta = pkg.CustomerMetadataProperties ?? {};
      return meta['modelship:model'] === model.name && meta['modelship:version'] === model.version;
    })
  );
}

/** Packages of other origin looked at when adopting one, newest first (each costs a Describe). */
const ADOPTION_SCAN = 25;

/** The newest package of the group not filed by modelship that `match`es, or undefined. */
async function scanForeign(
  api: SageMakerApi,
  group: string,
  context: ProviderContext,
  match: (pkg: DescribeModelPackageCommandOutput) => boolean,
) {
  const page = await listPage(api, group, { MaxResults: ADOPTION_SCAN }, context);
  for (const summary of page.ModelPackageSummaryList ?? []) {
    if (summary.ModelPackageDescription?.startsWith('modelship ')) continue;
    const pkg = await describePackage(api, summary.ModelPackageArn!, context);
    if (match(pkg)) return summary;
  }
  return undefined;
}

/** The newest Approved package of a group (SortBy CreationTime, Descending), or undefined. */
export function latestApprovedPackage(
  api: SageMakerApi,
  group: string,
  context: ProviderContext,
): Promise<ModelPackageSummary | undefined> {
  const query = { MaxResults: 10, ModelApprovalStatus: 'Approved' as const };
  return findInPages(api, group, query, context, (summaries) => summaries[0]);
}

/**
 * The package the build pipeline's RegisterModel step already filed for this version: named by
 * the pipeline execution's RegisterModel step, else the newest package not filed by modelship whose
 * model data or recorded digest is this version's.
 */
export async function adoptablePackage(
  api: SageMakerApi,
  group: string,
  input: TagInput,
  context: ProviderContext,
): Promise<string | undefined> {
  const { client, SM } = api;
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
  const found = await scanForeign(api, group, context, (pkg) => {
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

export function describePackage({ client, SM }: SageMakerApi, arn: string, context: ProviderContext) {
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
export async function updatePackage(
  api: SageMakerApi,
  arn: string,
  change: { status?: string; description?: string; metadata?: Record<string, string> },
  context: ProviderContext,
) {
  const { client, SM } = api;
  const current = await describePackage(api, arn, context);
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

/** The version's tags as the registry holds them: the recorded ones plus its approval decision. */
export function packageTags(
  pkg: Pick<DescribeModelPackageCommandOutput, 'CustomerMetadataProperties' | 'ModelApprovalStatus'>,
): string[] {
  const recorded = (pkg.CustomerMetadataProperties?.[TAGS] ?? '').split(',').filter(Boolean);
  const decision =
    pkg.ModelApprovalStatus === 'Approved'
      ? ['approved']
      : pkg.ModelApprovalStatus === 'Rejected'
        ? ['rejected']
        : [];
  return [...new Set([...recorded, ...decision])].sort();
}
