// provider-local's settings: the one schema that the factory, `modelship-local` flags and help,
// the environment and `providers.local` in modelship.config all read (flag metadata: ./flags.ts).
import { parseSettings } from '@modelship/core/provider-kit';
import { z } from 'zod';

/** The user's training command: it writes a model into `$MODELSHIP_MODEL_DIR` and metrics into `$MODELSHIP_METRICS_FILE`. */
export const trainCommandSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  /** Extra environment for the command (its values are never printed). */
  env: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
});
export type LocalTrainCommand = z.infer<typeof trainCommandSchema>;

export const settingsSchema = z.strictObject({
  /** Everything lives under this directory. Default: `.modelship` in the current directory. */
  root: z.string().min(1).optional(),
  /** The default training command (a call's `options.command`/`options.args` override it). */
  train: trainCommandSchema.optional(),
  /** Interface the inference servers bind; default 127.0.0.1. */
  host: z.string().min(1).optional(),
  /** How long a server may take to verify its model and listen; default 15 s. */
  startTimeoutMs: z.number().int().positive().optional(),
});
export type LocalProviderSettings = z.input<typeof settingsSchema>;

export const defaultStartTimeoutMs = 15_000;

/** Settings given in code are checked like those from flags or a config file. */
export function checkSettings(settings: LocalProviderSettings): LocalProviderSettings {
  return parseSettings(settingsSchema, { values: { ...settings }, from: {} }, 'local');
}
