#!/usr/bin/env node
// The pachctl double: answers the pachctl v2.x commands modelship uses, against PACHCTL_DOUBLE_STATE.
// Runs the built file; from a source checkout without dist/, runs the TypeScript through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
let mod;
if (existsSync(built)) mod = await import(built.href);
else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport('../src/main.ts', import.meta.url);
}
process.exitCode = mod.main(process.argv.slice(2));
