import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The demo spawns the built bins; build them when missing (`npm test` builds everything first).
export default function setup(): void {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const built = ['packages/cli/dist/main.js', 'packages/provider-local/dist/server-main.js'].every((file) =>
    existsSync(`${root}/${file}`),
  );
  if (built) return;
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@modelship/cli...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
}
