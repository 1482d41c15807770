// What the local platform reports as failures, mapped to modelship error codes. The inference
// server reports a refusal by the manifest verifier's code (`MODEL_HASH_MISMATCH`, …).
import { ErrorCode, ModelshipError, ProviderError } from '@modelship/core';

const integrityCodes = /^(MODEL_|MANIFEST_AGGREGATE|MANIFEST_SIGNATURE)/;

/** A server that refused its model: `integrity` when the verifier said so, `provider_error` otherwise. */
export function serverRefused(
  what: string,
  report: { code: string; message: string; issues?: unknown },
  artifactDir: string,
): ModelshipError {
  return new ModelshipError(
    integrityCodes.test(report.code) ? ErrorCode.Integrity : ErrorCode.Provider,
    `the inference server for ${what} refused to start: ${report.message}`,
    { details: { code: report.code, issues: report.issues, artifactDir } },
  );
}

/** A server process that died before it was ready; the log tail says why. */
export function serverExited(what: string, code: number | null, logTail: string): ProviderError {
  return new ProviderError(
    `the inference server for ${what} exited with code ${code} before it was ready:\n${logTail}`,
    { provider: 'local', operation: 'deploy' },
  );
}
