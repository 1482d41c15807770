// Runs the offline demo (`npm run demo`) as a user does, outside GitHub Actions, collecting its output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runScript = fileURLToPath(new URL('../local/run.mjs', import.meta.url));

export function runDemo(args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runScript, ...args], {
      env: { ...process.env, GITHUB_ACTIONS: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}
