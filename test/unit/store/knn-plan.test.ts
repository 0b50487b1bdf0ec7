/**
 * store.knn goes through the HNSW index on both engines (the EXPLAIN plan of its query names
 * embeddings_hnsw once an ingest has analyzed the tables), and on a small dataset its answer is the
 * exact one: the k tickets of highest cosine, found by scanning every stored vector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../../src/server/embed';
import { openStore, STORE_DIM, type Store } from '../../../src/server/store';
import { vectorText } from '../../../src/server/store/vectorCodec';
import { KNN_SQL } from '../../../src/server/store/vectors';
import { storeEngines, useModelAndEngines } from './engines';
import { sampleTickets, tempDir, writeTickets } from './fixtures';

const engines = storeEngines();
const dir = tempDir('knn-plan');
const tickets = sampleTickets().slice(0, 300);
let embedder: Embedder;
const COPIES = 15;

useModelAndEngines(engines, (e) => (embedder = e));

describe.each(engines.list)('knn on $name', (eng) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await eng.fresh('knn'));
    // A second dataset shares the index: knn must filter its tickets out.
    const csv = writeTickets(dir, `tickets-${eng.kind}.csv`, tickets);
    await store.ingest(embedder, { csvPath: csv, dataset: 'a', textColumn: 'text', idColumn: 'id', limit: 150 });
    await store.ingest(embedder, { csvPath: csv, dataset: 'b', textColumn: 'text', idColumn: 'id' });
    // Enough rows that a scan and sort costs more than the index on either engine's planner (copies of
    // b's tickets and vectors: ties among b's rows, which knn on a must skip past).
    await store.engine.exec(`
      INSERT INTO tickets (dataset_id, ticket_id, text, created_at, source_row, source_line, content_hash)
        SELECT t.dataset_id, t.ticket_id || '#' || g, t.text, t.created_at, t.source_row, t.source_line, t.content_hash
        FROM tickets t JOIN datasets d ON d.id = t.dataset_id AND d.name = 'b', generate_series(1, ${COPIES}) g;
      INSERT INTO embeddings (ticket_pk, model_id, content_hash, embedding)
        SELECT c.pk, e.model_id, e.content_hash, e.embedding
        FROM tickets c JOIN tickets o ON o.dataset_id = c.dataset_id AND o.ticket_id = split_part(c.ticket_id, '#', 1) AND c.ticket_id LIKE '%#%'
        JOIN embeddings e ON e.ticket_pk = o.pk;
      ANALYZE tickets, embeddings;`);
  }, 300_000);
  afterAll(() => store?.close());

  it('plans the knn query through embeddings_hnsw', async () => {
    const [d] = await store.engine.query<{ id: number; model_id: number }>('SELECT id, embedding_model_id AS model_id FROM datasets WHERE name = $1', ['a']);
    const q = await embedder.embed(['printer out of toner']);
    const plan = await store.engine.query<Record<string, string>>(`EXPLAIN ${KNN_SQL}`, [d.id, d.model_id, vectorText(q, 0, STORE_DIM), 40, 10]);
    expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).toContain('embeddings_hnsw');
  });

  it('returns the exact k nearest of the dataset on a small set', async () => {
    const stored = await store.vectors('a');
    const queries = await embedder.embed(['cannot log in to vpn', 'invoice amount is wrong', tickets[200].text]);
    for (let qi = 0; qi < 3; qi++) {
      const q = queries.subarray(qi * STORE_DIM, (qi + 1) * STORE_DIM);
      const exact = stored.ids
        .map((id, i) => {
          let dot = 0;
          for (let j = 0; j < STORE_DIM; j++) dot += q[j] * stored.vectors[i * STORE_DIM + j];
          return { id, distance: 1 - dot };
        })
        .sort((x, y) => x.distance - y.distance)
        .slice(0, 10);
      const got = await store.knn('a', q, 10);
      expect(got.map((n) => n.id)).toEqual(exact.map((n) => n.id));
      got.forEach((n, i) => expect(n.distance).toBeCloseTo(exact[i].distance, 4));
    }
  });
});
