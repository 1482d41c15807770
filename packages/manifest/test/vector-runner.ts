import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { specDir, temporaryDir } from './helpers.js';

interface FileSpec {
  text?: string;
  fixture?: string;
  pattern?: { size: number; seed: number };
  flip?: { offset: number; xor: number };
  truncate?: number;
}

export interface Vector {
  name: string;
  model: Record<string, FileSpec | null>;
  outside: Record<string, FileSpec>;
  symlinks: Record<string, string>;
  manifest?: unknown;
  manifestText?: string;
  manifestFixture?: string;
  manifestName: string;
  options: { algorithm?: string; strict?: boolean; model?: string; publicKey?: string };
  expect: {
    outcome: 'verified' | 'integrity-failure' | 'bad-input';
    exitCode: 0 | 1 | 2;
    code?: string;
    jsonPath?: string;
    issues?: [string, string][];
    messageIncludes?: string[];
    algorithms?: string[];
    signature?: string;
  };
}

export const vectorsDir = join(specDir, 'vectors');

export async function loadVectors(): Promise<Vector[]> {
  const names = (await readdir(vectorsDir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(vectorsDir, name), 'utf8'))));
}

async function bytesOf(spec: FileSpec): Promise<Buffer> {
  let bytes: Buffer;
  if (spec.text !== undefined) bytes = Buffer.from(spec.text, 'utf8');
  else if (spec.fixture !== undefined) bytes = await readFile(join(specDir, spec.fixture));
  else {
    bytes = Buffer.alloc(spec.pattern!.size);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + spec.pattern!.seed) & 0xff;
  }
  if (spec.flip) bytes[spec.flip.offset] = bytes[spec.flip.offset]! ^ spec.flip.xor;
  if (spec.truncate !== undefined) bytes = bytes.subarray(0, spec.truncate);
  return bytes;
}

async function writeTree(root: string, files: Record<string, FileSpec | null>) {
  await mkdir(root, { recursive: true });
  for (const [path, spec] of Object.entries(files)) {
    if (spec === null) continue;
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), await bytesOf(spec));
  }
}

export interface MaterialisedVector {
  dir: string;
  root: string;
  manifestPath: string;
  model?: string;
  publicKey?: string;
}

export async function materialise(vector: Vector): Promise<MaterialisedVector> {
  const dir = await temporaryDir();
  const root = join(dir, 'model');
  await writeTree(root, vector.model);
  await writeTree(join(dir, 'outside'), vector.outside);
  for (const [path, target] of Object.entries(vector.symlinks)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await symlink(target, join(root, path));
  }
  const manifestPath = join(root, vector.manifestName);
  const text =
    vector.manifestText ??
    (vector.manifestFixture
      ? await readFile(join(specDir, vector.manifestFixture), 'utf8')
      : JSON.stringify(vector.manifest, null, 2));
  await writeFile(manifestPath, text);
  return {
    dir,
    root,
    manifestPath,
    model: vector.options.model ? join(dir, vector.options.model) : undefined,
    publicKey: vector.options.publicKey ? join(specDir, vector.options.publicKey) : undefined,
  };
}
