// Deploying on Metaflow means: tag the chosen run with the stage's tag (the production flow finds
// its model through it) and, for Argo stages, (re)create the production flow on Argo Workflows and
// trigger it with the upstream run. `onlyJson` renders the WorkflowTemplate without a cluster.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DeployInput,
  type DeployResult,
  InvalidInputError,
  type ProviderContext,
  ProviderError,
  type ProviderRefs,
  type ProviderWarning,
} from '@modelship/core';
import {
  flowPath,
  parseRunPathspec,
  type RunPathspec,
  readRun,
  runCreator,
  runPython,
  runsTagged,
} from './client.js';
import { commandFailed } from './errors.js';
import { type ResolvedSettings, requireFlowFile, setting } from './settings.js';
import { mapRunStatus } from './status.js';
import { mutateTags } from './tag.js';

/** Tag prefixes modelship adds so a flow can find the model and version of a deployed run. */
export const modelUriTagPrefix = 'modelship_model_uri:';
export const versionTagPrefix = 'modelship_version:';
/** Set for `argo-workflows create` to the run being deployed (`Flow/RunId`). */
export const upstreamRunEnv = 'MODELSHIP_UPSTREAM_RUN_ID';

export interface ArgoDeployment {
  workflowTemplate: string;
  template: Record<string, unknown> | undefined;
  argoRunId: string | undefined;
  warnings: ProviderWarning[];
}

function argoBase(settings: ResolvedSettings, file: string): string[] {
  const datastore = settings.raw.deployDatastore;
  return [
    flowPath(settings, file),
    ...(datastore ? ['--datastore', datastore] : []),
    ...(settings.raw.production === false ? [] : ['--production']),
    'argo-workflows',
  ];
}

