/**
 * Ingest: a CSV's rows into a dataset of the store, each with its vector, so that later work (cluster,
 * assign, trends) never embeds them again.
 *
 * - Idempotent: a row is compared with the stored ticket of the same id by its text's hash; an
 *   unchanged row writes nothing, an edited one is updated and re-embedded, a moved or re-dated one is
 *   updated without re-embedding.
 * - Resumable: rows are embedded and committed in batches, the ticket and its vector in one
 *   transaction; after a kill or a lost server the next ingest finds the committed rows stored and
 *   embeds only the rest. Embedding the next batch overlaps writing the current one.
 * - Bad input (a cell that is no date, two rows with one id) is found before anything is written
 *   (readRows.ts), and so is a model mismatch: a dataset's vectors are all of one model, and an
 *   ingest with another is refused naming both (`embeddingsOnly` is how a dataset moves to another).
 * - The model is loaded only when needed (an EmbedderSource): a dataset whose recorded model hashes
 *   include the ONNX file's, and whose rows are all stored, is re-ingested without loading it; a new
 *   dataset's model loads while the file is read.
 * - The embedded store's HNSW index is dropped by a large ingest and left to the first nearest-neighbour
 *   query (vectorIndex.ts); vectors go in by a binary COPY there (tickets.ts).
 * - Serialised per dataset (engine.withDatasetLock): a second ingest of it waits, then finds the first
 *   one's rows stored.
 */
import { basename, extname, resolve } from 'node:path';
import { IngestOptions, TicketLensError, type IngestOptionsParsed, type IngestResult, type IngestSkipped } from '../../../shared/api';
import type { Embedder } from '../../embed/types';
import type { Logger } from '../../log';
import { createDataset, getDataset, type DatasetRow } from '../datasets';
import type { SqlEngine } from '../engine';
import { STORE_DIM } from '../dim';
import { checkDim, describeModel, modelById, registerModel, sameModel, type StoredModel } from '../models';
import { storedTickets, writeTickets, type StoredTicket, type TicketWrite } from '../tickets';
import { dropVectorIndex, rebuildPays, vectorIndexExists } from '../vectorIndex';
import { isSource, type EmbedderSource } from './embedderSource';
import { readRows, type IngestRow } from './readRows';

export interface IngestProgress {
  stage: 'reading' | 'waiting' | 'embedding';
  /** Rows done and to do in the stage (embedding: rows committed). */
  done: number;
  total: number;
  /** embedding: batches committed and in all. */
  batches?: { done: number; total: number };
}

export interface IngestHooks {
  log?: Logger;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
}

const bad = (message: string, details?: Record<string, unknown>) => new TicketLensError('bad_input', message, details);

function datasetName(o: IngestOptionsParsed): string {
  if (o.dataset !== null) return o.dataset;
  if (o.csvPath === null) throw bad('Name the dataset to embed (--dataset).');
  return basename(o.csvPath, extname(o.csvPath));
}

/** A dataset's ids depend on its text and id columns: another choice would file the same tickets again under new ids. */
function checkColumns(d: DatasetRow, o: IngestOptionsParsed): void {
  if (d.textColumn !== o.textColumn || d.idColumn !== o.idColumn) {
    const cols = (t: string | null, i: string | null) => `text column "${t}", ${i === null ? 'no id column' : `id column "${i}"`}`;
    throw bad(
      `Dataset "${d.name}" was ingested with ${cols(d.textColumn, d.idColumn)}; this ingest reads ${cols(o.textColumn, o.idColumn)}. Use the same columns, or another --dataset.`,
      { dataset: d.name },
    );
  }
}

function refuseModel(d: DatasetRow, m: StoredModel, e: Embedder, evidence: string): TicketLensError {
  const theirs = describeModel(m.modelId, m.hashes[0]);
  const ours = describeModel(e.info.modelId, e.info.modelHash);
  return bad(
    `Dataset "${d.name}" is embedded with ${theirs}; this ingest's model is ${ours} (${evidence}). Vectors of different models cannot be compared, so nothing was ingested. ` +
      `Use the dataset's model (--model), ingest into another --dataset, or move the dataset to this model with \`ticket-lens ingest --embeddings-only --dataset "${d.name}"\`.`,
    { dataset: d.name, stored: theirs, requested: ours },
  );
}

