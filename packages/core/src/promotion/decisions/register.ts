// Registering a version: the next id of the model, an immutable record.
import { InvalidInputError } from '../../contract/errors.js';
import type { LedgerState, ModelVersion } from '../../state/types.js';
import type { RegisterInput } from '../types.js';
import { eventOf } from './guards.js';
import type { Decision } from './types.js';

/** Refuses a bad model name or a metric that is not a finite number, naming it. */
export function validateRegister(input: RegisterInput): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.model ?? ''))
    throw new InvalidInputError(
      `model name "${input.model}" is invalid; use letters, digits, ".", "_" or "-"`,
    );
  for (const [name, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InvalidInputError(`metrics.${name} must be a finite number, got ${String(value)}`);
  }
}

export interface RegisterDecisionInput {
  input: RegisterInput;
  /** Captured by the caller when the input has none (it reads the environment and git). */
  provenance: Record<string, unknown> | undefined;
  by: string;
  key: string | undefined;
}

export function decideRegister(
  state: LedgerState,
  { input, provenance, by, key }: RegisterDecisionInput,
  now: string,
): Decision<ModelVersion> {
  const number = Object.keys(state.models[input.model]?.versions ?? {}).length + 1;
  const record: ModelVersion = {
    model: input.model,
    id: `v${number}`,
    number,
    registeredAt: now,
    metrics: { ...input.metrics },
    ...(input.artifact ? { artifact: input.artifact } : {}),
    ...(input.path ? { path: input.path } : {}),
    ...(input.manifest ? { manifest: input.manifest } : {}),
    ...(input.manifestDigest ? { manifestDigest: input.manifestDigest } : {}),
    ...(input.evaluation ? { evaluation: input.evaluation } : {}),
    ...(provenance ? { provenance } : {}),
    refs: { ...input.refs },
  };
  const event = eventOf(
    'version.registered',
    now,
    { model: input.model, version: record.id, by, idempotencyKey: key },
    { operation: 'register', record, result: record },
  );
  return { kind: 'append', events: [event], result: record };
}
