import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromoter, createProviderContext, openFileLedger } from '../src/index.js';
import { fakeProvider } from './helpers/fake-provider.js';

const API_TOKEN = 'tok-3c9f1e7a55b2d0';
const URL_PASSWORD = 'pw-7f7e7d7c';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? allFiles(join(root, e.name)) : [join(root, e.name)])),
  );
  return nested.flat();
}

describe('secrets', () => {
  it('no secret a provider sees reaches the ledger, the snapshot, a log line or an error', async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: unknown) =>
      lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const context = createProviderContext({
      logger: { debug: record, info: record, warn: record, error: record },
      secrets: [API_TOKEN],
    });
    let deploys = 0;
    const provider = fakeProvider('leaky', ['deploy'], {
      deploy: async (_input, ctx) => {
        deploys += 1;
        ctx.logger.info(`calling the platform with token ${API_TOKEN}`, {
          authorization: `Bearer ${API_TOKEN}`,
        });
        if (deploys > 1) throw new Error(`platform said 401 for key ${API_TOKEN}`);
        return {
          status: { unified: 'deployed', raw: 'ok' },
          endpoint: `https://svc:${URL_PASSWORD}@models.example/churn?key=${API_TOKEN}`,
          refs: { session: API_TOKEN },
          warnings: [],
        };
      },
    });
    const ledgerDir = join(dir, '.modelship');
    const promoter = createPromoter({
      ledger: openFileLedger(ledgerDir),
      provider,
      context,
      env: { USER: 'ci' },
      captureProvenance: false,
    });
    await promoter.register({ model: 'm', metrics: {}, refs: { uploadedWith: API_TOKEN } });
    await promoter.register({ model: 'm', metrics: { a: 1 } });
    const result = await promoter.promote({ model: 'm', version: 'v1', to: 'development' });
    const error = await promoter
      .promote({ model: 'm', version: 'v2', to: 'development' })
      .catch((e: Error) => e);
    const outputs = [
      ...lines,
      String((error as Error).message),
      JSON.stringify((await promoter.status('m')).stages),
      JSON.stringify(await promoter.history('m')),
      ...(await Promise.all((await allFiles(ledgerDir)).map((file) => readFile(file, 'utf8')))),
    ];
    expect(result.outcome).toBe('promoted');
    expect(lines.join('\n')).toContain('token ***');
    for (const text of outputs) {
      expect(text).not.toContain(API_TOKEN);
      expect(text).not.toContain(URL_PASSWORD);
    }
  });
});
