import { userInfo } from 'node:os';

/**
 * The default idempotency key of a mutating call: the CI run id and attempt plus the operation,
 * so re-running a CI step returns the first result. Outside CI there is no default key.
 */
export function defaultIdempotencyKey(
  env: Record<string, string | undefined>,
  operation: string,
  parts: readonly string[],
): string | undefined {
  const run = env.MODELSHIP_RUN_ID ?? env.GITHUB_RUN_ID;
  if (!run) return undefined;
  const attempt = env.MODELSHIP_RUN_ATTEMPT ?? env.GITHUB_RUN_ATTEMPT ?? '1';
  const job = env.GITHUB_JOB ? `:${env.GITHUB_JOB}` : '';
  return `run:${run}:${attempt}${job}:${operation}:${parts.join(':')}`;
}

/** Who is acting: an explicit value, else the CI actor, else the local user. */
export function defaultActor(env: Record<string, string | undefined>): string {
  if (env.MODELSHIP_ACTOR) return env.MODELSHIP_ACTOR;
  if (env.GITHUB_ACTOR) return env.GITHUB_ACTOR;
  try {
    return env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}
