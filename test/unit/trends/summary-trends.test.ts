/**
 * The Trends section of summary.md: cluster names, emerging topics' keywords and example tickets and
 * source file names come from the data, and VS Code's Markdown preview (markdown-it, HTML and linkify
 * on) must show them as the characters they hold — no image, link or tag of theirs.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TRENDS_FORMAT_VERSION, type ClusterRecord, type TrendsFile } from '../../../src/shared/api';
import { renderSummary, summaryOfRun } from '../../../src/server/run/summaryMd';
import { runManifest } from '../../support/runManifest';

type MarkdownIt = new (opts: { html: boolean; linkify: boolean }) => { render(src: string): string };
const MarkdownIt = createRequire(__filename)('markdown-it') as MarkdownIt;
const preview = new MarkdownIt({ html: true, linkify: true });

const EVIL = 'https://evil.example';
const TICKET = `![x](${EVIL}/a.png) <img src="${EVIL}/b.png"> [click](${EVIL}/c) ${EVIL}/bare | pipe`;
const NAME = `<a href="${EVIL}/n">label</a>`;

const manifest = runManifest('run-1', { path: '/data/tickets.csv', rows: 20 });
const cluster: ClusterRecord = { id: 'root.0', parent: null, depth: 1, size: 20, isNoise: false, keywords: [{ term: 'refund', score: 1 }], examples: [], label: null, description: null, labelSource: null, reviewed: false };

const trends: TrendsFile = {
  version: TRENDS_FORMAT_VERSION,
  runId: 'run-1',
  createdAt: '2025-02-01T00:00:00.000Z',
  bucket: 'day',
  windowDays: 7,
  buckets: ['2025-01-20', '2025-01-21'],
  sources: [`12 assigned tickets in <img src=${EVIL}/s.png>.csv`],
  dated: 32,
  undated: 1,
  series: [
    { cluster: 'root.0', name: NAME, counts: [10, 10], total: 20 },
    { cluster: 'new', name: 'New / unassigned', counts: [2, 10], total: 12 },
  ],
  window: { currentStart: '2025-01-15T00:00:00.000Z', end: '2025-01-22T00:00:00.000Z', previousStart: '2025-01-08T00:00:00.000Z' },
  growth: [
    { cluster: 'new', name: 'New / unassigned', current: 12, previous: 0, ratio: 13 },
    { cluster: 'root.0', name: NAME, current: 20, previous: 20, ratio: 1 },
  ],
  minCount: 10,
  emerging: [{ id: 'emerging.0', size: 12, keywords: [{ term: `<script>alert(1)</script>`, score: 1 }], examples: [{ text: TICKET, row: 3, date: '2025-01-21T10:00:00.000Z' }], first: '2025-01-20T09:00:00.000Z', last: '2025-01-21T10:00:00.000Z' }],
  minTopicSize: 10,
};

describe('summary.md Trends section', () => {
  const md = renderSummary(summaryOfRun(manifest, [cluster], null, trends));
  const html = preview.render(md);

  it('is there when the run has trends, and not otherwise', () => {
    expect(md).toContain('## Trends');
    expect(md).toContain('### Growing fastest: 2025-01-15 to 2025-01-21 against the 7 days before');
    expect(md).toContain('### Emerging topics');
    expect(renderSummary(summaryOfRun(manifest, [cluster], null))).not.toContain('## Trends');
  });

  it('renders no image, link or tag from the data', () => {
    for (const tag of ['<img', '<a ', '<script']) expect(html, tag).not.toContain(tag);
    expect(html).not.toMatch(/<[^>]*\b(?:src|href)=/);
    expect(md).not.toMatch(/https?:/);
  });

  it('shows the texts as they are, each table row in its own cells', () => {
    const shown = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    expect(html).toContain(shown(TICKET));
    expect(html).toContain(shown(NAME));
    expect(html).toContain(shown('<script>alert(1)</script>'));
    // The growth table: cluster, name, last window, window before, growth.
    const row = html.slice(html.indexOf('<td>new</td>'));
    expect(row.slice(0, row.indexOf('</tr>')).match(/<td/g)).toHaveLength(5);
  });
});
