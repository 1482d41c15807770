// Auth as pachctl does it: `auth use-auth-token` reads the token from stdin and stores it as the
// active context's session_token in the pachctl config (PACH_CONFIG, default ~/.pachyderm/config.json;
// layout {"v2": {"active_context", "contexts": {name: {pachd_address, session_token}}}} per
// src/internal/config/config.proto). When the double was started with a required token
// (<state>/auth.json), every other command checks the stored token like pachd's auth interceptor.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PachError } from './state.js';

interface PachConfig {
  v2?: {
    active_context?: string;
    contexts?: Record<string, { pachd_address?: string; session_token?: string }>;
  };
}

function configPath(stateDir: string): string {
  return process.env.PACH_CONFIG ?? join(stateDir, 'pachctl-config.json');
}

function contextName(config: PachConfig): string {
  return process.env.PACH_CONTEXT ?? config.v2?.active_context ?? 'default';
}

function readConfig(path: string): PachConfig {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as PachConfig) : {};
}

export function useAuthToken(stateDir: string, stdin: string): void {
  const token = stdin.trim();
  if (!token) throw new PachError('no auth token given on stdin');
  const path = configPath(stateDir);
  const config = readConfig(path);
  const name = contextName(config);
  config.v2 ??= { active_context: name, contexts: {} };
  config.v2.contexts ??= {};
  config.v2.contexts[name] = { ...config.v2.contexts[name], session_token: token };
  if (process.env.PACHD_ADDRESS) config.v2.contexts[name].pachd_address = process.env.PACHD_ADDRESS;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
}

export function checkAuth(stateDir: string): void {
  const required = join(stateDir, 'auth.json');
  if (!existsSync(required)) return;
  const { token } = JSON.parse(readFileSync(required, 'utf8')) as { token: string };
  const config = readConfig(configPath(stateDir));
  const stored = config.v2?.contexts?.[contextName(config)]?.session_token;
  if (!stored)
    throw new PachError('rpc error: code = Unauthenticated desc = no authentication token (try logging in)');
  if (stored !== token) {
    throw new PachError(
      'rpc error: code = Unauthenticated desc = provided auth token is corrupted or has expired (try logging in again)',
    );
  }
}
