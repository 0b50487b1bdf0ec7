/**
 * Text normalisation in the cluster pipeline, with the real model: support tweets that say the same
 * thing to @AcmeHelp and to @BetaSupport (each with its own order number and link) and support
 * e-mails with greetings, signatures and quoted replies. Normalised, each complaint is one text for
 * the embedder whichever company it was sent to, each topic is one cluster across both companies,
 * keywords hold no handles, links or signature words, and everything shown (examples,
 * assignments.csv, summary.md) is the text as written. `--no-normalize` (the CLI) clusters the texts
 * as written: there, on these tickets, "where is my order" and "where is my refund" share a cluster
 * (ARI 0.68 against 1.00) and the keywords fill with handles, links and signature words.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { ClustersFile, RunManifest, type ClusterRecord, type ClusterResult } from '../../../src/shared/api';
import { assignTexts, prepareRun } from '../../../src/server/assign/assignRun';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';

const dir = mkdtempSync(join(tmpdir(), 'tl-normalise-'));
const cache = join(dir, 'cache');
const HANDLES = ['@AcmeHelp', '@BetaSupport'];

const COMPLAINTS: Record<string, string[]> = {
  delivery: [
    'my order #ORD still has not arrived, it has been a week',
    'where is my package? order #ORD was due on Monday',
    'my parcel is late again and the tracking has not moved in days URL',
    'the delivery was supposed to come yesterday, order #ORD never showed up',
    'still waiting for my delivery, I ordered it ten days ago',
    'my package has been stuck in transit for a week, order #ORD',
    'the courier never delivered my order #ORD',
    'my shipment has not arrived yet, what is going on URL',
    'the tracking page says delivered but there is no parcel at my door, order #ORD',
    'how much longer do I have to wait for order #ORD to be delivered?',
    'my parcel is two weeks late, can you chase the courier? URL',
    'my order #ORD shows out for delivery since Friday and nothing came',
  ],
  refund: [
    'I returned the item two weeks ago and still no refund for order #ORD',
    'where is my refund? I sent the return back on the 3rd URL',
    'you cancelled order #ORD but the money never came back to my card',
    'still waiting for the refund you promised for order #ORD',
    'the refund for my returned shoes has not reached my account yet',
    'it has been a month and the refund for order #ORD is still pending',
    'I was told the refund would take five days, it has been three weeks URL',
    'please give me my money back for the broken blender, order #ORD',
    'my refund for order #ORD was approved but never paid out',
    'when will I get my refund for the jacket I returned? URL',
    'you charged me for order #ORD after I cancelled it, I want a refund',
    'refund still not received for the return I posted last month, order #ORD',
  ],
  login: [
    'I cannot log in to my account, the password reset email never comes',
    'the app keeps logging me out and now my password does not work URL',
    'locked out of my account after too many login attempts',
    'password reset link says expired every time I click it URL',
    'I cannot sign in, it says my email is not registered',
    'two factor code never arrives so I cannot log in',
    'my account login fails with an unknown error since the update',
    'how do I get back into my account? I forgot my password',
    'the sign in page just spins forever and never logs me in URL',
    'changed my password and now I cannot access my account',
    'login with my email and password keeps failing on the website',
    'my account was locked and the unlock email never arrived',
  ],
};

const GREETINGS = ['Hi team,', 'Hello,', 'Dear Support,', 'Hi there,'];
const SIGNATURES = ['Best regards,\nJohn Smith\nSmith & Co | +1 (555) 201-7788', 'Sent from my iPhone', 'Kind regards,\nMaria', 'Thanks,\nPeter\n-- \nPeter Novak\nIT Manager'];
const CANCEL = [
  'I would like to cancel my subscription at the end of this month.',
  'Please cancel my plan, we no longer need it.',
  'How do I stop my monthly subscription from renewing?',
  'We want to end our contract and close the subscription.',
  'Please do not renew my annual plan, I want to cancel it.',
  'Can you cancel the subscription on my account before the next billing date?',
  'I want to unsubscribe from the paid plan and stop the payments.',
  'Please terminate my membership and confirm the cancellation.',
  'We are switching providers, please cancel our subscription.',
  'Cancel my account subscription, the renewal is next week.',
  'I need to cancel the plan I signed up for last month.',
  'Stop charging me for the subscription, I cancelled it already.',
];

/** Complaints of each topic sent to both companies, word for word (each copy with its own order number and link). */
const SENT_TO_BOTH = 3;

