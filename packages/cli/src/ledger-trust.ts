// The ledger's keys, from config (ledger.signingKeyEnv, ledger.publicKey) and flags (--public-key).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LedgerTrust, ModelshipConfig } from '@modelship/core';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

export async function readKeyFile(path: string, what: string, io: CliIo): Promise<string> {
  const file = resolve(io.cwd, path);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

/** The signing key (its variable must be set when named) and the public key file, if configured. */
export async function ledgerTrust(config: ModelshipConfig, io: CliIo): Promise<LedgerTrust> {
  const trust: LedgerTrust = {};
  const keyEnv = config.ledger.signingKeyEnv;
  if (keyEnv) {
    const pem = io.env[keyEnv];
    if (!pem) {
      throw new UsageError(
        `ledger.signingKeyEnv names ${keyEnv}, which is not set; export the ed25519 private key (PEM) in it, e.g. from a CI secret`,
      );
    }
    io.redact?.add(pem);
    trust.signingKey = pem;
  }
  if (config.ledger.publicKey)
    trust.publicKey = await readKeyFile(config.ledger.publicKey, 'ledger.publicKey', io);
  return trust;
}
