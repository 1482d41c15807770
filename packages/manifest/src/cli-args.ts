import { parseArgs } from 'node:util';
import { ManifestErrorCode, ManifestInputError } from './errors.js';

export const manifestCliUsage = `Usage:
  modelship-manifest create <file|dir> [--out F] [--format modelship|algorithmia|oms]
                            [--algorithms md5,sha256] [--name N] [--model-version V] [--uri U]
                            [--sign-key K] [--shard-size BYTES] [--method files|shards]
                            [--ignore-paths P,...] [--json]
  modelship-manifest verify <manifest|model.sig> [--root DIR | --model FILE]
                            [--algorithm md5|sha256|all|strongest] [--public-key K] [--strict]
                            [--certificate-identity I --certificate-oidc-issuer U --trusted-root F]
                            [--cache F] [--json]

--format oms writes an OpenSSF Model Signing bundle (default --out DIR/model.sig) signed with an
ECDSA P-256/384/521 key; verify detects it and needs --public-key. --shard-size adds sharded
SHA-256 digests to a modelship manifest (one huge file verified on every core); with --format oms
it selects the shards method (--method shards alone uses model_signing's 1,000,000,000 bytes).
A keyless (Sigstore) OMS bundle is verified offline with --certificate-identity,
--certificate-oidc-issuer and --trusted-root (trusted_root.json).

Exit codes: 0 verified (or created), 1 integrity failure, 2 bad input.`;

export interface CreateCommand {
  command: 'create';
  path: string;
  out?: string;
  format: 'modelship' | 'algorithmia' | 'oms';
  algorithms: string[];
  /** Bytes per shard: sharded digests (modelship), or the OMS shards method. */
  shardSize?: number;
  /** OMS serialization method. */
  method?: 'files' | 'shards';
  /** OMS: root-relative paths left out of the signature. */
  ignorePaths?: string[];
  name?: string;
  version?: string;
  uri?: string;
  signKey?: string;
  json: boolean;
}

export interface VerifyCommand {
  command: 'verify';
  manifest: string;
  root?: string;
  model?: string;
  algorithm: string;
  publicKey?: string;
  strict: boolean;
  cache?: string;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  json: boolean;
}

export type ManifestCommand = CreateCommand | VerifyCommand | { command: 'help' } | { command: 'version' };

function usage(problem: string): ManifestInputError {
  return new ManifestInputError(ManifestErrorCode.INVALID_OPTIONS, `${problem}\n\n${manifestCliUsage}`);
}

function oneTarget(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw usage(`expected exactly one ${what}, got ${positionals.length}`);
  return positionals[0]!;
}

/** Pure argv → command mapping; throws ManifestInputError (exit 2) on bad usage. */
export function argvToManifestCommand(argv: readonly string[]): ManifestCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  if (command === '--version') return { command: 'version' };
  try {
    if (command === 'create') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          out: { type: 'string', short: 'o' },
          format: { type: 'string', default: 'modelship' },
          algorithms: { type: 'string', default: 'md5,sha256' },
          name: { type: 'string' },
          'model-version': { type: 'string' },
          uri: { type: 'string' },
          'sign-key': { type: 'string' },
          'shard-size': { type: 'string' },
          method: { type: 'string' },
          'ignore-paths': { type: 'string' },
          json: { type: 'boolean', default: false },
        },
      });
      if (values.format !== 'modelship' && values.format !== 'algorithmia' && values.format !== 'oms') {
        throw usage(`--format must be modelship, algorithmia or oms, got "${values.format}"`);
      }
      if (values.format === 'oms' && !values['sign-key']) {
        throw usage('--format oms needs --sign-key with an ECDSA private key: an OMS bundle is a signature');
      }
      if (values.format !== 'oms' && (values.method !== undefined || values['ignore-paths'] !== undefined)) {
        throw usage('--method and --ignore-paths apply to --format oms only');
      }
      if (values.method !== undefined && values.method !== 'files' && values.method !== 'shards') {
        throw usage(`--method must be files or shards, got "${values.method}"`);
      }
      const shardSize = values['shard-size'] === undefined ? undefined : Number(values['shard-size']);
      if (shardSize !== undefined && !(Number.isSafeInteger(shardSize) && shardSize > 0)) {
        throw usage(`--shard-size must be a positive number of bytes, got "${values['shard-size']}"`);
      }
      if (values.format === 'algorithmia' && shardSize !== undefined) {
        throw usage('--shard-size needs --format modelship or oms: the Algorithmia format has one md5');
      }
      if (values.method === 'files' && shardSize !== undefined) {
        throw usage('--shard-size selects the shards method; drop --method files');
      }
      if (values.format === 'algorithmia' && values['sign-key']) {
        throw usage('--sign-key needs --format modelship: the Algorithmia format has no signature field');
      }
      return {
        command,
        path: oneTarget(positionals, 'model file or directory'),
        out: values.out,
        format: values.format,
        algorithms: values.algorithms.split(',').map((name) => name.trim()),
        name: values.name,
        version: values['model-version'],
        uri: values.uri,
        signKey: values['sign-key'],
        shardSize,
        method:
          values.format === 'oms'
            ? ((values.method as 'files' | 'shards' | undefined) ?? (shardSize ? 'shards' : 'files'))
            : undefined,
        ignorePaths: values['ignore-paths']
          ?.split(',')
          .map((path) => path.trim())
          .filter(Boolean),
        json: values.json,
      };
    }
    if (command === 'verify') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          root: { type: 'string' },
          model: { type: 'string' },
          algorithm: { type: 'string', default: 'strongest' },
          'public-key': { type: 'string' },
          strict: { type: 'boolean', default: false },
          cache: { type: 'string' },
          'certificate-identity': { type: 'string' },
          'certificate-oidc-issuer': { type: 'string' },
          'trusted-root': { type: 'string' },
          json: { type: 'boolean', default: false },
        },
      });
      if (values.root !== undefined && values.model !== undefined) {
        throw usage('give --root DIR or --model FILE, not both');
      }
      return {
        command,
        manifest: oneTarget(positionals, 'manifest path'),
        root: values.root,
        model: values.model,
        algorithm: values.algorithm,
        publicKey: values['public-key'],
        strict: values.strict,
        cache: values.cache,
        ...(values['certificate-identity'] !== undefined
          ? { certificateIdentity: values['certificate-identity'] }
          : {}),
        ...(values['certificate-oidc-issuer'] !== undefined
          ? { certificateOidcIssuer: values['certificate-oidc-issuer'] }
          : {}),
        ...(values['trusted-root'] !== undefined ? { trustedRoot: values['trusted-root'] } : {}),
        json: values.json,
      };
    }
  } catch (error) {
    if (ManifestInputError.isInstance(error)) throw error;
    throw usage((error as Error).message);
  }
  throw usage(`unknown command "${command}"`);
}
