/**
 * Labels every cluster and sub-cluster of a run. Resumable: clusters.json is rewritten atomically
 * after each label, and a rerun asks only for clusters without an LLM or user label. Without an API
 * key, or where the API keeps failing, clusters get keyword labels and the run says so; nothing else
 * breaks. A refusal every request would get (bad key, no access, unknown model) stops the job with
 * its cause; a cap or the deadline stops the sending. Either way what is labelled is kept and the
 * run says partial. The API key is used for the client and nothing else: never logged, stored or put
 * in an error.
 */
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import pLimit from 'p-limit';
import { ancestorPaths, keywordLabel, TicketLensError, type ClusterRecord, type LabelEstimate, type LabelOptions, type LabelPreview, type LabelResult, type LoadedRun } from '../../shared/api';
import { readAssignments } from '../run/assignmentsCsv';
import { loadRun } from '../run/folder';
import { LabelWriter } from '../run/labelFields';
import type { Logger } from '../log';
import { LabelCache } from './cache';
import { SendingStopped, Spend } from './budget';
import { askForLabel, InvalidLabelOutput } from './claude';
import { duplicatesAmongSiblings } from './distinct';
import { estimateTokens, outputTokens, priceOf, totalCostUsd } from './estimate';
import { buildPrompt, type BuiltPrompt, type PromptInput } from './prompt';
import { describe, refusal, withRetry } from './retry';

export interface LabelDeps {
  apiKey?: string | null;
  cacheDir: string;
  log: Logger;
  signal?: AbortSignal;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
  onRetry?: (info: { cluster: string; attempt: number; delayMs: number; reason: string }) => void;
  redactor?: PromptInput['redactor'];
}

/** The texts of every cluster, a sub-cluster's also counted in its ancestors, in file order. */
async function memberTexts(run: LoadedRun): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const r of await readAssignments(run.runDir)) {
    for (const p of ancestorPaths(r.cluster).reverse()) {
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      list.push(r.text);
    }
  }
  return out;
}

const pending = (c: ClusterRecord) => !c.isNoise && c.labelSource !== 'llm' && c.labelSource !== 'user';

async function prompts(run: LoadedRun, targets: ClusterRecord[], redact: boolean): Promise<BuiltPrompt[]> {
  const texts = await memberTexts(run);
  return targets.map((c) => buildPrompt({ cluster: c, memberTexts: texts.get(c.id) ?? [], redact }));
}

export async function previewLabels(runDir: string, opts: LabelOptions): Promise<LabelPreview> {
  const run = await loadRun(runDir);
  const ps = await prompts(run, run.clusters.filter(pending), opts.redact);
  return { redacted: opts.redact, requests: ps.map((p) => ({ cluster: p.cluster, system: p.system, prompt: p.prompt, redactions: p.redactions })) };
}

export async function estimateLabels(runDir: string, opts: LabelOptions): Promise<LabelEstimate> {
  const run = await loadRun(runDir);
  const targets = run.clusters.filter(pending);
  const ps = await prompts(run, targets, opts.redact);
  // Each request priced on its own: a long prompt can change the rate of the whole request.
  const requests = ps.map((p) => ({ inputTokens: estimateTokens(p.prompt, opts.model), outputTokens: outputTokens(opts.model) }));
  return {
    clusters: targets.length,
    alreadyLabelled: run.clusters.filter((c) => !c.isNoise && !pending(c)).length,
    inputTokens: requests.reduce((s, u) => s + u.inputTokens, 0),
    outputTokens: requests.reduce((s, u) => s + u.outputTokens, 0),
    costUsd: totalCostUsd(opts.model, requests),
    model: opts.model,
  };
}

