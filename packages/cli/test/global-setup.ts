import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The end-to-end tests spawn the built bins; build them when they are missing (`npm test` builds first).
export default function setup(): void {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const server = fileURLToPath(new URL('../../provider-local/dist/server-main.js', import.meta.url));
  if (existsSync(main) && existsSync(server)) return;
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@modelship/cli...', '--output-logs=errors-only'], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: 'inherit',
  });
}
