#!/usr/bin/env node
// Regenerates vectors/*.json. Digests, the aggregate and signatures are computed here from
// node:crypto primitives and SPEC.md alone (not with @modelship/manifest), so the vectors check
// both implementations against the spec rather than against each other.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const privateKey = createPrivateKey(readFileSync(join(here, 'keys', 'test-ed25519.key.pem')));
const rawPublicKey = Buffer.from(
  createPublicKey(privateKey).export({ format: 'jwk' }).x,
  'base64url',
).toString('base64');

function bytesOf(spec) {
  if (spec.text !== undefined) return Buffer.from(spec.text, 'utf8');
  if (spec.fixture !== undefined) return readFileSync(join(here, spec.fixture));
  const out = Buffer.alloc(spec.pattern.size);
  for (let i = 0; i < out.length; i += 1) out[i] = (i * 31 + spec.pattern.seed) & 0xff;
  return out;
}
const digest = (name, bytes) => createHash(name).update(bytes).digest('hex');

function entry(path, spec, algorithms = ['md5', 'sha256']) {
  const bytes = bytesOf(spec);
  const file = { path, size: bytes.length };
  for (const name of algorithms) file[name] = digest(name, bytes);
  return file;
}

function aggregate(files, algorithm) {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return digest(algorithm, sorted.map((file) => `${file[algorithm]}  ${file.path}\n`).join(''));
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const provenance = {
  source: 'github-actions',
  repository: 'acme/churn-model',
  ref: 'refs/heads/main',
  commit: 'b4aba5bae66affd5194e35803392dc34e99d154e',
  commitMessage: 'Retrain: more data arrived',
  workflow: 'acme/churn-model/.github/workflows/train.yml@refs/heads/main',
  runId: '6400000001',
  runAttempt: '1',
  actor: 'octocat',
  uploadedAt: '2026-11-23T17:09:14.123Z',
};

function modelship(model, { algorithms, name = 'churn-model', extra = {} } = {}) {
  const files = Object.entries(model).map(([path, spec]) => entry(path, spec, algorithms));
  const algorithm = files.every((file) => file.sha256) ? 'sha256' : 'md5';
  return {
    schema: 'modelship.manifest/v1',
    name,
    version: '1.4.0',
    files,
    digest: { algorithm, value: aggregate(files, algorithm) },
    provenance,
    ...extra,
  };
}

// SPEC.md §2.1: every file larger than shardSize gets the SHA-256 of each shardSize bytes of it.
function withShards(manifest, model, shardSize) {
  const files = manifest.files.map((file) => {
    const bytes = bytesOf(model[file.path]);
    if (bytes.length <= shardSize) return file;
    const sha256 = [];
    for (let start = 0; start < bytes.length; start += shardSize)
      sha256.push(digest('sha256', bytes.subarray(start, start + shardSize)));
    return { ...file, shards: { size: shardSize, sha256 } };
  });
  return { ...manifest, files };
}

function signed(manifest) {
  const value = sign(null, Buffer.from(canonical(manifest), 'utf8'), privateKey).toString('base64');
  return { ...manifest, signature: { algorithm: 'ed25519', publicKey: rawPublicKey, value } };
}

const weights = { pattern: { size: (1 << 20) + 3, seed: 7 } };
const small = { 'model.pkl': { text: 'pretend pickle bytes\n' } };
const directory = {
  'weights.bin': weights,
  'config/model.json': { text: '{"layers": 3}\n' },
  'données/ñ.txt': { text: 'unicode paths sort by UTF-8 bytes\n' },
  'Z.txt': { text: 'upper case sorts first\n' },
};
// The bytes of fixtures/sharded (whose manifest the TypeScript CLI made with --shard-size 1000).
const shardedModel = {
  'weights.bin': { pattern: { size: 3172, seed: 5 } },
  'config.json': { text: '{"layers": 2}\n' },
};
const sharded = withShards(modelship(shardedModel), shardedModel, 1000);
const withWeightsShards = (shards) => ({
  ...sharded,
  files: [{ ...sharded.files[0], shards: { ...sharded.files[0].shards, ...shards } }, sharded.files[1]],
});
const verified = { outcome: 'verified', exitCode: 0 };
const integrity = (code, more = {}) => ({ outcome: 'integrity-failure', exitCode: 1, code, ...more });
const badInput = (code, more = {}) => ({ outcome: 'bad-input', exitCode: 2, code, ...more });
const base = modelship(directory);
const tamperedSignature = { ...signed(base), name: 'renamed-after-signing' };
const algorithmiaSmall = {
  model_filepath: 'acme/churn/model_b4aba5b.pkl',
  model_md5_hash: digest('md5', bytesOf(small['model.pkl'])),
  model_origin_commit_SHA: provenance.commit,
  model_origin_commit_msg: null,
  model_origin_repo: provenance.repository,
  model_origin_ref: provenance.ref,
  model_uploaded_utc: '2026-11-23 17:09:14.123000',
};

const cases = {
  'verified-directory': { model: directory, manifest: base, expect: { ...verified, algorithms: ['sha256'] } },
  'verified-md5-only': {
    model: small,
    manifest: modelship(small, { algorithms: ['md5'] }),
    expect: { ...verified, algorithms: ['md5'] },
  },
  'verified-algorithm-all': {
    model: small,
    manifest: modelship(small),
    options: { algorithm: 'all' },
    expect: { ...verified, algorithms: ['md5', 'sha256'] },
  },
  'verified-forced-md5': {
    model: small,
    manifest: modelship(small),
    options: { algorithm: 'md5' },
    expect: { ...verified, algorithms: ['md5'] },
  },
  'verified-unknown-fields-tolerated': {
    model: small,
    manifest: modelship(small, { extra: { futureField: { nested: [1, 2] } } }),
    expect: verified,
  },
  // 1,500 levels: deeper than Python's default recursion limit, well within JSON.parse's.
  'verified-deeply-nested-unknown-field': {
    model: small,
    manifestText: `${JSON.stringify(modelship(small)).slice(0, -1)},"futureField":${'['.repeat(1500)}${']'.repeat(1500)}}`,
    expect: verified,
  },
  'verified-extra-file-not-strict': {
    model: { ...small, 'notes.txt': { text: 'not in the manifest' } },
    manifest: modelship(small),
    expect: verified,
  },
  'verified-symlink-inside-root': {
    model: { 'real/model.pkl': small['model.pkl'] },
    symlinks: { 'model.pkl': 'real/model.pkl' },
    manifest: modelship({ 'model.pkl': small['model.pkl'], 'real/model.pkl': small['model.pkl'] }),
    expect: verified,
  },
  'flipped-byte': {
    model: { ...directory, 'weights.bin': { ...weights, flip: { offset: 524288, xor: 1 } } },
    manifest: base,
    expect: integrity('MODEL_DIGEST_MISMATCH', { issues: [['MODEL_DIGEST_MISMATCH', 'weights.bin']] }),
  },
  truncated: {
    model: { ...directory, 'weights.bin': { ...weights, truncate: 1000 } },
    manifest: base,
    expect: integrity('MODEL_SIZE_MISMATCH', { issues: [['MODEL_SIZE_MISMATCH', 'weights.bin']] }),
  },
  'missing-file': {
    model: { ...directory, 'config/model.json': null },
    manifest: base,
    expect: integrity('MODEL_FILE_MISSING', { issues: [['MODEL_FILE_MISSING', 'config/model.json']] }),
  },
  'extra-file-strict': {
    model: { ...directory, 'config/stray.bin': { text: 'x' } },
    manifest: base,
    options: { strict: true },
    expect: integrity('MODEL_FILE_EXTRA', { issues: [['MODEL_FILE_EXTRA', 'config/stray.bin']] }),
  },
  'traversal-path': {
    model: small,
    manifest: { ...modelship(small), files: [{ ...modelship(small).files[0], path: '../../etc/passwd' }] },
    expect: badInput('MANIFEST_UNSAFE_PATH', { jsonPath: 'files[0].path' }),
  },
  'absolute-path': {
    model: small,
    manifest: { ...modelship(small), files: [{ ...modelship(small).files[0], path: '/etc/passwd' }] },
    expect: badInput('MANIFEST_UNSAFE_PATH', { jsonPath: 'files[0].path' }),
  },
  'symlink-escape': {
    model: {},
    outside: small,
    symlinks: { 'model.pkl': '../outside/model.pkl' },
    manifest: modelship(small),
    expect: badInput('MANIFEST_SYMLINK_ESCAPE'),
  },
  'symlinked-directory-escape': {
    model: {},
    outside: small,
    symlinks: { sub: '../outside' },
    manifest: modelship({ 'sub/model.pkl': small['model.pkl'] }),
    expect: badInput('MANIFEST_SYMLINK_ESCAPE'),
  },
  'malformed-json': {
    model: small,
    manifestText: '{"schema": "modelship.manifest/v1", "files": [',
    expect: badInput('MANIFEST_MALFORMED_JSON'),
  },
  'wrong-type': {
    model: small,
    manifest: { ...modelship(small), files: [{ ...modelship(small).files[0], size: '21' }] },
    expect: badInput('MANIFEST_INVALID_FIELD', { jsonPath: 'files[0].size' }),
  },
  'bad-digest-format': {
    model: small,
    manifest: { ...modelship(small), files: [{ ...modelship(small).files[0], sha256: 'ABC' }] },
    expect: badInput('MANIFEST_INVALID_FIELD', { jsonPath: 'files[0].sha256' }),
  },
  'unknown-format': {
    model: small,
    manifestText: '{"weights": "model.pkl"}',
    expect: badInput('MANIFEST_UNKNOWN_FORMAT'),
  },
  'unknown-algorithm': {
    model: small,
    manifest: modelship(small),
    options: { algorithm: 'sha1' },
    expect: badInput('MANIFEST_UNKNOWN_ALGORITHM'),
  },
  'aggregate-mismatch': {
    model: directory,
    manifest: { ...base, files: base.files.slice(1) },
    expect: integrity('MANIFEST_AGGREGATE_MISMATCH'),
  },
  'signed-verified': {
    model: directory,
    manifest: signed(base),
    options: { publicKey: 'keys/test-ed25519.pub.pem' },
    expect: { ...verified, signature: 'verified' },
  },
  'signed-self-consistent-without-key': {
    model: directory,
    manifest: signed(base),
    expect: { ...verified, signature: 'self-consistent' },
  },
  'bad-signature': {
    model: { ...directory, 'weights.bin': null },
    manifest: tamperedSignature,
    options: { publicKey: 'keys/test-ed25519.pub.pem' },
    expect: integrity('MANIFEST_SIGNATURE_INVALID', {
      note: 'checked before hashing: the missing file is never reached',
    }),
  },
  'signed-with-another-key': {
    model: directory,
    manifest: signed(base),
    options: { publicKey: 'keys/other-ed25519.pub.pem' },
    expect: integrity('MANIFEST_SIGNATURE_INVALID'),
  },
  'unsigned-but-key-required': {
    model: directory,
    manifest: base,
    options: { publicKey: 'keys/test-ed25519.pub.pem' },
    expect: integrity('MANIFEST_SIGNATURE_MISSING'),
  },
  'verified-sharded-made-by-the-cli': {
    model: {
      'weights.bin': { fixture: 'fixtures/sharded/weights.bin' },
      'config.json': shardedModel['config.json'],
    },
    manifestFixture: 'fixtures/sharded/modelship.manifest.json',
    options: { strict: true },
    expect: { ...verified, algorithms: ['sha256'] },
  },
  'verified-sharded-algorithm-all': {
    model: shardedModel,
    manifest: sharded,
    options: { algorithm: 'all' },
    expect: { ...verified, algorithms: ['md5', 'sha256'] },
  },
  'sharded-flipped-second-shard': {
    model: {
      ...shardedModel,
      'weights.bin': { ...shardedModel['weights.bin'], flip: { offset: 1500, xor: 1 } },
    },
    manifest: sharded,
    expect: integrity('MODEL_DIGEST_MISMATCH', {
      issues: [['MODEL_DIGEST_MISMATCH', 'weights.bin']],
      messageIncludes: [
        `weights.bin bytes [1000, 2000): sha256 expected ${sharded.files[0].shards.sha256[1]}`,
      ],
    }),
  },
  'sharded-wrong-count': {
    model: shardedModel,
    manifest: withWeightsShards({ sha256: sharded.files[0].shards.sha256.slice(1) }),
    expect: badInput('MANIFEST_INVALID_FIELD', {
      jsonPath: 'files[0].shards.sha256',
      messageIncludes: ['must hold 4 digests (one per 1000 bytes)'],
    }),
  },
  'sharded-bad-hex': {
    model: shardedModel,
    manifest: withWeightsShards({
      sha256: sharded.files[0].shards.sha256.map((d, i) => (i === 1 ? d.toUpperCase() : d)),
    }),
    expect: badInput('MANIFEST_INVALID_FIELD', { jsonPath: 'files[0].shards.sha256[1]' }),
  },
  'sharded-size-zero': {
    model: shardedModel,
    manifest: withWeightsShards({ size: 0 }),
    expect: badInput('MANIFEST_INVALID_FIELD', { jsonPath: 'files[0].shards.size' }),
  },
  'algorithmia-verified': {
    model: small,
    manifest: algorithmiaSmall,
    manifestName: 'model_manifest.json',
    options: { model: 'model/model.pkl' },
    expect: { ...verified, algorithms: ['md5'] },
  },
  'algorithmia-real-tampered': {
    model: { 'model.pkl': { fixture: 'fixtures/algorithmia/tampered-model.pkl' } },
    manifestFixture: 'fixtures/algorithmia/tampered-model_manifest.json',
    manifestName: 'model_manifest.json',
    options: { model: 'model/model.pkl' },
    expect: integrity('MODEL_DIGEST_MISMATCH', {
      messageIncludes: ['70367caa502a62e043b80cb33f017446', '14de79a5198bb80ba4c4f4d82acab740'],
    }),
  },
  'algorithmia-sha256-unavailable': {
    model: small,
    manifest: algorithmiaSmall,
    manifestName: 'model_manifest.json',
    options: { model: 'model/model.pkl', algorithm: 'sha256' },
    expect: badInput('MANIFEST_ALGORITHM_UNAVAILABLE'),
  },
  'algorithmia-unfilled-template': {
    model: small,
    manifestFixture: 'fixtures/algorithmia/template-model_manifest.json',
    manifestName: 'model_manifest.json',
    options: { model: 'model/model.pkl' },
    expect: badInput('MANIFEST_INVALID_FIELD', { jsonPath: 'model_md5_hash' }),
  },
};

const vectorsDir = join(here, 'vectors');
mkdirSync(vectorsDir, { recursive: true });
for (const file of readdirSync(vectorsDir)) if (file.endsWith('.json')) rmSync(join(vectorsDir, file));
for (const [name, spec] of Object.entries(cases)) {
  const vector = {
    name,
    manifestName: 'modelship.manifest.json',
    options: {},
    outside: {},
    symlinks: {},
    ...spec,
  };
  writeFileSync(join(vectorsDir, `${name}.json`), `${JSON.stringify(vector, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(cases).length} vectors to ${vectorsDir}`);
