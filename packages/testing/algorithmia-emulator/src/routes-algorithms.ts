// `/v1/algorithms/{user}/{algo}[/builds|/versions|/compile]` and `/v1/algo/{user}/{algo}[/{version}]`.
import type { Build, EmulatedAlgorithm, PublishedVersion } from './algorithms.js';
import { nextSemanticVersion } from './algorithms.js';
import { type RequestContext, sendError, sendJson } from './server.js';

function algorithmBody(algorithm: EmulatedAlgorithm, version?: PublishedVersion, build?: Build) {
  return {
    id: algorithm.id,
    name: algorithm.name,
    details: version?.details ?? algorithm.details,
    settings: version?.settings ?? algorithm.settings,
    version_info: version
      ? {
          semantic_version: version.semantic_version,
          git_hash: version.git_hash,
          version_uuid: version.version_uuid,
          release_notes: version.release_notes,
          sample_input: version.sample_input,
        }
      : (build?.version_info ?? null),
    source: { scm: { id: 'internal', provider: 'internal', default: true, enabled: true } },
    compilation: build
      ? { successful: build.status === 'succeeded', output: build.logs }
      : { successful: true, output: '' },
    self_link: `/v1/algorithms/${algorithm.user}/${algorithm.name}${version ? `/versions/${version.semantic_version}` : ''}`,
    resource_type: 'algorithm',
  };
}

// PUT /v1/algorithms/{user}/{algo}: these settings are "Required" in the API reference; package_set
// is required once it was set, and environment whenever language is sent.
const requiredSettings: Record<string, (value: unknown) => boolean> = {
  license: (v) => ['apl', 'apache2', 'gpl3', 'mit'].includes(String(v)),
  network_access: (v) => v === 'full' || v === 'isolated',
  pipeline_enabled: (v) => typeof v === 'boolean',
  source_visibility: (v) => v === 'open' || v === 'closed',
};

function updateSettingsProblem(algorithm: EmulatedAlgorithm, settings: unknown): string | undefined {
  if (!settings || typeof settings !== 'object') {
    return `settings is required: ${Object.keys(requiredSettings).join(', ')}`;
  }
  const given = settings as Record<string, unknown>;
  for (const [key, valid] of Object.entries(requiredSettings)) {
    if (!(key in given)) return `settings.${key} is required`;
    if (!valid(given[key])) return `settings.${key} has an invalid value ${JSON.stringify(given[key])}`;
  }
  if (algorithm.settings.package_set !== undefined && given.package_set === undefined) {
    return 'settings.package_set is required because it was previously specified';
  }
  if (given.language !== undefined && given.environment === undefined) {
    return 'settings.environment is required when settings.language is specified';
  }
  return undefined;
}

function buildBody(build: Build) {
  const { logs: _logs, checkout: _checkout, ...body } = build;
  return body;
}

