// Pipelines in the double run for real, and asynchronously: a job is JOB_RUNNING (its output
// commit open) until its time is up, then the next pachctl call that looks does the work; `wait
// commit` / `wait job` block until then. Each datum's files are laid out under <work>/pfs/<repo>/,
// the transform's cmd runs on this machine with every `/pfs/` path pointed there, and /pfs/out
// becomes the output commit. As in pachd 2.x, a job's output commit shares the id of the commit
// that triggered it (a commit set, "global ID"), and a datum already processed with the same
// content and pipeline salt is skipped and its earlier output reused (`--reprocess` changes the salt).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { imageDir } from './images.js';
import {
  type JobRecord,
  jobKey,
  PachError,
  type PipelineRecord,
  repoKey,
  type Store,
  timestamp,
} from './state.js';

interface PfsInput {
  repo: string;
  branch: string;
  glob: string;
  name: string;
}

/** The single pfs input a pipeline reads (the double supports pfs inputs only, not cross/union). */
export function pfsInput(spec: Record<string, unknown>): PfsInput {
  const pfs = (spec.input as { pfs?: Record<string, string> } | undefined)?.pfs;
  if (!pfs?.repo) {
    throw new PachError(
      `pipeline ${String((spec.pipeline as { name?: string })?.name)}: the pachctl double supports a single "pfs" input only`,
    );
  }
  return {
    repo: pfs.repo,
    branch: pfs.branch ?? 'master',
    glob: pfs.glob ?? '/',
    name: pfs.name ?? pfs.repo,
  };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Datums for the globs the regression examples use: "/" is one datum, "/*" one per top-level entry. */
function datums(root: string, glob: string): string[][] {
  if (!existsSync(root)) return [];
  if (glob === '/' || glob === '') return [readdirSync(root)];
  if (glob === '/*') return readdirSync(root).map((entry) => [entry]);
  throw new PachError(`the pachctl double supports the globs "/" and "/*" only, not "${glob}"`);
}

function datumHash(salt: string, root: string, entries: string[]): string {
  const hash = createHash('sha256').update(salt);
  for (const entry of entries.sort()) {
    const path = join(root, entry);
    for (const file of statSync(path).isFile() ? [path] : walk(path)) {
      hash.update(relative(root, file)).update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

function runDatum(
  store: Store,
  pipeline: PipelineRecord,
  input: PfsInput,
  root: string,
  entries: string[],
  out: string,
) {
  const transform = pipeline.spec.transform as {
    image: string;
    cmd?: string[];
    stdin?: string[];
    env?: Record<string, string>;
  };
  const cwd = imageDir(store, transform.image);
  if (!cwd) {
    return {
      ok: false,
      reason: `image ${transform.image} could not be pulled: it was never pushed to the registry (ErrImagePull)`,
    };
  }
  const work = join(store.dir, 'work', `${pipeline.name}-${process.pid}-${Date.now()}`);
  const inDir = join(work, 'pfs', input.name);
  mkdirSync(inDir, { recursive: true });
  for (const entry of entries) cpSync(join(root, entry), join(inDir, entry), { recursive: true });
  const pfsRoot = join(work, 'pfs');
  const rewrite = (arg: string) =>
    arg.replace(/(^|[\s=])\/pfs\//g, (_m, lead: string) => `${lead}${pfsRoot}/`);
  const [program = 'sh', ...args] = (transform.cmd ?? ['sh']).map(rewrite);
  const outLink = join(pfsRoot, 'out');
  mkdirSync(out, { recursive: true });
  cpSync(out, outLink, { recursive: true });
  const python = process.env.PACHCTL_DOUBLE_PYTHON ?? 'python3';
  const result = spawnSync(program === 'python' || program === 'python3' ? python : program, args, {
    cwd,
    input: transform.stdin ? `${transform.stdin.map(rewrite).join('\n')}\n` : undefined,
    env: { ...process.env, ...transform.env, PACH_JOB_ID: pipeline.name, PACH_OUTPUT_DIR: outLink },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (result.status === 0) cpSync(outLink, out, { recursive: true });
  rmSync(work, { recursive: true, force: true });
  if (result.status === 0) return { ok: true, reason: '' };
  const tail = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
    .trim()
    .split('\n')
    .slice(-3)
    .join(' | ');
  return {
    ok: false,
    reason: `datum failed: ${program} exited with ${result.status ?? result.signal}: ${tail}`,
  };
}

/**
 * How long a job runs, in ms: `PACHCTL_DOUBLE_JOB_MS` (default 300), read when the job is looked at,
 * so a caller can watch a job run (a long value) and then let it end (a short one) without sleeping.
 */
function jobMs(): number {
  const value = Number(process.env.PACHCTL_DOUBLE_JOB_MS ?? 300);
  return Number.isFinite(value) && value >= 0 ? value : 300;
}

/** When a running job ends (epoch ms). */
export function jobDue(job: JobRecord): number {
  return Date.parse(job.created) + jobMs();
}

/**
 * Starts a job of `pipeline` over the head of its input, as commit set `id`, as pachd does when a
 * commit finishes: the job is JOB_RUNNING and its output commit open until the job's time is up;
 * the work happens then (see `advance`), against the input and pipeline version of this moment.
 */
export function startJob(store: Store, pipeline: PipelineRecord, id: string): JobRecord {
  const input = pfsInput(pipeline.spec);
  const inputHead = store.repo(input.repo).branches[input.branch] ?? undefined;
  const job: JobRecord = {
    pipeline: pipeline.name,
    id,
    pipelineVersion: pipeline.version,
    state: 'JOB_RUNNING',
    reason: '',
    created: timestamp(),
    started: timestamp(),
    processed: 0,
    skipped: 0,
    failed: 0,
    total: 0,
    ...(inputHead ? { inputCommit: inputHead } : {}),
    salt: pipeline.salt,
    spec: pipeline.spec,
  };
  store.state.jobs[jobKey(pipeline.name, id)] = job;
  store.startCommit(pipeline.name, 'master', {
    id,
    origin: 'AUTO',
    directProvenance: [
      ...(inputHead ? [{ repo: input.repo, branch: input.branch, id: inputHead }] : []),
      { repo: repoKey(pipeline.name, 'spec'), branch: 'master', id: pipeline.specCommit },
    ],
    createdBy: `pipeline:${pipeline.name}`,
  });
  return job;
}

/** Finishes every job whose time is up, oldest first; finished outputs start downstream jobs. */
export function advance(store: Store, now = Date.now()): void {
  for (;;) {
    const due = Object.values(store.state.jobs)
      .filter((job) => job.state === 'JOB_RUNNING' && jobDue(job) <= now)
      .sort((a, b) => jobDue(a) - jobDue(b));
    if (due.length === 0) return;
    for (const job of due) completeJob(store, job);
  }
}

function completeJob(store: Store, job: JobRecord): void {
  const pipeline = store.state.pipelines[job.pipeline];
  if (!pipeline) throw new PachError(`pipeline ${job.pipeline} not found`);
  // The pipeline as it was when the job started: a later update does not change a running job.
  const version = { ...pipeline, spec: job.spec ?? pipeline.spec, salt: job.salt ?? pipeline.salt };
  const input = pfsInput(version.spec);
  const output = store.commit(pipeline.name, job.id);
  const out = store.filesOf(pipeline.name, job.id);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const root = job.inputCommit ? store.filesOf(input.repo, job.inputCommit) : '';
  const all = job.inputCommit ? datums(root, input.glob) : [];
  job.total = all.length;
  const image = (version.spec.transform as { image: string }).image;
  if (all.length > 0 && !imageDir(store, image)) {
    // Workers pull the image before any datum, skipped or not. pachd leaves such a pipeline
    // CRASHING with the job waiting; the double fails the job with the same reason.
    job.state = 'JOB_FAILURE';
    job.reason = `image ${image} could not be pulled: it was never pushed to the registry (ErrImagePull)`;
    all.length = 0;
  }
  for (const entries of all) {
    const hash = datumHash(version.salt, root, entries);
    const kept = pipeline.processed[hash];
    if (kept && existsSync(kept)) {
      cpSync(kept, out, { recursive: true });
      job.skipped++;
      continue;
    }
    const datumOut = join(store.dir, 'datums', pipeline.name, hash);
    rmSync(datumOut, { recursive: true, force: true });
    const outcome = runDatum(store, version, input, root, entries, datumOut);
    if (!outcome.ok) {
      job.failed++;
      job.state = 'JOB_FAILURE';
      job.reason = outcome.reason;
      break;
    }
    cpSync(datumOut, out, { recursive: true });
    pipeline.processed[hash] = datumOut;
    job.processed++;
  }
  if (job.state !== 'JOB_FAILURE') job.state = 'JOB_SUCCESS';
  job.finished = timestamp();
  output.finishing = job.finished;
  output.finished = job.finished;
  if (job.state === 'JOB_FAILURE') output.error = job.reason;
  output.sizeBytes = walk(out).reduce((sum, file) => sum + statSync(file).size, 0);
  pipeline.lastJobState = job.state;
  if (job.state === 'JOB_SUCCESS') triggerPipelines(store, pipeline.name, 'master', job.id);
}

/** After a commit finishes on repo@branch, every pipeline reading that branch starts a job in the same commit set. */
export function triggerPipelines(store: Store, repo: string, branch: string, id: string): JobRecord[] {
  const jobs: JobRecord[] = [];
  for (const pipeline of Object.values(store.state.pipelines)) {
    const input = pfsInput(pipeline.spec);
    if (input.repo !== repo || input.branch !== branch) continue;
    if (store.state.jobs[jobKey(pipeline.name, id)]) continue;
    jobs.push(startJob(store, pipeline, id));
  }
  return jobs;
}
