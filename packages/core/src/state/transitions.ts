import { IllegalTransitionError } from './errors.js';
import type { VersionStageStatus } from './types.js';

/** The per-stage life of a version; SPEC.md draws this table as a state diagram. */
export const allowedTransitions: Readonly<Record<VersionStageStatus, readonly VersionStageStatus[]>> = {
  registered: ['candidate'],
  candidate: ['pending-approval', 'approved', 'rejected'],
  'pending-approval': ['approved', 'rejected'],
  approved: ['deploying', 'rejected'],
  deploying: ['deployed', 'failed'],
  deployed: ['archived', 'rolled-back'],
  failed: ['candidate', 'deploying'],
  rejected: ['candidate'],
  archived: ['candidate', 'deploying'],
  'rolled-back': ['candidate'],
};

export function canTransition(from: VersionStageStatus, to: VersionStageStatus): boolean {
  return allowedTransitions[from].includes(to);
}

export function assertTransition(subject: string, from: VersionStageStatus, to: VersionStageStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(subject, from, to, allowedTransitions[from]);
}
