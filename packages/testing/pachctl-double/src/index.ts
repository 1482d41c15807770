// The pachctl double as a test kit: a fresh state directory, the executable to pass as
// `settings.pachctl`, and the environment that points it at that state.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The executable double (`#!/usr/bin/env node`), usable as `settings.pachctl`. */
export const pachctlDoubleBin = fileURLToPath(new URL('../bin/pachctl-double.mjs', import.meta.url));

export interface PachctlDouble {
  /** Pass as `settings.pachctl`. */
  pachctl: string;
  stateDir: string;
  /** Pass as `settings.env` (or put in the environment of a spawned CLI). */
  env: { PACHCTL_DOUBLE_STATE: string; PACH_CONFIG: string };
  /** Runs the double directly (e.g. to seed repos); throws with its stderr on failure. */
  run(args: readonly string[], input?: string): string;
  /** What `docker push` is for a real cluster: makes `<image:tag>` runnable from the code in `dir`. */
  pushImage(image: string, dir: string): void;
  cleanup(): void;
}

export interface PachctlDoubleOptions {
  /** When set, every command except `auth use-auth-token` needs this token, as with auth enabled. */
  authToken?: string;
  stateDir?: string;
}

export function startPachctlDouble(options: PachctlDoubleOptions = {}): PachctlDouble {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'pachctl-double-'));
  if (options.authToken)
    writeFileSync(join(stateDir, 'auth.json'), JSON.stringify({ token: options.authToken }));
  const env = { PACHCTL_DOUBLE_STATE: stateDir, PACH_CONFIG: join(stateDir, 'pachctl-config.json') };
  const run = (args: readonly string[], input?: string) => {
    const result = spawnSync(pachctlDoubleBin, args, {
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`pachctl-double ${args.join(' ')} failed: ${result.stderr}${result.error ?? ''}`);
    return result.stdout;
  };
  return {
    pachctl: pachctlDoubleBin,
    stateDir,
    env,
    run,
    pushImage: (image, dir) => void run(['push-image', image, dir]),
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}
