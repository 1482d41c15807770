import { createRequire } from 'node:module';

// node:crypto costs ~10 ms to load (OpenSSL start-up). Loading it on first use keeps
// `import '@modelship/manifest/verify'` cheap; the check itself pays it when it hashes.
const require = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= require('node:crypto') as typeof import('node:crypto');
  return loaded;
}

/** A short random suffix for temporary file names (no crypto needed). */
export function temporarySuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