function parseJson(context: RequestContext): Record<string, unknown> {
  const text = context.body.toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function latestSuccessfulBuild(algorithm: EmulatedAlgorithm): Build | undefined {
  return algorithm.builds.filter((build) => build.status === 'succeeded').at(-1);
}

async function handleManagement(context: RequestContext, parts: string[]): Promise<void> {
  const { req, res, registry } = context;
  const method = req.method ?? 'GET';
  const [user = '', name = '', section, id, sub] = parts;
  const algorithm = registry.get(user, name);
  if (!algorithm) return sendError(res, 404, `No such algorithm: ${user}/${name}`);
  const owner = context.user === user;

  if (section === undefined) {
    if (method === 'GET') return sendJson(res, 200, algorithmBody(algorithm));
    if (method === 'PUT') {
      if (!owner) return sendError(res, 403, `user ${context.user} cannot update ${user}/${name}`);
      const update = parseJson(context);
      const refused = updateSettingsProblem(algorithm, update.settings);
      if (refused) return sendError(res, 400, refused);
      if (update.details && typeof update.details === 'object')
        Object.assign(algorithm.details, update.details);
      Object.assign(algorithm.settings, update.settings);
      return sendJson(res, 200, algorithmBody(algorithm));
    }
  }
  if (section === 'builds' && method === 'GET') {
    if (id === undefined) {
      const limit = Number(context.url.searchParams.get('limit') ?? 56);
      const newestFirst = [...algorithm.builds].reverse().slice(0, limit);
      return sendJson(res, 200, { marker: null, next_link: null, results: newestFirst.map(buildBody) });
    }
    const build = algorithm.builds.find((candidate) => candidate.build_id === id);
    if (!build) return sendError(res, 404, `build ${id} of ${user}/${name} not found`);
    // "until a build's status transitions to either succeeded or failed, logs will not be available,
    // and requests logs for a build will result in a 404 response" (API reference, build logs).
    if (sub === 'logs' && build.status === 'in-progress')
      return sendError(res, 404, `logs of build ${id} are not available until it finishes`);
    if (sub === 'logs') return sendJson(res, 200, { logs: build.logs });
    return sendJson(res, 200, buildBody(build));
  }
  if (section === 'compile' && method === 'POST') {
    if (!owner) return sendError(res, 403, `user ${context.user} cannot compile ${user}/${name}`);
    const head = await registry.headCommit(algorithm);
    if (!head) return sendError(res, 400, `algorithm ${user}/${name} has no commits to compile`);
    const build = registry.startBuild(algorithm, head);
    await registry.waitForBuild(build);
    return sendJson(res, 200, algorithmBody(algorithm, undefined, build));
  }
  if (section === 'versions') {
    if (method === 'GET' && id === undefined) {
      const results = [...algorithm.versions].reverse().map((version) => algorithmBody(algorithm, version));
      return sendJson(res, 200, { marker: null, next_link: null, results });
    }
    if (method === 'GET') {
      const version = algorithm.versions.find((v) => v.semantic_version === id || v.git_hash === id);
      if (version) return sendJson(res, 200, algorithmBody(algorithm, version));
      const build = algorithm.builds.find((b) => b.commit_sha === id && b.status === 'succeeded');
      if (build) return sendJson(res, 200, algorithmBody(algorithm, undefined, build));
      return sendError(res, 404, `version ${id} of ${user}/${name} not found`);
    }
    if (method === 'POST') {
      if (!owner) return sendError(res, 403, `user ${context.user} cannot publish ${user}/${name}`);
      const request = parseJson(context);
      const info = (request.version_info ?? {}) as Record<string, unknown>;
      const versionType = String(info.version_type ?? 'minor');
      if (!['major', 'minor', 'revision'].includes(versionType)) {
        return sendError(
          res,
          400,
          `version_info.version_type must be major, minor or revision, not "${versionType}"`,
        );
      }
      const build = latestSuccessfulBuild(algorithm);
      if (!build?.version_info)
        return sendError(res, 400, `algorithm ${user}/${name} has no successful build to publish`);
      // "If the most recent compiled version has already been published, you will need to
      // recompile your algorithm in order to publish a new version." (API reference, versions)
      const already = algorithm.versions.find((v) => v.git_hash === build.commit_sha);
      if (already) {
        return sendError(
          res,
          400,
          `the latest build of ${user}/${name} (${build.commit_sha}) is already published as ${already.semantic_version}; recompile to publish a new version`,
        );
      }
      const version: PublishedVersion = {
        semantic_version: nextSemanticVersion(algorithm.versions.at(-1)?.semantic_version, versionType),
        git_hash: build.commit_sha,
        version_uuid: build.version_info.version_uuid,
        release_notes: typeof info.release_notes === 'string' ? info.release_notes : null,
        sample_input: typeof info.sample_input === 'string' ? info.sample_input : null,
        version_type: versionType,
        details: { ...algorithm.details, ...((request.details ?? {}) as Record<string, unknown>) },
        settings: { ...algorithm.settings, ...((request.settings ?? {}) as Record<string, unknown>) },
        published_at: new Date().toISOString(),
      };
      algorithm.versions.push(version);
      return sendJson(res, 200, algorithmBody(algorithm, version));
    }
  }
  return sendError(res, 404, `no route for ${method} ${context.url.pathname}`);
}

async function handleCall(context: RequestContext, parts: string[]): Promise<void> {
  const { res, registry } = context;
  const [user = '', name = '', requested] = parts;
  const algorithm = registry.get(user, name);
  if (!algorithm) return sendError(res, 404, `No such algorithm: ${user}/${name}`);
  const version = resolveVersion(algorithm.versions, requested);
  const hash = version?.git_hash ?? requested;
  const build = algorithm.builds.filter((b) => b.commit_sha === hash && b.status === 'succeeded').at(-1);
  if (!build) {
    return sendError(
      res,
      404,
      `algorithm ${user}/${name}${requested ? `/${requested}` : ''} has no callable version`,
    );
  }
  if ((!version || callability(version) === 'private') && context.user !== user) {
    return sendError(
      res,
      403,
      `unpublished and private versions of ${user}/${name} are callable by their owner only`,
    );
  }
  const type = String(context.req.headers['content-type'] ?? 'application/json');
  const text = context.body.toString('utf8');
  let input: unknown;
  try {
    input = type.startsWith('application/json') ? JSON.parse(text || 'null') : text;
  } catch (error) {
    return sendError(res, 400, `input is not valid JSON: ${(error as Error).message}`);
  }
  const started = Date.now();
  const out = await registry.call(algorithm, build, input, {
    ALGORITHMIA_API: context.baseUrl,
    ALGORITHMIA_API_KEY: context.apiKey,
  });
  const metadata = { content_type: 'json', duration: (Date.now() - started) / 1000 };
  // An algorithm's own exception is a 200 whose body has `error`: the official clients read it
  // from there (the Python client turns any non-2xx into "Non-Algorithm related Failure").
  if (out.error) return sendJson(res, 200, { error: out.error, metadata });
  return sendJson(res, 200, { result: out.result, metadata });
}

const callability = (version: PublishedVersion) =>
  String(version.settings.algorithm_callability ?? 'private');

/**
 * The `/v1/algo/{user}/{algo}/{version}` forms of the API reference: `latestPrivate` (latest version
 * published privately), `1.2.*` / `1.*` and no version (latest publicly published), a full semantic
 * version, or — when nothing matches — a git SHA of a build (resolved by the caller).
 */
export function resolveVersion(
  versions: PublishedVersion[],
  requested: string | undefined,
): PublishedVersion | undefined {
  const newestFirst = [...versions].reverse();
  if (requested === 'latestPrivate') return newestFirst.find((v) => callability(v) === 'private');
  if (requested === undefined) return newestFirst.find((v) => callability(v) === 'public');
  const wildcard = /^(\d+)(?:\.(\d+))?\.\*$/.exec(requested);
  if (wildcard) {
    const prefix = wildcard[2] === undefined ? `${wildcard[1]}.` : `${wildcard[1]}.${wildcard[2]}.`;
    return newestFirst.find((v) => callability(v) === 'public' && v.semantic_version.startsWith(prefix));
  }
  return versions.find((v) => v.semantic_version === requested);
}

export async function handleAlgorithmRoute(context: RequestContext): Promise<void> {
  const parts = context.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[1] === 'algo') return handleCall(context, parts.slice(2));
  return handleManagement(context, parts.slice(2));
}
