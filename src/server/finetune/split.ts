/**
 * Which rows the fine-tune may learn from and which judge it. Whole labels are held out (the "unseen
 * intents": a team's new issue types), and of the other labels a share of rows; only the rest reaches
 * the trainer. Texts are deduplicated first, so a held-out row is never an exact copy of a training one
 * (Bitext repeats 2,237 texts) and the held-out scores are not inflated by memorised duplicates.
 */
import { TicketLensError } from '../../shared/api';
import { shuffleInPlace } from '../classify/split';
import { Prng } from '../vectors/prng';

export interface SplitOptions {
  /** How many labels to hold out (chosen at random with the seed), or which. */
  holdoutLabels: number | readonly string[];
  /** Share of each training label's rows kept out of training, for the seen-label scores. */
  heldOutFraction: number;
  seed: number;
}

export interface FinetuneSplit {
  /** Distinct texts and their labels (first occurrence of a repeated text). */
  texts: string[];
  labels: string[];
  duplicatesDropped: number;
  trainLabels: string[];
  holdoutLabels: string[];
  /** Indices into texts. */
  trainRows: number[];
  /** Rows of training labels kept out of training. */
  heldOutRows: number[];
  /** Rows of the held-out labels. */
  holdoutRows: number[];
}

export function splitForFinetune(rawTexts: readonly string[], rawLabels: readonly string[], o: SplitOptions): FinetuneSplit {
  const seen = new Set<string>();
  const texts: string[] = [];
  const labels: string[] = [];
  rawTexts.forEach((t, i) => {
    if (seen.has(t)) return;
    seen.add(t);
    texts.push(t);
    labels.push(rawLabels[i]);
  });
  const all = [...new Set(labels)].sort();
  const rng = new Prng(o.seed);
  let holdout: string[];
  if (typeof o.holdoutLabels === 'number') {
    const order = [...all];
    shuffleInPlace(order, rng);
    holdout = order.slice(0, o.holdoutLabels).sort();
  } else {
    const unknown = o.holdoutLabels.filter((l) => !all.includes(l));
    if (unknown.length) throw new TicketLensError('bad_input', `--holdout-labels names labels the column does not have: ${unknown.join(', ')} (it has ${all.slice(0, 30).join(', ')}${all.length > 30 ? ', …' : ''}).`);
    holdout = [...new Set(o.holdoutLabels)].sort();
  }
  const trainLabels = all.filter((l) => !holdout.includes(l));
  if (trainLabels.length < 2) throw new TicketLensError('bad_input', `Fine-tuning needs at least two labels to train on; ${all.length} labels with ${holdout.length} held out leave ${trainLabels.length}.`);
  if (holdout.length === 1) throw new TicketLensError('bad_input', 'Hold out none or at least two labels: the held-out scores compare labels with each other.');

  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const list = byLabel.get(l);
    if (list) list.push(i);
    else byLabel.set(l, [i]);
  });
  const trainRows: number[] = [];
  const heldOutRows: number[] = [];
  const holdoutRows: number[] = [];
  for (const l of all) {
    const rows = byLabel.get(l) ?? [];
    if (holdout.includes(l)) {
      holdoutRows.push(...rows);
      continue;
    }
    const order = [...rows];
    shuffleInPlace(order, rng);
    const k = Math.min(order.length - 2, Math.round(order.length * o.heldOutFraction));
    heldOutRows.push(...order.slice(0, Math.max(0, k)));
    trainRows.push(...order.slice(Math.max(0, k)));
  }
  const asc = (a: number, b: number) => a - b;
  return { texts, labels, duplicatesDropped: rawTexts.length - texts.length, trainLabels, holdoutLabels: holdout, trainRows: trainRows.sort(asc), heldOutRows: heldOutRows.sort(asc), holdoutRows: holdoutRows.sort(asc) };
}

/** At most `perLabel` of the rows of each label, drawn with the seed, in row order. */
export function samplePerLabel(rows: readonly number[], labels: readonly string[], perLabel: number, seed: number): number[] {
  const rng = new Prng(seed);
  const byLabel = new Map<string, number[]>();
  for (const r of rows) {
    const list = byLabel.get(labels[r]);
    if (list) list.push(r);
    else byLabel.set(labels[r], [r]);
  }
  const out: number[] = [];
  for (const l of [...byLabel.keys()].sort()) {
    const list = byLabel.get(l)!;
    shuffleInPlace(list, rng);
    out.push(...list.slice(0, perLabel));
  }
  return out.sort((a, b) => a - b);
}
