export const installs: Record<'cli' | 'verify', string>;
export function formatSize(bytes: number): string;
export function parseSize(text: string): number | undefined;
type PackedSize = { name: string; size: number; unpackedSize: number; entryCount?: number };
type Installed = Partial<Record<'cli' | 'verify', { bytes: number; packages: number }>>;
export function sizesTable(packed: PackedSize[], installed: Installed | undefined): string;
export function readmeSizes(
  readme: string,
):
  | { packages: Record<string, { packed?: number; unpacked?: number }>; installed: Record<string, number> }
  | undefined;
export function staleSizes(
  readme: string,
  packed: PackedSize[],
  installed: Installed | undefined,
  tolerance?: number,
): string[];
export function replaceTable(readme: string, table: string): string;
