/**
 * Tags rows of a CSV into a label set with Claude: a diverse sample (or every row), redacted before
 * anything else, sent in batches with several requests in flight, each answer validated (with one
 * repair turn) and appended to the folder's journal as soon as it is in, so a crash, a kill or a
 * cancel loses at most the requests in flight and a rerun sends none of the rows already answered.
 * Retries back off and honour retry-after (label/retry.ts); a dollar or token cap stops the sending
 * before the estimate of what is spent and in flight would pass it (label/budget.ts); a refusal every
 * request would get (bad key, no access, unknown model) stops the job with its cause. Whatever
 * happens, tags.csv and tags.json are written from what is answered. A dry run plans the same
 * requests, estimates their cost and returns the first one; it sends and writes nothing.
 * The API key is used for the client and nothing else: never logged, stored or put in an error.
 */
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import pLimit from 'p-limit';
import { TicketLensError, type LabelStop } from '../../shared/api';
import { TAGS_CSV, TagOptions, TagsJson, type TagOptionsInput, type TagRecord, type TagSummary } from '../../shared/tag';
import { cacheRoot } from '../embed/manifest';
import { SendingStopped, Spend } from '../label/budget';
import { requestCostUsd } from '../label/estimate';
import { describe, refusal, withRetry } from '../label/retry';
import type { Logger } from '../log';
import { askForTags, TagAnswerFailed } from './answer';
import { appendJournal, textHash, writeTagOutputs, type JournalLine } from './output';
import { planTags, type Batch, type TagPlan } from './plan';
import type { Redactor } from './prompt';

export interface TagDeps {
  /** The Anthropic API key: used for the client and nothing else (never logged, stored or echoed). Not needed for a dry run. */
  apiKey?: string | null;
  /** Where the tag cache lives (default: the model cache root, as label/ uses). */
  cacheDir?: string;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
  onRetry?: (info: { batch: number; attempt: number; delayMs: number; reason: string }) => void;
  /** The redactor (default: label/redact.ts); a failure means nothing of that row is sent. */
  redactor?: Redactor;
}

const cancelled = () => new TicketLensError('job_cancelled', 'Tagging was cancelled; the answered rows are saved and a rerun resumes.');

function summarise(o: TagOptions, plan: TagPlan, run: { requests: number; usage: { inputTokens: number; outputTokens: number }; costUsd: number | null; failed: TagSummary['failed']; stopped: LabelStop | null }, dryRun: boolean): TagSummary {
  const all = [...plan.known.values()];
  const counts: Record<string, number> = {};
  for (const t of all) for (const l of t.labels) counts[l] = (counts[l] ?? 0) + 1;
  const tagged = plan.selected.filter((r) => plan.known.has(r)).length;
  const first = plan.batches[0];
  return {
    csvPath: o.csvPath,
    labelSet: plan.set.name,
    multiLabel: plan.set.multiLabel,
    model: o.model,
    outDir: plan.outDir,
    tagsCsv: join(plan.outDir, TAGS_CSV),
    rows: plan.rows.size,
    selected: plan.selected.length,
    tagged,
    written: all.length,
    resumed: plan.resumed,
    fromCache: plan.cached.length,
    failed: run.failed,
    counts,
    requests: run.requests,
    usage: run.usage,
    costUsd: run.costUsd,
    estimate: plan.estimate,
    sample: plan.sample,
    stopped: run.stopped,
    state: dryRun ? 'dry-run' : tagged === plan.selected.length ? 'complete' : 'partial',
    preview: dryRun && first ? { system: plan.system, prompt: first.prompt, rows: first.texts.length, redactions: first.redactions } : null,
  };
}

