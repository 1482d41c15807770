import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';

describe('the offline demo (npm run demo)', () => {
  it('trains, gates, approves, promotes a better challenger, refuses a tampered model, and stops every server', async () => {
    const { code, output } = await runDemo();
    expect(code, output).toBe(0);
    // 1. a real regression with real held-out metrics, registered with its manifest
    expect(output).toMatch(/fitted OLS on 80 rows/);
    expect(output).toMatch(/held-out \(97 rows\): rmse \d+, mae \d+, r2 0\.\d+/);
    expect(output).toMatch(/registered housing v1 \(manifest sha256:[0-9a-f]{64}\)/);
    // 2. staging through the metric gate, and a prediction from the real server
    expect(output).toMatch(/housing v1 → staging: promoted, serving at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/MEDV ≈ \$[\d,]+ \(the data says \$504,000\)/);
    // 3. production waits for one approval
    expect(output).toContain('housing v1 → production: waiting for approval (0/1 granted)');
    expect(output).toMatch(/production\s+—\s+v1 \(pending-approval\)\s+v1 \(0\/1\)/);
    // 4. v2 beats the champion by the configured margin on the same held-out rows
    expect(output).toMatch(/challenger vs champion\s+rmse [\d.]+ vs [\d.]+ \(v1\)\s+lower by ≥ 5000\s+pass/);
    expect(output).toMatch(/housing v2 → production: promoted, serving at .* \(replaces v1\)/);
    // 5. the tampered copy is refused with both digests
    expect(output).toMatch(
      /refused to start: model integrity check failed[\s\S]*model\.json: sha256 expected [0-9a-f]{64}, actual [0-9a-f]{64}/,
    );
    // 6. board, history (table and mermaid), ledger verified, nothing left running
    expect(output).toMatch(/production\s+v2 @ http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('flowchart TD');
    expect(output).toContain('hash chain intact');
    expect(output).toMatch(/2 server\(s\) stopped, nothing left running/);
  }, 180_000);
});
