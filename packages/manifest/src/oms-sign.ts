// Writing OMS bundles (OpenSSF Model Signing, key-based) that `model_signing verify key` accepts.
import type { KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { ManifestErrorCode, ManifestInputError } from './errors.js';
import { type HashProgress, hashFiles } from './hash.js';
import { nodeCrypto } from './lazy-crypto.js';
import {
  dssePae,
  ecHashOf,
  type OmsBundle,
  type OmsResource,
  type OmsSerialization,
  type OmsStatement,
  omsBundleMediaType,
  omsDefaultIgnorePaths,
  omsDefaultShardSize,
  omsIgnores,
  omsKeyHint,
  omsPayloadType,
  omsPredicateType,
  omsStatementType,
} from './oms.js';
import { compareUtf8 } from './paths.js';
import type { KeyInput } from './signature.js';
import { walkFiles } from './walk.js';

export interface CreateOmsBundleOptions {
  /** The model directory; every file under it (but the ignored ones) is signed. */
  path: string;
  /** ECDSA P-256/384/521 private key (PEM or KeyObject). */
  signKey: KeyInput;
  /** `files` (default): one digest per file; `shards`: one per `shardSize` bytes of each file. */
  method?: 'files' | 'shards';
  /** Default 1,000,000,000 bytes, model_signing's. */
  shardSize?: number;
  /** Root-relative paths left out (besides .git, .gitattributes, .github, .gitignore). */
  ignorePaths?: readonly string[];
  /** Where the bundle will be written; left out of the signature when it is inside the model. */
  out?: string;
  concurrency?: number;
  onProgress?: HashProgress;
  onStart?: (totalBytes: number) => void;
}

export interface CreatedOmsBundle {
  bundle: OmsBundle;
  root: string;
  statement: OmsStatement;
}

function toEcPrivateKey(key: KeyInput): KeyObject {
  try {
    const { KeyObject, createPrivateKey } = nodeCrypto();
    const object = key instanceof KeyObject ? key : createPrivateKey(key);
    const curve = object.asymmetricKeyDetails?.namedCurve;
    if (
      object.asymmetricKeyType !== 'ec' ||
      !['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? '')
    ) {
      throw new Error(`${object.asymmetricKeyType} ${curve ?? ''} key`);
    }
    return object;
  } catch (error) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_KEY,
      '--format oms signs with an ECDSA P-256, P-384 or P-521 private key (PEM), as model_signing does; create ' +
        'one with `openssl ecparam -name prime256v1 -genkey -noout | openssl pkey -out key.pem`',
      { cause: error },
    );
  }
}

/** model_signing orders resources by path components, then shard start (Python tuple order). */
function compareResourceKeys(a: { path: string; start: number }, b: { path: string; start: number }): number {
  const left = a.path.split('/');
  const right = b.path.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareUtf8(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  return left.length - right.length || a.start - b.start;
}

/** Hashes a model directory and signs it as an OMS bundle (Sigstore bundle v0.3, DSSE, in-toto). */
export async function createOmsBundle(options: CreateOmsBundleOptions): Promise<CreatedOmsBundle> {
  const key = toEcPrivateKey(options.signKey);
  const root = resolve(options.path);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ManifestInputError(
      ManifestErrorCode.MODEL_UNREADABLE,
      `--format oms signs a model directory, and ${root} is not one; put the model file in a directory`,
      { path: root },
    );
  }
  const method = options.method ?? 'files';
  const shardSize = options.shardSize ?? omsDefaultShardSize;
  if (!Number.isSafeInteger(shardSize) || shardSize <= 0) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      `--shard-size must be a positive integer, got ${shardSize}`,
    );
  }
  const ignorePaths = [...(options.ignorePaths ?? [])];
  if (options.out !== undefined) {
    const inside = relative(root, resolve(options.out));
    if (inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..')
      ignorePaths.unshift(inside.split(sep).join('/'));
  }
  ignorePaths.push(...omsDefaultIgnorePaths);
  const serialization: OmsSerialization = {
    method,
    hash_type: 'sha256',
    ...(method === 'shards' ? { shard_size: shardSize } : {}),
    allow_symlinks: false,
    ignore_paths: [...new Set(ignorePaths)],
  };
  const files = await walkFiles(root, omsIgnores(serialization));
  const items = files.flatMap((file) => {
    if (method === 'files') return [{ file, path: file.path, start: 0, end: file.size, whole: true }];
    // As model_signing: shards of shardSize bytes from 0, the last one shorter; an empty file has none.
    const shards = [];
    for (let start = 0; start < file.size; start += shardSize) {
      shards.push({
        file,
        path: file.path,
        start,
        end: Math.min(start + shardSize, file.size),
        whole: false,
      });
    }
    return shards;
  });
  items.sort(compareResourceKeys);
  const sizes = items.map((item) => item.end - item.start);
  options.onStart?.(sizes.reduce((sum, size) => sum + size, 0));
  const digests = await hashFiles(
    items.map((item) =>
      item.whole
        ? item.file.absolutePath
        : { source: item.file.absolutePath, start: item.start, end: item.end },
    ),
    ['sha256'],
    { sizes, concurrency: options.concurrency, onProgress: options.onProgress },
  );
  const resources: OmsResource[] = items.map((item, index) => ({
    name: item.whole ? item.path : `${item.path}:${item.start}:${item.end}`,
    algorithm: item.whole ? 'sha256' : `sha256-sharded-${shardSize}`,
    digest: digests[index]!.sha256!,
  }));
  const subject = nodeCrypto().createHash('sha256');
  for (const resource of resources) subject.update(Buffer.from(resource.digest, 'hex'));
  const statement: OmsStatement = {
    _type: omsStatementType,
    subject: [{ name: basename(root), digest: { sha256: subject.digest('hex') } }],
    predicateType: omsPredicateType,
    predicate: { serialization, resources },
  };
  const payload = Buffer.from(JSON.stringify(statement, null, 2), 'utf8');
  const signature = nodeCrypto().sign(ecHashOf(key), dssePae(omsPayloadType, payload), key);
  const bundle: OmsBundle = {
    mediaType: omsBundleMediaType,
    verificationMaterial: {
      publicKey: { hint: omsKeyHint(nodeCrypto().createPublicKey(key)) },
      tlogEntries: [],
    },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: omsPayloadType,
      signatures: [{ sig: signature.toString('base64'), keyid: '' }],
    },
  };
  return { bundle, root, statement };
}
