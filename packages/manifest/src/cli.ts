// The `modelship-manifest` command as a library: the bin is a shim, and the `modelship` CLI
// reuses runManifestCli. Heavy work (zod, hashing) is imported only by the command that needs it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  argvToManifestCommand,
  type CreateCommand,
  manifestCliUsage,
  type VerifyCommand,
} from './cli-args.js';
import { createProgress, type ProgressStream } from './progress.js';
import {
  algorithmiaManifestFileName,
  detectFormat,
  ManifestError,
  ManifestErrorCode,
  ManifestInputError,
  ModelIntegrityError,
  modelshipManifestFileName,
} from './verify.js';

export { argvToManifestCommand, type ManifestCommand, manifestCliUsage } from './cli-args.js';

export interface ManifestCliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export const manifestExitCode = { verified: 0, integrityFailure: 1, badInput: 2 } as const;

function readKey(value: string, what: string, cwd: string): string {
  const path = resolve(cwd, value);
  if (existsSync(path)) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new ManifestInputError(ManifestErrorCode.INVALID_OPTIONS, `cannot read ${what} ${path}`, {
        cause: error,
      });
    }
  }
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return value;
  throw new ManifestInputError(
    ManifestErrorCode.INVALID_OPTIONS,
    `${what} ${path} does not exist; pass a PEM file (or base64 of a raw ed25519 public key)`,
  );
}

/** Keys of an Algorithmia manifest being overwritten, kept even if the old file no longer validates. */
function existingAlgorithmiaKeys(path: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return detectFormat(value) === 'algorithmia' ? value : undefined;
  } catch {
    return undefined;
  }
}

async function createOms(command: CreateCommand, io: ManifestCliIo, cwd: string): Promise<number> {
  const [{ createOmsBundle }, { writeFile, rename }] = await Promise.all([
    import('./oms-sign.js'),
    import('node:fs/promises'),
  ]);
  const path = resolve(cwd, command.path);
  const out = command.out ? resolve(cwd, command.out) : join(path, 'model.sig');
  const progress = createProgress(io.stderr, 'hashing');
  const { bundle, statement } = await createOmsBundle({
    path,
    signKey: readKey(command.signKey!, '--sign-key', cwd),
    method: command.method,
    shardSize: command.shardSize,
    ignorePaths: command.ignorePaths,
    out,
    onStart: progress.start,
    onProgress: progress.advance,
  });
  progress.finish();
  const temporary = `${out}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(bundle, null, 2)}\n`);
  await rename(temporary, out);
  const { serialization, resources } = statement.predicate;
  if (command.json) io.stdout.write(`${JSON.stringify({ ok: true, out, root: path, bundle }, null, 2)}\n`);
  else {
    io.stdout.write(
      `wrote ${out}: OMS bundle, ${serialization.method} method, ${resources.length} resource(s), ` +
        `subject sha256 ${statement.subject[0]!.digest.sha256}, signed\n`,
    );
  }
  return manifestExitCode.verified;
}

async function create(command: CreateCommand, io: ManifestCliIo, cwd: string): Promise<number> {
  if (command.format === 'oms') return createOms(command, io, cwd);
  // Not the package root: that entry carries the zod schemas, and zod is an optional peer.
  const [{ createManifest }, { writeManifest }, { toAlgorithmiaManifest }] = await Promise.all([
    import('./create.js'),
    import('./manifest-io.js'),
    import('./algorithmia.js'),
  ]);
  const path = resolve(cwd, command.path);
  const progress = createProgress(io.stderr, 'hashing');
  const { manifest, root } = await createManifest({
    path,
    algorithms:
      command.format === 'algorithmia'
        ? ['md5', ...command.algorithms.filter((a) => a !== 'md5')]
        : command.algorithms,
    name: command.name,
    version: command.version,
    storageUri: command.uri,
    signKey: command.signKey ? readKey(command.signKey, '--sign-key', cwd) : undefined,
    shardSize: command.shardSize,
    env: io.env ?? process.env,
    cwd,
    onStart: progress.start,
    onProgress: progress.advance,
  });
  progress.finish();
  const defaultName =
    command.format === 'algorithmia' ? algorithmiaManifestFileName : modelshipManifestFileName;
  const out = command.out
    ? resolve(cwd, command.out)
    : join(statSync(path).isDirectory() ? path : dirname(path), defaultName);
  let written: Parameters<typeof writeManifest>[1] = manifest;
  if (command.format === 'algorithmia') {
    written = toAlgorithmiaManifest(manifest, { base: existingAlgorithmiaKeys(out) });
  }
  await writeManifest(out, written);
  if (command.json)
    io.stdout.write(`${JSON.stringify({ ok: true, out, root, manifest: written }, null, 2)}\n`);
  else {
    const digest =
      command.format === 'algorithmia'
        ? `md5 ${manifest.files[0]!.md5}`
        : `${manifest.digest.algorithm} ${manifest.digest.value}`;
    io.stdout.write(
      `wrote ${out}: ${manifest.files.length} file(s), ${digest}${manifest.signature ? ', signed' : ''}\n`,
    );
  }
  return manifestExitCode.verified;
}

