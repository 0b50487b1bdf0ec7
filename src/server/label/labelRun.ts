/**
 * Labels every cluster and sub-cluster of a run. Resumable: clusters.json is rewritten atomically
 * after each label, and a rerun asks only for clusters without an LLM or user label. Without an API
 * key, or where the API keeps failing, clusters get keyword labels and the run says so; nothing else
 * breaks. The API key is used for the client and nothing else: never logged, stored or put in an error.
 */
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import pLimit from 'p-limit';
import { ancestorPaths, keywordLabel, TicketLensError, type ClusterRecord, type LabelEstimate, type LabelOptions, type LabelPreview, type LabelResult, type LoadedRun } from '../../shared/api';
import { readAssignments } from '../run/assignmentsCsv';
import { loadRun, saveClusters } from '../run/folder';
import type { Logger } from '../log';
import { LabelCache } from './cache';
import { askForLabel, InvalidLabelOutput } from './claude';
import { duplicatesAmongSiblings } from './distinct';
import { costUsd, estimateTokens, OUTPUT_TOKENS } from './estimate';
import { buildPrompt, type BuiltPrompt, type PromptInput } from './prompt';
import { describe, withRetry } from './retry';

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
  const inputTokens = ps.reduce((s, p) => s + estimateTokens(p.prompt), 0);
  const outputTokens = ps.length * OUTPUT_TOKENS;
  return {
    clusters: targets.length,
    alreadyLabelled: run.clusters.filter((c) => !c.isNoise && !pending(c)).length,
    inputTokens,
    outputTokens,
    costUsd: costUsd(opts.model, inputTokens, outputTokens),
    model: opts.model,
  };
}

export async function labelRun(runDir: string, opts: LabelOptions, deps: LabelDeps): Promise<LabelResult> {
  const run = await loadRun(runDir);
  const clusters = run.clusters;
  const targets = clusters.filter(pending).sort((a, b) => a.depth - b.depth);
  const scrub = (s: string) => (deps.apiKey ? s.split(deps.apiKey).join('[API key]') : s);
  const result: LabelResult = { runDir: run.runDir, state: 'keywords-only', labelled: 0, fromCache: 0, keywordFallback: 0, requests: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, failures: [] };

  let saving = Promise.resolve();
  const save = () => (saving = saving.then(() => saveClusters(run.runDir, clusters)));
  const useKeywords = (c: ClusterRecord, reason: string | null) => {
    c.label = keywordLabel(c);
    c.description = null;
    c.labelSource = 'keywords';
    result.keywordFallback++;
    if (reason) result.failures.push({ cluster: c.id, reason });
  };

  if (!deps.apiKey) {
    deps.log.warn('no Anthropic API key: clusters get keyword labels');
    for (const c of targets) useKeywords(c, null);
  } else {
    const client = new Anthropic({ apiKey: deps.apiKey, baseURL: opts.baseURL ?? undefined, maxRetries: 0, timeout: opts.timeoutMs });
    const cache = new LabelCache(join(deps.cacheDir, 'labels'));
    const texts = await memberTexts(run);
    const deadline = opts.deadlineMs ? Date.now() + opts.deadlineMs : null;
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
        if (opts.budgetUsd !== null && result.costUsd >= opts.budgetUsd) return useKeywords(c, `budget of $${opts.budgetUsd} reached`);
        if (deadline && Date.now() > deadline) return useKeywords(c, 'time budget reached');
        try {
          const call = await withRetry(() => askForLabel(client, opts.model, p, { timeoutMs: opts.timeoutMs, signal: deps.signal, onRequest: () => result.requests++ }), {
            maxAttempts: opts.maxAttempts,
            baseDelayMs: opts.baseDelayMs,
            signal: deps.signal,
            deadline,
            onRetry: (i) => {
              deps.log.warn(`cluster ${c.id}: ${i.reason}; retry ${i.attempt} in ${(i.delayMs / 1000).toFixed(1)} s`);
              deps.onRetry?.({ cluster: c.id, ...i });
            },
          });
          label = call.label;
          result.usage.inputTokens += call.usage.inputTokens;
          result.usage.outputTokens += call.usage.outputTokens;
          result.costUsd = costUsd(opts.model, result.usage.inputTokens, result.usage.outputTokens);
          await cache.set(key, label);
        } catch (err) {
          if (err instanceof TicketLensError && err.code === 'job_cancelled') throw err;
          if (deps.signal?.aborted) throw new TicketLensError('job_cancelled', 'Labelling was cancelled; finished labels are saved.');
          const reason = err instanceof InvalidLabelOutput ? err.message : describe(err);
          deps.log.warn(`cluster ${c.id}: ${scrub(reason)}; using keyword label`);
          return useKeywords(c, scrub(reason));
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
    for (const c of clusters) if (!c.isNoise && c.labelSource === 'llm') groups.set(c.parent, [...(groups.get(c.parent) ?? []), c]);
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
  const finalClusters = clusters.filter((c) => !c.isNoise);
  const llm = finalClusters.filter((c) => c.labelSource === 'llm' || c.labelSource === 'user').length;
  result.state = llm === finalClusters.length ? 'complete' : llm === 0 ? 'keywords-only' : 'partial';
  run.manifest.labelling = { state: result.state, model: deps.apiKey ? opts.model : null, usage: result.usage };
  await saveClusters(run.runDir, clusters, run.manifest);
  return result;
}
