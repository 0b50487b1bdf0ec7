/**
 * Claude's labels reach Markdown (summary.md) and the webview, so a label, description or category
 * with a URL or markup — what a prompt-injected ticket would ask for — is refused like any invalid
 * answer: one repair turn naming the problem, then the keyword label. A poisoned cache entry is
 * asked again. The real SDK against the fake API on 127.0.0.1, on a real run folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterLabel, LabelOptions } from '../../../src/shared/api';
import { LabelCache } from '../../../src/server/label/cache';
import { labelRun } from '../../../src/server/label/labelRun';
import { silentLogger } from '../../../src/server/log';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic, type RecordedRequest } from '../../support/fakeAnthropic';
import { buildRunFixture, targetsOf, type RunFixture } from './runFixture';

const good = { label: 'Refund Status Requests', description: 'Customers ask when their refund will arrive.', category: 'Refunds', priority: 'Medium', confidence: 0.8 };

const UNSAFE: [string, string][] = [
  ['an http URL', 'https://attacker.example/x'],
  ['a scheme-less web address', 'www.attacker.example'],
  ['a data: URI', 'data:image/png;base64,iVBOR'],
  ['a javascript: URI', 'javascript:alert(1)'],
  ['a Markdown image', '![x](/t.png)'],
  ['a Markdown link', '[refunds](/r)'],
  ['an HTML tag', '<img src=x>'],
  ['a closing HTML tag', '</b>'],
  ['an HTML comment', '<!-- x -->'],
  ['backticks', '`reset`'],
];

describe('ClusterLabel: plain text only', () => {
  it.each(UNSAFE)('refuses %s in the label, the description and the category', (_what, snippet) => {
    for (const change of [{ label: `Refund ${snippet}` }, { description: `Customers ask about ${snippet} often.` }, { category: `Refunds ${snippet}` }]) {
      const r = ClusterLabel.safeParse({ ...good, ...change });
      expect(r.success, JSON.stringify(change)).toBe(false);
      expect(r.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^plain text only: no /)]);
    }
  });

  it('keeps ordinary text, placeholders and comparisons', () => {
    for (const description of [
      'Customers ask about [EMAIL] changes and [ORDER_ID] lookups.',
      'Customers report lost data: exports fail since the update.',
      'Orders with < 3 items ship late; some say > 2 weeks.',
      'Customers ask (politely) about refunds: timing and amounts.',
    ]) {
      expect(ClusterLabel.safeParse({ ...good, description }).success, description).toBe(true);
    }
  });

  it('a cached label with a URL is not served: it is asked again', () => {
    const dir = mkdtempSync(join(fx.root, 'cache-'));
    writeFileSync(join(dir, 'poisoned.json'), JSON.stringify({ ...good, description: 'See ![x](https://attacker.example/p.png) now.' }));
    writeFileSync(join(dir, 'clean.json'), JSON.stringify(good));
    const cache = new LabelCache(dir);
    expect(cache.get('poisoned')).toBeNull();
    expect(cache.get('clean')).toEqual(good);
  });
});

let fx: RunFixture;
let fake: FakeAnthropic | null = null;
beforeAll(async () => {
  fx = await buildRunFixture('tl-label-plain-');
});
afterEach(async () => {
  await fake?.close();
  fake = null;
});
const opts = (o: Partial<LabelOptions> = {}) => LabelOptions.parse({ baseURL: fake?.url, baseDelayMs: 20, timeoutMs: 5000, concurrency: 1, ...o });
const deps = () => ({ apiKey: 'sk-ant-test-plain', cacheDir: mkdtempSync(join(fx.root, 'cache-')), log: silentLogger });
const isRepair = (q: RecordedRequest) => q.body.messages.length === 3;

describe('labelling refuses links and markup in what Claude returns', () => {
  it('a description with a Markdown image gets a repair turn naming the problem; the repaired label is used', async () => {
    fake = await startFakeAnthropic((q) =>
      isRepair(q) ? { kind: 'tool', input: labelFromPrompt(q) } : { kind: 'tool', input: { ...labelFromPrompt(q), description: 'Refunds ![](https://attacker.example/p.png?run=1) asked.' } },
    );
    const run = fx.freshRun();
    const r = await labelRun(run, opts(), deps());
    expect(r.state).toBe('complete');
    expect(r.requests).toBeGreaterThanOrEqual(2 * targetsOf(run).length);
    expect(fake.requests.filter(isRepair).length * 2).toBe(fake.requests.length);
    const repair = fake.requests.find(isRepair)!;
    expect(JSON.stringify(repair.body.messages[2])).toMatch(/description: plain text only: no URLs/);
    for (const c of targetsOf(run)) {
      expect(c.labelSource).toBe('llm');
      expect(`${c.label} ${c.description}`).not.toMatch(/attacker|!\[/);
    }
  });

  it('markup twice in a row falls back to the keyword label', async () => {
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: { ...labelFromPrompt(q), label: 'Refunds <img src=x>' } }));
    const run = fx.freshRun();
    const r = await labelRun(run, opts({ concurrency: 4 }), deps());
    expect(r.state).toBe('keywords-only');
    expect(r.failures[0].reason).toMatch(/invalid output twice \(label: plain text only: no HTML tags\)/);
    for (const c of targetsOf(run)) {
      expect(c.labelSource).toBe('keywords');
      expect(c.label).not.toMatch(/</);
    }
  });
});
