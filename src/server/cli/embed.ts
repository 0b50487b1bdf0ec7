import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { cacheRoot, defaultModelDir, loadEmbedder } from '../embed';
import { readCsv } from '../data/csv';
import { npyHeader, writeNpyAtomic } from '../data/npy';
import { checkOutputFile, readHead, type OwnOutput } from '../data/outputs';
import { createLogger } from '../log';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';

/**
 * A matrix as this command writes it: a float32 (rows × columns) .npy whose header is byte for byte
 * npyHeader's and whose size is exactly that many floats. (NumPy's np.save of a float32 matrix is
 * written the same way, so one of those is replaced too: .npy has no room for a signature that every
 * reader accepts.)
 */
const EMBEDDING_OUTPUT: OwnOutput = {
  what: 'an embedding matrix (.npy)',
  async test(path) {
    const head = await readHead(path, 256);
    if (head.length < 10) return false;
    const end = 10 + head.readUInt16LE(8);
    const shape = /'shape': \((\d+), (\d+)\)/.exec(head.toString('latin1', 10, end));
    if (!shape) return false;
    const [rows, cols] = [Number(shape[1]), Number(shape[2])];
    const expected = npyHeader([rows, cols]);
    return head.subarray(0, end).equals(expected) && (await stat(path)).size === expected.length + rows * cols * 4;
  },
};

interface EmbedFlags extends ModelFlags {
  textColumn: string;
  out: string;
  batchSize: string;
  cache: boolean;
  quiet?: boolean;
}

export function registerEmbed(program: Command): void {
  addModelOptions(
    program
      .command('embed')
      .description('embed the text column of a CSV into a float32 .npy matrix (rows × 384), in file order (rows with empty text are skipped and listed)')
      .argument('<csv>', 'input CSV (never modified)')
      .requiredOption('--text-column <name>', 'column holding the text')
      .requiredOption('--out <file.npy>', 'output .npy (written atomically)')
      .option('--batch-size <n>', 'texts per model call', '32')
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string, flags: EmbedFlags) => {
    await checkOutputFile(flags.out, [{ path: csv, what: 'the input file' }], { option: '--out', replaces: EMBEDDING_OUTPUT });
    const log = createLogger(flags.quiet ? 'warn' : 'info');
    const table = await readCsv(csv, { textColumn: flags.textColumn });
    for (const s of table.skipped) log.warn(`${csv}: row ${s.row} (line ${s.line}) skipped: ${s.reason}`);
    const embedder = await loadEmbedder({
      modelDir: flags.model ?? defaultModelDir(),
      device: flags.device,
      dtype: flags.dtype,
      batchSize: Number(flags.batchSize),
      cacheDir: flags.cache ? cacheRoot() : undefined,
      log,
    });
    const progress = createProgress({ quiet: flags.quiet });
    progress.stage('embedding', table.records.length);
    const started = Date.now();
    const vectors = await embedder.embed(
      table.records.map((r) => r.text),
      { onProgress: (done) => progress.update(done) },
    );
    progress.stop();
    await writeNpyAtomic(flags.out, vectors, [table.records.length, embedder.info.dim]);
    const secs = (Date.now() - started) / 1000;
    process.stdout.write(
      `${flags.out}: ${table.records.length} × ${embedder.info.dim} float32 (${embedder.info.dtype}, ${embedder.info.device.active}) in ${secs.toFixed(1)}s` +
        `${table.skipped.length ? `; ${table.skipped.length} rows with empty text skipped` : ''}\n`,
    );
    await embedder.dispose();
  });
}
