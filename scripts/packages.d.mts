export const repoRoot: string;
export function publishedPackages(): { name: string; dir: string }[];
export function packAll(destination: string | null): {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}[];
export function refusedInTarball(path: string): string | undefined;