async function verify(command: VerifyCommand, io: ManifestCliIo, cwd: string): Promise<number> {
  const { verifyModel } = await import('./verify.js');
  // A --root that does not exist would report every file "missing" (exit 1): it is a typo, exit 2.
  const root = command.root ? resolve(cwd, command.root) : undefined;
  if (root && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      `--root ${root} is not a directory; point it at the model directory the manifest describes`,
      { path: root },
    );
  }
  const progress = createProgress(io.stderr, 'verifying');
  const report = await verifyModel({
    manifest: resolve(cwd, command.manifest),
    root,
    model: command.model ? resolve(cwd, command.model) : undefined,
    algorithm: command.algorithm,
    publicKey: command.publicKey ? readKey(command.publicKey, '--public-key', cwd) : undefined,
    strict: command.strict,
    cache: command.cache ? resolve(cwd, command.cache) : undefined,
    certificateIdentity: command.certificateIdentity,
    certificateOidcIssuer: command.certificateOidcIssuer,
    trustedRoot: command.trustedRoot ? resolve(cwd, command.trustedRoot) : undefined,
    onStart: progress.start,
    onProgress: progress.advance,
  });
  progress.finish();
  if (command.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const file of report.files) {
      const digests = file.algorithms
        .map((name) =>
          file[name] === undefined && file.shards
            ? `${name} (${file.shards} shards)`
            : `${name} ${file[name]}`,
        )
        .join(' ');
      io.stdout.write(`ok  ${file.path}  ${digests}${file.fromCache ? ' (cached)' : ''}\n`);
    }
    const signer = report.signer
      ? ` (keyless: ${report.signer.identity}, issuer ${report.signer.issuer})`
      : '';
    const signature = report.signature === 'unsigned' ? '' : `, signature ${report.signature}${signer}`;
    io.stdout.write(`verified ${report.files.length} file(s) against ${report.manifestPath}${signature}\n`);
  }
  return manifestExitCode.verified;
}

function report(error: unknown, io: ManifestCliIo, json: boolean): number {
  const exit = ModelIntegrityError.isInstance(error)
    ? manifestExitCode.integrityFailure
    : manifestExitCode.badInput;
  if (json && ManifestError.isInstance(error)) {
    const { code, message } = error;
    const issues = ModelIntegrityError.isInstance(error) ? error.issues : undefined;
    const jsonPath = (error as { jsonPath?: string }).jsonPath;
    io.stdout.write(`${JSON.stringify({ ok: false, code, message, jsonPath, issues }, null, 2)}\n`);
  }
  const prefix = exit === manifestExitCode.integrityFailure ? 'INTEGRITY FAILURE' : 'error';
  const code = ManifestError.isInstance(error) ? ` [${error.code}]` : '';
  io.stderr.write(`modelship-manifest: ${prefix}${code}: ${(error as Error)?.message ?? String(error)}\n`);
  return exit;
}

/** Runs `modelship-manifest <argv>`; resolves the exit code (0 verified, 1 integrity failure, 2 bad input). */
export async function runManifestCli(
  argv: readonly string[],
  io: ManifestCliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let json = argv.includes('--json');
  try {
    const command = argvToManifestCommand(argv);
    if (command.command === 'help') {
      io.stdout.write(`${manifestCliUsage}\n`);
      return 0;
    }
    if (command.command === 'version') {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    json = command.json;
    return command.command === 'create' ? await create(command, io, cwd) : await verify(command, io, cwd);
  } catch (error) {
    return report(error, io, json);
  }
}
