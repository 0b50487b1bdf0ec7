/**
 * The profile's figures against an independent computation: reference_profile.py, Python's standard
 * library only (its own CSV reader, WordPiece tokenizer over vocab.txt, word counting and date
 * parsing), on a fixture built to hold every case and on the Bitext data set when it is there.
 * Personal data is checked by what was planted: counted per kind, and no value in the profile.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NORMALIZE_RULES } from '../../../src/shared/normalizeRules';
import { Profile, ProfileRequest, type Profile as ProfileT } from '../../../src/shared/profile';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { locateModel } from '../../../src/server/embed/manifest';
import { foldText } from '../../../src/server/profile/fold';
import { profileCsv } from '../../../src/server/profile/profileCsv';
import { modelDir } from '../../support/model';
import { FIXTURE_ROWS, PLANTED_PII, writeFixture } from './fixture';
import { pythonProfile, type Reference } from './reference';

const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');
const maxLength = locateModel(modelDir(), 'q8').maxLength;

let embedder: Promise<Embedder> | null = null;
const getEmbedder = () => (embedder ??= loadEmbedder({ modelDir: modelDir(), dtype: 'q8', device: 'cpu' }));
afterAll(async () => {
  if (embedder) await (await embedder).dispose();
});

function profile(csv: string, textColumn: string, labelColumn: string | null, dateColumn: string | null, nearDuplicates = false): Promise<ProfileT> {
  return profileCsv(ProfileRequest.parse({ csvPath: csv, textColumn, labelColumn, dateColumn, nearDuplicates }), { modelDir: modelDir(), dtype: 'q8', embedder: getEmbedder });
}

/** Every figure both sides compute, compared. */
function expectSameAsReference(p: ProfileT, ref: Reference): void {
  expect(Profile.safeParse(p).success).toBe(true);
  expect(p.rows).toBe(ref.rows);
  expect(p.emptyTexts.count).toBe(ref.empty);
  const { top: _e, ...exact } = p.duplicates.exact;
  const { top: _f, ...folded } = p.duplicates.folded;
  expect(exact).toEqual(ref.exact);
  expect(folded).toEqual(ref.folded);
  for (const [mine, theirs] of [
    [p.length.chars.summary, ref.chars],
    [p.length.tokens.summary, ref.tokens],
  ] as const) {
    for (const [k, v] of Object.entries(theirs)) expect(mine[k as keyof typeof mine], k).toBeCloseTo(v, 9);
  }
  expect(p.length.tokens.truncated).toBe(ref.truncated);
  expect(p.length.tokens.truncatedShare).toBeCloseTo(ref.truncated / ref.texts, 12);
  // Each histogram bin counted again from the reference's own lengths.
  for (const [h, values] of [
    [p.length.chars.histogram, ref.charList],
    [p.length.tokens.histogram, ref.tokenList],
  ] as const) {
    const expected = h.edges.map((lo, i) => values.filter((v) => v >= lo && (i + 1 === h.edges.length || v < h.edges[i + 1])).length);
    expect(h.counts).toEqual(expected);
  }
  expect(p.terms.overall.words).toEqual(ref.words);
  expect(p.terms.overall.bigrams).toEqual(ref.bigrams);
  for (const l of p.terms.perLabel) {
    expect(l.words, l.label).toEqual(ref.perLabel[l.label].words);
    expect(l.bigrams, l.label).toEqual(ref.perLabel[l.label].bigrams);
  }
  expect(p.placeholders.rows).toBe(ref.placeholders.rows);
  expect(Object.fromEntries(p.placeholders.names.map((n) => [n.name, { count: n.count, rows: n.rows }]))).toEqual(ref.placeholders.names);
  if (ref.labels) {
    const l = p.labels!;
    expect(l.classes).toBe(ref.labels.classes);
    expect(l.missing).toBe(ref.labels.missing);
    expect(Object.fromEntries(l.counts.map((c) => [c.label, c.count]))).toEqual(ref.labels.counts);
    expect(l.imbalanceRatio).toBeCloseTo(ref.labels.imbalance, 12);
    expect(l.entropyBits).toBeCloseTo(ref.labels.entropy, 12);
    expect(l.normalizedEntropy).toBeCloseTo(ref.labels.normalized, 12);
    expect(p.terms.perLabel.map((t) => t.label).sort()).toEqual(Object.keys(ref.perLabel).sort());
  }
  if (ref.dates) {
    const d = p.dates!;
    expect({ dated: d.dated, empty: d.empty, unparseable: d.unparseable }).toEqual({ dated: ref.dates.dated, empty: ref.dates.empty, unparseable: ref.dates.unparseable });
    expect(d.min?.slice(0, 19) ?? null).toBe(ref.dates.min);
    expect(d.max?.slice(0, 19) ?? null).toBe(ref.dates.max);
    expect(Object.fromEntries(d.perMonth.filter((m) => m.count > 0).map((m) => [m.month, m.count]))).toEqual(ref.dates.months);
  }
}

