import type { CliIo } from '../io.js';

/** `modelship manifest …` is the manifest package's own CLI, unchanged (its exit codes are the same 0/1/2). */
export async function runManifestCommand(raw: readonly string[], io: CliIo): Promise<number> {
  const { runManifestCli } = await import('@modelship/manifest/cli');
  return runManifestCli(raw, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, env: io.env });
}
