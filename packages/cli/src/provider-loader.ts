// Providers are optional peer dependencies of @modelship/cli: an install holds only the ones its
// user added, and only the one a command asks for is imported (its SDK with it).
import type { ProviderCliSpec } from '@modelship/core';

export const providerNames = [
  'local',
  'sagemaker',
  'metaflow',
  'algorithmia',
  'pachyderm',
  'iguazio',
] as const;
export type ProviderName = (typeof providerNames)[number];

export const providerPackage = (name: string) => `@modelship/provider-${name}`;

/** The provider's package is not installed beside the CLI (exit 2, naming what to install). */
export class ProviderNotInstalledError extends Error {
  readonly code = 'not_found';
  readonly details: { provider: string; package: string };
  constructor(name: string, cause: unknown) {
    const pkg = providerPackage(name);
    const known = (providerNames as readonly string[]).includes(name);
    super(
      known
        ? `the ${name} provider is not installed: ${pkg} was not found; install it beside @modelship/cli: npm install ${pkg}`
        : `unknown provider "${name}": ${pkg} was not found; the providers are ${providerNames.join(', ')} (install one with npm install ${providerPackage('<name>')})`,
      { cause },
    );
    this.name = 'ProviderNotInstalledError';
    this.details = { provider: name, package: pkg };
  }
}

export class ProviderCliUnavailableError extends Error {
  readonly code = 'unsupported';
  constructor(name: string, cause: unknown) {
    const pkg = providerPackage(name);
    super(
      `the ${name} provider's command line is not available: ${pkg} does not export ./cli (a ProviderCliSpec named cliSpec); upgrade it: npm install ${pkg}@latest`,
      { cause },
    );
    this.name = 'ProviderCliUnavailableError';
  }
}

/** How a module is imported; tests swap it to stand for an install without some provider. */
export type ImportModule = (specifier: string) => Promise<unknown>;
const importModule: ImportModule = (specifier) => import(specifier);

/** True when `error` says `pkg` itself cannot be found (not one of its own dependencies). */
function isMissingPackage(error: unknown, pkg: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return new RegExp(`['"]${pkg.replace(/[/-]/g, '\\$&')}(/cli)?['"]`).test(String(message));
}

/** Loads `cliSpec` from `@modelship/provider-<name>/cli`; a missing package or subpath is a clear error. */
export async function loadProviderCliSpec(
  name: string,
  load: ImportModule = importModule,
): Promise<ProviderCliSpec> {
  const pkg = providerPackage(name);
  // A name is a package-name fragment; anything else could only ever be a typo or a path.
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ProviderNotInstalledError(name, undefined);
  let module: { cliSpec?: ProviderCliSpec };
  try {
    module = (await load(`${pkg}/cli`)) as { cliSpec?: ProviderCliSpec };
  } catch (error) {
    if (isMissingPackage(error, pkg)) throw new ProviderNotInstalledError(name, error);
    if ((error as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED')
      throw new ProviderCliUnavailableError(name, error);
    throw error;
  }
  if (!module.cliSpec) throw new ProviderCliUnavailableError(name, undefined);
  return module.cliSpec;
}
