// Sigstore keyless OMS bundles (model_signing `sign sigstore`): a Fulcio certificate plus a Rekor
// entry instead of a key. Verified offline against a trusted root and an identity policy with the
// Sigstore JS libraries, which are optional peers loaded only here: inference images that verify
// key-signed bundles or modelship manifests never install them.
import { readFile } from 'node:fs/promises';
import { ManifestErrorCode, ManifestInputError, ModelIntegrityError } from './errors.js';
import { checkOmsSubject, type ParsedOmsBundle } from './oms.js';

export interface KeylessPolicy {
  /** The signer's identity in the certificate (an email, or a workflow URI). */
  certificateIdentity?: string;
  /** The OIDC issuer that vouched for it, e.g. https://token.actions.githubusercontent.com. */
  certificateOidcIssuer?: string;
  /** Sigstore `trusted_root.json` (path, or the parsed JSON): Fulcio CAs, Rekor and CT log keys. */
  trustedRoot?: string | Record<string, unknown>;
}

export interface KeylessSigner {
  identity: string;
  issuer: string;
}

async function sigstore() {
  try {
    const [bundle, specs, verify] = await Promise.all([
      import('@sigstore/bundle'),
      import('@sigstore/protobuf-specs'),
      import('@sigstore/verify'),
    ]);
    return { bundle, specs, verify };
  } catch (error) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      'verifying a keyless OMS bundle needs the Sigstore libraries: npm install @sigstore/verify ' +
        '@sigstore/bundle @sigstore/protobuf-specs',
      { cause: error },
    );
  }
}

async function trustedRootJson(source: string | Record<string, unknown>): Promise<Record<string, unknown>> {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(await readFile(source, 'utf8'));
  } catch (error) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      `cannot read the trusted root ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        "pass Sigstore's trusted_root.json (e.g. from `cosign trusted-root create` or the public-good TUF repository)",
      { cause: error },
    );
  }
}

/**
 * Verifies the certificate chain to the trusted root's Fulcio CA, the transparency-log entry
 * (inclusion proof and signed timestamp, offline), the DSSE signature, and that the certificate
 * names `certificateIdentity` issued by `certificateOidcIssuer`; then the subject digest.
 */
export async function verifyKeylessOmsBundle(
  parsed: ParsedOmsBundle,
  policy: KeylessPolicy,
): Promise<KeylessSigner> {
  const { certificateIdentity, certificateOidcIssuer, trustedRoot } = policy;
  if (!certificateIdentity || !certificateOidcIssuer || trustedRoot === undefined) {
    throw new ManifestInputError(
      ManifestErrorCode.INVALID_OPTIONS,
      'this OMS bundle is signed keyless (a Sigstore certificate, not a key) and is trusted only for a signer ' +
        'identity: pass --certificate-identity, --certificate-oidc-issuer and --trusted-root ' +
        '(certificateIdentity, certificateOidcIssuer, trustedRoot)',
    );
  }
  const { bundle, specs, verify } = await sigstore();
  const root = specs.TrustedRoot.fromJSON(await trustedRootJson(trustedRoot));
  let entity: ReturnType<typeof verify.toSignedEntity>;
  try {
    entity = verify.toSignedEntity(bundle.bundleFromJSON(parsed.bundle));
  } catch (error) {
    throw new ModelIntegrityError([], {
      code: ManifestErrorCode.SIGNATURE_INVALID,
      message: `the keyless OMS bundle is not a valid Sigstore bundle (${(error as Error).message}); do not trust it`,
    });
  }
  try {
    new verify.Verifier(verify.toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(
      entity,
      {
        subjectAlternativeName: certificateIdentity,
        extensions: { issuer: certificateOidcIssuer },
      },
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ModelIntegrityError([], {
      code: ManifestErrorCode.SIGNATURE_INVALID,
      message:
        `the keyless OMS bundle does not verify${code ? ` [${code}]` : ''}: ${(error as Error).message}; ` +
        'it was altered, signed by someone else, or is not anchored in the given trusted root; do not trust it',
    });
  }
  checkOmsSubject(parsed);
  return { identity: certificateIdentity, issuer: certificateOidcIssuer };
}
