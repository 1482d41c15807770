import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DeployInput,
  type DeployResult,
  InvalidInputError,
  NotFoundError,
  type ProviderContext,
  type ProviderRefs,
  throwIfAborted,
  type UndeployInput,
  type UndeployResult,
} from '@modelship/core';
import { randomId, readJson, type StoreLayout, safeName, withLock, writeJsonAtomic } from './client.js';
import { isAlive, startServerProcess, stopServer } from './process.js';
import { forgetServer, recordServer } from './servers.js';
import { defaultStartTimeoutMs } from './settings.js';

/** What runs on one stage: written after the new server is ready, so it never names a dead one. */
export interface DeploymentRecord {
  model: string;
  stage: string;
  version: string;
  pid: number;
  url: string;
  refs: ProviderRefs;
  manifestDigest: string;
  startedAt: string;
  logFile: string;
  idempotencyKey?: string;
  previous?: { version: string; refs: ProviderRefs };
}

export interface ServerSettings {
  host?: string;
  startTimeoutMs?: number;
}

function recordPath(layout: StoreLayout, model: string, stage: string): string {
  return join(layout.deployments, safeName(model), `${safeName(stage)}.json`);
}

export function artifactDirOf(refs: ProviderRefs | undefined): string | undefined {
  if (refs?.artifactDir) return refs.artifactDir;
  if (refs?.artifactUri?.startsWith('file:')) return fileURLToPath(refs.artifactUri);
  return undefined;
}

function resultOf(record: DeploymentRecord): DeployResult {
  return {
    status: { unified: 'deployed', raw: 'serving' },
    endpoint: record.url,
    refs: record.refs,
    warnings: [],
  };
}

export async function readDeployment(layout: StoreLayout, model: string, stage: string) {
  return readJson<DeploymentRecord>(recordPath(layout, model, stage));
}

/** Blue/green: the new server must verify its model and listen before the old one is stopped. */
export async function deployStage(
  layout: StoreLayout,
  settings: ServerSettings,
  input: DeployInput,
  context: ProviderContext,
): Promise<DeployResult> {
  throwIfAborted(context.signal, 'deploy');
  const { name, version } = input.model;
  const artifactDir = artifactDirOf(input.refs);
  if (!artifactDir || !existsSync(join(artifactDir, 'modelship.manifest.json'))) {
    throw new NotFoundError(
      `deploy: no stored artifact for ${name}@${version} (refs ${JSON.stringify(input.refs)}); upload the model first and pass its refs (artifactDir)`,
      { details: { model: name, version } },
    );
  }
  const path = recordPath(layout, name, input.stage);
  return withLock(path, async () => {
    const current = await readJson<DeploymentRecord>(path);
    if (
      current &&
      input.idempotencyKey &&
      current.idempotencyKey === input.idempotencyKey &&
      isAlive(current.pid)
    ) {
      return resultOf(current);
    }
    const logs = join(layout.deployments, safeName(name), 'logs');
    await mkdir(logs, { recursive: true });
    const id = randomId();
    const logFile = join(logs, `${safeName(input.stage)}-${id}.log`);
    context.logger.info(
      `deploy: starting ${name}@${version} on ${input.stage}${input.rollback ? ' (rollback)' : ''}`,
    );
    const server = { id, model: name, stage: input.stage, version, startedAt: new Date().toISOString() };
    const onSpawn = recordServer(layout.servers, server);
    const started = await startServerProcess({
      onSpawn,
      artifactDir,
      model: name,
      version,
      stage: input.stage,
      host: settings.host,
      readyFile: join(logs, `.ready-${id}.json`),
      logFile,
      timeoutMs: settings.startTimeoutMs ?? defaultStartTimeoutMs,
      signal: context.signal,
    }).catch((error) => {
      // startServerProcess killed the child it could not start: nothing left to stop.
      forgetServer(layout.servers, id);
      throw error;
    });
    const refs: ProviderRefs = {
      artifactDir,
      endpoint: started.url,
      manifestDigest: started.health.manifestDigest,
    };
    const previous = current ? { version: current.version, refs: current.refs } : input.previous;
    const record: DeploymentRecord = {
      model: name,
      stage: input.stage,
      version,
      pid: started.pid,
      url: started.url,
      refs,
      manifestDigest: started.health.manifestDigest,
      startedAt: new Date(context.now()).toISOString(),
      logFile,
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(previous ? { previous } : {}),
    };
    await writeJsonAtomic(path, record);
    if (current && current.pid !== started.pid) await stopServer(current.pid);
    context.logger.info(
      `deploy: ${name}@${version} serves ${input.stage} at ${started.url} (verified ${record.manifestDigest})`,
    );
    return resultOf(record);
  });
}

/** Puts back what served the stage before the last deploy (and remembers the swap, so a second rollback undoes it). */
export async function rollbackStage(
  layout: StoreLayout,
  settings: ServerSettings,
  input: { model: string; stage: string },
  context: ProviderContext,
): Promise<DeployResult> {
  const current = await readDeployment(layout, input.model, input.stage);
  if (!current?.previous) {
    throw new InvalidInputError(
      `rollback: ${input.model} on ${input.stage} has no previous deployment to go back to`,
    );
  }
  return deployStage(
    layout,
    settings,
    {
      model: { name: input.model, version: current.previous.version },
      stage: input.stage,
      refs: current.previous.refs,
      rollback: true,
    },
    context,
  );
}

export async function undeployStage(
  layout: StoreLayout,
  input: UndeployInput,
  context: ProviderContext,
): Promise<UndeployResult> {
  throwIfAborted(context.signal, 'undeploy');
  const path = recordPath(layout, input.model.name, input.stage);
  return withLock(path, async () => {
    const current = await readJson<DeploymentRecord>(path);
    if (current) {
      await stopServer(current.pid);
      await rm(path, { force: true });
      context.logger.info(`undeploy: stopped ${input.model.name}@${current.version} on ${input.stage}`);
    }
    const refs: ProviderRefs = current ? { stopped: current.url } : {};
    return { refs, warnings: [] };
  });
}

/** Every deployment under this store (all models, all stages), e.g. to stop them all. */
export async function listDeployments(layout: StoreLayout): Promise<DeploymentRecord[]> {
  if (!existsSync(layout.deployments)) return [];
  const records: DeploymentRecord[] = [];
  for (const model of await readdir(layout.deployments)) {
    const dir = join(layout.deployments, model);
    for (const file of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
      const record = await readJson<DeploymentRecord>(join(dir, file));
      if (record) records.push(record);
    }
  }
  return records;
}
