// What the tarballs carry: the product only. dist/ (with its source maps), bins, READMEs and specs;
// no sources, tests or test platforms — the source maps embed the sources instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { refusedInTarball } from '../packages.mjs';

const { packed, apps } = inject('install');

describe('the published tarballs', () => {
  it('carry no sources, tests, emulators or doubles', () => {
    const refused = packed.flatMap((p) =>
      p.paths
        .map(refusedInTarball)
        .filter(Boolean)
        .map((why) => `${p.name}: ${why}`),
    );
    expect(refused).toEqual([]);
  });

  it('every installed source map embeds the sources it maps, so src/ need not ship', () => {
    const missing: string[] = [];
    for (const { name } of packed) {
      const dist = join(apps.docs, 'node_modules', name, 'dist');
      for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.map'),
      )) {
        const map = JSON.parse(readFileSync(join(dist, file), 'utf8'));
        const embedded = (map.sourcesContent ?? []).filter((content: unknown) => typeof content === 'string');
        if (embedded.length !== map.sources.length) missing.push(`${name}/dist/${file}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
