/** Replaces every known secret in a text with `***`. Add secrets as they are resolved. */
export interface Redactor {
  (text: string): string;
  add(secret: string | undefined | null): void;
  readonly size: number;
}

const MIN_SECRET_LENGTH = 4;
const REDACTED = '***';
// user:password@ in URLs, e.g. git remotes with a token.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::([^/\s@]+))?@/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(secrets: Iterable<string | undefined | null> = []): Redactor {
  const known = new Set<string>();
  let pattern: RegExp | undefined;

  const rebuild = () => {
    const variants = [...known].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = variants.length ? new RegExp(variants.join('|'), 'g') : undefined;
  };

  const redact = ((text: string) => {
    let out = String(text).replace(URL_CREDENTIALS, (_m, scheme: string, user: string, password?: string) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    );
    if (pattern) out = out.replace(pattern, REDACTED);
    return out;
  }) as Redactor;

  redact.add = (secret) => {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const before = known.size;
    known.add(secret);
    known.add(encodeURIComponent(secret));
    known.add(Buffer.from(secret).toString('base64'));
    // As it appears inside a JSON string (--json output, ledger events, run records).
    known.add(JSON.stringify(secret).slice(1, -1));
    // A multi-line secret (a PEM key) can leak one line at a time.
    for (const line of secret.split(/\r?\n/))
      if (line.length >= 16 && line !== secret) known.add(line.trim());
    if (known.size !== before) rebuild();
  };
  Object.defineProperty(redact, 'size', { get: () => known.size });

  for (const secret of secrets) redact.add(secret);
  return redact;
}
