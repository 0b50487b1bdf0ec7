/** The bundled sample (300 Bitext tickets, 10 intents) and its real MiniLM embeddings. */
import { join } from 'node:path';
import { readCsv } from '../../src/server/data/csv';
import { loadEmbedder } from '../../src/server/embed';
import { modelDir } from './model';

export const SAMPLE_CSV = join(__dirname, '..', '..', 'media', 'samples', 'tickets.csv');

export async function sampleEmbeddings(): Promise<{ texts: string[]; intents: string[]; vectors: Float32Array }> {
  const t = await readCsv(SAMPLE_CSV, { textColumn: 'text', columns: ['intent'] });
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  const texts = t.records.map((r) => r.text);
  const vectors = await e.embed(texts);
  await e.dispose();
  return { texts, intents: t.records.map((r) => r.fields.intent), vectors };
}
