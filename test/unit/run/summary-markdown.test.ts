/**
 * summary.md opens in VS Code's Markdown preview, which renders HTML, linkifies bare URLs and loads
 * images. Texts from tickets, CSV headers, file names, run files and LLM answers must come out as the
 * characters they hold: rendered here with markdown-it, the parser the preview uses, set up as the
 * preview sets it up (HTML on, linkify on), no image, link, raw tag, heading, list or quote of theirs survives.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RUN_FORMAT_VERSION, type ClusterRecord, type MetricsFile, type RunManifest } from '../../../src/shared/api';
import { evaluate } from '../../../src/server/cluster/metrics';
import { markdownText } from '../../../src/server/run/markdownText';
import { renderSummary, summaryOfRun } from '../../../src/server/run/summaryMd';

// markdown-it ships no types of its own; this is the part of its API the test uses.
type MarkdownIt = new (opts: { html: boolean; linkify: boolean }) => { render(src: string): string };
const MarkdownIt = createRequire(__filename)('markdown-it') as MarkdownIt;
const preview = new MarkdownIt({ html: true, linkify: true });

const EVIL = 'https://evil.example';
const HOSTILE = {
  ticket: `![x](${EVIL}/a.png) <img src="${EVIL}/b.png"> [click](${EVIL}/c) ${EVIL}/bare www.evil-example.com/w <script>alert(1)</script> | pipe \`code\` &lt;img src=x&gt;`,
  label: `# Heading <a href="${EVIL}/l">x</a>`,
  description: `> quote\n- list item\n![](${EVIL}/d.png)\n<iframe src=${EVIL}/f></iframe> $x$`,
  keyword: `<img src=${EVIL}/k.png onerror=alert(1)>`,
  textColumn: `tex|t <img src=${EVIL}/c.png>`,
  labelColumn: `in\`tent <img src=${EVIL}/lc.png>`,
  // a file name: no slashes
  title: '![t](http:evil.example) <img src=http:evil.example>.csv',
  param: `[a](${EVIL}/p)`,
  purity: `<img src=${EVIL}/pu.png>`,
  model: `<img src=${EVIL}/m.png>`,
  timing: `<b>embed</b>`,
  runId: `1. <img src=${EVIL}/id.png>`,
  category: `[Billing](${EVIL}/cat) <img src=${EVIL}/cat.png>`,
};

function cluster(id: string, over: Partial<ClusterRecord>): ClusterRecord {
  return { id, parent: null, depth: 1, size: 10, isNoise: false, keywords: [], examples: [], label: null, description: null, labelSource: null, reviewed: false, ...over };
}

function hostileRun() {
  const manifest: RunManifest = {
    version: RUN_FORMAT_VERSION,
    id: HOSTILE.runId,
    createdAt: '2025-01-01T00:00:00.000Z',
    input: { path: `/data/${HOSTILE.title}`, sha256: 'ab'.repeat(32), rows: 30, textColumn: HOSTILE.textColumn, labelColumn: HOSTILE.labelColumn },
    model: { id: 'm', hash: 'cd'.repeat(32) },
    params: { adapterModel: HOSTILE.param, minClusterSize: 5 },
    timings: { [HOSTILE.timing]: 1.5 },
    labelling: { state: 'complete', model: HOSTILE.model, usage: null },
  };
  const clusters = [
    cluster('root.0', { label: HOSTILE.label, labelSource: 'llm', description: HOSTILE.description, keywords: [{ term: HOSTILE.keyword, score: 1 }], examples: [{ row: 1, text: HOSTILE.ticket }], purity: { label: HOSTILE.purity, share: 0.9 }, suggestedCategory: HOSTILE.category, suggestedPriority: 'High' }),
    cluster('root.1', { keywords: [{ term: HOSTILE.keyword, score: 1 }, { term: 'refund', score: 0.5 }], examples: [{ row: 2, text: HOSTILE.description }] }),
    cluster('root.0.0', { parent: 'root.0', depth: 2, label: HOSTILE.ticket, labelSource: 'llm' }),
    cluster('root.noise', { isNoise: true, size: 10 }),
  ];
  const e = evaluate([HOSTILE.purity, HOSTILE.purity, 'b'], ['root.0', 'root.0', 'root.1'], (p) => p.endsWith('.noise'));
  const metrics: MetricsFile = { labelColumn: HOSTILE.labelColumn, topLevel: e, leafLevel: e, sweep: null };
  return summaryOfRun(manifest, clusters, metrics);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('summary.md with hostile texts', () => {
  const md = renderSummary(hostileRun());
  const html = preview.render(md);

  it('renders no image, link, raw HTML, quote or list of theirs in the preview', () => {
    for (const tag of ['<img', '<a ', '<script', '<iframe', '<b>', '<blockquote', '<ol']) expect(html, tag).not.toContain(tag);
    expect(html).not.toMatch(/<[^>]*\b(?:src|href)=/);
    // Our own structure only: one h1, the h2s and h3s of the report, the example bullets.
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html.match(/<li>/g)).toHaveLength(2);
    // The five file names of the last line and the label column's code span.
    expect(html.match(/<code>/g)).toHaveLength(6);
  });

  it('shows every text as the characters it holds', () => {
    const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
    for (const s of [HOSTILE.ticket.slice(0, 160), HOSTILE.label, HOSTILE.description, HOSTILE.keyword, HOSTILE.textColumn, HOSTILE.title, HOSTILE.param, HOSTILE.purity, HOSTILE.model, HOSTILE.timing, HOSTILE.runId, `Suggested: ${HOSTILE.category} · High priority`]) {
      expect(html, s).toContain(escapeHtml(oneLine(s)));
    }
    // The label column stays a code span, its backtick and tag inside it as text.
    expect(html).toContain(`<h2>Evaluation against <code>${escapeHtml(HOSTILE.labelColumn)}</code></h2>`);
  });

  it('keeps a pipe in a text inside its table cell', () => {
    const row = html.split('\n').find((l) => l.includes('<td>root.0</td>'));
    expect(row).toBeDefined();
    const table = html.slice(html.indexOf('<td>root.0</td>'));
    const firstRow = table.slice(0, table.indexOf('</tr>'));
    expect(firstRow.match(/<td/g)).toHaveLength(5);
  });

  it('escapes with backslashes, so the Markdown file itself still reads as the text', () => {
    expect(markdownText(`![x](${EVIL}/a.png)`)).toBe('\\!\\[x\\]\\(https\\://evil\\.example/a\\.png\\)');
    expect(markdownText('<img src=x>')).toBe('\\<img src=x\\>');
    expect(markdownText('# not a heading')).toBe('\\# not a heading');
    expect(markdownText('- not a list')).toBe('\\- not a list');
    expect(markdownText('a | b `c`')).toBe('a \\| b \\`c\\`');
    expect(markdownText('line one\n> line two')).toBe('line one \\> line two');
    // Outside the label column's code span (where nothing is parsed), no link syntax is left unescaped.
    const outsideCode = md.split('\n').filter((l) => !l.startsWith('## Evaluation against')).join('\n');
    expect(outsideCode).not.toMatch(/(?<!\\)\]\(/);
    expect(outsideCode).not.toMatch(/(?<!\\)<(?:img|a|script|iframe)\b/);
    expect(outsideCode).not.toMatch(/https?:/);
  });
});
