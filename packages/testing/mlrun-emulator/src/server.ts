// An in-memory MLRun API server speaking the REST endpoints modelship uses, for tests and the
// example. Its fidelity is judged by the real `mlrun` Python client (see test/mlrun-client.test.ts).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ArtifactIdentifier, ArtifactTable, type Json } from './artifacts.js';

export interface WorkflowOutcome {
  state: 'Succeeded' | 'Failed';
  /** Model artifacts the workflow logs (tree = the workflow id). */
  models?: { key: string; metrics?: Record<string, number>; modelFile?: string }[];
  error?: string;
}

export type WorkflowHandler = (args: Record<string, unknown>, project: string) => WorkflowOutcome;

export interface MlrunEmulatorOptions {
  /** When set, every request must carry it (bearer, X-V3io-Session-Key, session cookie or basic password). */
  accessKey?: string;
  /** Polls of a pipeline before it finishes; of a nuclio deploy before it is ready. */
  workflowPolls?: number;
  deployPolls?: number;
  workflows?: Record<string, WorkflowHandler>;
  version?: string;
}

interface WorkflowRun {
  /** Set when the runner could not start the workflow (get_workflow_id then answers 412). */
  runnerError?: string;
  runId: string;
  workflowId: string;
  project: string;
  name: string;
  polls: number;
  outcome?: WorkflowOutcome;
  args: Record<string, unknown>;
  notifications: Json[];
}

interface NuclioFunction {
  body: Json;
  state: string;
  polls: number;
  logs: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authenticated: boolean;
}

export interface MlrunEmulator {
  url: string;
  /** The cluster's v3io web API (`PUT|GET /<container>/<path>`), served by the same server outside `/api/`. */
  v3ioUrl: string;
  /** Objects of the v3io data containers, by `<container>/<path>`. */
  objects: Map<string, Buffer>;
  requests: RecordedRequest[];
  /** Slack-shaped notices the emulated workflows posted (what MLRun's notification pusher sends). */
  notices: { webhook: string; text: string }[];
  projects: Map<string, Json>;
  artifacts(project: string): ArtifactTable;
  functions: Map<string, NuclioFunction>;
  close(): Promise<void>;
}

const defaultTrain: WorkflowHandler = (args) => {
  if (args.fail) return { state: 'Failed', error: `training failed: ${String(args.fail)}` };
  const accuracy = Number(args.accuracy ?? 0.91);
  return {
    state: 'Succeeded',
    models: [
      {
        key: String(args.model_name ?? args.model ?? 'model'),
        metrics: { accuracy, f1: Math.round(accuracy * 95) / 100 },
      },
    ],
  };
};

class HttpError extends Error {
  readonly detail: Json;
  constructor(
    readonly status: number,
    reason: string | Json,
  ) {
    super(typeof reason === 'string' ? reason : String(reason.reason));
    // MLRun's log_and_raise puts every keyword into `detail`; its errors carry `{ reason }`.
    this.detail = typeof reason === 'string' ? { reason } : reason;
  }
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new HttpError(400, 'bad JSON body');
  }
}

function carriesKey(req: IncomingMessage, key: string): boolean {
  const auth = req.headers.authorization ?? '';
  if (auth === `Bearer ${key}`) return true;
  if (
    auth.startsWith('Basic ') &&
    Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') === key
  )
    return true;
  if (req.headers['x-v3io-session-key'] === key) return true;
  const cookie = decodeURIComponent(req.headers.cookie ?? '');
  return cookie.includes(`"sid": "${key}"`) || cookie.includes(`"sid":"${key}"`);
}