interface Plan {
  writes: TicketWrite[];
  counts: { new: number; updated: number; unchanged: number; alreadyEmbedded: number };
}

/** What each read row needs against what is stored: nothing, a row update, a vector, or both. */
function plan(rows: readonly IngestRow[], stored: Map<string, StoredTicket>, skipEmbedded: boolean): Plan {
  const counts = { new: 0, updated: 0, unchanged: 0, alreadyEmbedded: 0 };
  const writes: TicketWrite[] = [];
  for (const t of rows) {
    const s = stored.get(t.ticketId);
    if (!s) {
      counts.new++;
      writes.push({ ticket: t, upsert: true, textChanged: false, vectorRow: 0 });
      continue;
    }
    if (skipEmbedded && s.embeddedHash !== null) {
      counts.alreadyEmbedded++;
      continue;
    }
    const textChanged = s.contentHash !== t.contentHash;
    const moved = s.createdAt !== t.createdAt || s.row !== t.row || s.line !== t.line;
    const needsVector = s.embeddedHash !== t.contentHash;
    if (textChanged || moved) counts.updated++;
    else counts.unchanged++;
    if (textChanged || moved || needsVector) writes.push({ ticket: t, upsert: textChanged || moved, textChanged, vectorRow: needsVector ? 0 : null });
  }
  return { writes, counts };
}

/** The stored tickets of the dataset without a vector of their text under `modelId` (embeddingsOnly). */
async function unembedded(engine: SqlEngine, d: DatasetRow, modelId: number): Promise<TicketWrite[]> {
  const rows = await engine.query<{ ticket_id: string; text: string; content_hash: string; created_ms: number | null; source_row: number; source_line: number }>(
    `SELECT t.ticket_id, t.text, t.content_hash, round(extract(epoch FROM t.created_at) * 1000)::float8 AS created_ms, t.source_row, t.source_line
     FROM tickets t LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $2 AND e.content_hash = t.content_hash
     WHERE t.dataset_id = $1 AND e.ticket_pk IS NULL ORDER BY t.pk`,
    [d.id, modelId],
  );
  return rows.map((r) => ({
    ticket: { ticketId: r.ticket_id, text: r.text, contentHash: r.content_hash, createdAt: r.created_ms, row: r.source_row, line: r.source_line },
    upsert: false,
    textChanged: false,
    vectorRow: 0,
  }));
}

function dateSpan(rows: readonly IngestRow[]): IngestResult['dates'] {
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    if (r.createdAt === null) continue;
    first = Math.min(first, r.createdAt);
    last = Math.max(last, r.createdAt);
  }
  return Number.isFinite(first) ? { first: new Date(first).toISOString(), last: new Date(last).toISOString() } : null;
}

/** Embeds the texts of the writes that need a vector, numbering their vectorRow in the result. */
function embedBatch(embedder: Embedder | null, batch: TicketWrite[], signal?: AbortSignal): Promise<Float32Array> {
  const texts: string[] = [];
  for (const w of batch) {
    if (w.vectorRow === null) continue;
    w.vectorRow = texts.length;
    texts.push(w.ticket.text);
  }
  // A vector is needed only if toEmbed > 0, and then the embedder was loaded.
  return texts.length > 0 ? embedder!.embed(texts, { signal, priority: 'background' }) : Promise.resolve(new Float32Array(0));
}

