import type { Command } from 'commander';
import { LabelOptions } from '../../shared/api';
import { cacheRoot } from '../embed';
import { estimateLabels, labelRun, previewLabels } from '../label/labelRun';
import { createLogger } from '../log';
import { createProgress } from './progress';

interface LabelFlags {
  model?: string;
  concurrency: string;
  redact: boolean;
  dryRun?: boolean;
  budgetUsd?: string;
  baseUrl?: string;
  timeoutMs: string;
  quiet?: boolean;
}

export function registerLabel(program: Command): void {
  program
    .command('label')
    .description("label a run's clusters with Claude (key from ANTHROPIC_API_KEY; without one, keyword labels)")
    .argument('<run-dir>', 'a run folder made by `ticket-lens cluster`')
    .option('--model <id>', 'Claude model', LabelOptions.shape.model.parse(undefined))
    .option('--concurrency <n>', 'requests in flight', '4')
    .option('--no-redact', 'send texts without PII redaction (on by default)')
    .option('--dry-run', 'print exactly what would be sent, and the estimate; send nothing')
    .option('--budget-usd <x>', 'stop sending once this much is spent')
    .option('--base-url <url>', 'Messages API base URL (a proxy, or a local fake in tests)')
    .option('--timeout-ms <n>', 'per-request timeout', '60000')
    .option('--quiet', 'no progress output')
    .action(async (runDir: string, f: LabelFlags) => {
      const opts = LabelOptions.parse({
        model: f.model,
        concurrency: Number(f.concurrency),
        redact: f.redact,
        budgetUsd: f.budgetUsd ? Number(f.budgetUsd) : null,
        baseURL: f.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? null,
        timeoutMs: Number(f.timeoutMs),
      });
      const est = await estimateLabels(runDir, opts);
      process.stdout.write(
        `${est.clusters} clusters to label (${est.alreadyLabelled} already labelled) with ${est.model}: ~${est.inputTokens} input + ~${est.outputTokens} output tokens, ~$${est.costUsd.toFixed(4)}\n`,
      );
      if (f.dryRun) {
        const preview = await previewLabels(runDir, opts);
        process.stdout.write(`\nDry run: nothing is sent. Redaction ${preview.redacted ? 'on' : 'OFF'}.\n\n--- system prompt ---\n${preview.requests[0]?.system ?? ''}\n`);
        for (const r of preview.requests) process.stdout.write(`\n--- ${r.cluster} (redacted: ${JSON.stringify(r.redactions)}) ---\n${r.prompt}\n`);
        return;
      }
      const log = createLogger(f.quiet ? 'warn' : 'info');
      const progress = createProgress({ quiet: f.quiet });
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      progress.stage('labelling', est.clusters);
      const r = await labelRun(runDir, opts, {
        apiKey: process.env.ANTHROPIC_API_KEY || null,
        cacheDir: cacheRoot(),
        log,
        signal: ac.signal,
        progress: (p) => p.done !== undefined && progress.update(p.done, p.total),
      });
      progress.stop();
      process.stdout.write(
        `${r.state}: ${r.labelled} labelled by Claude (${r.fromCache} from cache), ${r.keywordFallback} keyword labels; ${r.requests} requests, ${r.usage.inputTokens} input + ${r.usage.outputTokens} output tokens, $${r.costUsd.toFixed(4)}\n`,
      );
      for (const x of r.failures) process.stdout.write(`  ${x.cluster}: ${x.reason}\n`);
    });
}