export async function startMlrunEmulator(options: MlrunEmulatorOptions = {}): Promise<MlrunEmulator> {
  const projects = new Map<string, Json>();
  const tables = new Map<string, ArtifactTable>();
  const runs = new Map<string, WorkflowRun>();
  const functions = new Map<string, NuclioFunction>();
  const requests: RecordedRequest[] = [];
  const notices: MlrunEmulator['notices'] = [];
  const objects = new Map<string, Buffer>();
  const workflows: Record<string, WorkflowHandler> = { train: defaultTrain, ...options.workflows };
  const workflowPolls = options.workflowPolls ?? 1;
  const deployPolls = options.deployPolls ?? 1;
  const artifacts = (project: string) => {
    const table = tables.get(project) ?? new ArtifactTable();
    tables.set(project, table);
    return table;
  };
  const requireProject = (name: string) => {
    const project = projects.get(name);
    if (!project) throw new HttpError(404, `MLRunNotFoundError: Project not found ${name}`);
    return project;
  };

  const notify = (run: WorkflowRun, text: string) => {
    for (const n of run.notifications) {
      const webhook = ((n.secret_params as Json | undefined)?.webhook ??
        (n.params as Json | undefined)?.webhook) as string | undefined;
      if (n.kind !== 'slack' || !webhook) continue;
      notices.push({ webhook, text });
      void fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      }).catch(() => {});
    }
  };

  const finish = (run: WorkflowRun) => {
    const handler: WorkflowHandler = workflows[run.name] ?? (() => ({ state: 'Succeeded' }));
    const outcome = handler(run.args, run.project);
    run.outcome = outcome;
    for (const model of outcome.models ?? []) {
      // The step wrote the model file into the project's artifact path before logging it.
      objects.set(
        `projects/${run.project}/artifacts/${run.workflowId}/${model.key}/${model.modelFile ?? 'model.pkl'}`,
        Buffer.from(`${model.key} trained by ${run.name} ${run.workflowId} ${JSON.stringify(run.args)}`),
      );
      artifacts(run.project).store(
        model.key,
        {
          kind: 'model',
          metadata: {
            key: model.key,
            project: run.project,
            tree: run.workflowId,
            iter: 0,
            labels: { workflow: run.name },
          },
          spec: {
            db_key: model.key,
            target_path: `v3io:///projects/${run.project}/artifacts/${run.workflowId}/${model.key}/`,
            model_file: model.modelFile ?? 'model.pkl',
            metrics: model.metrics ?? {},
            producer: { kind: 'project', name: run.project, uri: `${run.project}/${run.workflowId}` },
          },
          status: { state: 'created' },
        },
        { tree: run.workflowId, iter: 0 },
      );
    }
    notify(
      run,
      `Workflow ${run.name} (${run.workflowId}) of project ${run.project} ${outcome.state === 'Succeeded' ? 'completed' : `failed: ${outcome.error ?? 'error'}`}`,
    );
  };

  const routes: [
    string,
    RegExp,
    (m: string[], q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  ][] = [
    [
      'GET',
      /^\/api\/v1\/client-spec$/,
      async () => ({ version: options.version ?? '1.12.1', namespace: 'default-tenant' }),
    ],
    ['GET', /^\/api\/v1\/projects$/, async () => ({ projects: [...projects.keys()] })],
    [
      'POST',
      /^\/api\/v1\/projects$/,
      async (_m, _q, req, res) => {
        const body = await readJson(req);
        const name = (body.metadata as Json | undefined)?.name as string | undefined;
        if (!name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
          throw new HttpError(400, `invalid project name ${String(name)}`);
        if (projects.has(name))
          throw new HttpError(409, `MLRunConflictError: Project already exists ${name}`);
        const project = {
          kind: 'project',
          ...body,
          metadata: { ...(body.metadata as Json), created: new Date().toISOString() },
          status: { state: 'online' },
        };
        projects.set(name, project);
        res.statusCode = 201;
        return project;
      },
    ],
    ['GET', /^\/api\/v1\/projects\/([^/]+)$/, async ([, name]) => requireProject(name!)],
    [
      'PUT',
      /^\/api\/v2\/projects\/([^/]+)\/artifacts\/(.+)$/,
      async ([, project, key], q, req) => {
        requireProject(project!);
        const body = await readJson(req);
        if (!body.kind || !body.metadata || !body.spec)
          throw new HttpError(422, 'artifact body needs kind, metadata and spec');
        const row = artifacts(project!).store(decodeURIComponent(key!), body, {
          tree: q.get('tree') ?? undefined,
          iter: q.has('iter') ? Number(q.get('iter')) : undefined,
          tag: q.get('tag') ?? undefined,
        });
        return artifacts(project!).render(row, project!, q.get('tag') ?? undefined);
      },
    ],
    [
      'GET',
      /^\/api\/v2\/projects\/([^/]+)\/artifacts$/,
      async ([, project], q) => {
        const table = artifacts(project!);
        const tag = q.get('tag') ?? undefined;
        const labels = q.getAll('label');
        const list: Json[] = [];
        for (const row of table.find({
          tree: q.get('tree') ?? undefined,
          iter: q.has('iter') ? Number(q.get('iter')) : undefined,
          tag,
        })) {
          const name = q.get('name');
          if (
            name &&
            (name.startsWith('~')
              ? !row.key.toLowerCase().includes(name.slice(1).toLowerCase())
              : row.key !== name)
          )
            continue;
          const kind = row.body.kind as string;
          const category = q.get('category');
          if (q.get('kind') && kind !== q.get('kind')) continue;
          if (category && category !== 'other' && kind !== category) continue;
          const rowLabels = ((row.body.metadata as Json | undefined)?.labels ?? {}) as Json;
          if (
            !labels.every((l) =>
              l.includes('=')
                ? String(rowLabels[l.split('=')[0]!]) === l.slice(l.indexOf('=') + 1)
                : l in rowLabels,
            )
          )
            continue;
          const tags =
            tag && tag !== '*' ? [tag] : table.tagsOf(row).length ? table.tagsOf(row) : [undefined];
          for (const t of tags) list.push(table.render(row, project!, t));
        }
        return paginate(list, q);
      },
    ],
    [
      'DELETE',
      /^\/api\/v2\/projects\/([^/]+)\/artifacts\/(.+)$/,
      async ([, project, key], q, _req, res) => {
        requireProject(project!);
        const table = artifacts(project!);
        const rows = table.find({
          key: decodeURIComponent(key!),
          tag: q.get('tag') || undefined,
          tree: q.get('tree') || undefined,
          uid: q.get('object-uid') || q.get('uid') || undefined,
          iter: q.get('iter') ? Number(q.get('iter')) : undefined,
        });
        for (const row of rows) table.remove(row);
        res.statusCode = 204;
        return undefined;
      },
    ],
    [
      'GET',
      /^\/api\/v1\/projects\/([^/]+)\/artifact-tags$/,
      async ([, project], q) => {
        requireProject(project!);
        const table = artifacts(project!);
        const category = q.get('category');
        const tags = new Set<string>();
        for (const [name, uid] of table.tags) {
          const row = table.rowByUid(uid);
          if (!row || (category && category !== 'other' && row.body.kind !== category)) continue;
          tags.add(name.slice(name.indexOf('\0') + 1));
        }
        return { project, tags: [...tags] };
      },
    ],
    [
      'GET',
      /^\/api\/v2\/projects\/([^/]+)\/artifacts\/(.+)$/,
      async ([, project, key], q) => {
        // As the server does for pre-1.8 clients, which send `tree^uid` as the tree.
        const [tree, treeUid] = (q.get('tree') ?? '').split('^', 2).map((part) => part || undefined);
        const uid = q.get('object-uid') ?? q.get('uid') ?? treeUid;
        const tag = q.get('tag') ?? (tree || uid ? undefined : 'latest');
        const table = artifacts(project!);
        const rows = table.find({
          key: decodeURIComponent(key!),
          tag,
          tree,
          uid,
          iter: q.has('iter') ? Number(q.get('iter')) : undefined,
        });
        const row = rows.sort((a, b) => a.iter - b.iter)[0];
        if (!row)
          throw new HttpError(
            404,
            `MLRunNotFoundError: Artifact not found ${project}/${key}${tag ? `:${tag}` : ''}${tree ? `@${tree}` : ''}`,
          );
        return table.render(row, project!, tag);
      },
    ],
    ['PUT', /^\/api\/v1\/projects\/([^/]+)\/tags\/([^/]+)$/, (m, _q, req) => tagObjects(m, req, false)],
    ['POST', /^\/api\/v1\/projects\/([^/]+)\/tags\/([^/]+)$/, (m, _q, req) => tagObjects(m, req, true)],
    [
      'DELETE',
      /^\/api\/v1\/projects\/([^/]+)\/tags\/([^/]+)$/,
      async ([, project, tag], _q, req, res) => {
        requireProject(project!);
        const { rows } = resolveTagBody(project!, await readJson(req));
        const table = artifacts(project!);
        for (const row of rows)
          if (table.tags.get(`${row.key}\0${tag}`) === row.uid) table.tags.delete(`${row.key}\0${tag}`);
        res.statusCode = 204;
        return undefined;
      },
    ],
    [
      'POST',
      /^\/api\/v1\/projects\/([^/]+)\/workflows\/([^/]+)\/submit$/,
      async ([, project, name], _q, req, res) => {
        const stored = requireProject(project!);
        const body = await readJson(req);
        const spec = (stored.spec ?? {}) as Json;
        const defined = ((spec.workflows ?? []) as Json[]).some((w) => w.name === name);
        const requested = (body.spec ?? undefined) as Json | undefined;
        // _fill_workflow_missing_fields_from_project: a workflow the project does not list needs a spec.
        if (!defined && !requested?.name)
          throw new HttpError(400, { reason: `Workflow ${name} not found in project` });
        const source = String(body.source || spec.source || '');
        const sourceError = !source
          ? 'Project source is required. Either specify the source in the project or provide it in the request.'
          : !source.includes('://') && !source.startsWith('/') && !source.startsWith('./') && source !== '.'
            ? `Invalid source '${source}' for remote workflow. Expected to be a remote URL or a path to the project context on the image.`
            : undefined;
        if (sourceError)
          throw new HttpError(400, {
            reason: 'Workflow failed',
            workflow_name: name,
            workflow_action: 'run',
            error: sourceError,
          });
        const run: WorkflowRun = {
          runId: randomUUID().replaceAll('-', ''),
          workflowId: randomUUID(),
          project: project!,
          name: name!,
          polls: 0,
          args: (body.arguments ?? {}) as Record<string, unknown>,
          notifications: (body.notifications ?? []) as Json[],
        };
        // The runner loads the project from its source: the workflow must be defined there (the
        // emulator's `workflows` stand for the source's code) or in the project's spec.
        if (!workflows[run.name] && !defined)
          run.runnerError = `workflow ${run.name} is not defined in project ${project} (source ${source})`;
        runs.set(run.runId, run);
        res.statusCode = 202;
        return { project, name, status: 'running', run_id: run.runId, schedule: null };
      },
    ],
    [
      'GET',
      /^\/api\/v1\/projects\/([^/]+)\/workflows\/([^/]+)\/runs\/([^/]+)$/,
      async ([, project, , uid]) => {
        const run = runs.get(uid!);
        if (!run || run.project !== project)
          throw new HttpError(404, `MLRunNotFoundError: Run not found ${project}/${uid}`);
        if (run.runnerError)
          throw new HttpError(
            412,
            `MLRunPreconditionFailedError: Failed to run workflow ${run.name}, state: error, state_text: ${run.runnerError}`,
          );
        return { workflow_id: run.workflowId };
      },
    ],
    [
      'GET',
      /^\/api\/v1\/projects\/([^/]+)\/pipelines\/([^/]+)$/,
      async ([, project, id]) => {
        const run = [...runs.values()].find((r) => r.workflowId === id && r.project === project);
        if (!run) throw new HttpError(404, `MLRunNotFoundError: Pipeline not found ${project}/${id}`);
        run.polls += 1;
        if (!run.outcome && run.polls > workflowPolls) finish(run);
        const status = run.outcome?.state ?? 'Running';
        return {
          run: { id: run.workflowId, name: run.name, project, status, error: run.outcome?.error ?? null },
        };
      },
    ],
    [
      'POST',
      /^\/api\/v1\/projects\/([^/]+)\/nuclio\/([^/]+)\/deploy$/,
      async ([, project, name], _q, req) => {
        requireProject(project!);
        const body = await readJson(req);
        const fn = (body.function ?? {}) as Json;
        fn.metadata = { ...((fn.metadata ?? {}) as Json), name, project };
        fn.status = { state: 'building' };
        functions.set(`${project}/${name}`, {
          body: fn,
          state: 'building',
          polls: 0,
          logs: `Deploying function ${name}\n`,
        });
        return { data: fn };
      },
    ],
    [
      'GET',
      /^\/api\/v1\/projects\/([^/]+)\/nuclio\/([^/]+)\/deploy$/,
      async ([, project, name], _q, _req, res) => {
        const fn = functions.get(`${project}/${name}`);
        if (!fn) throw new HttpError(404, `MLRunNotFoundError: Function not found ${project}/${name}`);
        fn.polls += 1;
        if (fn.state === 'building') fn.state = 'deploying';
        else if (fn.state === 'deploying' && fn.polls > deployPolls) settleDeploy(fn, project!, name!);
        const address =
          fn.state === 'ready' ? `http://${project}-${name}.default-tenant.app.example:8080` : '';
        (fn.body.status as Json).state = fn.state;
        (fn.body.status as Json).address = address;
        res.setHeader('content-type', 'text/plain');
        res.setHeader('x-mlrun-function-status', fn.state);
        res.setHeader('x-mlrun-last-timestamp', String(Date.now() / 1000));
        res.setHeader('x-mlrun-address', address);
        res.setHeader('x-mlrun-external-invocation-urls', address);
        res.setHeader('x-mlrun-internal-invocation-urls', '');
        res.setHeader('x-mlrun-name', `${project}-${name}`);
        return fn.logs;
      },
    ],
    [
      'GET',
      /^\/api\/v1\/projects\/([^/]+)\/functions\/([^/]+)$/,
      async ([, project, name]) => {
        const fn = functions.get(`${project}/${name}`);
        if (!fn) throw new HttpError(404, `MLRunNotFoundError: Function not found ${project}/${name}`);
        return { func: fn.body };
      },
    ],
  ];

  // The server's Paginator: without page parameters everything comes back with an empty
  // `pagination`; with `page-size` a `page-token` names the next page until the last one.
  const pages = new Map<string, { list: Json[]; page: number; size: number }>();
  function paginate(list: Json[], q: URLSearchParams) {
    const token = q.get('page-token');
    let state: { list: Json[]; page: number; size: number } | undefined;
    if (token) {
      state = pages.get(token);
      if (!state) throw new HttpError(404, `MLRunNotFoundError: Pagination token ${token} not found`);
      pages.delete(token);
      state = { ...state, page: state.page + 1 };
    } else if (q.get('page-size') || q.get('page')) {
      state = { list, page: Number(q.get('page') ?? 1), size: Number(q.get('page-size') ?? 200) };
    }
    if (!state) return { artifacts: list, pagination: { page: null, 'page-size': null, 'page-token': null } };
    const start = (state.page - 1) * state.size;
    const slice = state.list.slice(start, start + state.size);
    let next: string | null = null;
    if (start + state.size < state.list.length) {
      next = randomUUID();
      pages.set(next, state);
    }
    return {
      artifacts: slice,
      pagination: { page: state.page, 'page-size': state.size, 'page-token': next },
    };
  }

  function resolveTagBody(project: string, body: Json) {
    if (body.kind !== 'artifact')
      throw new HttpError(400, `tagging kind "${String(body.kind)}" is not supported; use "artifact"`);
    const { rows, missing } = artifacts(project).resolve((body.identifiers ?? []) as ArtifactIdentifier[]);
    if (missing.length)
      throw new HttpError(404, `MLRunNotFoundError: Artifacts not found ${JSON.stringify(missing)}`);
    return { rows };
  }

  async function tagObjects([, project, tag]: string[], req: IncomingMessage, replace: boolean) {
    requireProject(project!);
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(tag!) || tag!.length > 63)
      throw new HttpError(422, `invalid tag name ${tag}`);
    const { rows } = resolveTagBody(project!, await readJson(req));
    const table = artifacts(project!);
    if (replace)
      for (const row of rows)
        for (const name of [...table.tags.keys()]) if (name === `${row.key}\0${tag}`) table.tags.delete(name);
    for (const row of rows) table.setTag(row.key, tag!, row.uid);
    return { name: tag, project };
  }

  function settleDeploy(fn: NuclioFunction, project: string, name: string) {
    const routes = (((fn.body.spec as Json | undefined)?.graph as Json | undefined)?.routes ?? {}) as Record<
      string,
      Json
    >;
    for (const [route, step] of Object.entries(routes)) {
      const modelPath = String(((step.class_args ?? {}) as Json).model_path ?? '');
      // MLRun's artifact_uri_pattern: <project>/<key>[#iter][:tag][@tree][^uid]
      const match =
        /^store:\/\/(?:models|artifacts)\/([^/]+)\/([^#:@^]+)(?:#(\d+))?(?::([^@^]+))?(?:@([^^]+))?(?:\^(.+))?$/.exec(
          modelPath,
        );
      const found =
        match &&
        artifacts(match[1]!).find({
          key: match[2]!,
          tag: match[4] ?? (match[5] || match[6] ? undefined : 'latest'),
          tree: match[5],
          uid: match[6],
        }).length > 0;
      if (!found) {
        fn.state = 'error';
        fn.logs += `Failed to deploy ${project}/${name}: model of route ${route} not found: ${modelPath}\n`;
        return;
      }
    }
    fn.state = 'ready';
    fn.logs += `Function ${name} is ready\n`;
  }

  // The v3io web API's simple-object calls: PUT stores the body, GET returns it, 404 when absent.
  async function v3ioObject(pathname: string, req: IncomingMessage, res: ServerResponse) {
    const name = decodeURIComponent(pathname.slice(1));
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      objects.set(name, Buffer.concat(chunks));
      return undefined;
    }
    const found = objects.get(name);
    if (req.method !== 'GET' || !found) throw new HttpError(404, `v3io: no object ${name}`);
    res.setHeader('content-type', 'application/octet-stream');
    res.end(found);
    return res;
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const authenticated = !options.accessKey || carriesKey(req, options.accessKey);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authenticated,
    });
    const send = (status: number, body: unknown) => {
      if (body === res) return;
      if (res.statusCode === 200 || status !== 200) res.statusCode = status;
      if (body === undefined) return res.end();
      if (typeof body === 'string' && res.getHeader('content-type')) return res.end(body);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    void (async () => {
      if (!authenticated) throw new HttpError(401, 'Unauthorized: a valid access key is required');
      if (!url.pathname.startsWith('/api/')) return send(200, await v3ioObject(url.pathname, req, res));
      for (const [method, pattern, handle] of routes) {
        const match = pattern.exec(url.pathname);
        if (match && method === req.method)
          return send(200, await handle([...match], url.searchParams, req, res));
      }
      throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
    })().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      res.statusCode = status;
      send(status, {
        detail: error instanceof HttpError ? error.detail : { reason: String((error as Error).message) },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    v3ioUrl: `http://127.0.0.1:${port}`,
    objects,
    requests,
    notices,
    projects,
    artifacts,
    functions,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
