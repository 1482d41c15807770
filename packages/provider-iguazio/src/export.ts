import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, type ProviderContext, throwIfAborted } from '@modelship/core';
import { stringify } from 'yaml';
import { versionQuery } from './artifact-ref.js';
import type { ResolvedSettings } from './settings.js';
import { parseStoreUri } from './store-uri.js';

export interface ExportInput {
  /** `store://models/<project>/<key>[...]` of the model to export. */
  modelUri: string;
  /** Tag written in the file name (default `challenger`). */
  tag?: string;
  /** Directory of the exported YAML (default `artifacts`). */
  dir?: string;
  /** Asked before writing unless `yes`; in CI pass `--yes` instead of answering. */
  confirm?: (question: string) => Promise<boolean>;
  yes?: boolean;
}

export interface ExportResult {
  path: string;
  key: string;
  /** What to add to the project setup so the project loads the exported artifact. */
  setArtifact: string;
}

/**
 * Writes the model artifact's object (kind, metadata, spec, status) to `<dir>/<key>:<tag>.yaml`,
 * the file a project setup loads with `project.set_artifact(key, artifact=<path>, tag=<tag>)`.
 */
export async function exportModel(
  resolved: ResolvedSettings,
  input: ExportInput,
  context: ProviderContext,
): Promise<ExportResult> {
  throwIfAborted(context.signal, 'export');
  if (!input.modelUri.startsWith('store://'))
    throw new InvalidInputError(
      `export: model URI "${input.modelUri}" must be an MLRun store URI with the store:// prefix`,
    );
  const uri = parseStoreUri(input.modelUri);
  const tag = input.tag ?? resolved.settings.tagNames?.challenger ?? 'challenger';
  if (!input.yes) {
    const question = `Export model '${input.modelUri}' with tag '${tag}'? (yes/no): `;
    if (!input.confirm)
      throw new InvalidInputError(
        'export: confirmation needed and no terminal to ask; pass --yes (as CI does)',
      );
    if (!(await input.confirm(question))) throw new InvalidInputError('export: model export cancelled');
  }
  const query = versionQuery(uri);
  const { body } = await resolved.client<Record<string, unknown>>({
    path: `v2/projects/${uri.project}/artifacts/${uri.key}`,
    query,
    what: `model ${input.modelUri}`,
    operation: 'export',
  });
  const metadata = (body.metadata ?? {}) as { key?: string };
  const key = metadata.key ?? uri.key;
  const dir = input.dir ?? 'artifacts';
  const path = join(dir, `${key}:${tag}.yaml`);
  await mkdir(dir, { recursive: true });
  const document = { kind: body.kind, metadata: body.metadata, spec: body.spec, status: body.status ?? {} };
  await writeFile(path, stringify(document, { sortMapEntries: false }));
  context.logger.info(`export: wrote ${path}`);
  return { path, key, setArtifact: `project.set_artifact(key="${key}", artifact="${path}", tag="${tag}")` };
}
