// The pachctl v2.x commands the provider uses, answered against the double's state directory.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { type ParsedArgs, parseRef } from './args.js';
import { advance, jobDue, startJob, triggerPipelines } from './jobs.js';
import { branchInfo, commitInfo, jobInfo, pipelineInfo, repoInfo } from './shapes.js';
import { parseSpecValues } from './spec-values.js';
import {
  type CommitRecord,
  jobKey,
  newId,
  PachError,
  type PipelineRecord,
  repoKey,
  type Store,
  timestamp,
} from './state.js';

export interface Io {
  stdin: () => string;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `--raw` output: indented JSON objects back to back, one per result (pachctl's cmdutil encoder). */
function emit(io: Io, args: ParsedArgs, values: unknown[], human: (value: never) => string): void {
  if (args.flags.raw) {
    const format = args.flags.output ?? 'json';
    if (format !== 'json')
      throw new PachError(`the pachctl double prints json only, not "${String(format)}"`);
    for (const value of values) io.out(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  for (const value of values) io.out(`${human(value as never)}\n`);
}

function finishCommit(store: Store, repo: string, ref: string): void {
  const commit = store.resolve(repo, ref);
  if (commit.finished) throw new PachError(`commit ${commit.id} in repo ${repo} has already been finished`);
  commit.finishing = timestamp();
  commit.finished = commit.finishing;
  commit.sizeBytes = sizeOf(store.filesOf(repo, commit.id));
  triggerPipelines(store, repo, commit.branch, commit.id);
}

function sizeOf(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/**
 * `put file` (src/server/pfs/cmds/cmds.go, 2.x): into an open commit (`repo@branch=id`, or a branch
 * whose head is open), or — the seed's way of adding data — onto a branch with no open commit, which
 * pachd wraps in a commit of its own, finished at once (so pipelines start). 2.x overwrites by default
 * (`-a/--append` appends); 1.x's `--overwrite` is an unknown flag. A path without "/" is from the root.
 */
function putFile(store: Store, args: ParsedArgs, target: string): void {
  const { repo, ref, path: given } = parseRef(target, 'file');
  const path = given.startsWith('/') ? given : `/${given}`;
  const source = args.flags.file;
  if (typeof source !== 'string')
    throw new PachError('put file: -f <file> is required by the pachctl double');
  if (!existsSync(source)) throw new PachError(`open ${source}: no such file or directory`);
  const record = store.repo(repo);
  // A branch name (new or existing) rather than a commit id or `branch=id`.
  const isBranch = ref in record.branches || (!/^[0-9a-f]{32}$/.test(ref) && !/[=^]/.test(ref));
  const head = record.branches[ref] ?? undefined;
  const auto = isBranch && (!head || Boolean(store.commit(repo, head).finished));
  const commit = auto ? store.startCommit(repo, ref) : store.resolve(repo, ref);
  if (commit.finished) throw new PachError(`commit ${commit.id} has already been finished`);
  const root = store.filesOf(repo, commit.id);
  const destination = join(root, path);
  if (!destination.startsWith(root)) throw new PachError(`invalid path ${path}`);
  if (statSync(source).isDirectory()) {
    if (!args.flags.recursive) throw new PachError(`${source} is a directory; use -r to put it recursively`);
    cpSync(source, destination, { recursive: true });
  } else {
    const file = path.endsWith('/') ? join(destination, source.split('/').pop() ?? 'file') : destination;
    mkdirSync(dirname(file), { recursive: true });
    if (args.flags.append && existsSync(file)) appendFileSync(file, readFileSync(source));
    else cpSync(source, file);
  }
  if (auto) finishCommit(store, repo, commit.id);
}

/** Blocks (the double has no server to push to it) until `done`, re-reading state and running due jobs. */
function waitUntil(store: Store, done: () => boolean): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    advance(store);
    if (done()) return;
    store.save();
    const next = Object.values(store.state.jobs)
      .filter((job) => job.state === 'JOB_RUNNING')
      .reduce((soonest, job) => Math.min(soonest, jobDue(job)), Date.now() + 200);
    Atomics.wait(pause, 0, 0, Math.max(10, next - Date.now()));
    store.reload();
  }
}

/**
 * `list commit <repo>[@<branch-or-commit>]` (pfs ListCommit): with a branch or commit, that commit
 * and its ancestors, newest first; with a repo, every commit of it, newest first. Every origin by
 * default (`passesCommitOriginFilter`); `--origin USER|AUTO` filters; `-n` limits (0: all).
 */
function listCommit(store: Store, args: ParsedArgs, target: string) {
  const { repo } = parseRef(target, 'repo');
  const hasRef = target.includes('@');
  let commits: CommitRecord[];
  if (hasRef) {
    commits = [];
    let cursor: CommitRecord | undefined = store.resolve(repo, parseRef(target, 'commit').ref);
    while (cursor) {
      commits.push(cursor);
      cursor = cursor.parent ? store.commit(repo, cursor.parent) : undefined;
    }
  } else {
    store.repo(repo);
    commits = Object.values(store.state.commits)
      .filter((c) => c.repo === repo)
      .sort((a, b) => b.started.localeCompare(a.started));
  }
  const origin = typeof args.flags.origin === 'string' ? args.flags.origin.toUpperCase() : undefined;
  if (origin && !['USER', 'AUTO', 'FSCK'].includes(origin))
    throw new PachError(`unrecognized origin: ${args.flags.origin}`);
  const filtered = origin && !args.flags.all ? commits.filter((c) => c.origin === origin) : commits;
  const number = Number(args.flags.number ?? 0);
  return number > 0 ? filtered.slice(0, number) : filtered;
}

function upsertPipelines(store: Store, args: ParsedArgs, io: Io, update: boolean): void {
  const file = typeof args.flags.file === 'string' ? args.flags.file : '-';
  const text = file === '-' ? io.stdin() : readFileSync(file, 'utf8');
  for (const value of parseSpecValues(text)) {
    const spec = value as { pipeline?: { name?: string }; transform?: { image?: string; cmd?: unknown } };
    const name = spec.pipeline?.name;
    if (!name)
      throw new PachError('rpc error: code = InvalidArgument desc = pipeline spec has no pipeline.name');
    if (!spec.transform?.image)
      throw new PachError(`invalid pipeline spec ${name}: transform.image is required`);
    const input = (spec as { input?: { pfs?: { repo?: string } } }).input?.pfs?.repo;
    if (input) store.repo(input);
    const existing = store.state.pipelines[name];
    if (existing && !update) throw new PachError(`pipeline ${name} already exists`);
    if (!store.state.repos[name]) store.createRepo(name);
    if (!store.state.repos[repoKey(name, 'spec')]) store.createRepo(name, 'spec');
    const specCommit = store.startCommit(repoKey(name, 'spec'), 'master', { id: newId(), origin: 'AUTO' });
    specCommit.finished = timestamp();
    const pipeline = existing ?? {
      name,
      version: 0,
      specCommit: '',
      spec: {},
      salt: newId(),
      created: timestamp(),
      processed: {},
    };
    if (existing) {
      pipeline.history ??= [];
      pipeline.history.push({
        version: existing.version,
        specCommit: existing.specCommit,
        spec: existing.spec,
      });
    }
    pipeline.version++;
    pipeline.spec = value as Record<string, unknown>;
    pipeline.specCommit = specCommit.id;
    if (args.flags.reprocess) pipeline.salt = newId();
    store.state.pipelines[name] = pipeline;
    startJob(store, pipeline, specCommit.id);
  }
}

function editMetadata(store: Store, words: string[]): void {
  if (words.length % 4 !== 0 || words.length === 0)
    throw new PachError('parse cmdline: must supply arguments in multiples of 4');
  for (let i = 0; i < words.length; i += 4) {
    const [kind, picker, op, data] = words.slice(i, i + 4) as [string, string, string, string];
    if (kind !== 'commit') throw new PachError(`the pachctl double edits commit metadata only, not ${kind}`);
    const { repo, ref } = parseRef(picker.replace(/^default\//, ''), 'commit picker');
    const metadata = store.resolve(repo, ref).metadata;
    const [key = '', ...rest] = data.split('=');
    if (op === 'add') {
      if (key in metadata) throw new PachError(`invoke EditMetadata: key "${key}" already exists`);
      metadata[key] = rest.join('=');
    } else if (op === 'edit') metadata[key] = rest.join('=');
    else if (op === 'delete') delete metadata[data];
    else throw new PachError(`arg set ${i / 4}: unknown operation "${op}"`);
  }
}

// Returns whatever the command handler returned; only a thrown PachError means failure.
export function dispatch(store: Store, args: ParsedArgs, io: Io): unknown {
  const [verb, noun, target, ...rest] = args.words;
  const command = `${verb ?? ''} ${noun ?? ''}`.trim();
  switch (command) {
    case 'create repo':
      store.createRepo(target ?? '', 'user', String(args.flags.description ?? ''));
      return;
    case 'inspect repo':
      return emit(
        io,
        args,
        [repoInfo(store.repo(target ?? ''))],
        (r: { repo: { name: string } }) => r.repo.name,
      );
    case 'start commit': {
      const { repo, ref } = parseRef(target, 'branch');
      const commit = store.startCommit(repo, ref, { description: String(args.flags.description ?? '') });
      io.out(`${commit.id}\n`);
      return;
    }
    case 'finish commit': {
      const { repo, ref } = parseRef(target, 'commit');
      return finishCommit(store, repo, ref);
    }
    case 'delete commit': {
      // 2.x `delete commit <commit-id>`: drops an open or head commit set; branches fall back to the parents.
      const id = (target ?? '').replace(/^[\w.-]+@/, '');
      const doomed = Object.values(store.state.commits).filter((c) => c.id === id);
      if (doomed.length === 0) throw new PachError(`commit set ${id} not found`);
      for (const commit of doomed) {
        const repo = store.repo(commit.repo);
        for (const [name, head] of Object.entries(repo.branches))
          if (head === id) repo.branches[name] = commit.parent ?? null;
        delete store.state.commits[`${commit.repo}/${id}`];
        rmSync(store.filesOf(commit.repo, id), { recursive: true, force: true });
      }
      return;
    }
    case 'put file':
      return putFile(store, args, target ?? '');
    case 'delete file': {
      const { repo, ref, path } = parseRef(target, 'file');
      const commit = store.resolve(repo, ref);
      rmSync(join(store.filesOf(repo, commit.id), path), { recursive: true, force: true });
      return;
    }
    case 'get file': {
      const { repo, ref, path } = parseRef(target, 'file');
      const file = join(store.filesOf(repo, store.resolve(repo, ref).id), path);
      if (!existsSync(file)) throw new PachError(`file ${path} not found in repo ${repo} at commit ${ref}`);
      io.out(readFileSync(file, 'utf8'));
      return;
    }
    case 'inspect commit':
    case 'wait commit': {
      // pfs InspectCommit / WaitCommit: wait returns the CommitInfo once the commit is finished.
      const { repo, ref } = parseRef(target, 'commit');
      const id = store.resolve(repo, ref).id;
      if (verb === 'wait') waitUntil(store, () => Boolean(store.commit(repo, id).finished));
      const info = commitInfo(store, store.commit(repo, id));
      return emit(
        io,
        args,
        [info],
        (c: typeof info) => `Commit: ${repo}@${c.commit.id}\nFinished: ${c.finished ?? '-'}`,
      );
    }
    case 'list commit': {
      const infos = listCommit(store, args, target ?? '').map((c) => commitInfo(store, c));
      return emit(
        io,
        args,
        infos,
        (c: (typeof infos)[number]) =>
          `${c.commit.repo.name} ${c.commit.branch.name} ${c.commit.id} ${c.finished ?? '-'} ${c.origin.kind}`,
      );
    }
    case 'create branch': {
      const { repo, ref } = parseRef(target, 'branch');
      const record = store.repo(repo);
      if (typeof args.flags.head === 'string') {
        const head = store.resolve(repo, args.flags.head);
        record.branches[ref] = head.id;
      } else record.branches[ref] ??= null;
      return;
    }
    case 'inspect branch': {
      const { repo, ref } = parseRef(target, 'branch');
      const record = store.repo(repo);
      if (!(ref in record.branches)) throw new PachError(`branch ${ref} not found in repo ${repo}`);
      const pipeline = store.state.pipelines[repo];
      const provenance =
        pipeline && ref === 'master'
          ? [String((pipeline.spec.input as { pfs: { repo: string } }).pfs.repo), `${repo}.spec`]
          : [];
      const info = branchInfo(record, ref, record.branches[ref] ?? null, provenance);
      return emit(
        io,
        args,
        [info],
        () => `Name: ${repo}@${ref}\nHead Commit: ${record.branches[ref] ?? '-'}`,
      );
    }
    case 'edit metadata':
      return editMetadata(
        store,
        [target, ...rest].filter((w): w is string => w !== undefined),
      );
    case 'create pipeline':
    case 'update pipeline':
      return upsertPipelines(store, args, io, verb === 'update');
    case 'inspect pipeline': {
      const pipeline = store.state.pipelines[target ?? ''];
      if (!pipeline) throw new PachError(`pipeline ${target} not found`);
      return emit(io, args, [pipelineInfo(pipeline)], () => `Name: ${pipeline.name}\nState: running`);
    }
    case 'list pipeline': {
      // --history: "none" (0) the current version, N the N before it too, "all" (-1) every one (cmdutil.ParseHistory).
      const history = String(args.flags.history ?? 'none');
      const depth = history === 'all' ? -1 : history === 'none' ? 0 : Number(history);
      if (!Number.isInteger(depth))
        throw new PachError(`error parsing history flag: invalid syntax "${history}"`);
      const pipelines = target ? [store.state.pipelines[target]] : Object.values(store.state.pipelines);
      if (pipelines[0] === undefined) throw new PachError(`pipeline ${target} not found`);
      const infos = (pipelines as PipelineRecord[]).flatMap((pipeline) => {
        const older = [...(pipeline.history ?? [])].reverse();
        const kept = depth < 0 ? older : older.slice(0, depth);
        return [pipeline, ...kept.map((v) => ({ ...pipeline, ...v }))].map(pipelineInfo);
      });
      return emit(io, args, infos, (p: ReturnType<typeof pipelineInfo>) => `${p.pipeline.name} ${p.version}`);
    }
    case 'inspect job':
    case 'wait job': {
      // pps InspectJob / WaitJob (`wait job <pipeline>@<job>`): wait returns the JobInfo once it ends.
      const { repo: pipeline, ref: id } = parseRef(target, 'job');
      if (!store.state.jobs[jobKey(pipeline, id)]) throw new PachError(`job ${pipeline}@${id} not found`);
      if (verb === 'wait')
        waitUntil(store, () => store.state.jobs[jobKey(pipeline, id)]?.state !== 'JOB_RUNNING');
      const job = store.state.jobs[jobKey(pipeline, id)];
      if (!job) throw new PachError(`job ${pipeline}@${id} not found`);
      return emit(io, args, [jobInfo(job)], () => `ID: ${job.id}\nState: ${job.state}`);
    }
    case 'list job': {
      const pipeline = typeof args.flags.pipeline === 'string' ? args.flags.pipeline : undefined;
      const jobs = Object.values(store.state.jobs)
        .filter((job) => !pipeline || job.pipeline === pipeline)
        .reverse();
      return emit(
        io,
        args,
        jobs.map(jobInfo),
        (j: ReturnType<typeof jobInfo>) => `${j.job.pipeline.name}@${j.job.id} ${j.state}`,
      );
    }
    default:
      throw new PachError(`unknown command "${args.words.join(' ')}" for "pachctl"`);
  }
}
