/**
 * The promise that nothing personal leaves the machine, end to end: the sample tickets with planted
 * personal data of every kind the redactor knows — in texts, in keywords (one name, e-mail address,
 * order number and address repeated across an intent, so c-TF-IDF picks them) and straddling the
 * 280-character cut — clustered with the real model and labelled through the real SDK against the
 * fake Messages API, with repair turns and sibling re-asks. No planted item may reach any request,
 * and the dry run (function, HTTP route and CLI) must show exactly the prompts that are sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, LabelOptions, LabelPreview } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { labelRun, previewLabels } from '../../../src/server/label/labelRun';
import { silentLogger } from '../../../src/server/log';
import { runCli } from '../../support/cli';
import { labelFromPrompt, promptOf, startFakeAnthropic, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

interface Plant {
  text: string;
  /** Lower-case fragments that give the item away; none may be in a request. */
  needles: string[];
}

/** Repeated across every ticket of one intent: what c-TF-IDF turns into that cluster's keywords. */
const IN_KEYWORDS: Record<string, Plant> = {
  track_order: { text: ' Thanks, Maria Gonzalez', needles: ['gonzalez', 'maria'] },
  get_refund: { text: ' my email is ana.perez@example.com', needles: ['perez', 'ana.'] },
  cancel_order: { text: ' order #A99887 for Dr. Evelyn Hartmann', needles: ['a99887', 'evelyn', 'hartmann'] },
  change_shipping_address: { text: ' ship to 221B Baker Street, London SW1A 1AA', needles: ['221b', 'baker', 'sw1a'] },
};

const IN_TEXTS: Plant[] = [
  { text: ' my card 4111 1111 1111 1111 was charged twice', needles: ['4111'] },
  { text: ' refund to gb82 west 1234 5698 7654 32 please', needles: ['gb82', '5698'] },
  { text: ' my iban is DE89370400440532013000', needles: ['de8937', '0532013000'] },
  { text: ' my SSN 078-05-1120 is on the form', needles: ['078-05', '1120'] },
  { text: ' reach me +44 20 7946 0958 anytime', needles: ['7946'] },
  { text: ' or try (555) 123-4567', needles: ['123-4567'] },
  { text: ' or 555-867-5309 after six', needles: ['867-5309'] },
  { text: ' or 4155552671', needles: ['4155552671'] },
  { text: '\nRegards Priya Raman', needles: ['priya', 'raman'] },
  { text: ' Best, Oksana', needles: ['oksana'] },
  { text: '\nCheers,\nTobias', needles: ['tobias'] },
  { text: "\nKind regards,\nMaría José Núñez", needles: ['núñez', 'maría'] },
  { text: " ask Mrs. O'Neil", needles: ["o'neil", 'neil'] },
  { text: ' Mr Whitfield asked too', needles: ['whitfield'] },
  { text: ' deliver to 1600 Pennsylvania Ave NW', needles: ['pennsylvania'] },
  { text: ' San Francisco, CA 94105 is my town', needles: ['94105'] },
  { text: ' zip 10001-1234', needles: ['10001'] },
  { text: ' my login came from 203.0.113.77', needles: ['203.0.113'] },
  { text: ' and from 2001:db8::8a2e:370:7334', needles: ['8a2e', '2001:db8'] },
  { text: ' DOB: 04/07/1985', needles: ['1985'] },
  { text: ' I was born on March 12, 1990', needles: ['1990'] },
  { text: ' password: hunter2', needles: ['hunter2'] },
  { text: ' pwd=Zq8!xv', needles: ['zq8'] },
  { text: ' my passcode is 4821', needles: ['4821'] },
  { text: ' reset link https://shop.example.com/reset?token=s3cr3tT0k3n', needles: ['s3cr3t'] },
  { text: ' my name is Lucinda Obrecht', needles: ['lucinda', 'obrecht'] },
  { text: ' account no. 99887766', needles: ['99887766'] },
];

