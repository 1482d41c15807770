// The double's whole world lives in one directory (PACHCTL_DOUBLE_STATE): state.json for repos,
// branches, commits, pipelines and jobs, and files/<repo>/<commit>/ for each commit's tree.
// Every command reads state.json, changes it and writes it back atomically (temp file + rename).
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class PachError extends Error {}

export interface CommitRecord {
  repo: string;
  id: string;
  branch: string;
  parent?: string;
  origin: 'USER' | 'AUTO';
  description: string;
  started: string;
  finishing?: string;
  finished?: string;
  error?: string;
  directProvenance: Array<{ repo: string; branch: string; id: string }>;
  metadata: Record<string, string>;
  createdBy?: string;
  sizeBytes?: number;
}

export interface RepoRecord {
  name: string;
  /** `user` for data and pipeline output repos, `spec` for a pipeline's spec repo. */
  type: 'user' | 'spec';
  created: string;
  description: string;
  branches: Record<string, string | null>;
}

export interface PipelineRecord {
  name: string;
  version: number;
  specCommit: string;
  spec: Record<string, unknown>;
  salt: string;
  created: string;
  lastJobState?: string;
  /** Datum hash → where that datum's output is kept, so an unchanged datum is skipped. */
  processed: Record<string, string>;
  /** Earlier versions, oldest first, for `list pipeline --history`. */
  history?: Array<Pick<PipelineRecord, 'version' | 'specCommit' | 'spec'>>;
}

export interface JobRecord {
  pipeline: string;
  id: string;
  pipelineVersion: number;
  state: string;
  reason: string;
  created: string;
  started?: string;
  finished?: string;
  processed: number;
  skipped: number;
  failed: number;
  total: number;
  /** The input commit the job reads (the input branch's head when it started). */
  inputCommit?: string;
  /** The pipeline's salt and spec when the job started (not printed). */
  salt?: string;
  spec?: Record<string, unknown>;
}

export interface DoubleState {
  repos: Record<string, RepoRecord>;
  commits: Record<string, CommitRecord>;
  pipelines: Record<string, PipelineRecord>;
  jobs: Record<string, JobRecord>;
}

/** Spec repos share the pipeline's name; keep them apart from the output repo internally. */
export function repoKey(name: string, type: 'user' | 'spec' = 'user'): string {
  return type === 'spec' ? `${name}.spec` : name;
}

export const commitKey = (repo: string, id: string) => `${repo}/${id}`;
export const jobKey = (pipeline: string, id: string) => `${pipeline}/${id}`;

/** Pachyderm 2.x ids: 32 lowercase hex characters (a UUID without dashes). */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function timestamp(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class Store {
  state: DoubleState;

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'files'), { recursive: true });
    this.state = this.load();
  }

  private load(): DoubleState {
    const file = join(this.dir, 'state.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as DoubleState)
      : { repos: {}, commits: {}, pipelines: {}, jobs: {} };
  }

  /** Re-reads state.json: a waiting command sees what other pachctl calls did meanwhile. */
  reload(): void {
    this.state = this.load();
  }

  save(): void {
    const file = join(this.dir, 'state.json');
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 1));
    renameSync(temporary, file);
  }

  filesOf(repo: string, id: string): string {
    return join(this.dir, 'files', repo, id);
  }

  repo(key: string): RepoRecord {
    const repo = this.state.repos[key];
    if (!repo) throw new PachError(`repo ${key.replace(/\.spec$/, '')} not found`);
    return repo;
  }

  createRepo(name: string, type: 'user' | 'spec' = 'user', description = ''): RepoRecord {
    const key = repoKey(name, type);
    if (this.state.repos[key]) throw new PachError(`repo ${name} already exists`);
    const repo: RepoRecord = { name, type, created: timestamp(), description, branches: {} };
    this.state.repos[key] = repo;
    return repo;
  }

  /** Resolves `branch`, `id`, `branch=id` or `branch^` (parent) in a repo to a commit. */
  resolve(repoName: string, ref: string): CommitRecord {
    const repo = this.repo(repoName);
    let target = ref;
    const explicit = /^[^=]*=(.+)$/.exec(ref);
    if (explicit?.[1]) target = explicit[1];
    let ancestors = 0;
    while (target.endsWith('^')) {
      ancestors++;
      target = target.slice(0, -1);
    }
    let id = target in repo.branches ? repo.branches[target] : target;
    if (!id) throw new PachError(`branch ${target} in repo ${repo.name} has no head commit`);
    for (let i = 0; i < ancestors; i++) {
      const parent: string | undefined = this.commit(repoName, id).parent;
      if (!parent) throw new PachError(`commit ${repo.name}@${target} has no parent`);
      id = parent;
    }
    return this.commit(repoName, id);
  }

  commit(repoName: string, id: string): CommitRecord {
    const commit = this.state.commits[commitKey(repoName, id)];
    if (!commit) throw new PachError(`commit ${id} not found in repo ${repoName.replace(/\.spec$/, '')}`);
    return commit;
  }

  /** Opens a commit on a branch, copying the parent's tree (commits inherit their parent's files). */
  startCommit(repoName: string, branch: string, options: Partial<CommitRecord> = {}): CommitRecord {
    const repo = this.repo(repoName);
    const parent = repo.branches[branch] ?? undefined;
    if (parent && !this.commit(repoName, parent).finished && options.origin !== 'AUTO') {
      throw new PachError(`parent commit ${parent} has not been finished`);
    }
    const commit: CommitRecord = {
      repo: repoName,
      id: options.id ?? newId(),
      branch,
      origin: 'USER',
      description: '',
      started: timestamp(),
      directProvenance: [],
      metadata: {},
      ...options,
      ...(parent ? { parent } : {}),
    };
    const target = this.filesOf(repoName, commit.id);
    if (parent && existsSync(this.filesOf(repoName, parent))) {
      cpSync(this.filesOf(repoName, parent), target, { recursive: true });
    } else mkdirSync(target, { recursive: true });
    this.state.commits[commitKey(repoName, commit.id)] = commit;
    repo.branches[branch] = commit.id;
    return commit;
  }
}
