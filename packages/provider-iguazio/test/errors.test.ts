import { startMlrunEmulator } from '@modelship/testing-mlrun-emulator';
import { describe, expect, it } from 'vitest';
import {
  createIguazioProvider,
  errorCodeForStatus,
  mapFunctionState,
  mapWorkflowState,
} from '../src/index.js';
import { accessKey, capturingContext, modelDir } from './helpers.js';

describe('settings, auth and error mapping', () => {
  it('names the option and the environment variable when the API URL is missing', async () => {
    const provider = createIguazioProvider({ project: 'p', env: {} });
    const { context } = capturingContext();
    await expect(provider.status({ model: { name: 'm' } }, context)).rejects.toThrow(
      'pass apiUrl (--api-url) or set MLRUN_DBPATH',
    );
  });

  it('reads apiUrl, project and access key from the environment, lazily', async () => {
    const emulator = await startMlrunEmulator({ accessKey });
    const provider = createIguazioProvider({
      env: { MLRUN_DBPATH: emulator.url, MLRUN_DEFAULT_PROJECT: 'env-project', V3IO_ACCESS_KEY: accessKey },
    });
    const { context } = capturingContext();
    const description = await provider.describe(context);
    expect(description.settings).toMatchObject({ project: 'env-project', accessKey: '***' });
    const model = await modelDir();
    await provider.upload({ model: { name: 'm' }, path: model.dir }, context);
    await model.cleanup();
    expect(emulator.projects.has('env-project')).toBe(true);
    await emulator.close();
  });

  it('a wrong access key is auth_failed and never printed', async () => {
    const emulator = await startMlrunEmulator({ accessKey });
    const wrong = 'wrong-key-abcdef';
    const provider = createIguazioProvider({ apiUrl: emulator.url, accessKey: wrong, project: 'p' });
    const { context, lines } = capturingContext();
    const model = await modelDir();
    const error = await provider
      .upload({ model: { name: 'm' }, path: model.dir }, context)
      .catch((e: Error) => e);
    await model.cleanup();
    await emulator.close();
    expect(error).toMatchObject({ code: 'auth_failed', rawCode: 401 });
    expect(String((error as Error).message)).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
  });

  it('throttling is retryable, validation is invalid_input', () => {
    expect(errorCodeForStatus(429)).toBe('throttled');
    expect(errorCodeForStatus(503)).toBe('throttled');
    expect(errorCodeForStatus(422)).toBe('invalid_input');
    expect(errorCodeForStatus(404)).toBe('not_found');
    expect(errorCodeForStatus(403)).toBe('auth_failed');
  });

  it('a 429 from the API surfaces as a retryable ProviderError', async () => {
    const fetch429: typeof fetch = async () =>
      new Response(JSON.stringify({ detail: 'rate limited' }), {
        status: 429,
        headers: { 'content-type': 'application/json' },
      });
    const provider = createIguazioProvider({ apiUrl: 'http://mlrun.invalid', project: 'p', fetch: fetch429 });
    const { context } = capturingContext();
    await expect(provider.status({ model: { name: 'm' }, stage: 'staging' }, context)).rejects.toMatchObject({
      code: 'throttled',
      isRetryable: true,
      message: expect.stringContaining('rate limited'),
    });
  });

  it('maps platform states keeping the raw value', () => {
    expect(mapWorkflowState('Succeeded')).toEqual({ unified: 'succeeded', raw: 'Succeeded' });
    expect(mapWorkflowState('Error')).toEqual({ unified: 'failed', raw: 'Error' });
    expect(mapWorkflowState('Weird')).toEqual({ unified: 'unknown', raw: 'Weird' });
    expect(mapFunctionState('ready')).toEqual({ unified: 'deployed', raw: 'ready' });
    expect(mapFunctionState('unhealthy')).toEqual({ unified: 'failed', raw: 'unhealthy' });
  });
});
