import type { MappedStatus, UnifiedStatus } from './provider.js';

/** Builds a tiny pure mapper from a platform's state names; unknown states map to `unknown`, keeping raw. */
export function createStatusMapper<Raw extends string>(
  table: Partial<Record<Raw, UnifiedStatus>>,
): (raw: Raw | string | undefined | null) => MappedStatus {
  return (raw) => ({
    unified: (raw != null && (table as Record<string, UnifiedStatus>)[raw]) || 'unknown',
    raw: raw ?? '',
  });
}

export const TERMINAL_STATUSES: ReadonlySet<UnifiedStatus> = new Set([
  'succeeded',
  'failed',
  'stopped',
  'deployed',
  'rejected',
]);
