// What pachctl prints with `--raw -o json`: protobuf JSON of pfs_v2 / pps_v2 messages
// (snake_case field names, enums as names, int64 as strings, Timestamps as RFC 3339).
// Minimal and tolerant on purpose: we read a few fields; every other field, present or future, passes.
import { z } from 'zod';

export const projectSchema = z.looseObject({ name: z.string().nullish() });

export const repoSchema = z.looseObject({
  name: z.string(),
  type: z.string().nullish(),
  project: projectSchema.nullish(),
});

export const branchSchema = z.looseObject({ repo: repoSchema.nullish(), name: z.string().nullish() });

/** pfs_v2.Commit: `repo` appeared beside `branch` in 2.6; older servers only set `branch.repo`. */
export const commitSchema = z.looseObject({
  id: z.string(),
  repo: repoSchema.nullish(),
  branch: branchSchema.nullish(),
});
export type PachCommit = z.infer<typeof commitSchema>;

/** pfs_v2.CommitInfo (`pachctl inspect commit --raw`, `wait commit --raw`). */
export const commitInfoSchema = z.looseObject({
  commit: commitSchema,
  origin: z.looseObject({ kind: z.string().nullish() }).nullish(),
  description: z.string().nullish(),
  parent_commit: commitSchema.nullish(),
  started: z.string().nullish(),
  finishing: z.string().nullish(),
  finished: z.string().nullish(),
  // Before 2.6 a list of Branch, since then a list of Commit: accept both.
  direct_provenance: z.array(z.union([commitSchema, branchSchema])).nullish(),
  error: z.string().nullish(),
  size_bytes_upper_bound: z.union([z.string(), z.number()]).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  created_by: z.string().nullish(),
});
export type CommitInfo = z.infer<typeof commitInfoSchema>;

/** pfs_v2.BranchInfo (`pachctl inspect branch --raw`). */
export const branchInfoSchema = z.looseObject({
  branch: branchSchema,
  head: commitSchema.nullish(),
  provenance: z.array(branchSchema).nullish(),
  direct_provenance: z.array(branchSchema).nullish(),
});
export type BranchInfo = z.infer<typeof branchInfoSchema>;

export const pipelineRefSchema = z.looseObject({ name: z.string(), project: projectSchema.nullish() });

/** pps_v2.JobInfo (`pachctl inspect job --raw`). */
export const jobInfoSchema = z.looseObject({
  job: z.looseObject({ id: z.string(), pipeline: pipelineRefSchema.nullish() }),
  pipeline_version: z.union([z.string(), z.number()]).nullish(),
  output_commit: commitSchema.nullish(),
  state: z.string().nullish(),
  reason: z.string().nullish(),
  data_processed: z.union([z.string(), z.number()]).nullish(),
  data_failed: z.union([z.string(), z.number()]).nullish(),
  data_total: z.union([z.string(), z.number()]).nullish(),
  created: z.string().nullish(),
  started: z.string().nullish(),
  finished: z.string().nullish(),
});
export type JobInfo = z.infer<typeof jobInfoSchema>;

/** pps_v2.PipelineInfo (`pachctl inspect pipeline --raw`). */
export const pipelineInfoSchema = z.looseObject({
  pipeline: pipelineRefSchema,
  version: z.union([z.string(), z.number()]).nullish(),
  spec_commit: commitSchema.nullish(),
  stopped: z.boolean().nullish(),
  state: z.string().nullish(),
  reason: z.string().nullish(),
  last_job_state: z.string().nullish(),
  details: z
    .looseObject({
      transform: z.looseObject({ image: z.string().nullish() }).nullish(),
      input: z.unknown().optional(),
      metadata: z.looseObject({ annotations: z.record(z.string(), z.string()).nullish() }).nullish(),
    })
    .nullish(),
});
export type PipelineInfo = z.infer<typeof pipelineInfoSchema>;

/** The part of a pipeline spec (the file users keep in git) that the provider reads and rewrites. */
export const pipelineSpecSchema = z.looseObject({
  pipeline: z.looseObject({ name: z.string().min(1), project: projectSchema.nullish() }),
  input: z.unknown().optional(),
  transform: z.looseObject({ image: z.string().optional() }),
});
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;

/** The repo name a commit belongs to, wherever this server version put it. */
export function commitRepo(commit: PachCommit): string {
  return commit.repo?.name ?? commit.branch?.repo?.name ?? '';
}
