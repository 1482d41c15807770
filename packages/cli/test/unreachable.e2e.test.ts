// A platform that cannot be reached is named: which call, which URL (no query, no credentials) and
// why — not a bare "fetch failed".
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../core/test/helpers/http.js';
import { cli, makeProject } from './helpers.js';

const project = makeProject('');
afterAll(() => project.cleanup());

describe('an unreachable platform API', () => {
  it('modelship-algorithmia names the operation and the API URL, and keeps the key out', async () => {
    const port = await closedPort();
    const key = 'simUnreachableKey123';
    const result = await cli(['status', '--model', 'm', '--stage', 'production'], {
      cwd: project.dir,
      bin: 'modelship-algorithmia',
      env: {
        ALGORITHMIA_API: `http://127.0.0.1:${port}`,
        ALGORITHMIA_API_KEY: key,
        ALGORITHMIA_USERNAME: 'acme',
        ALGORITHMIA_ALGONAME: 'churn',
      },
    });
    expect(result.code).toBe(1);
    // Which call comes first (get algorithm, list builds…) is the provider's business; each is named.
    expect(result.stderr).toMatch(
      new RegExp(
        `error \\[provider_error\\]: [a-z ]+: cannot reach the Algorithmia API at http://127\\.0\\.0\\.1:${port}/v1/algorithms/acme/churn\\S* \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); check apiAddress \\(ALGORITHMIA_API\\) and the network`,
      ),
    );
    expect(result.stderr).not.toContain(key);
  });

  it('modelship-iguazio names the operation, the MLRun API URL and what it was for', async () => {
    const port = await closedPort();
    const result = await cli(['status', '--model', 'm', '--stage', 'production', '--json'], {
      cwd: project.dir,
      bin: 'modelship-iguazio',
      env: { MLRUN_DBPATH: `http://127.0.0.1:${port}`, MLRUN_DEFAULT_PROJECT: 'churn' },
    });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as {
      error: { code: string; message: string; details: unknown };
    };
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(
      new RegExp(
        `^status: cannot reach the MLRun API at http://127\\.0\\.0\\.1:${port}/api/v1/projects/churn/\\S+ \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); needed for serving function churn/serving-production; check apiUrl \\(MLRUN_DBPATH\\) and the network$`,
      ),
    );
    expect(error.details).toMatchObject({
      provider: 'iguazio',
      operation: 'status',
      rawCode: 'ECONNREFUSED',
    });
  });
});
