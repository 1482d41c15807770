import { describe, expect, it } from 'vitest';
import { settingFlags, settingsSchema } from '../src/index.js';

describe('settingsSchema and settingFlags', () => {
  it('parses settings as a config or flags give them, and names an unknown key', () => {
    expect(
      settingsSchema.parse({
        image: 'acme/housing-prices',
        pipelineSpecs: ['a.json b.json', 'c.json'],
        build: 'docker build --tag {image} . && docker push {image}',
        stageBranches: ['production=prod'],
      }),
    ).toEqual({
      image: 'acme/housing-prices',
      pipelineSpecs: ['a.json', 'b.json', 'c.json'],
      build: [
        { command: 'docker', args: ['build', '--tag', '{image}', '.'] },
        { command: 'docker', args: ['push', '{image}'] },
      ],
      stageBranches: { production: 'prod' },
    });
    const result = settingsSchema.safeParse({ image: 'x', imageTags: 'y' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('imageTags');
  });

  it('names every setting’s flag metadata, the env variables of the Pachyderm action, and the secret', () => {
    expect(Object.keys(settingFlags).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    expect(settingFlags.authToken).toMatchObject({ env: 'PACHYDERM_AUTH_TOKEN', secret: true });
    expect(settingFlags.gitSha).toMatchObject({ env: 'GITHUB_SHA' });
    expect(settingFlags.pipelineSpecs).toMatchObject({
      env: 'PACHYDERM_PIPELINE_FILES',
      flag: 'pipeline-spec',
    });
  });
});