/** `argo-workflows create` (rendering only with `onlyJson`), then `trigger` with the upstream run. */
export async function deployArgo(
  settings: ResolvedSettings,
  upstreamPathspec: string,
  context: ProviderContext,
): Promise<ArgoDeployment> {
  const file = requireFlowFile(settings.raw.deployFlow, 'deploy to Argo Workflows', 'deployFlow');
  const base = argoBase(settings, file);
  const token =
    settings.raw.production === false
      ? undefined
      : setting(settings, settings.raw.productionToken, 'MODELSHIP_METAFLOW_PRODUCTION_TOKEN');
  // Redeploying a production flow someone else deployed needs its token (Metaflow asks for it).
  const create = [
    ...base,
    'create',
    ...(token ? ['--authorize', token] : []),
    ...(settings.onlyJson ? ['--only-json'] : []),
  ];
  // A deploy-time parameter default (`default=lambda ctx: os.environ.get("MODELSHIP_UPSTREAM_RUN_ID", "")`)
  // bakes the deployed run into the template, so a @schedule or a bare trigger serves it.
  const created = await runPython(
    settings,
    {
      args: create,
      operation: 'argo-workflows create',
      stream: !settings.onlyJson,
      env: { [upstreamRunEnv]: upstreamPathspec },
    },
    context,
  );
  if (created.failed) commandFailed(created, 'argo-workflows create');
  const trigger = [...base, 'trigger', `--${settings.upstreamRunParameter}`, upstreamPathspec];
  if (settings.onlyJson) {
    const template = parseTemplate(created.stdout);
    const name = String((template.metadata as { name?: unknown } | undefined)?.name ?? '');
    return {
      workflowTemplate: name,
      template,
      argoRunId: undefined,
      warnings: [
        {
          type: 'skipped',
          feature: 'argo-workflows trigger',
          message: `onlyJson: WorkflowTemplate ${name} rendered, nothing applied to a cluster; with a cluster modelship runs: ${settings.python} ${trigger.join(' ')}`,
        },
      ],
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'modelship-argo-'));
  try {
    const runIdFile = join(dir, 'run-id');
    const triggered = await runPython(
      settings,
      {
        args: [...trigger.slice(0, -2), '--run-id-file', runIdFile, ...trigger.slice(-2)],
        operation: 'argo-workflows trigger',
      },
      context,
    );
    if (triggered.failed) commandFailed(triggered, 'argo-workflows trigger');
    const argoRunId = (await readFile(runIdFile, 'utf8').catch(() => '')).trim();
    const name = /Workflow \*?([\w.-]+)\*? triggered/i.exec(triggered.stderr + triggered.stdout)?.[1] ?? '';
    return { workflowTemplate: name, template: undefined, argoRunId: argoRunId || undefined, warnings: [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseTemplate(stdout: string): Record<string, unknown> {
  const start = stdout.indexOf('{');
  try {
    const value = JSON.parse(stdout.slice(start)) as Record<string, unknown>;
    if (value.kind !== 'WorkflowTemplate') throw new Error(`kind is ${String(value.kind)}`);
    return value;
  } catch (error) {
    throw new ProviderError(
      `argo-workflows create --only-json printed no WorkflowTemplate: ${stdout.slice(0, 200)}`,
      {
        provider: 'metaflow',
        operation: 'argo-workflows create',
        cause: error,
      },
    );
  }
}

export async function deploy(
  settings: ResolvedSettings,
  input: DeployInput,
  context: ProviderContext,
): Promise<DeployResult> {
  const target = parseRunPathspec(input.refs.runId, 'deploy refs.runId', input.refs.flow);
  const run = await readRun(settings, target.pathspec, [], context);
  if (!run.successful)
    throw new InvalidInputError(
      `deploy: run ${run.pathspec} did not succeed (${mapRunStatus(run).raw}); deploy a successful run`,
    );
  const stageTag = settings.stageTags[input.stage];
  const add = [
    ...(stageTag ? [stageTag] : []),
    `${versionTagPrefix}${input.model.version}`,
    ...(input.refs.uri ? [`${modelUriTagPrefix}${input.refs.uri}`] : []),
  ].filter((tag) => !run.tags.includes(tag));
  const flowFile = input.refs.flowFile;
  await mutateTags(settings, { run: target, add, flowFile, creator: runCreator(run) }, context);

  // Added first, removed second: a reader never sees the stage without a tagged run. Every other
  // run holding the stage tag loses it, so exactly one run carries it whether or not the caller
  // knew the previous one (the promoter does; `modelship-metaflow deploy --rollback` does not).
  if (stageTag) await untagOthers(settings, target, stageTag, input, context);

  const refs: ProviderRefs = { runId: target.pathspec, flow: target.flow, stage: input.stage };
  if (flowFile) refs.flowFile = flowFile;
  if (stageTag) refs.stageTag = stageTag;
  const warnings: ProviderWarning[] = [];
  if (!stageTag && !settings.argoStages.includes(input.stage))
    warnings.push({
      type: 'other',
      feature: 'stage tag',
      message: `stage "${input.stage}" has no tag in stageTags and is not an Argo stage; only the version tag was added`,
    });
  if (!settings.argoStages.includes(input.stage))
    return { status: { unified: 'deployed', raw: `tagged ${stageTag ?? 'version'}` }, refs, warnings };

  const argo = await deployArgo(settings, target.pathspec, context);
  refs.workflowTemplate = argo.workflowTemplate;
  if (argo.argoRunId) refs.argoRunId = argo.argoRunId;
  if (argo.template && settings.raw.templateDir) {
    await mkdir(settings.raw.templateDir, { recursive: true });
    const path = join(settings.raw.templateDir, `${argo.workflowTemplate || 'workflow-template'}.json`);
    await writeFile(path, `${JSON.stringify(argo.template, null, 2)}\n`);
    refs.templatePath = path;
  }
  return {
    status: { unified: 'deployed', raw: argo.argoRunId ? 'triggered' : 'template-rendered' },
    refs,
    warnings: [...warnings, ...argo.warnings],
  };
}

async function untagOthers(
  settings: ResolvedSettings,
  target: RunPathspec,
  stageTag: string,
  input: DeployInput,
  context: ProviderContext,
): Promise<void> {
  const holders = new Map(
    (await runsTagged(settings, target.flow, stageTag, context)).map((run) => [run.pathspec, run]),
  );
  const previous = input.previous?.refs.runId;
  if (previous) {
    // The previous run may belong to another flow, which the listing above does not cover.
    const before = parseRunPathspec(previous, 'deploy previous.refs.runId', target.flow);
    if (!holders.has(before.pathspec)) {
      const old = await readRun(settings, before.pathspec, [], context).catch(() => undefined);
      if (old?.tags.includes(stageTag)) holders.set(old.pathspec, old);
    }
  }
  holders.delete(target.pathspec);
  for (const holder of holders.values()) {
    const run = parseRunPathspec(holder.pathspec, 'tagged run');
    const flowFile =
      run.pathspec === previous
        ? (input.previous?.refs.flowFile ?? input.refs.flowFile)
        : input.refs.flowFile;
    await mutateTags(settings, { run, remove: [stageTag], flowFile, creator: runCreator(holder) }, context);
  }
}
