// Lineage from `pachctl inspect commit --raw`: which data commits and which pipeline spec
// (code: the image tag lives in the spec) made a model commit. Stored in the modelship ledger
// as the version's provenance, and flattened into refs for the CLI.
import type { ProviderRefs } from '@modelship/core';
import type { Pachctl } from './client.js';
import {
  type CommitInfo,
  commitInfoSchema,
  commitRepo,
  type PachCommit,
  type PipelineInfo,
  pipelineInfoSchema,
} from './schemas.js';
import { gitShaAnnotation } from './specs.js';

export interface LineageCommit {
  repo: string;
  commit: string;
  branch?: string;
  /** The commit this one replaced on its branch: the previous data or model version. */
  parent?: string;
  finished?: string;
}

/** A pipeline spec commit: the code, as the image built from a git commit. */
export interface LineageCode extends LineageCommit {
  pipeline?: string;
  /** `transform.image` of the pipeline version this spec commit holds, tag included. */
  image?: string;
  /** The git commit the image was built from (the `modelship.dev/git-sha` annotation train writes). */
  gitSha?: string;
}

export interface Lineage {
  model: LineageCommit & { origin?: string; createdBy?: string; error?: string };
  /** Input data commits (user repos) the model was computed from. */
  data: LineageCommit[];
  /** Pipeline spec commits (the code and its image tag) that computed it. */
  code: LineageCode[];
  /** Any other direct provenance (upstream pipeline outputs). */
  upstream: LineageCommit[];
}

function toLineageCommit(info: CommitInfo): LineageCommit {
  return {
    repo: commitRepo(info.commit),
    commit: info.commit.id,
    ...(info.commit.branch?.name ? { branch: info.commit.branch.name } : {}),
    ...(info.parent_commit?.id ? { parent: info.parent_commit.id } : {}),
    ...(info.finished ? { finished: info.finished } : {}),
  };
}

/** Which pipeline version a spec commit holds: `list pipeline <name> --history all` (pps ListPipeline). */
async function codeOf(pachctl: Pachctl, pipeline: string, entry: LineageCommit): Promise<LineageCode> {
  const versions: PipelineInfo[] = await pachctl.readAll(
    ['list', 'pipeline', pipeline, '--history', 'all'],
    pipelineInfoSchema,
    'lineage (pipeline history)',
  );
  const version = versions.find((v) => v.spec_commit?.id === entry.commit);
  const image = version?.details?.transform?.image;
  const gitSha = version?.details?.metadata?.annotations?.[gitShaAnnotation];
  return { ...entry, pipeline, ...(image ? { image } : {}), ...(gitSha ? { gitSha } : {}) };
}

/** Reads a commit and each commit of its direct provenance. */
export async function readLineage(
  pachctl: Pachctl,
  repo: string,
  commit: string,
  pipelines: ReadonlySet<string>,
): Promise<Lineage> {
  const info = await pachctl.read(['inspect', 'commit', `${repo}@${commit}`], commitInfoSchema, 'lineage');
  const lineage: Lineage = {
    model: {
      ...toLineageCommit(info),
      ...(info.origin?.kind ? { origin: info.origin.kind } : {}),
      ...(info.created_by ? { createdBy: info.created_by } : {}),
      ...(info.error ? { error: info.error } : {}),
    },
    data: [],
    code: [],
    upstream: [],
  };
  for (const source of info.direct_provenance ?? []) {
    // A Branch (pre-2.6 servers) has no id: its commit in this commit set has the model's id.
    const asCommit = typeof source.id === 'string' ? (source as PachCommit) : undefined;
    const asBranch = source as { repo?: { name?: string; type?: string | null } | null };
    const sourceRepo = asCommit ? commitRepo(asCommit) : (asBranch.repo?.name ?? '');
    const type = asCommit ? (asCommit.repo?.type ?? asCommit.branch?.repo?.type) : asBranch.repo?.type;
    const id = asCommit ? asCommit.id : commit;
    const pickerRepo = type === 'spec' ? `${sourceRepo}.spec` : sourceRepo;
    const sourceInfo = await pachctl.read(
      ['inspect', 'commit', `${pickerRepo}@${id}`],
      commitInfoSchema,
      'lineage',
    );
    const entry = { ...toLineageCommit(sourceInfo), repo: pickerRepo };
    if (type === 'spec') lineage.code.push(await codeOf(pachctl, sourceRepo, entry));
    else if (pipelines.has(sourceRepo)) lineage.upstream.push(entry);
    else lineage.data.push(entry);
  }
  return lineage;
}

function joined(key: string, values: Array<string | undefined>): ProviderRefs {
  const present = [...new Set(values.filter((v): v is string => Boolean(v)))];
  return present.length ? { [key]: present.join(',') } : {};
}

/** Flat, secret-free refs for the ledger: `housing_data@<id>,…`. */
export function lineageRefs(lineage: Lineage): ProviderRefs {
  const list = (commits: LineageCommit[]) => commits.map((c) => `${c.repo}@${c.commit}`).join(',');
  return {
    repo: lineage.model.repo,
    commit: lineage.model.commit,
    ...(lineage.data.length ? { dataCommits: list(lineage.data) } : {}),
    ...(lineage.code.length ? { specCommits: list(lineage.code) } : {}),
    ...(lineage.upstream.length ? { upstreamCommits: list(lineage.upstream) } : {}),
    ...joined(
      'image',
      lineage.code.map((c) => c.image),
    ),
    ...joined(
      'gitSha',
      lineage.code.map((c) => c.gitSha),
    ),
  };
}
