import { ManifestErrorCode, ManifestFormatError } from './errors.js';

/**
 * Why a manifest path is unsafe, or null when it is a plain relative POSIX path that stays inside
 * the model root. Checked on the text alone, before touching the disk.
 */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains control characters';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.includes('\\')) return 'contains a backslash; use "/" as the separator';
  const segments = path.split('/');
  if (segments.includes('..')) return 'leaves the model root';
  if (segments.some((segment) => segment === '' || segment === '.'))
    return 'is not normalised ("//" or "./")';
  return null;
}

export function assertSafePath(path: string, jsonPath: string, file?: string): void {
  const reason = unsafePathReason(path);
  if (reason === null) return;
  throw new ManifestFormatError(
    ManifestErrorCode.UNSAFE_PATH,
    `manifest.${jsonPath} ${JSON.stringify(path)} ${reason}; paths must be relative and stay inside the model root` +
      (file ? ` (in ${file})` : ''),
    { jsonPath, file },
  );
}

/** Byte order of UTF-8, the same in every language (JS string order is UTF-16 code units). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
