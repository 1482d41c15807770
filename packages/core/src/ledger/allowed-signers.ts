// OpenSSH's allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"): who may sign, with which key,
// for which namespaces and when. One line per key: `principals [options] keytype base64 [comment]`.
// Certificate authorities (`cert-authority`) are read but never match a plain key: a signature
// made with a certificate is refused rather than half-checked.
import { sshFingerprint, sshpk } from './sshsig.js';

export interface AllowedSigner {
  /** 1-based line in the file, for messages. */
  line: number;
  /** Patterns (`*`, `?`, `!negated`) the signer's name must match. */
  principals: string[];
  namespaces?: string[];
  validAfter?: Date;
  validBefore?: Date;
  certAuthority: boolean;
  /** The key blob (RFC 4253), compared byte for byte with the signature's key. */
  publicKey: Buffer;
  fingerprint: string;
}

/** Splits where `isSeparator` says, outside double quotes; quotes stay in the pieces (options keep them). */
function splitOutsideQuotes(text: string, isSeparator: (char: string) => boolean): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && isSeparator(char)) {
      out.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw new Error('unterminated quote');
  out.push(current);
  return out;
}

/** Splits on runs of blanks outside double quotes. */
const tokens = (line: string) => splitOutsideQuotes(line, (char) => /\s/.test(char)).filter(Boolean);
/** Splits `a,b="x,y",c` on commas outside quotes. */
const commaList = (text: string) => splitOutsideQuotes(text, (char) => char === ',');

const unquote = (text: string) => (text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text);
const isKeyType = (token: string) => /^(ssh-|ecdsa-|sk-)/.test(token);

/** `YYYYMMDD[HHMM[SS]][Z]`: UTC with a trailing Z, else local time, as OpenSSH reads it. */
function timestamp(text: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a time (YYYYMMDD[HHMM[SS]][Z])`);
  const [y, mo, d, h = '0', mi = '0', s = '0'] = match.slice(1, 7).map((v) => v ?? '0') as string[];
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  return match[7] ? new Date(Date.UTC(...parts)) : new Date(...parts);
}

function applyOptions(signer: AllowedSigner, options: string): void {
  for (const option of commaList(options)) {
    const [name = '', ...rest] = option.split('=');
    const value = unquote(rest.join('='));
    switch (name.toLowerCase()) {
      case 'cert-authority':
        signer.certAuthority = true;
        break;
      case 'namespaces':
        signer.namespaces = value.split(',');
        break;
      case 'valid-after':
        signer.validAfter = timestamp(value);
        break;
      case 'valid-before':
        signer.validBefore = timestamp(value);
        break;
      default:
        throw new Error(`unknown option "${name}"`);
    }
  }
}

/** Parses an allowed_signers file; throws a message naming `source` and the line that is wrong. */
export function parseAllowedSigners(text: string, source: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    try {
      const parts = tokens(line);
      const principals = unquote(parts[0] ?? '');
      const hasOptions = parts[1] !== undefined && !isKeyType(parts[1]);
      const [type, base64] = hasOptions ? parts.slice(2, 4) : parts.slice(1, 3);
      if (!principals || !type || !base64) throw new Error('expected "principals [options] keytype key"');
      const key = sshpk().parseKey(`${type} ${base64}`, 'ssh');
      const publicKey = key.toBuffer('rfc4253');
      const signer: AllowedSigner = {
        line: index + 1,
        principals: principals.split(','),
        certAuthority: false,
        publicKey,
        fingerprint: sshFingerprint(publicKey),
      };
      if (hasOptions) applyOptions(signer, parts[1] as string);
      signers.push(signer);
    } catch (error) {
      const why =
        (error as Error).name === 'KeyParseError' ? 'the key does not parse' : (error as Error).message;
      throw new Error(`${source} line ${index + 1}: ${why}; see "ALLOWED SIGNERS" in ssh-keygen(1)`);
    }
  });
  return signers;
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** OpenSSH's pattern lists: a negated match excludes, else any positive match includes. */
export function matchesPatternList(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, value)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export interface SignerQuery {
  principal: string;
  publicKey: Buffer;
  namespace: string;
  /** When the signature is judged (the approval's time): the key must be valid then. */
  at: Date;
}

/** The line that lets `query.principal` sign with this key, or why none does. */
export function findAllowedSigner(
  signers: readonly AllowedSigner[],
  query: SignerQuery,
): { ok: true; signer: AllowedSigner } | { ok: false; reason: string } {
  const fingerprint = sshFingerprint(query.publicKey);
  const forKey = signers.filter((s) => !s.certAuthority && s.publicKey.equals(query.publicKey));
  if (!forKey.length) return { ok: false, reason: `key ${fingerprint} is not in allowed_signers` };
  const named = forKey.filter((s) => matchesPatternList(s.principals, query.principal));
  if (!named.length)
    return {
      ok: false,
      reason: `key ${fingerprint} is allowed for ${forKey.map((s) => s.principals.join(',')).join('; ')}, not for ${query.principal}`,
    };
  const inNamespace = named.filter((s) => !s.namespaces || matchesPatternList(s.namespaces, query.namespace));
  if (!inNamespace.length)
    return {
      ok: false,
      reason: `key ${fingerprint} may not sign in namespace ${query.namespace} (namespaces=)`,
    };
  const time = query.at.getTime();
  const valid = inNamespace.find(
    (s) =>
      (!s.validAfter || time >= s.validAfter.getTime()) &&
      (!s.validBefore || time <= s.validBefore.getTime()),
  );
  if (!valid)
    return {
      ok: false,
      reason: `key ${fingerprint} is not valid at ${query.at.toISOString()} (valid-after/valid-before)`,
    };
  return { ok: true, signer: valid };
}
