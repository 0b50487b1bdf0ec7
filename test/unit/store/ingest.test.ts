/**
 * Ingest through the store's API with the real model, on both engines: idempotent, edits picked up and
 * re-embedded, dates read in the formats exports use, bad input refused before any write, the date
 * range and the limit, another model refused and moved to, two ingests at once serialised, and the
 * stored vectors the embedder's own (read back whole and through the HNSW index).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { openStore, type Store } from '../../../src/server/store';
import { dot, modelDir } from '../../support/model';
import { storeEngines, useFreshStore, useModelAndEngines } from './engines';
import { sampleTickets, tempDir, writeTickets, type Ticket } from './fixtures';

const engines = storeEngines();
const dir = tempDir('ingest');
const all = sampleTickets();
const tickets = all.slice(0, 120);
let embedder: Embedder;

useModelAndEngines(engines, (e) => (embedder = e));

const base = { textColumn: 'text', idColumn: 'id', dateColumn: 'created_at', batchSize: 50 };

describe.each(engines.list)('ingest on $name', (eng) => {
  let store: Store;
  useFreshStore(eng, 'ingest', (s) => (store = s));

  it("stores every row with the embedder's vector and its date; the same file again adds and embeds nothing", async () => {
    const csv = writeTickets(dir, `first-${eng.kind}.csv`, tickets);
    const first = await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'first' });
    expect(first).toMatchObject({ dataset: 'first', rows: 120, new: 120, updated: 0, unchanged: 0, skipped: 0, embedded: 120, total: 120, resumed: false });
    expect(first.dates).toEqual({ first: new Date(tickets[0].at).toISOString(), last: new Date(tickets[119].at).toISOString() });

    const v = await store.vectors('first');
    expect(v.ids).toEqual(tickets.map((t) => t.id));
    expect(v.texts).toEqual(tickets.map((t) => t.text));
    // ISO, ISO without seconds, Excel's M/D/YYYY H:MM and epoch seconds all read as the same UTC instants.
    expect(Array.from(v.dates)).toEqual(tickets.map((t) => t.at));
    // The int8 model quantises activations per call, so a text's vector depends a little on the texts
    // embedded with it (mean cosine ~0.997 across batchings): compare with the same batches of 50.
    const parts = [];
    for (let i = 0; i < tickets.length; i += base.batchSize) parts.push(await embedder.embed(tickets.slice(i, i + base.batchSize).map((t) => t.text)));
    const direct = new Float32Array(parts.flatMap((p) => Array.from(p)));
    const cos = tickets.map((_, i) => dot(new Float32Array([...v.vectors.subarray(i * 384, (i + 1) * 384), ...direct.subarray(i * 384, (i + 1) * 384)]), 0, 1));
    expect(Math.min(...cos)).toBeGreaterThan(0.99999);

    const again = await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'first' });
    expect(again).toMatchObject({ new: 0, updated: 0, unchanged: 120, embedded: 0, total: 120 });
    const [info] = await store.datasets();
    expect(info).toMatchObject({ name: 'first', tickets: 120, embedded: 120, idColumn: 'id', dateColumn: 'created_at', model: { id: embedder.info.modelId, hash: embedder.info.modelHash } });
    expect(info.dates).toEqual(first.dates);
  });

  it('updates an edited row and re-embeds it; a re-dated row is updated without re-embedding', async () => {
    const csv = join(dir, `edit-${eng.kind}.csv`);
    writeTickets(dir, `edit-${eng.kind}.csv`, tickets.slice(0, 40));
    await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'edit' });
    const edited: Ticket[] = tickets.slice(0, 40).map((t) => ({ ...t }));
    edited[3].text = 'My parcel never arrived and the tracking page shows nothing at all';
    edited[7].text = 'please close my account and delete my data';
    edited[9].cell = '2030-05-06';
    writeTickets(dir, `edit-${eng.kind}.csv`, edited);
    const r = await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'edit' });
    expect(r).toMatchObject({ new: 0, updated: 3, unchanged: 37, embedded: 2, total: 40 });
    const v = await store.vectors('edit');
    expect(v.texts[3]).toBe(edited[3].text);
    expect(v.dates[9]).toBe(Date.UTC(2030, 4, 6));
    const fresh = await embedder.embed([edited[3].text, edited[7].text]);
    const stored = new Float32Array([...v.vectors.subarray(3 * 384, 4 * 384), ...v.vectors.subarray(7 * 384, 8 * 384)]);
    const both = new Float32Array([...stored, ...fresh]);
    expect(dot(both, 0, 2)).toBeGreaterThan(0.99999);
    expect(dot(both, 1, 3)).toBeGreaterThan(0.99999);
    // Only the current vector of each ticket is kept.
    const [{ n }] = await store.engine.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM embeddings e JOIN tickets t ON t.pk = e.ticket_pk JOIN datasets d ON d.id = t.dataset_id WHERE d.name = 'edit'`,
    );
    expect(n).toBe(40);
  });

  it('refuses a cell that is not a date, naming its row and column, and writes nothing', async () => {
    const bad = tickets.slice(0, 10).map((t) => ({ ...t }));
    bad[6].cell = 'last Tuesday';
    const csv = writeTickets(dir, `baddate-${eng.kind}.csv`, bad);
    await expect(store.ingest(embedder, { ...base, csvPath: csv, dataset: 'baddate' })).rejects.toThrow(/row 7, column "created_at": "last Tuesday" is not a date/);
    expect(await store.dataset('baddate')).toBeNull();
  });

  it('refuses two rows with one id and different texts, naming both rows; the same row twice is skipped', async () => {
    const dup = tickets.slice(0, 10).map((t) => ({ ...t }));
    dup[8].id = dup[2].id;
    const csv = writeTickets(dir, `dup-${eng.kind}.csv`, dup);
    await expect(store.ingest(embedder, { ...base, csvPath: csv, dataset: 'dup' })).rejects.toThrow(/rows 3 and 9 have the same id "T-0003" \(column "id"\) but different texts/);
    expect(await store.dataset('dup')).toBeNull();

    const twice = [...tickets.slice(0, 10), tickets[4]];
    const r = await store.ingest(embedder, { ...base, csvPath: writeTickets(dir, `twice-${eng.kind}.csv`, twice), dataset: 'twice' });
    expect(r).toMatchObject({ new: 10, total: 10, skipped: 1, skippedBy: { duplicate: 1 } });
    expect(r.warnings).toEqual(['row 11 repeats row 5 (id "T-0005", same text): skipped']);
  });

  it('keeps to --start-date/--end-date (whole UTC days) and --limit; rows without ids get stable ones', async () => {
    const csv = writeTickets(dir, `range-${eng.kind}.csv`, tickets);
    // Tickets are 7 hours apart from 2024-01-01 08:00: January 5th and 6th (UTC) hold 7 of them.
    const inRange = tickets.filter((t) => t.at >= Date.UTC(2024, 0, 5) && t.at < Date.UTC(2024, 0, 7));
    expect(inRange).toHaveLength(7);
    const r = await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'range', startDate: '2024-01-05', endDate: '2024-01-06' });
    expect(r).toMatchObject({ new: inRange.length, skippedBy: { outsideDates: 120 - inRange.length } });
    expect((await store.vectors('range')).ids).toEqual(inRange.map((t) => t.id));

    const limited = await store.ingest(embedder, { csvPath: csv, textColumn: 'text', dataset: 'noids', limit: 25, batchSize: 10 });
    expect(limited).toMatchObject({ new: 25, skippedBy: { beyondLimit: 95 }, total: 25 });
    const ids = (await store.vectors('noids')).ids;
    expect(ids[0]).toMatch(/^row1-[0-9a-f]{12}$/);
    const again = await store.ingest(embedder, { csvPath: csv, textColumn: 'text', dataset: 'noids', limit: 25 });
    expect(again).toMatchObject({ new: 0, unchanged: 25, embedded: 0 });
  });

  it('refuses a dataset embedded with another model, naming both, until --embeddings-only moves it to this one', async () => {
    const csv = writeTickets(dir, `model-${eng.kind}.csv`, tickets.slice(0, 30));
    await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'model' });
    // What another model leaves in the store: its own row, hashes and probe vectors (here: the probes' vectors rotated by one dimension).
    const [mine] = await store.engine.query<{ fingerprint: { texts: string[]; vectors: number[][] } }>(`SELECT fingerprint FROM embedding_models WHERE $1 = ANY(hashes)`, [embedder.info.modelHash]);
    const other = { texts: mine.fingerprint.texts, vectors: mine.fingerprint.vectors.map((v) => [...v.slice(1), v[0]]) };
    const [{ id }] = await store.engine.query<{ id: number }>(
      `INSERT INTO embedding_models (model_id, dim, hashes, fingerprint) VALUES ('acme/other-embedder', 384, ARRAY['${'b'.repeat(64)}'], $1::jsonb) RETURNING id`,
      [JSON.stringify(other)],
    );
    await store.engine.query(`UPDATE datasets SET embedding_model_id = $1 WHERE name = 'model'`, [id]);
    await store.engine.query(`UPDATE embeddings SET model_id = $1 WHERE ticket_pk IN (SELECT pk FROM tickets t JOIN datasets d ON d.id = t.dataset_id WHERE d.name = 'model')`, [id]);

    const edited = tickets.slice(0, 31);
    const csv2 = writeTickets(dir, `model-${eng.kind}.csv`, edited);
    const refused = store.ingest(embedder, { ...base, csvPath: csv2, dataset: 'model' });
    await expect(refused).rejects.toThrow(/Dataset "model" is embedded with acme\/other-embedder \(ONNX sha256 bbbbbbbbbbbb…\); this ingest's model is .*all-MiniLM-L6-v2/);
    await expect(refused).rejects.toThrow(/probe texts embed to vectors with cosine/);
    expect((await store.dataset('model'))!.tickets).toBe(30);

    const moved = await store.ingest(embedder, { dataset: 'model', embeddingsOnly: true, batchSize: 7 });
    expect(moved).toMatchObject({ embedded: 30, total: 30, model: { id: embedder.info.modelId } });
    const info = (await store.dataset('model'))!;
    expect(info).toMatchObject({ tickets: 30, embedded: 30, model: { hash: embedder.info.modelHash } });
    const [{ n }] = await store.engine.query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings WHERE model_id = $1', [id]);
    expect(n).toBe(0); // the old model's vectors went with the move
    const after = await store.ingest(embedder, { ...base, csvPath: csv2, dataset: 'model' });
    expect(after).toMatchObject({ new: 1, unchanged: 30, embedded: 1 });
  });

  it('serialises two ingests of one dataset at once: every row stored and embedded once', async () => {
    const csv = writeTickets(dir, `race-${eng.kind}.csv`, tickets.slice(0, 60));
    const opts = { ...base, csvPath: csv, dataset: 'race', batchSize: 10 };
    const [a, b] = await Promise.all([store.ingest(embedder, opts), store.ingest(embedder, opts)]);
    expect(a.new + b.new).toBe(60);
    expect(a.embedded + b.embedded).toBe(60);
    expect([a.unchanged, b.unchanged].sort()).toEqual([0, 60]);
    expect((await store.dataset('race'))!.tickets).toBe(60);
  });

  it('finds a stored ticket as its own nearest neighbour through the HNSW index', async () => {
    const v = await store.vectors('first');
    for (const i of [0, 41, 99]) {
      const hits = await store.knn('first', v.vectors.subarray(i * 384, (i + 1) * 384), 5);
      expect(hits).toHaveLength(5);
      expect(hits[0]).toMatchObject({ id: tickets[i].id });
      expect(hits[0].distance).toBeLessThan(1e-5);
      expect(hits.map((h) => h.distance)).toEqual([...hits.map((h) => h.distance)].sort((x, y) => x - y));
    }
  });
});

describe('ingest with another build of the same model (fp32 after q8)', () => {
  it('accepts it by its probe vectors and re-embeds nothing', async () => {
    const store = await openStore({ dir: join(dir, 'fp32') });
    const csv = writeTickets(dir, 'fp32.csv', tickets.slice(0, 20));
    await store.ingest(embedder, { ...base, csvPath: csv, dataset: 'builds' });
    const fp32 = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', dtype: 'fp32' });
    try {
      expect(fp32.info.modelHash).not.toBe(embedder.info.modelHash);
      const r = await store.ingest(fp32, { ...base, csvPath: csv, dataset: 'builds' });
      expect(r).toMatchObject({ unchanged: 20, embedded: 0, model: { hash: embedder.info.modelHash } });
      const [m] = await store.engine.query<{ hashes: string[] }>('SELECT hashes FROM embedding_models');
      expect(m.hashes).toEqual([embedder.info.modelHash, fp32.info.modelHash]);
    } finally {
      await fp32.dispose();
      await store.close();
    }
  });
});

describe('a large ingest into the embedded store', () => {
  it('drops the HNSW index while it writes; the first knn after it builds the index again, saying so (a small ingest keeps it)', async () => {
    const where = { dir: join(dir, 'large') };
    let store = await openStore(where);
    const indexValid = async () => {
      const [idx] = await store.engine.query<{ valid: boolean | null }>(
        `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('ticket_lens.embeddings_hnsw')) AS valid`,
      );
      return idx.valid;
    };
    try {
      expect(await indexValid()).toBe(true);
      // 1,000 distinct tickets (the fewest that make a rebuild pay) from the sample's texts.
      const many = ['', ' (again)', ' — second request', ' please hurry'].flatMap((suffix, k) =>
        all.slice(0, 250).map((t, i) => ({ ...t, id: `L-${k}-${i}`, text: `${t.text}${suffix}` })),
      );
      const big = await store.ingest(embedder, { ...base, csvPath: writeTickets(dir, 'large.csv', many), dataset: 'large', batchSize: 500 });
      expect(big).toMatchObject({ new: 1000, embedded: 1000 });
      expect(await indexValid()).toBe(null);
      // Opening the store builds nothing: a second ingest of an unchanged file stays quick.
      await store.close();
      store = await openStore(where);
      expect(await indexValid()).toBe(null);

      const lines: string[] = [];
      const logged = await openStore(where, { log: { debug() {}, info: (m) => lines.push(m), warn() {}, error() {} } });
      try {
        const v = await logged.vectors('large');
        expect((await logged.knn('large', v.vectors.subarray(777 * 384, 778 * 384), 3))[0].id).toBe(v.ids[777]);
        expect(lines.join('\n')).toMatch(/building the vector index \(HNSW over 1,000 vectors\) for the first nearest-neighbour query/);
        expect(await indexValid()).toBe(true);
        lines.length = 0;
        await logged.knn('large', v.vectors.subarray(0, 384), 3);
        expect(lines).toEqual([]);
      } finally {
        await logged.close();
      }
      const [plan] = await store.engine.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'ticket_lens' AND indexname = 'embeddings_hnsw'`);
      expect(plan.def).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);

      await store.ingest(embedder, { ...base, csvPath: writeTickets(dir, 'small.csv', tickets.slice(0, 10)), dataset: 'small' });
      expect(await indexValid()).toBe(true);
    } finally {
      await store.close();
    }
  });
});
