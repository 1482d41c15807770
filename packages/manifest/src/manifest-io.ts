import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ManifestErrorCode, ManifestFormatError } from './errors.js';
import { temporarySuffix } from './lazy-crypto.js';
import type { AlgorithmiaManifest, ManifestFormat, ModelshipManifest } from './schemas.js';
import { detectFormat, type ParsedManifest, parseManifestText, parseManifestValue } from './validate.js';

export type LoadedManifest = ParsedManifest & { path: string };

/** Reads a manifest of either format (auto-detected), validating every field. */
export async function readManifest(path: string): Promise<LoadedManifest> {
  return { ...parseManifestText(await readManifestText(path), path), path };
}

/** The text of a manifest (or bundle) file; a file that cannot be read is MANIFEST_UNREADABLE. */
export async function readManifestText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestFormatError(
      ManifestErrorCode.MANIFEST_UNREADABLE,
      `cannot read manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file: path, cause: error },
    );
  }
}

/** Python's json.dumps layout, which Algorithmia's deploy action used: one line, ", " and ": ". */
function algorithmiaText(manifest: AlgorithmiaManifest): string {
  return `{${Object.entries(manifest)
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(', ')}}`;
}

export function formatManifest(manifest: ModelshipManifest | AlgorithmiaManifest): string {
  const format: ManifestFormat | null = detectFormat(manifest);
  parseManifestValue(manifest); // never write a manifest we could not read back
  return format === 'algorithmia'
    ? algorithmiaText(manifest as AlgorithmiaManifest)
    : `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Writes atomically: a temporary file in the same directory, then rename, so a reader (or a
 * crash) never sees half a manifest.
 */
export async function writeManifest(
  path: string,
  manifest: ModelshipManifest | AlgorithmiaManifest,
): Promise<void> {
  const text = formatManifest(manifest);
  const temporary = join(dirname(path), `.${basename(path)}.${temporarySuffix()}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