export async function ingest(engine: SqlEngine, given: Embedder | EmbedderSource, input: IngestOptions, hooks: IngestHooks = {}): Promise<IngestResult> {
  const started = performance.now();
  const o = IngestOptions.parse(input);
  if (!o.embeddingsOnly && (o.csvPath === null || o.textColumn === null)) throw bad('An ingest reads a CSV: give its path and --text-column.');
  const name = datasetName(o);
  const source = isSource(given) ? given : null;
  let embedder: Embedder | null = source ? null : (given as Embedder);
  if (embedder) checkDim(embedder);
  const need = async (): Promise<Embedder> => {
    if (!embedder) {
      const e = await source!.load();
      checkDim(e);
      embedder = e;
    }
    return embedder;
  };
  const progress = hooks.onProgress ?? (() => undefined);

  // A dataset the store does not have yet will need the model (its vectors, its model row): it loads on
  // the inference thread while this one reads and hashes the file. (need() awaits the same load, and
  // reports its failure.)
  if (source && !o.embeddingsOnly && !(await getDataset(engine, name))) source.load().catch(() => undefined);
  progress({ stage: 'reading', done: 0, total: 0 });
  const read = o.embeddingsOnly ? null : await readRows(o, hooks.signal);

  return engine.withDatasetLock(
    name,
    () => progress({ stage: 'waiting', done: 0, total: 0 }),
    async () => {
      // Every check that can refuse the ingest runs before the first write.
      const existing = await getDataset(engine, name);
      if (o.embeddingsOnly && !existing) throw new TicketLensError('not_found', `The ticket store at ${engine.where} has no dataset "${name}" to embed.`, { dataset: name });
      if (existing && !o.embeddingsOnly) checkColumns(existing, o);
      const current = existing?.modelId != null ? await modelById(engine, existing.modelId) : null;
      let matched: StoredModel | null = null;
      if (current) {
        // The cheap check first: the ONNX file's hash among the model's; the probe vectors need the model.
        const hash = source ? (await source.identity()).modelHash : null;
        if (hash !== null && current.dim === STORE_DIM && current.hashes.includes(hash)) matched = current;
        else {
          const e = await need();
          const match = await sameModel(current, e);
          if (match.same) matched = current;
          else if (!o.embeddingsOnly) throw refuseModel(existing!, current, e, match.evidence);
        }
      }
      // A model row is registered from the loaded model (its probe vectors); a matched one needs none.
      const forModel = matched ? embedder : await need();

      const start = await engine.transaction(async (tx) => {
        let model: StoredModel;
        if (matched) {
          model = matched;
          if (forModel && !matched.hashes.includes(forModel.info.modelHash)) {
            await tx.query('UPDATE embedding_models SET hashes = array_append(hashes, $2) WHERE id = $1', [matched.id, forModel.info.modelHash]);
          }
        } else {
          model = await registerModel(tx, forModel!);
        }
        const dataset =
          existing ??
          (await createDataset(tx, { name, sourcePath: resolve(o.csvPath!), textColumn: o.textColumn!, idColumn: o.idColumn, dateColumn: o.dateColumn, modelId: model.id }));
        // Under the dataset's lock no other ingest of it runs: one still 'running' was killed.
        await tx.query(`UPDATE ingests SET status = 'interrupted', finished_at = now() WHERE dataset_id = $1 AND status = 'running'`, [dataset.id]);
        const [last] = await tx.query<{ status: string }>('SELECT status FROM ingests WHERE dataset_id = $1 ORDER BY id DESC LIMIT 1', [dataset.id]);
        const [ing] = await tx.query<{ id: number }>('INSERT INTO ingests (dataset_id, source_path, options) VALUES ($1, $2, $3::jsonb) RETURNING id::int AS id', [
          dataset.id,
          o.csvPath === null ? null : resolve(o.csvPath),
          JSON.stringify(o),
        ]);
        return { model, dataset, ingestId: ing.id, resumed: last !== undefined && last.status !== 'succeeded' };
      });
      const { model, dataset, ingestId } = start;
      if (start.resumed) hooks.log?.info(`dataset "${name}": an earlier ingest stopped before its end; what it committed is kept, the rest follows now`);

      let p: Plan;
      if (read) p = plan(read.rows, await storedTickets(engine, dataset.id, model.id), o.skipEmbedded);
      else p = { writes: await unembedded(engine, dataset, model.id), counts: { new: 0, updated: 0, unchanged: 0, alreadyEmbedded: 0 } };
      const toEmbed = p.writes.filter((w) => w.vectorRow !== null).length;
      const embedWith = toEmbed > 0 ? await need() : null;

      let committed = 0;
      let embedded = 0;
      const batches: TicketWrite[][] = [];
      for (let i = 0; i < p.writes.length; i += o.batchSize) batches.push(p.writes.slice(i, i + o.batchSize));
      try {
        if (toEmbed > 0) {
          const [{ n }] = await engine.query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings');
          if (rebuildPays(engine, toEmbed, n) && (await vectorIndexExists(engine))) await dropVectorIndex(engine);
        }
        progress({ stage: 'embedding', done: 0, total: p.writes.length, batches: { done: 0, total: batches.length } });
        let pending = batches.length > 0 ? embedBatch(embedWith, batches[0], hooks.signal) : null;
        for (let b = 0; b < batches.length; b++) {
          const vectors = await pending!;
          // The next batch embeds (onnxruntime's threads) while this one is written (the database's).
          pending = b + 1 < batches.length ? embedBatch(embedWith, batches[b + 1], hooks.signal) : null;
          pending?.catch(() => undefined); // awaited next turn; a failure here must not go unhandled meanwhile
          await engine.transaction(async (tx) => {
            await writeTickets(tx, dataset.id, model.id, batches[b], vectors);
            await tx.query('UPDATE ingests SET counts = $2::jsonb WHERE id = $1', [ingestId, JSON.stringify({ committed: committed + batches[b].length })]);
          });
          committed += batches[b].length;
          embedded += vectors.length / STORE_DIM;
          progress({ stage: 'embedding', done: committed, total: p.writes.length, batches: { done: b + 1, total: batches.length } });
          if (hooks.signal?.aborted) throw new TicketLensError('job_cancelled', 'The ingest was cancelled.');
        }
      } catch (err) {
        await engine
          .query(`UPDATE ingests SET status = 'failed', finished_at = now(), counts = $2::jsonb WHERE id = $1`, [ingestId, JSON.stringify({ committed, error: (err as Error).message })])
          .catch(() => undefined);
        const kept = `${committed} of ${p.writes.length} rows to write were committed and are kept; run the same ingest again to resume`;
        if (err instanceof TicketLensError) throw new TicketLensError(err.code, `${err.message} ${kept}.`, { ...err.details, committed });
        throw new TicketLensError('job_failed', `The ingest of dataset "${name}" failed: ${(err as Error).message}. ${kept}.`, { committed });
      }

      const skippedBy: IngestSkipped = { emptyText: 0, outsideDates: 0, beyondLimit: 0, duplicate: 0, ...read?.skipped, alreadyEmbedded: p.counts.alreadyEmbedded };
      const total = await engine.transaction(async (tx) => {
        if (read) {
          await tx.query('UPDATE datasets SET last_ingest_at = now(), source_path = $2, date_column = $3 WHERE id = $1', [dataset.id, resolve(o.csvPath!), o.dateColumn]);
        } else if (dataset.modelId !== model.id) {
          // Every ticket now has a vector of this model: the dataset moves to it, the old model's vectors go.
          await tx.query('UPDATE datasets SET embedding_model_id = $2 WHERE id = $1', [dataset.id, model.id]);
          await tx.query('DELETE FROM embeddings e USING tickets t WHERE e.ticket_pk = t.pk AND t.dataset_id = $1 AND e.model_id <> $2', [dataset.id, model.id]);
        }
        const counts = { ...p.counts, skippedBy, embedded, committed };
        await tx.query(`UPDATE ingests SET status = 'succeeded', finished_at = now(), counts = $2::jsonb WHERE id = $1`, [ingestId, JSON.stringify(counts)]);
        const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE dataset_id = $1', [dataset.id]);
        return n;
      });
      // The planner needs row counts to choose the HNSW index for knn, and PGlite never analyzes on its own.
      if (committed > 0 || start.resumed) await engine.exec('ANALYZE tickets, embeddings');

      return {
        dataset: name,
        store: engine.where,
        rows: read?.total ?? 0,
        new: p.counts.new,
        updated: p.counts.updated,
        unchanged: p.counts.unchanged,
        skipped: Object.values(skippedBy).reduce((a, b) => a + b, 0),
        skippedBy,
        embedded,
        total,
        dates: read ? dateSpan(read.rows) : null,
        resumed: start.resumed,
        model: { id: model.modelId, hash: model.hashes[0] },
        seconds: (performance.now() - started) / 1000,
        warnings: read?.warnings ?? [],
      };
    },
  );
}
