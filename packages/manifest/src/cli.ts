// Placeholder replaced by the CLI implementation.
export async function runManifestCli(_argv: readonly string[]): Promise<number> {
  return 2;
}
