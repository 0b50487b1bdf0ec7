/**
 * writeTickets' vectors on both engines: PGlite takes them by a binary COPY (exactly the float32s
 * given), the PostgreSQL server as text (8 significant digits); either way every ticket gets its own
 * row's vector, whatever its id's characters, and an existing vector is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, STORE_DIM, type Store } from '../../../src/server/store';
import { contentHash, type IngestRow } from '../../../src/server/store/ingest/readRows';
import { writeTickets, type TicketWrite } from '../../../src/server/store/tickets';
import { storeEngines } from './engines';

const engines = storeEngines();
beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

// Ids a binary COPY must measure in bytes, not characters; and texts a text form would have to quote.
const IDS = ['plain', 'café-é', '票-42', '🙂 emoji', 'comma,quote"tab\tnewline\n', "back\\slash 'single'"];

/** Unit vectors with numbers of every size a float32 holds, signs and zeros. */
function vectors(n: number): Float32Array {
  const m = new Float32Array(n * STORE_DIM);
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < STORE_DIM; d++) {
      const x = d % 7 === 0 ? next() * 1e-30 : d % 11 === 0 ? 0 : next();
      m[i * STORE_DIM + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < STORE_DIM; d++) m[i * STORE_DIM + d] /= Math.sqrt(norm);
  }
  m[5] = -0;
  return m;
}

describe.each(engines.list)('writeTickets on $name', (eng) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await eng.fresh('writes'));
  }, 120_000);
  afterAll(() => store?.close());

  it("stores each ticket's own vector (exactly on PGlite), and replaces it when written again", async () => {
    const [{ id: modelId }] = await store.engine.query<{ id: number }>(`INSERT INTO embedding_models (model_id, dim, hashes) VALUES ('test-model', ${STORE_DIM}, ARRAY['h']) RETURNING id`);
    const [{ id: datasetId }] = await store.engine.query<{ id: number }>(
      `INSERT INTO datasets (name, source_path, text_column, embedding_model_id) VALUES ('d', '/nowhere.csv', 'text', $1) RETURNING id`,
      [modelId],
    );
    const rows: IngestRow[] = IDS.map((id, i) => ({ ticketId: id, text: `text ${i}`, contentHash: contentHash(`text ${i}`), createdAt: null, row: i + 1, line: i + 2 }));
    // Vector rows in reverse: each write names its row of the matrix.
    const writes = (): TicketWrite[] => rows.map((ticket, i) => ({ ticket, upsert: true, textChanged: false, vectorRow: rows.length - 1 - i }));
    const check = async (m: Float32Array) => {
      const v = await store.vectors('d');
      expect(v.ids).toEqual(IDS);
      for (let i = 0; i < IDS.length; i++) {
        const want = m.subarray((IDS.length - 1 - i) * STORE_DIM, (IDS.length - i) * STORE_DIM);
        const got = v.vectors.subarray(i * STORE_DIM, (i + 1) * STORE_DIM);
        if (eng.kind === 'pglite') expect(Array.from(got)).toEqual(Array.from(want));
        else got.forEach((x, d) => expect(Math.abs(x - want[d])).toBeLessThanOrEqual(Math.abs(want[d]) * 1e-7));
      }
    };

    const first = vectors(IDS.length);
    await store.engine.transaction((tx) => writeTickets(tx, datasetId, modelId, writes(), first));
    await check(first);

    const second = vectors(IDS.length + 1).subarray(STORE_DIM);
    await store.engine.transaction((tx) => writeTickets(tx, datasetId, modelId, writes(), second));
    await check(second);
    const [{ n }] = await store.engine.query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings');
    expect(n).toBe(IDS.length);
  });
});
