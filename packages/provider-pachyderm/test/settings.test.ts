import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../src/index.js';

describe('settingsSchema', () => {
  it('parses the settings a config gives, and names an unknown key', () => {
    expect(
      settingsSchema.parse({
        image: 'acme/housing-prices',
        pipelineSpecs: ['regression.json'],
        reprocess: true,
      }),
    ).toEqual({ image: 'acme/housing-prices', pipelineSpecs: ['regression.json'], reprocess: true });
    const result = settingsSchema.safeParse({ image: 'x', imageTags: 'y' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('imageTags');
  });

  it('names each setting’s flag and environment variable, and marks the token secret', () => {
    expect(settingsSchema.shape.authToken.meta()).toMatchObject({
      flag: 'auth-token',
      env: 'PACHYDERM_AUTH_TOKEN',
      secret: true,
    });
    expect(settingsSchema.shape.gitSha.meta()).toMatchObject({ flag: 'git-sha', env: 'GITHUB_SHA' });
  });
});
