import { chainEvents, type LedgerEventInput, promotionHistory, stageTenures } from '@modelship/core';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../src/report-html.js';

// Model names are checked by the CLI, but a ledger can be written by anything: the report must
// not trust a single string in it.
const model = '"><svg onload=alert(1)>';
const at = (minute: number) => new Date(Date.UTC(2026, 2, 3, 12, minute)).toISOString();
const inputs: LedgerEventInput[] = [
  {
    type: 'version.registered',
    at: at(0),
    model,
    version: 'v1',
    data: {
      record: {
        model,
        id: 'v1',
        number: 1,
        registeredAt: at(0),
        metrics: { '<b>acc</b>': 0.9 },
        refs: {},
        provenance: { repository: 'javascript:alert(1)//', commit: '<i>c</i>', runId: '1' },
      },
    },
  },
  {
    type: 'promotion.requested',
    at: at(1),
    model,
    version: 'v1',
    stage: 'prod<u>',
    by: '<a href=x>',
    data: {},
  },
  {
    type: 'gates.evaluated',
    at: at(2),
    model,
    version: 'v1',
    stage: 'prod<u>',
    data: {
      passed: true,
      approvalsRequired: 1,
      gates: [
        {
          name: 'metric <b>acc</b>',
          kind: 'metric',
          verdict: 'pass',
          inputs: { metric: '<b>acc</b>', actual: 0.9, op: '>=', threshold: 0.5 },
          message: '<script>x</script>',
        },
      ],
    },
  },
  {
    type: 'approval.granted',
    at: at(3),
    model,
    version: 'v1',
    stage: 'prod<u>',
    by: "o'neil",
    data: {
      reason: '<style>*{}</style>',
      signature: { head: { seq: 1, hash: 'sha256:x' }, sshsig: 'sig', key: 'SHA256:abc<i>' },
    },
  },
  { type: 'deploy.started', at: at(4), model, version: 'v1', stage: 'prod<u>', data: {} },
  {
    type: 'deploy.succeeded',
    at: at(5),
    model,
    version: 'v1',
    stage: 'prod<u>',
    data: { endpoint: 'javascript:alert(document.cookie)', refs: { '<k>': '<v>' } },
  },
];

describe('the HTML report', () => {
  it('escapes every string from the ledger and links only to http(s)', () => {
    const events = chainEvents(inputs, { seq: 0, hash: null });
    const { log, state } = promotionHistory(events);
    const html = renderHtmlReport({
      models: [model],
      stages: ['staging'],
      state,
      log,
      tenures: (m, s) => stageTenures(log, m, s),
      chain: {
        ok: true,
        events: events.length,
        head: { seq: events.length, hash: events.at(-1)!.hash },
        signedBatches: 0,
        batches: 1,
        signaturesChecked: false,
        problems: [],
        checkedAt: at(9),
      },
      ledgerLocation: '/tmp/<ledger>',
      generatedAt: new Date(at(10)),
    });
    // Only the page's own markup: no element or attribute that any ledger string could have opened.
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]));
    for (const tag of tags)
      expect([
        'html',
        'head',
        'meta',
        'title',
        'style',
        'body',
        'h1',
        'h2',
        'h3',
        'p',
        'code',
        'section',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'strong',
        'time',
        'svg',
        'text',
        'g',
        'rect',
        'details',
        'summary',
        'div',
        'span',
        'figure',
        'figcaption',
        'line',
        'circle',
        'polyline',
        'ul',
        'li',
      ]).toContain(tag);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/href="(?!https?:)/);
    // Attribute values are quoted and their quotes escaped: outside them, no event handler.
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(html).toContain('o&#39;neil');
    expect(html).toContain('yes: by the approver (<code>SHA256:abc&lt;i&gt;</code>)');
    expect(html).toContain('&lt;style&gt;*{}&lt;/style&gt;');
    expect(html).toContain('javascript:alert(document.cookie)');
  });
});
