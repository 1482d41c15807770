// What a README's examples assume is already there (the reader's model folder, keys, training
// script), by package folder. Each README's blocks then run in order in one directory, so a later
// block sees what an earlier one made — as a reader following along would.
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../packages.mjs';
import { bin, linearModel } from './helpers.js';

type Fixture = (dir: string, app: string) => void;

function modelFolder(dir: string) {
  mkdirSync(join(dir, 'model'), { recursive: true });
  writeFileSync(join(dir, 'model', 'model.json'), linearModel(2));
  writeFileSync(join(dir, 'model', 'weights.safetensors'), Buffer.alloc(2048, 3));
}

export const readmeFixtures: Record<string, Fixture> = {
  // A model stamped and signed with a release key, the key's public half where the example reads it.
  manifest(dir, app) {
    modelFolder(dir);
    mkdirSync(join(dir, 'keys'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'keys', 'release.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'keys', 'release.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const manifest = join('model', 'modelship.manifest.json');
    const args = ['create', 'model', '--out', manifest, '--sign-key', join('keys', 'release.pem')];
    const created = bin(app, 'modelship-manifest', args, { cwd: dir });
    if (created.code !== 0) throw new Error(`manifest fixture: ${created.stderr}`);
    // The transcript's tampered model: the real Algorithmia demo files the shared vectors use.
    for (const file of ['tampered-model_manifest.json', 'tampered-model.pkl'])
      copyFileSync(join(repoRoot, 'spec', 'manifest', 'fixtures', 'algorithmia', file), join(dir, file));
  },
  // The lifecycle registers ./model; one approval guards production.
  core(dir) {
    modelFolder(dir);
    writeFileSync(
      join(dir, 'modelship.config.json'),
      JSON.stringify({ approvals: { production: { count: 1 } } }),
    );
  },
  // The reader's training script: what `modelship train -- python train.py` runs.
  cli(dir) {
    writeFileSync(
      join(dir, 'train.py'),
      [
        'import json, os',
        'with open(os.path.join(os.environ["MODELSHIP_MODEL_DIR"], "model.json"), "w") as f:',
        `    f.write(${JSON.stringify(linearModel(2))})`,
        'with open(os.environ["MODELSHIP_METRICS_FILE"], "w") as f:',
        '    json.dump({"r2": 0.71, "rmse": 3.2}, f)',
        '',
      ].join('\n'),
    );
  },
  'provider-algorithmia'(dir) {
    writeFileSync(join(dir, 'test_cases.json'), JSON.stringify([{ input: { x: 1 }, expected: 2 }]));
  },
};