interface Ticket {
  text: string;
  topic: string;
  handle: string | null;
  /** The complaint: copies sent to both handles share it. */
  key: string;
}

/** Each topic's complaints go to one company or the other in turn; the first few to both. */
function tickets(): Ticket[] {
  const out: Ticket[] = [];
  let n = 0;
  for (const [topic, lines] of Object.entries(COMPLAINTS)) {
    lines.forEach((line, i) => {
      for (const handle of i < SENT_TO_BOTH ? HANDLES : [HANDLES[i % 2]]) {
        n++;
        const text = `${handle} ${line.replace('#ORD', `#${48_213 + n * 7_919}`).replace('URL', `https://t.co/x${(n * 2_654_435_761) % 1e9}`)}`;
        out.push({ text, topic, handle, key: `${topic}-${i}` });
      }
    });
  }
  CANCEL.forEach((body, i) => {
    const quoted = i % 3 === 0 ? `\n\nOn Mon, ${i + 1} Mar 2024 at 09:${10 + i}, Acme Support <help@acme.com> wrote:\n> Thank you for contacting us.\n> Regards` : '';
    out.push({ text: `${GREETINGS[i % 4]}\n\n${body}\n\n${SIGNATURES[i % 4]}${quoted}`, topic: 'cancel', handle: null, key: `cancel-${i}` });
  });
  return out;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
const csv = join(dir, 'tickets.csv');
const all = tickets();
writeFileSync(csv, `text,topic\n${all.map((t) => `${quote(t.text)},${t.topic}`).join('\n')}\n`);

const assignments = (runDir: string) => parse<Record<string, string>>(readFileSync(join(runDir, 'assignments.csv')), { columns: true });
const clustersOf = (runDir: string): ClusterRecord[] => ClustersFile.parse(JSON.parse(readFileSync(join(runDir, 'clusters.json'), 'utf8'))).clusters;
const keywordsOf = (runDir: string) => clustersOf(runDir).flatMap((c) => c.keywords.map((k) => k.term));
/** Keyword terms that come from handles, links, numbers, greetings, signatures and quoted replies. */
const BOILERPLATE = /acmehelp|betasupport|https?|\bco\b|\bhi\b|regards|iphone|wrote|smith|peter|novak|acme|\d/;
const manifestOf = (runDir: string) => RunManifest.parse(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')));
/** The most common value and its share. */
function mostCommon(xs: readonly string[]): { cluster: string; share: number } {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  const [cluster, count] = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return { cluster, share: count / xs.length };
}
/** Complaints whose two copies (one per handle) landed in different clusters. */
function splitPairs(runDir: string): number {
  const byKey = new Map<string, Set<string>>();
  assignments(runDir).forEach((r, i) => byKey.set(all[i].key, (byKey.get(all[i].key) ?? new Set()).add(r.cluster)));
  return [...byKey.values()].filter((s) => s.size > 1).length;
}

describe('text normalisation in the cluster pipeline (real model)', () => {
  let embedder: Embedder;
  let on: ClusterResult;
  const onDir = join(dir, 'run-normalised');
  const offDir = join(dir, 'run-as-written');
  let offStdout = '';
  beforeAll(async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: cache });
    on = await runClusterPipeline({ csvPath: csv, textColumn: 'text', labelColumn: 'topic', outDir: onDir, params: ClusterParams.parse({ depth: 1, seed: 7, minClusterSize: 5 }) }, { embedder, log: silentLogger });
    const r = await runCli(['cluster', csv, '--text-column', 'text', '--label-column', 'topic', '--depth', '1', '--seed', '7', '--min-cluster-size', '5', '--no-normalize', '--out', offDir, '--model', modelDir(), '--quiet'], { TICKET_LENS_CACHE: cache });
    expect(r.code, r.stderr).toBe(0);
    offStdout = r.stdout;
  });
  afterAll(() => embedder.dispose());

  it('on by default: a complaint is one text for the embedder whichever company it was sent to, and each topic one cluster across both companies', () => {
    expect(manifestOf(onDir).params.normalize).toBe(true);
    expect(on.rows).toBe(all.length);
    // Copies sent to both companies differ in handle, order number and link: normalised, they are one text.
    expect(on.uniqueTexts).toBe(all.length - SENT_TO_BOTH * Object.keys(COMPLAINTS).length);
    expect(splitPairs(onDir)).toBe(0);
    const rows = assignments(onDir);
    for (const topic of Object.keys(COMPLAINTS)) {
      const of = (handle: string) => rows.filter((_, i) => all[i].topic === topic && all[i].handle === handle).map((r) => r.cluster);
      const [acme, beta] = HANDLES.map((h) => mostCommon(of(h)));
      expect(acme.cluster, topic).toBe(beta.cluster);
      expect(acme.share + beta.share, topic).toBeGreaterThanOrEqual(1.8);
    }
    expect(on.metrics!.ari).toBeGreaterThan(0.9);
    console.log(`normalised: ${on.topClusters} clusters, ARI against the topic ${on.metrics!.ari.toFixed(3)}; as written: ${offStdout.split('\n').filter((l) => /unique texts|ARI/.test(l)).join(' / ')}`);
  });

  it('keywords hold no handles, links, numbers, greetings or signature and quote words', () => {
    const terms = keywordsOf(onDir);
    expect(terms.length).toBeGreaterThan(0);
    for (const t of terms) expect(t).not.toMatch(BOILERPLATE);
  });

  it('examples, assignments.csv and the summary show the texts as written', () => {
    const written = new Set(all.map((t) => t.text));
    const examples = clustersOf(onDir).flatMap((c) => c.examples.map((e) => e.text));
    for (const e of examples) expect(written.has(e), e).toBe(true);
    expect(examples.some((e) => /^@(AcmeHelp|BetaSupport) /.test(e))).toBe(true);
    expect(assignments(onDir).map((r) => r.text)).toEqual(all.map((t) => t.text));
    expect(readFileSync(join(onDir, 'summary.md'), 'utf8')).toMatch(/@AcmeHelp|@BetaSupport/);
  });

  it('--no-normalize clusters the texts as written, and the run says so', () => {
    expect(manifestOf(offDir).params.normalize).toBe(false);
    expect(offStdout).toContain(`${all.length} rows (${all.length} unique texts)`);
    // What normalisation keeps out: as written, handles, links and signatures rise into the keywords.
    expect(keywordsOf(offDir).filter((t) => BOILERPLATE.test(t)).length).toBeGreaterThan(3);
    expect(assignments(offDir).map((r) => r.text)).toEqual(all.map((t) => t.text));
  });

  it('new tickets are compared with a run as it was made: normalised for a normalised run, as written for one made with --no-normalize', async () => {
    // A complaint from the run, sent to a third company with another order number.
    const member = all.find((t) => t.key === 'delivery-0')!;
    const ticket = '@GammaCare my order #777001 still has not arrived, it has been a week';
    const deps = { embedder, log: silentLogger };
    const normalised = await prepareRun(onDir, deps);
    expect(normalised.members.texts).toHaveLength(on.uniqueTexts);
    const [a] = await assignTexts(normalised, [ticket], deps);
    expect(a.similarity).toBeGreaterThan(0.9999);
    expect(a.cluster).toBe(assignments(onDir)[all.indexOf(member)].cluster);
    const asWritten = await prepareRun(offDir, deps);
    expect(asWritten.members.texts).toHaveLength(all.length);
    const [b] = await assignTexts(asWritten, [ticket], deps);
    expect(b.similarity).toBeLessThan(0.99);
  });
});
