// status: what serves each stage, probed live. A record whose server is gone maps to `stopped`
// with raw `down`; no record at all to `stopped` with raw `not-deployed`.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type MappedStatus,
  type ProviderContext,
  type ProviderRefs,
  type StatusInput,
  type StatusResult,
  throwIfAborted,
} from '@modelship/core';
import { readJson, type StoreLayout, safeName } from './client.js';
import { type DeploymentRecord, readDeployment } from './deploy.js';
import { isAlive } from './process.js';

/** Raw local states → unified ones: `serving` is deployed; `down` and `not-deployed` are stopped. */
export function mapServerState(raw: 'serving' | 'down' | 'not-deployed'): MappedStatus {
  return { unified: raw === 'serving' ? 'deployed' : 'stopped', raw };
}

async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function stageStatus(
  layout: StoreLayout,
  input: StatusInput,
  context: ProviderContext,
): Promise<StatusResult> {
  throwIfAborted(context.signal, 'status');
  const stages = input.stage ? [input.stage] : await deployedStages(layout, input.model.name);
  const refs: ProviderRefs = {};
  let serving = 0;
  let endpoint: string | undefined;
  for (const stage of stages) {
    const record = await readDeployment(layout, input.model.name, stage);
    if (!record) continue;
    const up = isAlive(record.pid) && (await probe(record.url));
    refs[`${stage}.endpoint`] = record.url;
    refs[`${stage}.version`] = record.version;
    refs[`${stage}.state`] = up ? 'serving' : 'down';
    if (up) {
      serving += 1;
      endpoint ??= record.url;
    }
  }
  if (serving > 0) return { status: mapServerState('serving'), endpoint, refs };
  const raw = Object.keys(refs).length > 0 ? 'down' : 'not-deployed';
  return { status: mapServerState(raw), refs };
}

export async function deployedStages(layout: StoreLayout, model: string): Promise<string[]> {
  const dir = join(layout.deployments, safeName(model));
  const names = existsSync(dir) ? await readdir(dir) : [];
  const stages: string[] = [];
  for (const file of names.filter((n) => n.endsWith('.json'))) {
    const record = await readJson<DeploymentRecord>(join(dir, file));
    if (record) stages.push(record.stage);
  }
  return stages;
}
