import { InvalidArgumentError, Option, type Command } from 'commander';
import { ClusterParams } from '../../shared/api';
import { formatSweep } from '../cluster/autoSize';
import { runClusterPipeline } from '../cluster/pipeline';
import { checkOutDir, defaultRunDir } from '../run/folder';
import { cacheRoot, defaultModelDir, loadEmbedder } from '../embed';
import { createLogger } from '../log';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';

interface ClusterFlags extends ModelFlags {
  textColumn: string;
  labelColumn?: string;
  depth: string;
  minClusterSize: string;
  minSamples?: string;
  selection: 'eom' | 'leaf';
  epsilon: string;
  minClusterPct: string;
  reassignOutliers?: string | true;
  adapter?: string;
  seed: string;
  out?: string;
  cache: boolean;
  quiet?: boolean;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer.`);
  return v;
};

export function registerCluster(program: Command): void {
  addModelOptions(
    program
      .command('cluster')
      .description('cluster the rows of a CSV (embed → UMAP → HDBSCAN, recursively) and write a run folder')
      .argument('<csv>', 'input CSV (never modified)')
      .requiredOption('--text-column <name>', 'column holding the text')
      .option('--label-column <name>', 'column of known labels, to evaluate against (ARI, NMI, purity)')
      .option('--depth <n>', 'cluster levels (2 = clusters and one level of sub-clusters)', int('--depth'), '2')
      .option('--min-cluster-size <n|auto>', 'HDBSCAN minimum cluster size, or auto', 'auto')
      .option('--min-samples <n>', 'HDBSCAN min_samples (default 10)', int('--min-samples'))
      .addOption(new Option('--selection <method>', 'cluster selection').choices(['eom', 'leaf']).default('eom'))
      .option('--epsilon <x>', 'cluster_selection_epsilon', '0')
      .option('--min-cluster-pct <pct>', 'only re-cluster clusters holding at least this % of their parent', '5')
      .option('--reassign-outliers [threshold]', 'move noise rows to the most similar cluster when cosine ≥ threshold (default 0.5)')
      .option('--seed <n>', 'random seed (same input + parameters + seed → same clusters)', int('--seed'), '42')
      .option('--adapter <model>', "cluster in a trained classifier's adapter space (.tlc file or shipped name)")
      .option('--out <dir>', 'run folder to create (default .ticket-lens/runs/<file>-<time>)')
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string, f: ClusterFlags) => {
    const params = ClusterParams.parse({
      depth: Number(f.depth),
      minClusterSize: f.minClusterSize === 'auto' ? 'auto' : Number(f.minClusterSize),
      minSamples: f.minSamples ? Number(f.minSamples) : undefined,
      selection: f.selection,
      epsilon: Number(f.epsilon),
      minClusterPct: Number(f.minClusterPct),
      reassignOutliers: f.reassignOutliers === undefined ? null : f.reassignOutliers === true ? 0.5 : Number(f.reassignOutliers),
      seed: Number(f.seed),
      adapterModel: f.adapter ?? null,
    });
    const outDir = f.out ?? defaultRunDir(csv);
    checkOutDir(outDir, csv);
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const embedder = await loadEmbedder({ modelDir: f.model ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log });
    const progress = createProgress({ quiet: f.quiet });
    const ac = new AbortController();
    const onSigint = () => {
      process.stderr.write('\ncancelling…\n');
      ac.abort();
    };
    process.once('SIGINT', onSigint);
    let stage = '';
    try {
      const r = await runClusterPipeline(
        { csvPath: csv, textColumn: f.textColumn, labelColumn: f.labelColumn ?? null, outDir, params },
        {
          embedder,
          log,
          signal: ac.signal,
          progress: (p) => {
            if (p.stage !== stage) {
              stage = p.stage;
              progress.stage(p.stage, p.total);
            }
            if (p.done !== undefined) progress.update(p.done, p.total);
          },
        },
      );
      progress.stop();
      if (r.sweep) process.stdout.write(`${formatSweep(r.sweep, r.minClusterSize)}\n\n`);
      process.stdout.write(
        `${r.rows} rows (${r.uniqueTexts} unique texts): ${r.topClusters} clusters, ${r.totalClusters - r.topClusters} sub-clusters, noise ${(r.noiseFraction * 100).toFixed(1)}%\n`,
      );
      if (r.metrics) {
        process.stdout.write(
          `against ${r.metrics.label}: ARI ${r.metrics.ari.toFixed(3)}, NMI ${r.metrics.nmi.toFixed(3)} (noise excluded: ARI ${r.metrics.ariNoNoise.toFixed(3)}, NMI ${r.metrics.nmiNoNoise.toFixed(3)})\n`,
        );
      }
      process.stdout.write(`timings: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ')}\n`);
      process.stdout.write(`run folder: ${r.runDir}\n`);
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      await embedder.dispose();
    }
  });
}
