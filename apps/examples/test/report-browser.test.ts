// The demo's report in a real browser: Debian's headless Chromium driven by playwright-core.
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensureChromium } from '../../../scripts/chromium.mjs';
import { runDemo } from './run-demo.js';

const outDir = fileURLToPath(new URL('../../../.reports/report-browser/', import.meta.url));
const browser = ensureChromium();

describe.skipIf(!browser.path)(
  `the demo's HTML report in Chromium${browser.reason ? ` (skipped: ${browser.reason})` : ''}`,
  () => {
    it('shows the board, the timeline and the metric chart, and fetches nothing from the network', async () => {
      mkdirSync(outDir, { recursive: true });
      const report = `${outDir}report.html`;
      const demo = await runDemo(['--report', report]);
      expect(demo.code, demo.output).toBe(0);
      expect(demo.output).toContain(`report: ${report}`);
      const url = pathToFileURL(report).href;
      const instance = await chromium.launch({ executablePath: browser.path, args: ['--no-sandbox'] });
      try {
        const page = await instance.newPage();
        const requested: string[] = [];
        page.on('request', (request) => requested.push(request.url()));
        // Everything but the report itself is refused, so a stray fetch would also fail to render.
        await page.route('**/*', (route) =>
          route.request().url() === url ? route.continue() : route.abort('blockedbyclient'),
        );
        await page.goto(url);
        for (const selector of [
          '#board',
          '#verification',
          'svg.timeline',
          'svg.metric-chart',
          'svg.metric-chart .threshold',
        ]) {
          const box = await page.locator(selector).first().boundingBox();
          expect(box, selector).not.toBeNull();
          expect(box!.width * box!.height, selector).toBeGreaterThan(0);
        }
        const champion = (stage: string) =>
          page.locator(`#board td.champion[data-stage="${stage}"]`).textContent();
        expect(await champion('staging')).toMatch(/^v2 since /);
        expect(await champion('production')).toMatch(/^v2 since /);
        expect(await page.locator('svg.timeline g.tenure[data-stage="production"]').count()).toBe(2);
        expect(await page.locator('svg.metric-chart circle').count()).toBeGreaterThanOrEqual(2);
        await expect(page.locator('#verification').textContent()).resolves.toContain('Hash chain intact');
        await page.screenshot({ path: `${outDir}report.png`, fullPage: true });
        expect(requested).toEqual([url]);
      } finally {
        await instance.close();
      }
    }, 240_000);
  },
);
