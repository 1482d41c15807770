// The manifest gate: the version's files still match the manifest it was registered with. It reads
// files, so it is loaded on demand with @modelship/manifest/verify.
import type { GateReport, ModelVersion } from '../state/types.js';

export async function manifestGate(version: ModelVersion): Promise<GateReport> {
  const inputs = {
    manifest: version.manifest ?? null,
    path: version.path ?? null,
    manifestDigest: version.manifestDigest ?? null,
  };
  if (!version.manifest || !version.path) {
    return {
      name: 'manifest',
      kind: 'manifest',
      verdict: 'fail',
      inputs,
      message: 'the version was registered without a manifest and a model path; register it with both',
    };
  }
  try {
    const { verifyModel, readManifest } = await import('@modelship/manifest/verify');
    const loaded = await readManifest(version.manifest);
    const { stat } = await import('node:fs/promises');
    const isDirectory = (await stat(version.path)).isDirectory();
    const report = await verifyModel({
      manifest: version.manifest,
      ...(isDirectory ? { root: version.path } : { model: version.path }),
    });
    const digest = (loaded.manifest as { digest?: { algorithm: string; value: string } }).digest;
    const stored = digest ? `${digest.algorithm}:${digest.value}` : undefined;
    if (
      version.manifestDigest &&
      stored &&
      version.manifestDigest !== stored &&
      version.manifestDigest !== digest?.value
    ) {
      return {
        name: 'manifest',
        kind: 'manifest',
        verdict: 'fail',
        inputs: { ...inputs, found: stored },
        message: `the manifest now has digest ${stored}, not the registered ${version.manifestDigest}`,
      };
    }
    return {
      name: 'manifest',
      kind: 'manifest',
      verdict: 'pass',
      inputs: { ...inputs, files: report.files.length },
      message: `${report.files.length} file(s) match the manifest`,
    };
  } catch (error) {
    return { name: 'manifest', kind: 'manifest', verdict: 'fail', inputs, message: (error as Error).message };
  }
}
