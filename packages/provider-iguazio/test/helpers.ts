import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderContext, type Logger } from '@modelship/core';
import { type MlrunEmulator, startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { afterAll, beforeAll } from 'vitest';
import { createIguazioProvider, type IguazioProviderSettings } from '../src/index.js';

export const accessKey = 'igz-access-key-0123456789';

export async function modelDir(
  content = 'weights-1',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'iguazio-model-'));
  await writeFile(join(dir, 'model.pkl'), content);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function capturingContext(signal?: AbortSignal) {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  return { context: createProviderContext({ logger, signal, secrets: [accessKey] }), lines };
}

/** The provider against an emulator (or any MLRun URL), polling fast; `extra` settings on top. */
export function iguazioAt(apiUrl: string, project: string, extra: Partial<IguazioProviderSettings> = {}) {
  return createIguazioProvider({ apiUrl, accessKey, project, pollIntervalMs: 5, ...extra });
}

/** An MLRun emulator and a work directory for the enclosing suite, both gone after it. */
export function emulatorSuite(workPrefix: string): { emulator: MlrunEmulator; work: string } {
  const suite = {} as { emulator: MlrunEmulator; work: string };
  beforeAll(async () => {
    suite.emulator = await startMlrunEmulator({ accessKey });
    suite.work = await mkdtemp(join(tmpdir(), workPrefix));
  });
  afterAll(async () => {
    await suite.emulator?.close();
    if (suite.work) await rm(suite.work, { recursive: true, force: true });
  });
  return suite;
}
