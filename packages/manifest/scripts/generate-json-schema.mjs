#!/usr/bin/env node
// Writes schema/*.json from the zod schemas of the built package (run `npx tsup` first).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchemas } from '../dist/index.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
const schemas = manifestJsonSchemas();
const files = {
  'modelship.manifest.v1.json': schemas.modelship,
  'algorithmia.model_manifest.json': schemas.algorithmia,
};
for (const [name, schema] of Object.entries(files)) {
  writeFileSync(join(schemaDir, name), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schema/${name}`);
}
