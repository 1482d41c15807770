import {
  type DeployInput,
  type DeployResult,
  ErrorCode,
  type ProviderContext,
  ProviderError,
  type StatusInput,
  type StatusResult,
  throwIfAborted,
} from '@modelship/core';
import { artifactRefFrom, versionQuery } from './artifact-ref.js';
import { carryModel } from './carry.js';
import type { MlrunClient } from './client.js';
import { ensureProject } from './projects.js';
import { type ResolvedSettings, separateEnvironments, sourceEnvironment, stageTarget } from './settings.js';
import { isTerminalFunctionState, mapFunctionState } from './status.js';
import { formatStoreUri } from './store-uri.js';
import { versionTags } from './tag.js';
import { pollUntil } from './train.js';
import type { StoredArtifact } from './upload.js';

interface ServingFunction {
  spec?: { graph?: { routes?: Record<string, { class_args?: { model_path?: string } }> } };
  status?: { state?: string; address?: string };
}

export function servingFunction(
  name: string,
  project: string,
  route: string,
  modelPath: string,
  servingClass: string,
) {
  return {
    kind: 'serving',
    metadata: { name, project, tag: '', labels: { 'modelship/model': route } },
    spec: {
      default_class: servingClass,
      graph: {
        kind: 'router',
        routes: {
          [route]: { kind: 'task', class_name: servingClass, class_args: { model_path: modelPath } },
        },
      },
      parameters: {},
      track_models: false,
    },
  };
}

async function readDeployStatus(
  client: MlrunClient,
  project: string,
  name: string,
  operation: string,
  allow: number[] = [],
) {
  const response = await client<string>({
    path: `v1/projects/${project}/nuclio/${name}/deploy`,
    query: { name, project, tag: '', last_log_timestamp: '0.0', verbose: 'false' },
    allow,
    what: `serving function ${project}/${name}`,
    operation,
  });
  if (response.status === 404) return { raw: '', endpoint: undefined, logs: '', missing: true };
  const raw = response.headers.get('x-mlrun-function-status') ?? '';
  const external = (response.headers.get('x-mlrun-external-invocation-urls') ?? '')
    .split(',')
    .filter(Boolean);
  return {
    raw,
    endpoint: response.headers.get('x-mlrun-address') || external[0] || undefined,
    logs: String(response.body ?? ''),
  };
}

/**
 * Deploys the stage's serving function with the model of `refs` (a rollback passes the earlier champion's):
 * `POST /api/v1/projects/{p}/nuclio/{name}/deploy`, then polls the same path until ready or error.
 */
export async function deployModel(
  resolved: ResolvedSettings,
  input: DeployInput,
  context: ProviderContext,
): Promise<DeployResult> {
  throwIfAborted(context.signal, 'deploy');
  // On rollback the Promoter passes the restored version as `model`/`refs` and the replaced one as `previous`.
  let ref = artifactRefFrom(input.refs, { project: resolved.project, key: input.model.name }, 'deploy');
  const target = stageTarget(resolved, input.stage);
  const source = sourceEnvironment(resolved, input.refs);
  const { client } = target.environment;
  let carried: Record<string, string> = {};
  if (separateEnvironments(source, target.environment)) {
    const moved = await carryModel(
      resolved,
      {
        source,
        target: target.environment,
        ref,
        version: input.model.version,
        ...(input.refs.manifestDigest ? { manifestDigest: input.refs.manifestDigest } : {}),
      },
      context,
    );
    ref = moved.ref;
    carried = moved.refs;
  }
  const found = await client<StoredArtifact>({
    path: `v2/projects/${ref.project}/artifacts/${ref.key}`,
    query: versionQuery(ref),
    allow: [404],
    what: `model ${ref.project}/${ref.key}`,
    operation: 'deploy',
  });
  if (found.status === 404)
    throw new ProviderError(
      `deploy: model artifact ${ref.project}/${ref.key}${ref.tree ? `@${ref.tree}` : ''}${ref.uid ? `^${ref.uid}` : ''} not found in MLRun; upload or train it first, or pass its refs`,
      { provider: 'iguazio', operation: 'deploy', code: ErrorCode.NotFound, rawCode: 404 },
    );
  const tree = ref.tree ?? found.body.metadata?.tree;
  const modelPath = formatStoreUri({ kind: 'models', project: ref.project, key: ref.key, iter: 0, tree });
  // Both URIs reach the ledger through these refs: `sourceUri` where the version was registered,
  // `storeUri` the copy this stage's environment serves.
  const refs = {
    ...carried,
    project: ref.project,
    key: ref.key,
    tree: tree ?? '',
    storeUri: modelPath,
    stageProject: target.project,
    function: target.function,
  };
  await ensureProject(client, target.project, 'deploy');
  const current = await client<{ func?: ServingFunction }>({
    path: `v1/projects/${target.project}/functions/${target.function}`,
    allow: [404],
    what: `function ${target.project}/${target.function}`,
    operation: 'deploy',
  });
  const routes = current.status === 404 ? {} : (current.body.func?.spec?.graph?.routes ?? {});
  const servesIt =
    routes[ref.key]?.class_args?.model_path === modelPath && current.body.func?.status?.state === 'ready';
  if (!servesIt) {
    const servingClass = resolved.settings.servingClass ?? 'mlrun.frameworks.sklearn.SklearnModelServer';
    await client({
      method: 'POST',
      path: `v1/projects/${target.project}/nuclio/${target.function}/deploy`,
      json: { function: servingFunction(target.function, target.project, ref.key, modelPath, servingClass) },
      what: `serving function ${target.project}/${target.function}`,
      operation: 'deploy',
    });
    context.logger.info(
      `deploy: ${target.project}/${target.function} ← ${modelPath}${input.rollback ? ' (rollback)' : ''}`,
    );
  }
  const final = await pollUntil(
    resolved,
    context,
    'deploy',
    `serving function ${target.function}`,
    async () => {
      const state = await readDeployStatus(client, target.project, target.function, 'deploy');
      return isTerminalFunctionState(state.raw) ? state : undefined;
    },
  );
  const status = mapFunctionState(final.raw);
  if (status.unified !== 'deployed')
    throw new ProviderError(
      `deploy: serving function ${target.project}/${target.function} ended ${final.raw}: ${final.logs.trim().split('\n').slice(-3).join(' | ')}`,
      { provider: 'iguazio', operation: 'deploy', rawCode: final.raw },
    );
  return {
    status,
    endpoint: final.endpoint,
    refs: final.endpoint ? { ...refs, endpoint: final.endpoint } : refs,
    warnings: [],
  };
}

export async function deploymentStatus(
  resolved: ResolvedSettings,
  input: StatusInput,
  context: ProviderContext,
): Promise<StatusResult> {
  throwIfAborted(context.signal, 'status');
  const target = stageTarget(resolved, input.stage ?? 'development');
  // A stage nothing was deployed to yet has no function: not deployed, and its tags still read back.
  const state = await readDeployStatus(
    target.environment.client,
    input.refs?.stageProject ?? target.project,
    input.refs?.function ?? target.function,
    'status',
    [404],
  );
  const tags = await versionTags(resolved, input, context);
  return {
    status: state.missing ? { unified: 'unknown', raw: 'not deployed' } : mapFunctionState(state.raw),
    endpoint: state.endpoint,
    refs: { ...input.refs, function: target.function, ...(tags === undefined ? {} : { tags }) },
  };
}
