// The algorithm repository: clone, copy the algorithm code, write model_manifest.json, commit, push.
// Credentials reach git through GIT_ASKPASS and environment variables, never through argv or URLs.
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CommandFailedError,
  ErrorCode,
  ModelshipError,
  type ProviderContext,
  type ProviderRefs,
  throwIfAborted,
} from '@modelship/core';
import {
  type AlgorithmiaManifest,
  algorithmiaManifestSchema,
  toAlgorithmiaManifest,
} from '@modelship/manifest';
import type { AlgorithmiaDeps } from './client.js';
import type { ResolvedSettings } from './settings.js';
import { uploadedModel } from './upload.js';

const MANIFEST = 'model_manifest.json';
const IDENTITY_KEYS = ['model_filepath', 'model_md5_hash', 'model_origin_commit_SHA'] as const;

export interface AlgorithmCheckout {
  dir: string;
  git(args: string[]): Promise<string>;
  dispose(): Promise<void>;
}

const askPassScript = `#!/bin/sh
case "$1" in
  Username*|username*) printf '%s\\n' "$MODELSHIP_GIT_USERNAME" ;;
  *) printf '%s\\n' "$MODELSHIP_GIT_PASSWORD" ;;
esac
`;

export async function cloneAlgorithmRepo(
  settings: ResolvedSettings,
  context: ProviderContext,
): Promise<AlgorithmCheckout> {
  const base = await mkdtemp(join(tmpdir(), 'modelship-algorithmia-'));
  const dir = join(base, 'repo');
  const askPass = join(base, 'askpass.sh');
  await writeFile(askPass, askPassScript);
  await chmod(askPass, 0o700);
  const auth = settings.repo.auth;
  if (auth) context.redact.add(auth.password);
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: askPass,
    ...(auth ? { MODELSHIP_GIT_USERNAME: auth.username, MODELSHIP_GIT_PASSWORD: auth.password } : {}),
  };
  const secrets = auth ? [auth.password] : [];

  const git = async (args: string[], cwd: string = dir): Promise<string> => {
    throwIfAborted(context.signal, `git ${args[0]}`);
    const result = await context.run('git', args, { cwd, env, secrets, stream: false, timeoutMs: 120_000 });
    if (result.aborted) throwIfAborted(context.signal, `git ${args[0]}`);
    if (result.failed) {
      throw new CommandFailedError(
        result.command,
        result.exitCode,
        context.redact(result.stderr).slice(-2000),
        {
          details: { repo: context.redact(settings.repo.url) },
        },
      );
    }
    return result.stdout.trim();
  };

  try {
    await git(['clone', '--quiet', settings.repo.url, dir], base);
    await git(['checkout', '--quiet', '-B', settings.repo.branch]);
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    if (ModelshipError.isInstance(error) && error.code === ErrorCode.CommandFailed) {
      throw new ModelshipError(
        ErrorCode.Provider,
        `cannot clone the algorithm repository ${context.redact(settings.repo.url)}; check algoRepo, gitUsername and gitPassword\n${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  return { dir, git: (args) => git(args), dispose: () => rm(base, { recursive: true, force: true }) };
}

/** Copies the algorithm directory over the checkout, as the action's `cp -a <algo>/. <algo>_CI/` does (minus .git). */
export async function copyAlgorithmCode(from: string, checkout: string): Promise<void> {
  await cp(from, checkout, {
    recursive: true,
    force: true,
    filter: (source) => !/(^|\/)\.git(\/|$)/.test(source.slice(from.length)),
  });
}

export async function readJsonIfPresent(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelshipError(
      ErrorCode.InvalidInput,
      `${path} in the algorithm repository is not valid JSON (${(error as Error).message}); fix or delete it`,
      { cause: error },
    );
  }
}

/** Pushes the commit carrying this model version (no new commit when it is already there); returns its sha. */
export async function pushAlgorithm(
  deps: AlgorithmiaDeps,
  version: { name: string; version: string },
  refs: ProviderRefs,
) {
  const { dataPath, manifest } = await uploadedModel(deps, refs);
  const checkout = await cloneAlgorithmRepo(deps.resolved, deps.context);
  try {
    if (deps.settings.algorithmDir)
      await copyAlgorithmCode(resolve(deps.settings.algorithmDir), checkout.dir);
    const manifestPath = join(checkout.dir, MANIFEST);
    const base = await readJsonIfPresent(manifestPath);
    let next: AlgorithmiaManifest = toAlgorithmiaManifest(manifest, { modelFilepath: dataPath, base });
    // Same model, same origin: keep the old upload time so a retried deploy makes no new commit.
    if (base && IDENTITY_KEYS.every((key) => base[key] === next[key])) {
      next = { ...next, model_uploaded_utc: String(base.model_uploaded_utc) };
    }
    algorithmiaManifestSchema.parse(next);
    await writeFile(manifestPath, JSON.stringify(next));
    await checkout.git(['add', '--all']);
    const changed = (await checkout.git(['status', '--porcelain'])) !== '';
    const origin = manifest.provenance;
    if (changed) {
      const author = {
        name: deps.settings.gitAuthorName ?? deps.resolved.username,
        email: deps.settings.gitAuthorEmail ?? `${deps.resolved.username}@users.noreply.modelship`,
      };
      const message = [
        `Deploy ${version.name} ${version.version} from ${origin.repository ?? 'unknown'}@${origin.commit ?? 'unknown'}`,
        '',
        origin.commitMessage
          ? `Origin commit: ${origin.commitMessage.split('\n')[0]}`
          : 'Origin commit message unknown',
        `Model: data://${dataPath} (md5 ${next.model_md5_hash})`,
        `Modelship-Version: ${version.version}`,
      ].join('\n');
      await checkout.git([
        '-c',
        `user.name=${author.name}`,
        '-c',
        `user.email=${author.email}`,
        'commit',
        '--quiet',
        '-m',
        message,
      ]);
      await checkout.git(['push', '--quiet', 'origin', `HEAD:${deps.resolved.repo.branch}`]);
    }
    const commit = await checkout.git(['rev-parse', 'HEAD']);
    return { commit, pushed: changed, dataPath };
  } finally {
    await checkout.dispose();
  }
}
