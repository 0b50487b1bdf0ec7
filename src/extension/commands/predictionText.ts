/**
 * How one task's prediction reads in Classify Selection's quick pick: kept apart from the quick pick
 * (no vscode here) so the wording is tested on its own.
 */
import type { TaskPrediction } from '../../shared/api';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The predicted value: "unknown", the labels of a multi-label set, or the label — with "uncertain" and the runner-up on a near tie. */
export function predictionValue(t: TaskPrediction): string {
  const picked = t.unknown ? 'unknown' : t.multiLabel && t.labels?.length ? t.labels.join(', ') : t.label;
  // a near tie says so in the label itself, not only in the numbers beside it
  const runnerUp = t.uncertain && !t.unknown ? t.topK.find((k) => k.label !== t.label)?.label : undefined;
  return runnerUp ? `${picked} — uncertain, or ${runnerUp}` : picked;
}

/** Confidence, source and the next labels. */
export function predictionDescription(t: TaskPrediction): string {
  const alternatives = t.topK
    .filter((k) => k.label !== t.label)
    .slice(0, 2)
    .map((k) => `${k.label} ${pct(k.score)}`)
    .join(', ');
  return `${pct(t.confidence)} · ${t.source}${alternatives ? ` · then ${alternatives}` : ''}`;
}
