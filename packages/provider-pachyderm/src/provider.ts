import type { ProviderContext, ProviderV1, UploadInput, UploadResult } from '@modelship/core';
import { InvalidInputError } from '@modelship/core';
import { capabilitiesExcept } from '@modelship/core/provider-kit';
import type { Pachctl, PachctlSession } from './client.js';
import { deploy } from './deploy.js';
import { type Lineage, readLineage } from './lineage.js';
import {
  assertName,
  checkSettings,
  type PachydermProviderSettings,
  pachctlFor,
  pipelineSpecFiles,
  type ResolvedSettings,
  resolveSettings,
} from './settings.js';
import { inputRepos, loadSpecs, orderByInputs, sourceRepos } from './specs.js';
import { status } from './status.js';
import { tag } from './tag.js';
import { train } from './train.js';
import { uploadCommit } from './upload.js';

export const pachydermCapabilities = capabilitiesExcept('undeploy', 'describe');

export interface PachydermProvider extends ProviderV1 {
  readonly name: 'pachyderm';
  status: NonNullable<ProviderV1['status']>;
  /** Which data and pipeline-spec commits made `repo@commit` (`pachctl inspect commit --raw`). */
  lineage(input: { repo?: string; commit: string }, context: ProviderContext): Promise<Lineage>;
}

/** A provider that drives `pachctl`; nothing runs (and nothing is read from the environment) until a call. */
export function createPachydermProvider(settings: PachydermProviderSettings = {}): PachydermProvider {
  const checked = checkSettings(settings);
  const session: PachctlSession = {};
  const setup = (context: ProviderContext) => {
    const resolved = resolveSettings(checked);
    return { resolved, pachctl: pachctlFor(resolved, context, session) as Pachctl };
  };
  /** A method that needs nothing but the resolved settings and pachctl. */
  const withPachctl =
    <I, R>(
      operation: (pachctl: Pachctl, resolved: ResolvedSettings, input: I, context: ProviderContext) => R,
    ) =>
    (input: I, context: ProviderContext): R => {
      const { resolved, pachctl } = setup(context);
      return operation(pachctl, resolved, input, context);
    };

  return {
    specificationVersion: 'v1',
    name: 'pachyderm',
    capabilities: pachydermCapabilities,

    async upload(input: UploadInput, context): Promise<UploadResult> {
      const { resolved, pachctl } = setup(context);
      const specs = await loadSpecs(pipelineSpecFiles(resolved));
      let repo = checked.settings.dataRepo;
      if (!repo) {
        const sources = sourceRepos(specs);
        if (sources.length !== 1) {
          throw new InvalidInputError(
            `upload: cannot tell which repo to commit to (pipeline inputs: ${sources.join(', ') || 'none'}); set checked.settings.dataRepo`,
          );
        }
        repo = sources[0]!;
      }
      const manifestRepo = assertName(checked.settings.manifestRepo ?? 'modelship_manifests', 'manifestRepo');
      const reader = specs.find((s) => inputRepos(s.spec.input).includes(manifestRepo));
      if (reader) {
        throw new InvalidInputError(
          `upload: manifestRepo "${manifestRepo}" is an input of pipeline ${reader.spec.pipeline.name}, so manifests would become its datums; pick a repo no pipeline reads`,
          { details: { manifestRepo, pipeline: reader.spec.pipeline.name } },
        );
      }
      const target = { repo: assertName(repo, 'repo'), branch: 'master', manifestRepo };
      return uploadCommit(pachctl, target, input, context);
    },
    train: withPachctl(train),
    tag: withPachctl(tag),
    deploy: withPachctl(deploy),
    status: withPachctl(status),
    async lineage(input, context) {
      const { resolved, pachctl } = setup(context);
      const specs = await loadSpecs(pipelineSpecFiles(resolved));
      const repo =
        input.repo ?? checked.settings.modelRepo ?? orderByInputs(specs).at(-1)?.spec.pipeline.name;
      if (!repo)
        throw new InvalidInputError(
          'lineage: pass the repo (or set checked.settings.modelRepo or pipelineSpecs)',
        );
      const pipelines = new Set(specs.map((s) => s.spec.pipeline.name));
      return readLineage(pachctl, assertName(repo, 'repo'), input.commit, pipelines);
    },
  };
}
