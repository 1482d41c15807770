// SageMaker resource names, derived so that a retried call finds what the first one created.
import { createHash } from 'node:crypto';

/** SageMaker resource names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}. Long names keep a hash suffix. */
export function resourceName(...parts: string[]): string {
  const joined = parts
    .join('-')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (joined.length <= 63) return joined || 'modelship';
  const suffix = shortHash(joined);
  return `${joined.slice(0, 54).replace(/-$/, '')}-${suffix}`;
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A compact UTC timestamp for names that must be new on every call: 20261123T180102. */
export function nameTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

/** `<group>-<stage>`, as in the SageMaker MLOps template. */
export function endpointNameFor(group: string, stage: string): string {
  return resourceName(group, stage);
}
