/**
 * The ingest CLI's way (an EmbedderSource) loads the model only when it needs it: a second ingest of an
 * unchanged file matches the dataset's model by the ONNX file's hash and embeds nothing, so it never
 * loads the model; an edited row, or a dataset whose recorded hashes lack the file's, still does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../../src/server/store/ingest';
import { embedderSource } from '../../../src/server/store/ingest/embedderSource';
import type { Store } from '../../../src/server/store';
import { modelDir } from '../../support/model';
import { storeEngines, useFreshStore } from './engines';
import { sampleTickets, tempDir, writeTickets } from './fixtures';

const engines = storeEngines();
const dir = tempDir('ingest-lazy');
const tickets = sampleTickets().slice(0, 60);

beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

/** Ingests the file with a fresh source; how many times it loaded the model, and the result. */
async function ingestCounting(store: Store, csv: string) {
  let loads = 0;
  const source = embedderSource({ modelDir: modelDir(), device: 'cpu' }, () => loads++);
  try {
    const result = await ingest(store.engine, source, { csvPath: csv, dataset: 'lazy', textColumn: 'text', idColumn: 'id', batchSize: 50 });
    return { loads, result };
  } finally {
    await source.dispose();
  }
}

describe.each(engines.list)('lazy model load on $name', (eng) => {
  let store: Store;
  useFreshStore(eng, 'lazy', (s) => (store = s));

  it('loads the model for a new dataset, not for the same file again, and again for an edited row', async () => {
    const csv = writeTickets(dir, `t-${eng.kind}.csv`, tickets);
    const first = await ingestCounting(store, csv);
    expect(first.loads).toBe(1);
    expect(first.result.embedded).toBe(tickets.length);

    const again = await ingestCounting(store, csv);
    expect(again.loads).toBe(0);
    expect(again.result).toMatchObject({ embedded: 0, unchanged: tickets.length });

    const edited = writeTickets(dir, `t-${eng.kind}-edited.csv`, tickets.map((t, i) => (i === 3 ? { ...t, text: `${t.text} (edited)` } : t)));
    const third = await ingestCounting(store, edited);
    expect(third.loads).toBe(1);
    expect(third.result).toMatchObject({ embedded: 1, updated: 1 });
  }, 240_000);

  it("loads the model to compare probe vectors when the dataset's hashes lack the file's", async () => {
    await store.engine.query(`UPDATE embedding_models SET hashes = ARRAY['0000']`);
    const csv = writeTickets(dir, `t-${eng.kind}.csv`, tickets);
    const r = await ingestCounting(store, csv);
    expect(r.loads).toBe(1);
    expect(r.result.embedded).toBe(1);
    const [m] = await store.engine.query<{ hashes: string[] }>('SELECT hashes FROM embedding_models');
    expect(m.hashes.length).toBe(2);
  }, 240_000);
});
