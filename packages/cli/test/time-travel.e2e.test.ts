import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asOfJson, reportJson, statusJson, tenuresJson } from '../src/json-output.js';
import { cli, useProject } from './helpers.js';

const project = useProject();
const run = (args: string[], env?: Record<string, string>) =>
  cli(args, { cwd: project.dir, ...(env ? { env } : {}) });
const hostile = '<img src=x onerror=alert(1)>';
const reason = '</td><script>alert("x")</script>';

interface Event {
  seq: number;
  at: string;
  type: string;
  version?: string;
  stage?: string;
}
let events: Event[] = [];
const deployed = (version: string, stage: string) =>
  events.find((e) => e.type === 'deploy.succeeded' && e.version === version && e.stage === stage)!;
const championAt = async (at: string) => {
  const result = await run(['status', 'm', '--at', at, '--json']);
  expect(result.code, result.stderr).toBe(0);
  const board = statusJson.parse(JSON.parse(result.stdout));
  asOfJson.parse(board.asOf);
  return Object.fromEntries(
    board.stages.map((s: { name: string; champion: { version: string } | null }) => [
      s.name,
      s.champion?.version ?? null,
    ]),
  );
};

beforeAll(async () => {
  for (const [version, r2] of [
    ['v1', 0.7],
    ['v2', 0.8],
  ] as const) {
    const model = project.model(version, 2, r2);
    expect((await run(['register', 'm', '--path', model.path, '--metrics', model.metrics])).code).toBe(0);
    expect((await run(['promote', 'm', version, '--to', 'staging'])).code).toBe(0);
    expect((await run(['promote', 'm', version, '--to', 'production'])).code).toBe(4);
    const by = version === 'v1' ? hostile : 'bob';
    const approved = await run([
      'approve',
      'm',
      version,
      '--stage',
      'production',
      '--by',
      by,
      '--reason',
      reason,
    ]);
    expect(approved.code, approved.stderr).toBe(0);
  }
  expect((await run(['rollback', 'm', '--stage', 'production'])).code).toBe(0);
  events = JSON.parse((await run(['history', 'm', '--json'])).stdout).events;
});

describe('modelship status --at', () => {
  it('shows the board as it was at an event number and at a time, from the ledger alone', async () => {
    const v1 = deployed('v1', 'production');
    const v2 = deployed('v2', 'production');
    expect(await championAt(`#${v1.seq - 1}`)).toEqual({ staging: 'v1', production: null });
    expect(await championAt(`#${v1.seq}`)).toEqual({ staging: 'v1', production: 'v1' });
    expect(await championAt(v2.at)).toEqual({ staging: 'v2', production: 'v2' });
    // A time in another zone is the same instant.
    const ms = Date.parse(v2.at) - 1;
    const local = new Date(ms + 2 * 3600_000).toISOString().replace(/\.(\d+)Z$/, '.$1+02:00');
    expect(await championAt(local)).toEqual({ staging: 'v2', production: 'v1' });
    expect(await championAt('2999-01-01T00:00:00Z')).toEqual({ staging: 'v2', production: 'v1' });
    const text = await run(['status', '--at', `#${v1.seq}`]);
    expect(text.stdout).toMatch(new RegExp(`^as of #${v1.seq}: event #${v1.seq} \\(${v1.at}\\)`));
    expect(text.stdout).toMatch(/production\s+v1 @ http:\/\/127\.0\.0\.1:\d+/);
  });

  it('refuses a value that is neither a time nor an event number, an event past the head, and --check (exit 2)', async () => {
    const bad = await run(['status', '--at', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--at "last tuesday" is neither an ISO-8601 time with a zone');
    const noZone = await run(['status', '--at', '2026-03-03T12:00:00']);
    expect(noZone.code).toBe(2);
    const past = await run(['status', '--at', '#100000']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--at #100000: the ledger at .* ends at #\d+/);
    const both = await run(['status', '--at', '#1', '--check']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Use one or the other');
  });
});

describe('modelship history --stage', () => {
  it("lists each production champion's tenure, as a table, JSON and a mermaid Gantt chart", async () => {
    const table = await run(['history', 'm', '--stage', 'production']);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^v1\s+\S+ \S+\s+\S+ \S+\s+promotion\s+tester\s+<img src=x onerror=alert\(1\)>\s+1\/1 gates passed$/,
    );
    expect(rows[1]).toMatch(/^v2 .* promotion\s+tester\s+bob\s+1\/1 gates passed$/);
    expect(rows[2]).toMatch(/^v1\s+\S+ \S+\s+now\s+rollback\s+—\s+—\s+no gates$/);
    const json = tenuresJson.parse(
      JSON.parse((await run(['history', 'm', '--stage', 'production', '--format', 'json'])).stdout),
    );
    expect(json.tenures.map((t) => `${t.version} ${t.arrival}`)).toEqual([
      'v1 promotion',
      'v2 promotion',
      'v1 rollback',
    ]);
    expect(json.tenures[0]?.to).toBe(deployed('v2', 'production').at);
    const gantt = (await run(['history', 'm', '--stage', 'production', '--format', 'mermaid'])).stdout;
    expect(gantt).toMatch(/^gantt\n {2}title m - champions in production\n {2}dateFormat x\n/);
    expect(gantt).toMatch(
      / {2}v2 \(promotion, approved by bob\) :done, t2, \d+, \d+\n {2}v1 \(rollback\) :active, t3, \d+, \d+/,
    );
    const none = await run(['history', 'm', '--stage', 'canary']);
    expect(none.stdout).toContain('m has had no champion in canary (stages with one: staging, production)');
  });
});

describe('modelship report', () => {
  it('writes one self-contained HTML file, escapes what people typed, and gives its path to GitHub Actions', async () => {
    const output = join(project.dir, 'gh-output');
    const result = await run(['report', '--out', 'out/report.html'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
    });
    expect(result.code, result.stderr).toBe(0);
    const path = join(project.dir, 'out', 'report.html');
    expect(result.stdout).toContain(
      `wrote ${path}: 1 model(s), 5 promotion(s); ledger verified at #${events.length}`,
    );
    expect(readFileSync(output, 'utf8')).toContain(`report=${path}\n`);
    const html = readFileSync(path, 'utf8');
    expect(html).not.toMatch(/<script|<img|<link|@import|url\(|src=["']?http/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<section id="board">');
    expect(html).toMatch(/<td class="champion" data-stage="production"><strong>v1<\/strong>/);
    expect(html).toContain('class="metric-chart" data-metric="r2"');
    expect(html).toContain('staging: r2 &gt;= 0.5');
    expect(html).toContain('Hash chain intact');
    const json = reportJson.parse(JSON.parse((await run(['report', '--model', 'm', '--json'])).stdout));
    expect(json).toMatchObject({ models: ['m'], verified: true, events: events.length });
    const unknown = await run(['report', '--model', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown model "nope"');
  });
});