describe('profile of a fixture with every case', () => {
  const csv = writeFixture();

  it('matches an independent computation (Python, standard library only)', async () => {
    const p = await profile(csv, 'text', 'intent', 'created_at');
    expectSameAsReference(p, pythonProfile(csv, 'text', 'intent', 'created_at', modelDir(), maxLength));
  });

  it('finds what was planted: empty rows, duplicates, placeholders, a truncated text, undated rows, a row without a label', async () => {
    const p = await profile(csv, 'text', 'intent', 'created_at');
    const rowOf = (text: string) => FIXTURE_ROWS.findIndex((r) => r[0] === text) + 1;
    expect(p.emptyTexts.rows.map((r) => r.row)).toEqual([rowOf(''), rowOf('   ')]);
    // Row 2 holds a quoted line break: every later row starts one line further down than its number says.
    expect(p.emptyTexts.rows.map((r) => r.line)).toEqual([rowOf('') + 2, rowOf('   ') + 2]);
    expect(p.duplicates.exact.top).toEqual([{ text: FIXTURE_ROWS[0][0], count: 2 }]);
    expect(p.duplicates.folded.top[0].count).toBe(4);
    expect(p.length.tokens.truncated).toBe(1);
    expect(p.placeholders.names.find((n) => n.name === 'Account Type')).toEqual({ name: 'Account Type', count: 2, rows: 1 });
    expect(p.labels?.missing).toBe(1);
    expect(p.dates?.unparseableRows.map((r) => r.row)).toEqual([rowOf('Call me at +1 415 555 0132 about the refund'), rowOf('Reach me at john@example.org or mary.major@example.net')]);
    expect(p.dates?.perMonth.map((m) => m.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08']);
    expect(p.dates?.perMonth.find((m) => m.month === '2024-07')?.count).toBe(0);
    // One planted text each, and no other text of the fixture has an @handle, a link or a quoted reply.
    const fired = Object.fromEntries(p.normalization.map((n) => [n.rule, n.texts]));
    expect(p.normalization.map((n) => n.rule)).toEqual(NORMALIZE_RULES.map((r) => r.id));
    expect({ mention: fired.mention, url: fired.url, quotedReply: fired.quotedReply }).toEqual({ mention: 1, url: 1, quotedReply: 1 });
    expect(fired.greeting).toBeGreaterThanOrEqual(1);
  });

  it('counts personal data per kind and keeps no value', async () => {
    const p = await profile(csv, 'text', 'intent', 'created_at', true);
    const kinds = Object.fromEntries(p.personalData.kinds.map((k) => [k.kind, k]));
    expect(kinds.EMAIL).toEqual({ kind: 'EMAIL', count: 3, rows: 2 });
    expect(kinds.CARD?.count).toBe(1);
    expect(kinds.PHONE?.count).toBe(1);
    expect(p.personalData.rows).toBe(4);
    const json = JSON.stringify(p);
    for (const value of PLANTED_PII) expect(json).not.toContain(value);
  });

  it('joins near-duplicates by meaning at cosine ≥ 0.95, as all pairs compared by brute force do', async () => {
    const p = await profile(csv, 'text', 'intent', null, true);
    const e = p.duplicates.embedding!;
    expect(e.threshold).toBe(0.95);
    // Brute force, every pair compared: each distinct folded text, in file order, joins the most
    // similar earlier group's first text at cosine ≥ 0.95, or starts a group.
    const texts = FIXTURE_ROWS.map((r) => r[0].trim()).filter(Boolean);
    const keys = [...new Set(texts.map(foldText))];
    const first = keys.map((k) => texts.find((t) => foldText(t) === k)!);
    const v = await (await getEmbedder()).embed(first);
    const cos = (a: number, b: number) => {
      let dot = 0;
      for (let d = 0; d < 384; d++) dot += v[a * 384 + d] * v[b * 384 + d];
      return dot;
    };
    const leader = keys.map((_, i) => i);
    const joined: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      let best = -1;
      for (let j = 0; j < i; j++) if (leader[j] === j && cos(i, j) >= 0.95 && (best < 0 || cos(i, j) > cos(i, best))) best = j;
      if (best >= 0) {
        leader[i] = best;
        joined.push(cos(i, best));
      }
    }
    const distinct = new Set(leader).size;
    expect(e.distinct).toBe(distinct);
    expect(e.rows).toBe(texts.length - distinct);
    // The fixture holds one (a plural): meaning finds more duplicates than folding does.
    expect(e.rows).toBeGreaterThan(p.duplicates.folded.rows);
    expect(e.examples.map((x) => x.similarity)).toEqual(joined.sort((a, b) => b - a).slice(0, 10).map((x) => expect.closeTo(x, 3) as unknown as number));
  });
});

describe.skipIf(!existsSync(bitextCsv))('profile of Bitext (shared data)', () => {
  it('matches an independent computation (Python, standard library only)', async () => {
    const p = await profile(bitextCsv, 'text', 'intent', null);
    const ref = pythonProfile(bitextCsv, 'text', 'intent', null, modelDir(), maxLength);
    expectSameAsReference(p, ref);
    expect(p.labels?.classes).toBe(27);
  });
});
