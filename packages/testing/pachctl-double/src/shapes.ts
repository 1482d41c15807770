// The JSON the double prints for `--raw -o json`: protobuf JSON (protojson) of pachd's messages,
// so field names are the proto's snake_case names, enums print as their names and int64 as
// strings. Each builder names the message definition it follows.
import type { CommitRecord, JobRecord, PipelineRecord, RepoRecord, Store } from './state.js';

const project = { name: 'default' };

/** pfs_v2.Repo {name, type, project} — src/pfs/pfs.proto (pachyderm/pachyderm, v2.x). */
function repo(name: string, type: 'user' | 'spec' = 'user') {
  return { name, type, project };
}

/** pfs_v2.Branch {repo, name} — src/pfs/pfs.proto. */
function branch(repoName: string, name: string, type: 'user' | 'spec' = 'user') {
  return { repo: repo(repoName, type), name };
}

/**
 * pfs_v2.Commit {repo, id, branch} — src/pfs/pfs.proto; `repo` sits beside `branch` since v2.6
 * (older servers only nest it in `branch.repo`; both are printed).
 */
export function commitRef(record: Pick<CommitRecord, 'repo' | 'id' | 'branch'>) {
  const type = record.repo.endsWith('.spec') ? 'spec' : 'user';
  const name = record.repo.replace(/\.spec$/, '');
  return { repo: repo(name, type), id: record.id, branch: branch(name, record.branch, type) };
}

/**
 * pfs_v2.CommitInfo — src/pfs/pfs.proto: commit, origin {kind: USER|AUTO}, description,
 * parent_commit, child_commits, started, finishing, finished, direct_provenance (repeated Commit
 * since v2.6), error, size_bytes_upper_bound (int64 → string), details; `metadata` (map<string,string>,
 * v2.10, set by `pachctl edit metadata commit`, src/server/metadata/cmds/cmds.go) and `created_by`.
 */
export function commitInfo(store: Store, record: CommitRecord) {
  const children = Object.values(store.state.commits).filter(
    (other) => other.repo === record.repo && other.parent === record.id,
  );
  return {
    commit: commitRef(record),
    origin: { kind: record.origin },
    ...(record.description ? { description: record.description } : {}),
    ...(record.parent ? { parent_commit: commitRef({ ...record, id: record.parent }) } : {}),
    ...(children.length ? { child_commits: children.map(commitRef) } : {}),
    started: record.started,
    ...(record.finishing ? { finishing: record.finishing } : {}),
    ...(record.finished ? { finished: record.finished } : {}),
    ...(record.directProvenance.length
      ? { direct_provenance: record.directProvenance.map((p) => commitRef({ ...p, repo: p.repo })) }
      : {}),
    ...(record.error ? { error: record.error } : {}),
    size_bytes_upper_bound: String(record.sizeBytes ?? 0),
    ...(Object.keys(record.metadata).length ? { metadata: record.metadata } : {}),
    ...(record.createdBy ? { created_by: record.createdBy } : {}),
  };
}

/** pfs_v2.RepoInfo {repo, created, size_bytes_upper_bound, description, branches} — src/pfs/pfs.proto. */
export function repoInfo(record: RepoRecord) {
  return {
    repo: repo(record.name, record.type),
    created: record.created,
    size_bytes_upper_bound: '0',
    ...(record.description ? { description: record.description } : {}),
    branches: Object.keys(record.branches).map((name) => branch(record.name, name, record.type)),
  };
}

/** pfs_v2.BranchInfo {branch, head, provenance, subvenance, direct_provenance} — src/pfs/pfs.proto. */
export function branchInfo(record: RepoRecord, name: string, head: string | null, provenance: string[]) {
  const key = record.type === 'spec' ? `${record.name}.spec` : record.name;
  return {
    branch: branch(record.name, name, record.type),
    ...(head ? { head: commitRef({ repo: key, id: head, branch: name }) } : {}),
    ...(provenance.length
      ? {
          provenance: provenance.map((p) =>
            branch(p.replace(/\.spec$/, ''), 'master', p.endsWith('.spec') ? 'spec' : 'user'),
          ),
          direct_provenance: provenance.map((p) =>
            branch(p.replace(/\.spec$/, ''), 'master', p.endsWith('.spec') ? 'spec' : 'user'),
          ),
        }
      : {}),
  };
}

/**
 * pps_v2.JobInfo — src/pps/pps.proto: job {pipeline {name, project}, id}, pipeline_version,
 * output_commit, data_processed/data_skipped/data_failed/data_total (int64 → string),
 * state (JobState: JOB_CREATED … JOB_SUCCESS, JOB_FAILURE), reason, created, started, finished.
 */
export function jobInfo(record: JobRecord) {
  return {
    job: { pipeline: { name: record.pipeline, project }, id: record.id },
    pipeline_version: String(record.pipelineVersion),
    output_commit: commitRef({ repo: record.pipeline, id: record.id, branch: 'master' }),
    data_processed: String(record.processed),
    data_skipped: String(record.skipped),
    data_failed: String(record.failed),
    data_total: String(record.total),
    state: record.state,
    ...(record.reason ? { reason: record.reason } : {}),
    created: record.created,
    ...(record.started ? { started: record.started } : {}),
    ...(record.finished ? { finished: record.finished } : {}),
  };
}

/**
 * pps_v2.PipelineInfo — src/pps/pps.proto: pipeline, version (uint64 → string), spec_commit,
 * stopped, state (PipelineState: PIPELINE_RUNNING …), reason, last_job_state, type
 * (PIPELINE_TYPE_TRANSFORM), details {transform, input, output_branch, created_at, metadata
 * {annotations, labels} (pps.Metadata, "Kubernetes metadata")}.
 */
export function pipelineInfo(record: PipelineRecord) {
  const spec = record.spec as {
    transform?: unknown;
    input?: unknown;
    description?: string;
    metadata?: unknown;
  };
  return {
    pipeline: { name: record.name, project },
    version: String(record.version),
    spec_commit: commitRef({ repo: `${record.name}.spec`, id: record.specCommit, branch: 'master' }),
    stopped: false,
    state: 'PIPELINE_RUNNING',
    ...(record.lastJobState ? { last_job_state: record.lastJobState } : {}),
    type: 'PIPELINE_TYPE_TRANSFORM',
    details: {
      transform: spec.transform,
      input: spec.input,
      output_branch: 'master',
      created_at: record.created,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.metadata ? { metadata: spec.metadata } : {}),
    },
  };
}
