import type { Command } from 'commander';
import { LabelOptions } from '../../shared/api';
import { cacheRoot } from '../embed';
import { estimateLabels, labelRun, previewLabels } from '../label/labelRun';
import { checkKeyAndModel } from '../label/models';
import { createLogger } from '../log';
import { createProgress } from './progress';

interface LabelFlags {
  model?: string;
  concurrency: string;
  redact: boolean;
  dryRun?: boolean;
  budgetUsd?: string;
  maxTokens?: string;
  deadlineSeconds?: string;
  check?: boolean;
  baseUrl?: string;
  timeoutMs: string;
  quiet?: boolean;
}

export function registerLabel(program: Command): void {
  program
    .command('label')
    .description("label a run's clusters with Claude (key from ANTHROPIC_API_KEY; without one, keyword labels)")
    .argument('[run-dir]', 'a run folder made by `ticket-lens cluster` (not needed with --check)')
    .option('--model <id>', 'Claude model', LabelOptions.shape.model.parse(undefined))
    .option('--concurrency <n>', 'requests in flight', '4')
    .option('--no-redact', 'send texts without PII redaction (on by default)')
    .option('--dry-run', 'print exactly what would be sent, and the estimate; send nothing')
    .option('--check', 'check the key and the model against the Models API, list the models; label nothing')
    .option('--budget-usd <x>', 'stop sending once this much is spent (estimated from usage)')
    .option('--max-tokens <n>', 'stop sending before input + output tokens, every request counted, could pass this')
    .option('--deadline-seconds <n>', 'start no request after this many seconds')
    .option('--base-url <url>', 'Claude API base URL (a proxy, or a local fake in tests)')
    .option('--timeout-ms <n>', 'per-request timeout', '60000')
    .option('--quiet', 'no progress output')
    .action(async (runDir: string | undefined, f: LabelFlags) => {
      const opts = LabelOptions.parse({
        model: f.model,
        concurrency: Number(f.concurrency),
        redact: f.redact,
        budgetUsd: f.budgetUsd ? Number(f.budgetUsd) : null,
        maxTokens: f.maxTokens ? Number(f.maxTokens) : null,
        deadlineMs: f.deadlineSeconds ? Number(f.deadlineSeconds) * 1000 : null,
        baseURL: f.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? null,
        timeoutMs: Number(f.timeoutMs),
      });
      if (f.check) {
        const apiKey = process.env.ANTHROPIC_API_KEY;
        if (!apiKey) throw new Error('--check needs a key in ANTHROPIC_API_KEY.');
        const c = await checkKeyAndModel({ apiKey, model: opts.model, baseURL: opts.baseURL });
        for (const m of c.models) process.stdout.write(`${m.id === c.resolvedModel || m.id === c.model ? '*' : ' '} ${m.id}  ${m.displayName}\n`);
        if (c.error) throw new Error(c.error.message);
        process.stdout.write(`${c.model}: available${c.resolvedModel && c.resolvedModel !== c.model ? ` (${c.resolvedModel})` : ''}\n`);
        return;
      }
      if (!runDir) throw new Error('Name the run folder to label.');
      const est = await estimateLabels(runDir, opts);
      process.stdout.write(
        `${est.clusters} clusters to label (${est.alreadyLabelled} already labelled) with ${est.model}: ~${est.inputTokens} input + ~${est.outputTokens} output tokens, ${est.costUsd === null ? 'no price known for this model' : `~$${est.costUsd.toFixed(4)}`}\n`,
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
        `${r.state}: ${r.labelled} labelled by Claude (${r.fromCache} from cache), ${r.keywordFallback} keyword labels; ${r.requests} requests, ${r.usage.inputTokens} input + ${r.usage.outputTokens} output tokens, ${r.costUsd === null ? 'no price known for this model' : `$${r.costUsd.toFixed(4)}`}\n`,
      );
      for (const x of r.failures) process.stdout.write(`  ${x.cluster}: ${x.reason}\n`);
      if (r.stopped) process.stdout.write(`Stopped sending: ${r.stopped.message}. Run it again to label the rest.\n`);
    });
}