/** Placed so that the 280-character cut falls in their middle; the needles include the half before the cut. */
const ACROSS_THE_CUT: Plant[] = [
  { text: 'john.smith@example.net', needles: ['john.smit', 'smith@'] },
  { text: '4111 1111 1111 1111', needles: ['4111'] },
  { text: 'GB82 WEST 1234 5698 7654 32', needles: ['gb82', '5698'] },
  { text: '+1 415 555 2671', needles: ['+1 415', '2671'] },
  { text: 'Thanks, Bartholomew Quist', needles: ['bart', 'quist'] },
  { text: '219-09-9999', needles: ['219-0', '9999'] },
];

const CUT = 280;
const FILLER = 'I have been waiting for an answer for a long time and I am not happy with the service so far. ';
const ALL = [...Object.values(IN_KEYWORDS), ...IN_TEXTS, ...ACROSS_THE_CUT];
const KEY = 'sk-ant-test-pii-corpus';

const root = mkdtempSync(join(tmpdir(), 'tl-pii-'));
const run = join(root, 'run');
let clean = '';

beforeAll(async () => {
  const rows = parse<Record<string, string>>(readFileSync(SAMPLE_CSV), { columns: true });
  clean = rows.map((r) => r.text).join('\n').toLowerCase();
  const planted = rows.map((r, i) => {
    let text = (r.text + (IN_KEYWORDS[r.intent]?.text ?? '')).replace(/\s+/g, ' ').trim();
    if (i % 4 !== 1) text += IN_TEXTS[i % IN_TEXTS.length].text;
    if (i % 4 === 1) {
      const item = ACROSS_THE_CUT[((i - 1) / 4) % ACROSS_THE_CUT.length].text;
      const start = CUT - Math.floor(item.length / 2);
      text = `${`${text} ${FILLER.repeat(4)}`.slice(0, start - 1)} ${item} and that is all.`;
    }
    return { ...r, text };
  });
  const csv = join(root, 'tickets.csv');
  writeFileSync(csv, stringify(planted, { header: true }));
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  await runClusterPipeline({ csvPath: csv, textColumn: 'text', outDir: run, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  await e.dispose();
});

const opts = (o: Partial<LabelOptions> = {}) => LabelOptions.parse({ baseDelayMs: 20, timeoutMs: 5000, ...o });
const leaks = (text: string) => ALL.flatMap((p) => p.needles).filter((n) => text.toLowerCase().includes(n));
const clusterOf = (prompt: string) => /^Cluster (\S+):/.exec(prompt)![1];
const REASK = '\n\nOther clusters at this level are already labelled: ';
/** A label an answer might hold that the redactor must catch when it goes back out as a sibling label. */
const ECHOED_LABEL = 'Calls From +44 20 7946 0958';

describe('planted personal data never reaches the Messages API', () => {
  it('the corpus is a fair test: planted items are in the keywords, and every item would be sent without redaction', async () => {
    for (const n of ALL.flatMap((p) => p.needles)) expect(clean, `needle ${n} occurs in the unplanted sample`).not.toContain(n);
    const keywords = ClustersFile.parse(JSON.parse(readFileSync(join(run, 'clusters.json'), 'utf8')))
      .clusters.flatMap((c) => c.keywords.map((k) => k.term))
      .join(' ');
    const inKeywords = Object.values(IN_KEYWORDS).filter((p) => p.needles.some((n) => keywords.includes(n)));
    expect(inKeywords.length).toBeGreaterThanOrEqual(3);
    const unredacted = JSON.stringify(await previewLabels(run, opts({ redact: false })));
    const unsent = ALL.filter((p) => !p.needles.some((n) => unredacted.toLowerCase().includes(n)));
    expect(unsent.map((p) => p.text)).toEqual([]);
  });

  it('a label job sends none of them — first asks, repair turns and sibling re-asks — and the dry run shows exactly what is sent', async () => {
    const preview = await previewLabels(run, opts());
    expect(leaks(JSON.stringify(preview))).toEqual([]);
    expect(preview.requests.some((r) => (r.redactions.KEYWORD ?? 0) > 0)).toBe(true);

    let n = 0;
    const fake = await startFakeAnthropic((q: RecordedRequest): Reply => {
      if (promptOf(q).includes(REASK)) return { kind: 'tool', input: labelFromPrompt(q) };
      if (q.body.messages.length === 1 && ++n % 2 === 1) return { kind: 'text', text: 'no tool call' }; // forces a repair turn
      return { kind: 'tool', input: { ...labelFromPrompt(q), label: ECHOED_LABEL } };
    });
    try {
      const r = await labelRun(run, opts({ baseURL: fake.url, concurrency: 2 }), { apiKey: KEY, cacheDir: mkdtempSync(join(root, 'cache-')), log: silentLogger });
      expect(r.failures).toEqual([]);

      const firsts = fake.requests.filter((q) => q.body.messages.length === 1 && !promptOf(q).includes(REASK));
      const repairs = fake.requests.filter((q) => q.body.messages.length === 3);
      const reasks = fake.requests.filter((q) => promptOf(q).includes(REASK));
      expect(repairs.length).toBeGreaterThan(0);
      expect(reasks.length).toBeGreaterThan(0);
      for (const q of fake.requests) expect(leaks(q.raw), `request ${q.n}`).toEqual([]);
      for (const q of reasks) expect(promptOf(q)).toContain('"Calls From [PHONE]"');

      // The dry run is what was sent: the same system prompt and user prompt per cluster, nothing more.
      const sent = firsts.map((q) => ({ cluster: clusterOf(promptOf(q)), system: q.body.system, prompt: promptOf(q) }));
      const shown = preview.requests.map((p) => ({ cluster: p.cluster, system: p.system, prompt: p.prompt }));
      const byCluster = (a: { cluster: string }, b: { cluster: string }) => (a.cluster < b.cluster ? -1 : 1);
      expect(sent.sort(byCluster)).toEqual(shown.sort(byCluster));
      const shownPrompt = new Map(shown.map((p) => [p.cluster, p.prompt]));
      for (const q of [...repairs, ...reasks]) expect(promptOf(q).startsWith(shownPrompt.get(clusterOf(promptOf(q)))!)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('POST /label/preview and `ticket-lens label --dry-run` show the same redacted prompts', async () => {
    const fresh = mkdtempSync(join(root, 'again-'));
    const { cpSync } = await import('node:fs');
    cpSync(run, fresh, { recursive: true });
    // the run above labelled every cluster; a fresh copy of the clustered run is labelled again from scratch
    const clusters = ClustersFile.parse(JSON.parse(readFileSync(join(fresh, 'clusters.json'), 'utf8')));
    for (const c of clusters.clusters) Object.assign(c, { label: null, description: null, labelSource: null });
    writeFileSync(join(fresh, 'clusters.json'), JSON.stringify(clusters));
    const direct = await previewLabels(fresh, opts());
    expect(direct.requests.length).toBeGreaterThan(3);

    const { startServer } = await import('../../../src/server/serve');
    const server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(root, 'srv-')), log: silentLogger });
    try {
      const res = await fetch(`${server.url}/label/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ runDir: fresh }),
      });
      expect(LabelPreview.parse(await res.json())).toEqual(direct);
    } finally {
      await server.close();
    }

    const dry = await runCli(['label', fresh, '--dry-run'], { TICKET_LENS_CACHE: mkdtempSync(join(root, 'cli-')), ANTHROPIC_API_KEY: KEY });
    expect(dry.code, dry.stderr).toBe(0);
    expect(leaks(dry.stdout)).toEqual([]);
    for (const p of direct.requests) expect(dry.stdout).toContain(p.prompt);
  });
});