export async function tagRows(options: TagOptionsInput, logger: Logger, signal?: AbortSignal, deps: TagDeps = {}): Promise<TagSummary> {
  const o = TagOptions.parse(options);
  const plan = await planTags(o, { log: logger, cacheDir: deps.cacheDir ?? cacheRoot(), redactor: deps.redactor, signal });
  const run = { requests: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: requestCostUsd(o.model, { inputTokens: 0, outputTokens: 0 }), failed: [...plan.unsendable], stopped: null as LabelStop | null };
  if (o.dryRun) return summarise(o, plan, run, true);
  if (plan.batches.length > 0 && !deps.apiKey) throw new TicketLensError('llm_auth_failed', 'Tagging needs an Anthropic API key (ANTHROPIC_API_KEY, or Ticket Lens: Set API Key); a dry run needs none.');

  const scrub = (s: string) => (deps.apiKey ? s.split(deps.apiKey).join('[API key]') : s);
  const line = (t: TagRecord): JournalLine => ({ ...t, textHash: textHash(plan.rows.get(t.row)!.text) });
  await appendJournal(plan.outDir, plan.cached.map(line));

  const spend = new Spend({ model: o.model, maxTokens: o.maxTokens, budgetUsd: o.budgetUsd, deadlineMs: null });
  // Set by the first refusal that every later request would get too; nothing is sent after it.
  const halt: { refused: TicketLensError | null } = { refused: null };
  const reserve = (estimate: { inputTokens: number; outputTokens: number }) => {
    if (halt.refused) throw new SendingStopped(halt.refused.message);
    return spend.reserve(estimate);
  };
  const client = new Anthropic({ apiKey: deps.apiKey ?? null, baseURL: o.baseURL ?? undefined, maxRetries: 0, timeout: o.timeoutMs });
  const total = plan.estimate.rows;
  let done = 0;
  let journal: Promise<void> = Promise.resolve();

  const tagBatch = async (b: Batch, index: number) => {
    if (signal?.aborted) throw cancelled();
    const rowsOf = (k: string) => plan.rowsOfKey.get(k)!;
    const fail = (reason: string, keys = b.keys) => {
      for (const k of keys) for (const r of rowsOf(k)) run.failed.push({ row: r, reason: scrub(reason) });
    };
    let answer: Awaited<ReturnType<typeof askForTags>>;
    try {
      answer = await withRetry(
        () =>
          askForTags(client, o.model, { system: plan.system, tool: plan.tool, prompt: b.prompt, rows: b.texts.length, set: plan.set }, {
            timeoutMs: o.timeoutMs,
            signal,
            onRequest: () => run.requests++,
            reserve,
            onUsage: (u) => {
              spend.record(u);
              run.usage = { ...spend.usage };
              run.costUsd = spend.knownCostUsd;
            },
          }),
        {
          maxAttempts: o.maxAttempts,
          baseDelayMs: o.baseDelayMs,
          signal,
          onRetry: (i) => {
            logger.warn(`batch ${index + 1}: ${i.reason}; retry ${i.attempt} in ${(i.delayMs / 1000).toFixed(1)} s`);
            deps.onRetry?.({ batch: index + 1, ...i });
          },
        },
      );
    } catch (err) {
      if (signal?.aborted || (err instanceof TicketLensError && err.code === 'job_cancelled')) throw cancelled();
      if (err instanceof SendingStopped) return; // left untagged: a rerun with a higher cap asks them
      const refusedNow = refusal(err, { model: o.model, baseURL: o.baseURL });
      if (refusedNow) {
        if (!halt.refused) logger.error(scrub(refusedNow.message));
        halt.refused ??= refusedNow;
        return;
      }
      const reason = err instanceof TagAnswerFailed ? err.message : describe(err);
      logger.warn(`batch ${index + 1}: ${scrub(reason)}; its ${b.keys.length} rows stay untagged`);
      return fail(reason);
    }
    const answered: TagRecord[] = [];
    b.keys.forEach((k, i) => {
      const tag = answer.tags.get(i + 1);
      if (!tag) return;
      for (const r of rowsOf(k)) {
        const rec = { row: r, id: plan.rows.get(r)!.id, labels: tag.labels, reason: tag.reason };
        plan.known.set(r, rec);
        answered.push(rec);
      }
      plan.cache.set(k, tag).catch((err: unknown) => logger.warn(`could not cache a tag (${scrub(err instanceof Error ? err.message : String(err))})`));
    });
    for (const p of answer.problems) {
      const ticket = Number(/^ticket (\d+)/.exec(p)?.[1]);
      if (ticket >= 1 && ticket <= b.keys.length) fail(p.replace(/^ticket \d+: /, ''), [b.keys[ticket - 1]]);
    }
    // One append at a time, in the order answers come in.
    journal = journal.then(() => appendJournal(plan.outDir, answered.map(line)));
    await journal;
    done += b.keys.reduce((n, k) => n + rowsOf(k).length, 0);
    deps.progress?.({ stage: 'tagging rows', done, total });
  };

  const limit = pLimit(o.concurrency);
  deps.progress?.({ stage: 'tagging rows', done: 0, total });
  const settled = await Promise.allSettled(plan.batches.map((b, i) => limit(() => tagBatch(b, i))));
  await journal.catch(() => undefined);
  run.stopped = spend.stopped;
  if (spend.stopped) logger.warn(`tagging stopped: ${spend.stopped.message}`);

  const summary = summarise(o, plan, run, false);
  // TagsJson is the summary without the preview (zod drops the key).
  await writeTagOutputs(plan.outDir, [...plan.known.values()], TagsJson.parse({ version: 1, createdAt: new Date().toISOString(), ...summary }), o.csvPath);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  if (halt.refused) throw halt.refused;
  return summary;
}
