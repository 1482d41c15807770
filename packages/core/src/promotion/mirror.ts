// The ledger decides; the provider's own tags follow it: registry approvals (SageMaker's
// Approved/Rejected), champion and challenger aliases (local, MLRun, Metaflow run tags). A tag is
// mirrored after the decision is durable and never undoes it: a failure is logged and returned as
// a warning, and repeating the command (or `modelship-<provider> tag`) repairs it, since tagging
// is idempotent.
import type { PromotionTag, ProviderWarning, TagInput } from '../contract/provider.js';
import type { LedgerState } from '../state/types.js';
import type { PromoterCore } from './promoter.js';

export interface TagChange {
  model: string;
  version: string;
  stage: string;
  tag: PromotionTag;
  action?: 'add' | 'remove';
  approval?: { by: string; reason?: string };
}

/** The changes the provider asked to see (its `promotionTags`), unless mirroring is turned off. */
function wanted(core: PromoterCore, changes: readonly TagChange[]): TagChange[] {
  const provider = core.options.provider;
  if (!provider?.capabilities.tag || core.options.mirrorTags === false) return [];
  const tags = new Set(provider.promotionTags ?? []);
  return changes.filter((change) => tags.has(change.tag));
}

/**
 * Applies the changes in order; resolves the warnings (never rejects). Versions' refs never change
 * after registration, so a caller that already loaded the ledger passes its state.
 */
export async function mirrorTags(
  core: PromoterCore,
  all: readonly TagChange[],
  loaded?: LedgerState,
): Promise<ProviderWarning[]> {
  const changes = wanted(core, all);
  if (changes.length === 0) return [];
  const provider = core.options.provider!;
  const state = loaded ?? (await core.load()).state;
  const warnings: ProviderWarning[] = [];
  for (const change of changes) {
    const input: TagInput = {
      model: { name: change.model, version: change.version },
      stage: change.stage,
      tag: change.tag,
      action: change.action ?? 'add',
      refs: state.models[change.model]?.versions[change.version]?.refs ?? {},
      // The platform's tags are outside the ledger but just as visible: approver names are redacted too.
      ...(change.approval
        ? {
            approval: JSON.parse(
              core.context.redact(JSON.stringify(change.approval)),
            ) as TagInput['approval'],
          }
        : {}),
    };
    const what = `${change.action === 'remove' ? 'untag' : 'tag'} ${change.model} ${change.version} ${change.tag} on ${change.stage}`;
    try {
      const result = await provider.tag(input, core.context);
      warnings.push(...result.warnings);
    } catch (error) {
      const message = core.context.redact(
        `${provider.name}: could not ${what} (${(error as Error).message}); the ledger has the decision, so re-run the command or \`modelship-${provider.name} tag\` to repair the platform's tags`,
      );
      core.context.logger.warn(message);
      warnings.push({ type: 'other', feature: 'tag-mirror', message });
    }
  }
  return warnings;
}
