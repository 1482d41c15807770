// Pipelines in the double run for real: each datum's files are laid out under <work>/pfs/<repo>/,
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

/** Runs one job of `pipeline` over the head of its input, as commit set `id`; returns its record. */
export function runJob(store: Store, pipeline: PipelineRecord, id: string): JobRecord {
  const input = pfsInput(pipeline.spec);
  const inputRepo = store.repo(input.repo);
  const inputHead = inputRepo.branches[input.branch] ?? undefined;
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
  };
  store.state.jobs[jobKey(pipeline.name, id)] = job;
  const output = store.startCommit(pipeline.name, 'master', {
    id,
    origin: 'AUTO',
    directProvenance: [
      ...(inputHead ? [{ repo: input.repo, branch: input.branch, id: inputHead }] : []),
      { repo: repoKey(pipeline.name, 'spec'), branch: 'master', id: pipeline.specCommit },
    ],
    createdBy: `pipeline:${pipeline.name}`,
  });
  const out = store.filesOf(pipeline.name, id);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const root = inputHead ? store.filesOf(input.repo, inputHead) : '';
  const all = inputHead ? datums(root, input.glob) : [];
  job.total = all.length;
  const image = (pipeline.spec.transform as { image: string }).image;
  if (all.length > 0 && !imageDir(store, image)) {
    // Workers pull the image before any datum, skipped or not. pachd leaves such a pipeline
    // CRASHING with the job waiting; the double fails the job at once with the same reason.
    job.state = 'JOB_FAILURE';
    job.reason = `image ${image} could not be pulled: it was never pushed to the registry (ErrImagePull)`;
    all.length = 0;
  }
  for (const entries of all) {
    const hash = datumHash(pipeline.salt, root, entries);
    const kept = pipeline.processed[hash];
    if (kept && existsSync(kept)) {
      cpSync(kept, out, { recursive: true });
      job.skipped++;
      continue;
    }
    const datumOut = join(store.dir, 'datums', pipeline.name, hash);
    rmSync(datumOut, { recursive: true, force: true });
    const outcome = runDatum(store, pipeline, input, root, entries, datumOut);
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
  if (job.state === 'JOB_SUCCESS') triggerPipelines(store, pipeline.name, 'master', id);
  return job;
}

/** After a commit finishes on repo@branch, every pipeline reading that branch runs a job in the same commit set. */
export function triggerPipelines(store: Store, repo: string, branch: string, id: string): JobRecord[] {
  const jobs: JobRecord[] = [];
  for (const pipeline of Object.values(store.state.pipelines)) {
    const input = pfsInput(pipeline.spec);
    if (input.repo !== repo || input.branch !== branch) continue;
    if (store.state.jobs[jobKey(pipeline.name, id)]) continue;
    jobs.push(runJob(store, pipeline, id));
  }
  return jobs;
}
