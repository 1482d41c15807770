import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { venvBin } from '../../../scripts/peers.mjs';
import { createMetaflowProvider, type MetaflowProviderSettings } from '../src/index.js';

export const python = venvBin('python');
export const flowsDir = fileURLToPath(new URL('./flows', import.meta.url));

/** Local-mode Metaflow confined to `root`: no user config is read, nothing lands in the repo. */
export function metaflowEnv(root: string): Record<string, string> {
  const home = join(root, 'home');
  mkdirSync(join(home, '.metaflowconfig'), { recursive: true });
  return {
    METAFLOW_DEFAULT_DATASTORE: 'local',
    METAFLOW_DEFAULT_METADATA: 'local',
    METAFLOW_DATASTORE_SYSROOT_LOCAL: join(root, 'sysroot'),
    METAFLOW_HOME: join(home, '.metaflowconfig'),
    HOME: home,
    METAFLOW_USER: 'modelship-test',
    USERNAME: 'modelship-test',
  };
}

export function testProvider(root: string, overrides: MetaflowProviderSettings = {}) {
  return createMetaflowProvider({
    python,
    cwd: flowsDir,
    env: metaflowEnv(root),
    trainFlow: 'train_flow.py',
    deployFlow: 'predict_flow.py',
    withCard: false,
    ...overrides,
  });
}

export const flowName = 'ModelshipTrainFlow';

/** Reads back with Metaflow's own client, independently of the provider: the runs of `flow` tagged `tag`. */
export async function runsTaggedByMetaflow(
  env: Record<string, string>,
  flow: string,
  tag: string,
): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const code = [
    'import json, sys',
    'from metaflow import Flow, namespace',
    'namespace(None)',
    'print(json.dumps(sorted(run.pathspec for run in Flow(sys.argv[1]).runs() if sys.argv[2] in run.user_tags)))',
  ].join('\n');
  const { stdout } = await promisify(execFile)(python, ['-c', code, flow, tag], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as string[];
}

/**
 * A run with an Argo-style id (`argo-…`), made the way an Argo Workflows deployment makes one: the
 * flow's own `init` and `step` commands with an explicit `--run-id`. Local `run` only makes numeric ids.
 */
export async function argoStyleRun(root: string, runId: string, params: string[] = []): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const file = join(flowsDir, 'train_flow.py');
  const env = { ...process.env, ...metaflowEnv(root) };
  const command = (args: string[]) =>
    promisify(execFile)(python, [file, '--quiet', '--no-pylint', ...args], { env, timeout: 120_000 });
  await command(['init', '--run-id', runId, '--task-id', 't0', ...params]);
  await command([
    'step',
    'start',
    '--run-id',
    runId,
    '--task-id',
    't1',
    '--input-paths',
    `${runId}/_parameters/t0`,
  ]);
  await command(['step', 'end', '--run-id', runId, '--task-id', 't2', '--input-paths', `${runId}/start/t1`]);
  return `${flowName}/${runId}`;
}

/** A fresh bucket on the shared moto server. */
export async function motoBucket(motoUrl: string, name: string) {
  const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: motoUrl,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return client;
}
