// Secrets the redactor knows without being told: the values of environment variables whose names
// say they hold one. CI runners export many (AWS keys, tokens) and a failing command may echo any.

/** Names whose values are secrets: exact names, and suffixes. */
const secretNames = new Set(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'ALGORITHMIA_API_KEY']);
const secretSuffix =
  /_(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|SECRET_KEY|PRIVATE_KEY|SIGNING_KEY|ACCESS_KEY|WEBHOOK_URL|CREDENTIALS)$/;

/** Shorter values are too likely to occur by chance ("true", a port) to be replaced everywhere. */
export const minEnvSecretLength = 9;

export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return secretNames.has(upper) || secretSuffix.test(upper);
}

/** The values of well-known secret variables in `env` that are longer than 8 characters. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value && value.length >= minEnvSecretLength && isSecretEnvName(name) ? [value] : [],
  );
}

/** Values of the variables a config names in its `…Env` keys (provider settings, notifiers, signing keys). */
export function secretsNamedByConfig(config: unknown, env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, member] of Object.entries(value)) {
      if (typeof member === 'string' && /Env$/.test(key)) {
        const secret = env[member];
        if (secret) out.push(secret);
      } else walk(member);
    }
  };
  walk(config);
  return out;
}
