// The inference server as a process: provider-local's `deploy` starts one per stage, detached,
// and learns through the ready file whether it verified the model and where it listens.
import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startInferenceServer } from './server.js';

async function report(path: string | undefined, value: unknown): Promise<void> {
  if (!path) return;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value));
  await rename(temporary, path);
}

const { values } = parseArgs({
  options: {
    artifact: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'string' },
    stage: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'ready-file': { type: 'string' },
  },
});

if (!values.artifact) {
  process.stderr.write('usage: server-main --artifact <dir> [--port N] [--ready-file F]\n');
  process.exit(2);
}

try {
  const server = await startInferenceServer({
    artifactDir: values.artifact,
    model: values.model,
    version: values.version,
    stage: values.stage,
    host: values.host,
    port: Number(values.port),
  });
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(
    `serving ${values.model ?? ''}@${values.version ?? ''} on ${server.url} (${server.health.manifestDigest})\n`,
  );
  await report(values['ready-file'], {
    ok: true,
    pid: process.pid,
    port: server.port,
    url: server.url,
    health: server.health,
  });
} catch (error) {
  const failure = error as { code?: string; message?: string; issues?: unknown };
  process.stderr.write(`refusing to serve ${values.artifact}: ${failure.message ?? String(error)}\n`);
  await report(values['ready-file'], {
    ok: false,
    pid: process.pid,
    code: failure.code ?? 'SERVER_START_FAILED',
    message: failure.message ?? String(error),
    issues: failure.issues,
  });
  process.exit(1);
}
