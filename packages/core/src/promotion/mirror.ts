// The ledger decides; the provider's own tags follow it: registry approvals (SageMaker's
// Approved/Rejected), champion and challenger aliases (local, MLRun, Metaflow run tags). A tag is
// mirrored after the decision is durable and never undoes it: a failure is logged and returned as
// a warning, and repeating the command (or `modelship-<provider> tag`) repairs it, since tagging
// is idempotent.
import type { ProviderWarning, TagInput } from '../contract/provider.js';
import type { LedgerState } from '../state/types.js';
import type { PromoterRuntime } from './runtime.js';
import type { TagChange } from './tags.js';

/** The changes the provider asked to see (its `promotionTags`), unless mirroring is turned off. */
export function wantedTags(runtime: PromoterRuntime, changes: readonly TagChange[]): TagChange[] {
  const provider = runtime.options.provider;
  if (!provider?.capabilities.tag || runtime.options.mirrorTags === false) return [];
  const tags = new Set(provider.promotionTags ?? []);
  return changes.filter((change) => tags.has(change.tag));
}

/** Of `changes`, those the provider needs made before its deploy is called (`tagsBeforeDeploy`). */
export function beforeDeploy(runtime: PromoterRuntime, changes: readonly TagChange[]): TagChange[] {
  const early = new Set(runtime.options.provider?.tagsBeforeDeploy ?? []);
  return changes.filter((change) => early.has(change.tag));
}

/**
 * Applies the wanted changes in order; resolves the warnings (never rejects). Versions' refs never
 * change after registration, so any state that holds the versions will do.
 */
export async function applyTags(
  runtime: PromoterRuntime,
  all: readonly TagChange[],
  state: LedgerState,
): Promise<ProviderWarning[]> {
  const changes = wantedTags(runtime, all);
  const provider = runtime.options.provider;
  const warnings: ProviderWarning[] = [];
  if (!provider) return warnings;
  for (const change of changes) {
    const input: TagInput = {
      model: { name: change.model, version: change.version },
      stage: change.stage,
      tag: change.tag,
      action: change.action ?? 'add',
      refs: state.models[change.model]?.versions[change.version]?.refs ?? {},
      ...(change.approval ? { approval: change.approval } : {}),
    };
    const what = `${change.action === 'remove' ? 'untag' : 'tag'} ${change.model} ${change.version} ${change.tag} on ${change.stage}`;
    try {
      warnings.push(...(await provider.tag(input, runtime.context)).warnings);
    } catch (error) {
      const message = runtime.context.redact(
        `${provider.name}: could not ${what} (${(error as Error).message}); the ledger has the decision, so re-run the command or \`modelship-${provider.name} tag\` to repair the platform's tags`,
      );
      runtime.context.logger.warn(message);
      warnings.push({ type: 'other', feature: 'tag-mirror', message });
    }
  }
  return warnings;
}
