// The "one huge file" rows of `npm run bench:manifest`: verifying a 2 GiB single-file model with
// modelship (single-stream SHA-256, and sharded digests on the worker pool) and with the OpenSSF
// model_signing tool (files and shards methods), every contender a fresh process as a user runs it.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ensurePeers, venvBin } from '../scripts/peers.mjs';

const MiB = 1 << 20;
/** modelship's shard size here: 32 shards keep 2 workers balanced; any size from 16 MiB up does. */
const shardSize = 64 * MiB;

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

const signShards = `import sys, model_signing
model_signing.signing.Config().use_elliptic_key_signer(private_key=sys.argv[1]).set_hashing_config(
    model_signing.hashing.Config().use_shard_serialization()
).sign(sys.argv[2], sys.argv[3])`;
// model_signing 1.1.1's CLI re-hashes by files whatever the bundle says, and its library reads
// shard_size back as a float; with the shard size given, the library verifies a shards bundle.
const verifyShards = `import sys, model_signing
model_signing.verifying.Config().use_elliptic_key_verifier(public_key=sys.argv[1]).set_hashing_config(
    model_signing.hashing.Config().use_shard_serialization()
).verify(sys.argv[2], sys.argv[3])`;

/**
 * Adds the rows; `writeFile(path, bytes)` makes distinct data, `compare(a, b)` is the alternating
 * best-of-N timer, `row(...)` the table row of bench/manifest.mjs.
 */
export async function benchHugeModel({ dir, writeFile, compare, row }) {
  ensurePeers(['modelsigning']);
  const python = venvBin('python', 'modelsigning');
  const modelSigning = venvBin('model_signing', 'modelsigning');
  const toolVersion = run(modelSigning, ['--version'], 'model_signing --version').trim();
  const bin = join(import.meta.dirname, '..', 'packages', 'manifest', 'bin', 'modelship-manifest.js');

  const model = join(dir, 'huge-model');
  mkdirSync(model);
  const weights = join(model, 'model.safetensors');
  const bytes = 2048 * MiB;
  writeFile(weights, bytes);
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = join(dir, 'ec.pem');
  const publicKey = join(dir, 'ec.pub');
  writeFileSync(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));

  // Signatures and manifests live outside the model directory, so no tool sees another's file.
  const single = join(dir, 'single.manifest.json');
  const sharded = join(dir, 'sharded.manifest.json');
  const omsFiles = join(dir, 'files.sig');
  const omsShards = join(dir, 'shards.sig');
  run(process.execPath, [bin, 'create', model, '--out', single, '--algorithms', 'sha256'], 'create');
  run(
    process.execPath,
    [bin, 'create', model, '--out', sharded, '--algorithms', 'sha256', '--shard-size', String(shardSize)],
    'create --shard-size',
  );
  run(
    modelSigning,
    ['sign', 'key', model, '--private_key', privateKey, '--signature', omsFiles],
    'model_signing sign',
  );
  run(python, ['-c', signShards, privateKey, model, omsShards], 'model_signing sign (shards)');
  spawnSync('cat', [weights], { stdio: 'ignore' }); // into the page cache

  const modelshipVerify = (manifest) => () =>
    run(process.execPath, [bin, 'verify', manifest, '--root', model], 'modelship-manifest verify');
  const toolFiles = () =>
    run(modelSigning, ['verify', 'key', model, '--signature', omsFiles, '--public_key', publicKey], 'verify');
  const toolShards = () => run(python, ['-c', verifyShards, publicKey, model, omsShards], 'verify (shards)');

  const label = `1 file x 2 GiB, verify`;
  const [filesMs, shardedVsFiles] = await compare(toolFiles, modelshipVerify(sharded));
  row(
    `${label} vs OMS files`,
    `${toolVersion} verify key (files)`,
    filesMs,
    'modelship sharded',
    shardedVsFiles,
    bytes,
    {
      text: '>= 2.5x',
      ok: (r) => r >= 2.5,
    },
  );
  const [shardsMs, shardedVsShards] = await compare(toolShards, modelshipVerify(sharded));
  row(
    `${label} vs OMS shards`,
    `${toolVersion} shards (1 GB, threads)`,
    shardsMs,
    'modelship sharded',
    shardedVsShards,
    bytes,
    {
      text: '>= 1.3x',
      ok: (r) => r >= 1.3,
    },
  );
  // No goal: how close modelship is to a bare read-and-hash on every core (a ratio near 1 means
  // the rest of the time is reading and hashing, which no verifier here can skip).
  const floor = () =>
    run(process.execPath, [join(import.meta.dirname, 'sha256-floor.mjs'), weights], 'floor');
  const [floorMs, shardedVsFloor] = await compare(floor, modelshipVerify(sharded));
  row(
    `${label} vs the floor`,
    `bare read + SHA-256 on ${availableParallelism()} threads`,
    floorMs,
    'modelship sharded',
    shardedVsFloor,
    bytes,
  );
  const [singleMs, shardedVsSingle] = await compare(modelshipVerify(single), modelshipVerify(sharded));
  row(
    `${label} vs single stream`,
    'modelship sha256 (1 stream)',
    singleMs,
    `modelship ${shardSize / MiB} MiB shards`,
    shardedVsSingle,
    bytes,
    {
      text: '>= 1.7x',
      ok: (r) => r >= 1.7,
    },
  );
}
