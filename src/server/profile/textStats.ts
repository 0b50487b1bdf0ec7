/**
 * Everything the profile reads from the texts themselves, in one pass: lengths in characters and in
 * model tokens, top terms, placeholders, the normalisation rules that would change each text,
 * personal data, exact and folded duplicates. A CpuTask, so a
 * server job runs it in a worker thread (tokenising and redacting 27k texts takes seconds) and the
 * HTTP thread stays free; the CLI runs the same task.
 */
import { TicketLensError } from '../../shared/api';
import { NORMALIZE_RULES, type NormalizeRuleId } from '../../shared/normalizeRules';
import type { DuplicateStats, Histogram, PiiCount, PlaceholderCount, Summary } from '../../shared/profile';
import { normalize } from '../text/normalize';
import type { CpuTask } from '../workers/task';
import { histogram, roundEdges, summarize } from './distribution';
import { duplicateStats } from './duplicates';
import { foldText } from './fold';
import { PiiCounter } from './personalData';
import { PlaceholderCounter } from './placeholders';
import { tokenCounter } from './tokenCounter';
import { topTerms, type TermsProfile } from './topTerms';

export interface TextStatsInput {
  texts: string[];
  /** Each text's class; null without a label column. */
  labels: (string | null)[] | null;
  /** The embedding model's directory (its tokenizer) and the tokens it reads. */
  modelDir: string;
  maxLength: number;
}

export interface TextStats {
  chars: { summary: Summary; histogram: Histogram };
  tokens: { summary: Summary; histogram: Histogram; truncated: number };
  terms: TermsProfile;
  placeholders: { rows: number; names: PlaceholderCount[] };
  normalization: { rule: NormalizeRuleId; texts: number }[];
  personalData: { rows: number; kinds: PiiCount[] };
  exact: DuplicateStats;
  folded: DuplicateStats;
}

export interface TextStatsProgress {
  stage: string;
  done: number;
  total: number;
}

const PROGRESS_EVERY = 1000;

/** Characters as a reader counts them: code points, not UTF-16 units (an emoji is one). */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Token bins: round ones up to the 99th percentile while no text is cut; once some are, sixteenths
 * of the model's limit with the last bin holding exactly the truncated texts.
 */
export function tokenEdges(maxLength: number, summary: Summary): number[] {
  if (summary.max <= maxLength) return roundEdges(summary.p99);
  const width = Math.max(1, Math.round(maxLength / 16));
  const edges: number[] = [];
  for (let e = 0; e < maxLength; e += width) edges.push(e);
  edges.push(maxLength + 1);
  return edges;
}

export function textStats(input: TextStatsInput, progress: (p: TextStatsProgress) => void = () => undefined, signal?: AbortSignal): TextStats {
  const { texts } = input;
  const count = tokenCounter(input.modelDir);
  const chars = new Int32Array(texts.length);
  const tokens = new Int32Array(texts.length);
  const placeholders = new PlaceholderCounter();
  const pii = new PiiCounter();
  const fired = new Map<NormalizeRuleId, number>(NORMALIZE_RULES.map((r) => [r.id, 0]));
  let truncated = 0;
  texts.forEach((t, i) => {
    chars[i] = codePoints(t);
    tokens[i] = count(t);
    if (tokens[i] > input.maxLength) truncated++;
    placeholders.add(t);
    pii.add(t);
    for (const rule of normalize(t).fired) fired.set(rule, fired.get(rule)! + 1);
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === texts.length) {
      // Inline (no worker bundle) a cancel is seen here; a worker thread is terminated instead.
      if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Profiling was cancelled.');
      progress({ stage: 'profiling texts', done: i + 1, total: texts.length });
    }
  });
  const charSummary = summarize(chars);
  const tokenSummary = summarize(tokens);
  return {
    chars: { summary: charSummary, histogram: histogram(chars, roundEdges(charSummary.p99)) },
    tokens: { summary: tokenSummary, histogram: histogram(tokens, tokenEdges(input.maxLength, tokenSummary)), truncated },
    terms: topTerms(texts, input.labels),
    placeholders: placeholders.result(),
    normalization: [...fired].map(([rule, n]) => ({ rule, texts: n })),
    personalData: pii.result(),
    exact: duplicateStats(texts),
    folded: duplicateStats(texts, foldText),
  };
}

export const textStatsTask: CpuTask<TextStatsInput, TextStats, TextStatsProgress> = {
  name: 'profileTexts',
  run: (input, hooks) => textStats(input, (p) => hooks.progress(p), hooks.signal),
};
