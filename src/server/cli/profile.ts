/** `ticket-lens profile`: a data profile of a CSV before clustering (profile.json and profile.md in --out). */
import type { Command } from 'commander';
import { ProfileRequest, type Profile } from '../../shared/profile';
import { cacheRoot, defaultModelDir, loadEmbedder, type Embedder } from '../embed';
import { createLogger } from '../log';
import { profileCsv } from '../profile/profileCsv';
import { checkProfileOutputs, writeProfile } from '../profile/writeProfile';
import { cancelOnSigint } from './cancelOnSigint';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';

interface ProfileFlags extends ModelFlags {
  textColumn: string;
  labelColumn?: string;
  dateColumn?: string;
  nearDuplicates?: boolean;
  out: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

const pct = (part: number, whole: number) => `${whole ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;

function report(p: Profile): string {
  const texts = p.rows - p.emptyTexts.count;
  const t = p.length.tokens;
  const lines = [
    `${p.rows} rows, ${p.emptyTexts.count} with an empty text; ${p.duplicates.exact.rows} exact duplicate rows, ${p.duplicates.folded.rows} after folding case, spacing and punctuation${p.duplicates.embedding ? `, ${p.duplicates.embedding.rows} by meaning (cosine ≥ ${p.duplicates.embedding.threshold})` : ''}`,
    `length: median ${p.length.chars.summary.median} characters, ${t.summary.median} tokens; ${t.truncated} texts (${pct(t.truncated, texts)}) longer than ${t.maxLength} tokens`,
  ];
  if (p.labels) lines.push(`${p.labels.column}: ${p.labels.classes} classes, largest ÷ smallest ${p.labels.imbalanceRatio.toFixed(2)}, normalised entropy ${p.labels.normalizedEntropy.toFixed(3)}`);
  lines.push(`placeholders in ${p.placeholders.rows} texts; personal data in ${p.personalData.rows} texts (${p.personalData.kinds.map((k) => `${k.kind} ${k.count}`).join(', ') || 'none'})`);
  if (p.dates) lines.push(`${p.dates.column}: ${p.dates.dated} dated${p.dates.min ? ` ${p.dates.min.slice(0, 10)} to ${p.dates.max?.slice(0, 10)}` : ''}, ${p.dates.empty} empty, ${p.dates.unparseable} not a date`);
  return `${lines.join('\n')}\n`;
}

export function registerProfile(program: Command): void {
  addModelOptions(
    program
      .command('profile')
      .description('profile a CSV before clustering: rows, empty and duplicate texts, lengths in characters and model tokens, labels, top words, placeholders, personal data (counts only), dates')
      .argument('<csv>', 'input CSV (never modified)')
      .requiredOption('--text-column <name>', 'column holding the text')
      .option('--label-column <name>', 'a label column: class sizes, imbalance and top words per class')
      .option('--date-column <name>', 'a date column: coverage per month and cells that are not dates')
      .option('--near-duplicates', 'also find near-duplicates by embedding (cosine ≥ 0.95; loads the model)')
      .requiredOption('--out <dir>', 'folder for profile.json and profile.md (each written atomically)')
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--json', 'print the profile as JSON on stdout')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string, f: ProfileFlags) => {
    // Refused before any work: an output that would replace the input or a file Ticket Lens did not write.
    await checkProfileOutputs(f.out, csv);
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const modelDir = f.model ?? defaultModelDir();
    const progress = createProgress({ quiet: f.quiet });
    const loaded: { embedder: Promise<Embedder> | null } = { embedder: null };
    const cancel = cancelOnSigint();
    let stage = '';
    try {
      const req = ProfileRequest.parse({ csvPath: csv, textColumn: f.textColumn, labelColumn: f.labelColumn ?? null, dateColumn: f.dateColumn ?? null, nearDuplicates: f.nearDuplicates ?? false });
      const profile = await profileCsv(req, {
        modelDir,
        dtype: f.dtype,
        embedder: () => (loaded.embedder ??= loadEmbedder({ modelDir, device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log })),
        signal: cancel.signal,
        progress: (p) => {
          if (p.stage !== stage) progress.stage((stage = p.stage), p.total);
          if (p.done !== undefined) progress.update(p.done, p.total);
        },
      });
      const files = await writeProfile(f.out, profile);
      process.stdout.write(f.json ? `${JSON.stringify(profile)}\n` : `${report(profile)}profile: ${files.json}\n         ${files.markdown}\n`);
    } finally {
      progress.stop();
      cancel.stop();
      if (loaded.embedder) await (await loaded.embedder).dispose();
    }
  });
}
