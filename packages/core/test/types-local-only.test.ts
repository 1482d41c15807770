// A local-only app installs @modelship/core without @aws-sdk/client-s3 (an optional peer needed
// only by @modelship/core/ledger-s3). Its type-check must pass with skipLibCheck off, so the main
// entry's declarations may never reach the AWS SDK.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAppWithout, workspaceRoot } from '../../../scripts/vitest/app-without.js';

const dist = join(workspaceRoot, 'packages/core/dist');
const app = makeAppWithout(['@aws-sdk']);
afterAll(() => app.cleanup());

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds core (and manifest) when dist is missing.
  if (existsSync(join(dist, 'ledger-s3.d.ts'))) return;
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@modelship/core...', '--output-logs=errors-only'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
  });
}, 300_000);

/** The declaration files `entry` reaches through its relative imports (tsup's shared chunks). */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const [, spec] of text.matchAll(/from ['"](\.\.?\/[^'"]+)['"]/g))
    reachable(join(dirname(entry), spec!.replace(/\.js$/, '.d.ts')), seen);
  return seen;
}

async function typecheck(source: string): Promise<{ code: number; output: string }> {
  writeFileSync(join(app.dir, 'app.ts'), source);
  writeFileSync(
    join(app.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: ['node'],
        // Resolve from the app's node_modules, not from where the workspace links point.
        preserveSymlinks: true,
      },
      files: ['app.ts'],
    }),
  );
  writeFileSync(join(app.dir, 'package.json'), '{"type":"module"}');
  const tsc = join(workspaceRoot, 'node_modules/typescript/bin/tsc');
  return promisify(execFile)(process.execPath, [tsc, '-p', app.dir], { cwd: app.dir }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe('@modelship/core types without the AWS SDK', () => {
  it('index.d.ts and every declaration it reaches never name @aws-sdk; ledger-s3.d.ts does', () => {
    const files = [...reachable(join(dist, 'index.d.ts'))];
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('@aws-sdk');
    expect(readFileSync(join(dist, 'ledger-s3.d.ts'), 'utf8')).toContain('@aws-sdk/client-s3');
  });

  it('a local-only app type-checks with strict and skipLibCheck false', async () => {
    const result = await typecheck(`
import { createPromoter, openFileLedger, registerFromPath, type Promoter } from '@modelship/core';
import { uploadWithManifest } from '@modelship/core/provider-kit';
const promoter: Promoter = createPromoter({ ledger: openFileLedger('.modelship') });
export const run = () => registerFromPath({ promoter, model: 'churn', path: 'models/churn', metrics: { mse: 4.1 } });
export { uploadWithManifest };
`);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('the S3 subpath is what needs the SDK: importing it without one is TS2307', async () => {
    const result = await typecheck(`export { createS3Ledger } from '@modelship/core/ledger-s3';\n`);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/TS2307: Cannot find module '@aws-sdk\/client-s3'/);
  });
});
