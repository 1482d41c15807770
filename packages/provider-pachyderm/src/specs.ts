// Pipeline specs as users keep them in git: read, retag `transform.image` to `<image>:<tag>` (what
// the Pachyderm GitHub Action does with jq), and order so a pipeline is updated after the
// pipelines whose output repos it reads.
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '@modelship/core';
import { parseJsonStream } from './json-stream.js';
import { type PipelineSpec, pipelineSpecSchema } from './schemas.js';

export interface LoadedSpec {
  file: string;
  spec: PipelineSpec;
}

export async function loadSpecs(files: readonly string[]): Promise<LoadedSpec[]> {
  const loaded: LoadedSpec[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InvalidInputError(
        `pipeline spec ${file} cannot be read (${(error as NodeJS.ErrnoException).code}); check settings.pipelineSpecs / PACHYDERM_PIPELINE_FILES`,
        { cause: error },
      );
    }
    let values: unknown[];
    try {
      values = parseJsonStream(text);
    } catch (error) {
      throw new InvalidInputError(`pipeline spec ${file} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    values.forEach((value, index) => {
      const parsed = pipelineSpecSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidInputError(
          `pipeline spec ${file} (object ${index + 1}): ${issue?.path.join('.') || '(root)'} ${issue?.message}; a spec needs pipeline.name and transform`,
        );
      }
      loaded.push({ file, spec: parsed.data });
    });
  }
  return loaded;
}

/** Every repo a pipeline input reads, through pfs/cross/union/join/group inputs. */
export function inputRepos(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  const node = input as Record<string, unknown>;
  const repos: string[] = [];
  const pfs = node.pfs as { repo?: string } | undefined;
  if (pfs?.repo) repos.push(pfs.repo);
  for (const key of ['cross', 'union', 'join', 'group']) {
    const children = node[key];
    if (Array.isArray(children)) for (const child of children) repos.push(...inputRepos(child));
  }
  return repos;
}

/** Topological order by the input graph; a cycle is an error naming the pipelines in it. */
export function orderByInputs(specs: readonly LoadedSpec[]): LoadedSpec[] {
  const byName = new Map(specs.map((s) => [s.spec.pipeline.name, s]));
  const ordered: LoadedSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new InvalidInputError(
        `pipeline specs form a cycle: ${[...path, name].join(' → ')}; a pipeline cannot read its own output`,
      );
    }
    state.set(name, 'visiting');
    const spec = byName.get(name)!;
    for (const repo of inputRepos(spec.spec.input)) if (byName.has(repo)) visit(repo, [...path, name]);
    state.set(name, 'done');
    ordered.push(spec);
  };
  for (const s of specs) visit(s.spec.pipeline.name, []);
  return ordered;
}

export function retag(spec: PipelineSpec, image: string, tag: string): PipelineSpec {
  return { ...spec, transform: { ...spec.transform, image: `${image}:${tag}` } };
}

/** The pipeline annotation (pps `metadata.annotations`) naming the git commit the image was built from. */
export const gitShaAnnotation = 'modelship.dev/git-sha';

/** Retags the image and annotates the git SHA; the user's other annotations are kept. */
export function stamp(spec: PipelineSpec, image: string, tag: string, gitSha: string): PipelineSpec {
  const metadata = (spec.metadata ?? {}) as { annotations?: Record<string, string> };
  return {
    ...retag(spec, image, tag),
    metadata: { ...metadata, annotations: { ...metadata.annotations, [gitShaAnnotation]: gitSha } },
  };
}

/** Input repos no pipeline in the set writes: where new data enters. */
export function sourceRepos(specs: readonly LoadedSpec[]): string[] {
  const produced = new Set(specs.map((s) => s.spec.pipeline.name));
  return [...new Set(specs.flatMap((s) => inputRepos(s.spec.input)))].filter((repo) => !produced.has(repo));
}
