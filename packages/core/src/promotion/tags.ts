// Which provider tags follow a decision (SPEC.md, "Provider tags follow the ledger"). Pure: the
// outcome in, the tag changes out, in the order they must be made.
import type { PromotionTag } from '../contract/provider.js';

export interface TagChange {
  model: string;
  version: string;
  stage: string;
  tag: PromotionTag;
  action?: 'add' | 'remove';
  approval?: { by: string; reason?: string };
}

interface At {
  model: string;
  version: string;
  stage: string;
}

/** A recorded decision, as far as tags care. */
export type TaggedOutcome =
  | ({ kind: 'pending-approval' } & At)
  /** The approval that completed the count; `by` names every approver. */
  | ({ kind: 'approved'; approval: { by: string; reason?: string } } & At)
  | ({ kind: 'rejected'; approval: { by: string; reason?: string } } & At)
  /** The gates said no: `approval.by` is `modelship gates`, the reason the failed gates. */
  | ({ kind: 'gate-failed'; approval: { by: string; reason?: string } } & At)
  /** Nothing a provider mirrors (already there, refused before any decision). */
  | ({ kind: 'none' } & At)
  /** A deploy or rollback succeeded; `waited` when the version had waited for approval. */
  | ({ kind: 'deployed'; replaces: string | null; waited: boolean } & At);

export function tagChangesFor(outcome: TaggedOutcome): TagChange[] {
  const at = { model: outcome.model, version: outcome.version, stage: outcome.stage };
  switch (outcome.kind) {
    case 'pending-approval':
      return [{ ...at, tag: 'challenger' }];
    case 'approved':
      return [{ ...at, tag: 'approved', approval: outcome.approval }];
    case 'rejected':
      return [
        { ...at, tag: 'challenger', action: 'remove' },
        { ...at, tag: 'rejected', approval: outcome.approval },
      ];
    case 'gate-failed':
      return [{ ...at, tag: 'rejected', approval: outcome.approval }];
    case 'none':
      return [];
    case 'deployed':
      return [
        // Removed first: on platforms with one label per model, adding first would be undone.
        ...(outcome.replaces && outcome.replaces !== outcome.version
          ? [{ ...at, version: outcome.replaces, tag: 'champion', action: 'remove' } as const]
          : []),
        { ...at, tag: 'champion' },
        // Only a version that waited for approval was tagged challenger.
        ...(outcome.waited ? [{ ...at, tag: 'challenger', action: 'remove' } as const] : []),
      ];
  }
}
