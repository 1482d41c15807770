#!/usr/bin/env node
// The browser test's peer: headless Chromium from Debian's `chromium` package, driven by
// playwright-core (which downloads no browser of its own). Installed with apt-get when missing
// and possible (root on a Debian-like system); otherwise the reason is returned so the test can
// say why it skipped. MODELSHIP_CHROMIUM points at another executable.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const debianPath = '/usr/bin/chromium';

function apt(args) {
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 15 * 60_000,
  });
}

/** `{ path }` of a Chromium to launch, or `{ reason }` it cannot be had here. */
export function ensureChromium() {
  const wanted = process.env.MODELSHIP_CHROMIUM;
  if (wanted)
    return existsSync(wanted) ? { path: wanted } : { reason: `MODELSHIP_CHROMIUM=${wanted} does not exist` };
  if (existsSync(debianPath)) return { path: debianPath };
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get'))
    return {
      reason: `${debianPath} is missing and this is not a system with apt-get; install Chromium and set MODELSHIP_CHROMIUM`,
    };
  if (process.getuid?.() !== 0)
    return {
      reason: `${debianPath} is missing; run \`sudo apt-get install -y chromium\` (the tests install it only as root)`,
    };
  try {
    console.log('chromium: apt-get install -y chromium');
    try {
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    } catch {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    }
  } catch (error) {
    return {
      reason: `apt-get install chromium failed: ${String(error.stderr ?? error.message)
        .trim()
        .split('\n')
        .pop()}`,
    };
  }
  return existsSync(debianPath)
    ? { path: debianPath }
    : { reason: `apt-get installed chromium but ${debianPath} is missing` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = ensureChromium();
  console.log(result.path ? `chromium: ${result.path}` : `chromium: unavailable: ${result.reason}`);
  process.exit(result.path ? 0 : 1);
}
