import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary store root plus a tiny linear model (y = 1 + 2·x) to upload. */
export function makeWorkspace(): { root: string; modelDir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'modelship-local-'));
  const modelDir = join(base, 'model');
  mkdirSync(modelDir);
  writeFileSync(
    join(modelDir, 'model.json'),
    JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 1, coefficients: [2] }),
  );
  return {
    root: join(base, '.modelship'),
    modelDir,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A training command that really runs: node writes a model and metrics where provider-local says. */
export const nodeTrainer = {
  command: process.execPath,
  args: [
    '-e',
    [
      "const fs = require('node:fs'), path = require('node:path');",
      'const params = JSON.parse(process.env.MODELSHIP_PARAMS);',
      "console.log('training with', JSON.stringify(params));",
      "fs.writeFileSync(path.join(process.env.MODELSHIP_MODEL_DIR, 'model.json'), JSON.stringify({ kind: 'linear-regression', features: ['x'], intercept: 0, coefficients: [Number(params.slope ?? 1)] }));",
      'fs.writeFileSync(process.env.MODELSHIP_METRICS_FILE, JSON.stringify({ rmse: 0.5, r2: 0.9 }));',
    ].join('\n'),
  ],
};