export async function labelRun(runDir: string, opts: LabelOptions, deps: LabelDeps): Promise<LabelResult> {
  const run = await loadRun(runDir);
  const clusters = run.clusters;
  const targets = clusters.filter(pending).sort((a, b) => a.depth - b.depth);
  const scrub = (s: string) => (deps.apiKey ? s.split(deps.apiKey).join('[API key]') : s);
  const result: LabelResult = { runDir: run.runDir, state: 'keywords-only', labelled: 0, fromCache: 0, keywordFallback: 0, requests: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: priceOf(opts.model) ? 0 : null, failures: [], stopped: null };

  // A save re-reads the run and sets only the label fields the job changed (run/labelFields.ts), so a
  // rename or merge the user makes meanwhile stays.
  const labels = new LabelWriter(run);
  let saving: Promise<unknown> = Promise.resolve();
  const save = () => (saving = labels.save());
  const useKeywords = (c: ClusterRecord, reason: string | null) => {
    c.label = keywordLabel(c);
    c.description = null;
    c.labelSource = 'keywords';
    result.keywordFallback++;
    if (reason) result.failures.push({ cluster: c.id, reason });
  };

  const spend = new Spend(opts);
  // Set by the first refusal that every later request would get too; nothing is sent after it.
  // (held in an object: it is set inside the workers, which flow analysis does not follow)
  const halt: { refused: TicketLensError | null } = { refused: null };
  const reserve = (estimate: { inputTokens: number; outputTokens: number }) => {
    if (halt.refused) throw new SendingStopped(halt.refused.message);
    return spend.reserve(estimate);
  };

  if (!deps.apiKey) {
    deps.log.warn('no Anthropic API key: clusters get keyword labels');
    for (const c of targets) useKeywords(c, null);
  } else {
    const client = new Anthropic({ apiKey: deps.apiKey, baseURL: opts.baseURL ?? undefined, maxRetries: 0, timeout: opts.timeoutMs });
    const cache = new LabelCache(join(deps.cacheDir, 'labels'));
    const texts = await memberTexts(run);
    const limit = pLimit(opts.concurrency);
    let done = 0;

    const labelOne = async (c: ClusterRecord, siblings?: string[]) => {
      let p: BuiltPrompt;
      try {
        p = buildPrompt({ cluster: c, memberTexts: texts.get(c.id) ?? [], siblingLabels: siblings, redact: opts.redact, redactor: deps.redactor });
      } catch (err) {
        // Redaction failed: nothing about this cluster is sent.
        useKeywords(c, `redaction failed (${(err as Error).message}); nothing was sent`);
        return;
      }
      const key = p.hash(opts.model);
      let label = cache.get(key);
      if (label) result.fromCache++;
      else {
        if (deps.signal?.aborted) throw new TicketLensError('job_cancelled', 'Labelling was cancelled; finished labels are saved.');
        const onUsage = (u: { inputTokens: number; outputTokens: number }) => {
          spend.record(u);
          result.usage = { ...spend.usage };
          result.costUsd = spend.knownCostUsd;
        };
        try {
          const call = await withRetry(() => askForLabel(client, opts.model, p, { timeoutMs: opts.timeoutMs, signal: deps.signal, onRequest: () => result.requests++, reserve, onUsage }), {
            maxAttempts: opts.maxAttempts,
            baseDelayMs: opts.baseDelayMs,
            signal: deps.signal,
            deadline: spend.deadlineAt,
            onRetry: (i) => {
              deps.log.warn(`cluster ${c.id}: ${i.reason}; retry ${i.attempt} in ${(i.delayMs / 1000).toFixed(1)} s`);
              deps.onRetry?.({ cluster: c.id, ...i });
            },
          });
          label = call.label;
        } catch (err) {
          if (err instanceof TicketLensError && err.code === 'job_cancelled') throw err;
          if (deps.signal?.aborted) throw new TicketLensError('job_cancelled', 'Labelling was cancelled; finished labels are saved.');
          // Stopped sending: a label this cluster already had from Claude stays (the sibling pass re-asks labelled clusters).
          if (err instanceof SendingStopped) return c.labelSource === 'llm' ? void result.labelled++ : useKeywords(c, null);
          const refusedNow = refusal(err, { model: opts.model, baseURL: opts.baseURL });
          if (refusedNow) {
            if (!halt.refused) deps.log.error(scrub(refusedNow.message));
            halt.refused ??= refusedNow;
            return c.labelSource === 'llm' ? void result.labelled++ : useKeywords(c, null);
          }
          const reason = err instanceof InvalidLabelOutput ? err.message : describe(err);
          deps.log.warn(`cluster ${c.id}: ${scrub(reason)}; using keyword label`);
          return useKeywords(c, scrub(reason));
        }
        try {
          await cache.set(key, label);
        } catch (err) {
          // The label is paid for: keep it; only a rerun would have to ask again.
          deps.log.warn(`cluster ${c.id}: could not cache its label (${scrub(err instanceof Error ? err.message : String(err))})`);
        }
      }
      c.label = label.label;
      c.description = label.description;
      c.suggestedCategory = label.category;
      c.suggestedPriority = label.priority;
      c.labelConfidence = label.confidence;
      c.labelSource = 'llm';
      result.labelled++;
    };

    deps.progress?.({ stage: 'labelling clusters', done: 0, total: targets.length });
    const settled = await Promise.allSettled(
      targets.map((c) =>
        limit(async () => {
          await labelOne(c);
          await save();
          deps.progress?.({ stage: 'labelling clusters', done: ++done, total: targets.length });
        }),
      ),
    );
    const cancelled = settled.find((s) => s.status === 'rejected');
    if (cancelled) {
      await saving;
      throw cancelled.reason;
    }

    // Sibling labels must be distinct: re-ask the later of two near-duplicates with its siblings in view.
    const groups = new Map<string | null, ClusterRecord[]>();
    if (!spend.stopped && !halt.refused) for (const c of clusters) if (!c.isNoise && c.labelSource === 'llm') groups.set(c.parent, [...(groups.get(c.parent) ?? []), c]);
    for (const group of groups.values()) {
      for (const i of duplicatesAmongSiblings(group.map((c) => c.label ?? ''))) {
        const c = group[i];
        deps.progress?.({ stage: 'making sibling labels distinct' });
        result.labelled--;
        await labelOne(c, group.filter((o) => o !== c).map((o) => o.label ?? ''));
        await save();
      }
    }
  }

  await saving;
  // A job stopped before every cluster was asked is unfinished (partial), however few it labelled.
  const stoppedEarly = spend.stopped !== null || halt.refused !== null;
  // Decided on the clusters as saved: they carry the renames and merges the user made meanwhile.
  await labels.save((saved) => {
    const finalClusters = saved.filter((c) => !c.isNoise);
    const llm = finalClusters.filter((c) => c.labelSource === 'llm' || c.labelSource === 'user').length;
    result.state = llm === finalClusters.length ? 'complete' : llm === 0 && !stoppedEarly ? 'keywords-only' : 'partial';
    return { state: result.state, model: deps.apiKey ? opts.model : null, usage: result.usage };
  });
  result.stopped = spend.stopped;
  if (spend.stopped) deps.log.warn(`labelling stopped: ${spend.stopped.message}`);
  if (halt.refused) throw halt.refused;
  return result;
}
