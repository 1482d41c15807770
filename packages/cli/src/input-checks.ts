// Checks that turn input which would otherwise "succeed" at doing nothing (a typo in --ledger, an
// unknown model, an empty model directory) into a usage error naming what, where and what to do.
import { readdir, stat } from 'node:fs/promises';
import { UsageError } from './exit-codes.js';

/** The model name rule of the config schema and the stores: safe as a path segment and a tag. */
const modelNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertModelName(model: string, redact?: (text: string) => string): void {
  // The name is written into manifests and the ledger; one that is a known secret would leak it.
  if (redact && redact(model) !== model) {
    throw new UsageError(
      'the model name is the value of a secret (an environment variable such as *_TOKEN or one the config names); choose another name',
    );
  }
  if (!modelNamePattern.test(model)) {
    throw new UsageError(
      `model name "${model}" is not allowed; use letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
}

async function statOrNull(path: string) {
  return stat(path).catch(() => null);
}

/** The model to upload exists and holds at least one file. */
export async function assertModelPath(path: string): Promise<void> {
  const info = await statOrNull(path);
  if (!info) throw new UsageError(`--path ${path}: no such file or directory; point it at the trained model`);
  if (info.isDirectory() && (await readdir(path)).length === 0) {
    throw new UsageError(
      `--path ${path} is an empty directory; point it at the directory your training wrote the model into`,
    );
  }
}

/** Why a file ledger location holds no ledger, for the error message. */
async function whyNoFileLedger(dir: string): Promise<string> {
  const info = await statOrNull(dir);
  if (!info) return 'no such directory';
  if (!info.isDirectory()) return 'it is a file, not a ledger directory';
  return 'the directory holds no ledger events';
}

/**
 * A verify of nothing must not pass: a CI guard with a typo in --ledger would otherwise be green.
 * `location` is a directory or `s3://bucket/prefix`.
 */
export async function assertLedgerPresent(location: string, events: number): Promise<void> {
  if (events > 0) return;
  const why = location.startsWith('s3://')
    ? 'no ledger batches under that prefix'
    : await whyNoFileLedger(location);
  throw new UsageError(
    `no ledger at ${location} (${why}); pass --ledger DIR|s3://BUCKET/PREFIX naming an existing ledger, or fix ledger in modelship.config`,
  );
}

/** `status m` / `history m` for a model the ledger has never seen is a typo, not an empty board. */
export function assertKnownModel(model: string, known: readonly string[], location: string): void {
  if (known.includes(model)) return;
  const list = known.length
    ? `known models: ${[...known].sort().join(', ')}`
    : 'the ledger has no models yet';
  throw new UsageError(`unknown model "${model}" in the ledger at ${location} (${list}); check the name`);
}
