// A pachctl double holding the housing-prices world of the Pachyderm GitHub Action:
// housing_data with the first data set, the `regression` spec, and its image pushed.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProviderContext, type Logger, silentLogger } from '@modelship/core';
import { type PachctlDouble, startPachctlDouble } from '@modelship/testing-pachctl-double';
import type { PachydermProviderSettings } from '../src/index.js';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The real `modelship-pachyderm` bin of @modelship/cli; `cliBuilt` says whether it and this package's CLI are built. */
export const cliBin = fileURLToPath(new URL('../../cli/bin/modelship-pachyderm.js', import.meta.url));
export const cliBuilt =
  existsSync(fileURLToPath(new URL('../../cli/dist/wrapper.js', import.meta.url))) &&
  existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
export const imageName = 'acme/housing-prices';
export const token = 'pachyderm-auth-token-5ecret-value';
/** The git commit the world's images are "built from". */
export const gitSha = 'c0ffee1c0ffee1c0ffee1c0ffee1c0ffee1c0ff';

export interface HousingWorld {
  double: PachctlDouble;
  spec: string;
  settings: PachydermProviderSettings;
  /** Commits `file` as /housing.csv in housing_data@master; returns the commit id. */
  putData(file: string): string;
  cleanup(): void;
}

export function housingWorld(options: { tag?: string; seed?: boolean } = {}): HousingWorld {
  const double = startPachctlDouble({ authToken: token });
  const work = join(double.stateDir, 'work-tree');
  mkdirSync(work, { recursive: true });
  const spec = join(work, 'regression.json');
  cpSync(join(fixtures, 'regression.json'), spec);
  double.pushImage(`${imageName}:${options.tag ?? 'c0ffee1'}`, join(fixtures, 'image'));
  double.run(['auth', 'use-auth-token'], `${token}\n`);
  double.run(['create', 'repo', 'housing_data']);
  const putData = (file: string) => {
    const id = double.run(['start', 'commit', 'housing_data@master']).trim();
    double.run([
      'put',
      'file',
      `housing_data@master=${id}:/housing.csv`,
      '-f',
      join(fixtures, file),
      '--progress=false',
    ]);
    double.run(['finish', 'commit', `housing_data@${id}`]);
    return id;
  };
  if (options.seed !== false) putData('housing-simplified-1.csv');
  return {
    double,
    spec,
    putData,
    settings: {
      pachctl: double.pachctl,
      env: double.env,
      authToken: token,
      image: imageName,
      imageTag: options.tag ?? 'c0ffee1',
      gitSha: gitSha,
      pipelineSpecs: [spec],
      pollIntervalMs: 20,
      environment: {},
    },
    cleanup: double.cleanup,
  };
}

export function quietContext(options: { signal?: AbortSignal; logger?: Logger } = {}) {
  return createProviderContext({ logger: options.logger ?? silentLogger, secrets: [token], ...options });
}
