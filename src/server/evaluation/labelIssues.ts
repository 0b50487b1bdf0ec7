/**
 * Likely mislabelled rows by confident learning (Northcutt et al., 2021; what Cleanlab's
 * find_label_issues does with filter_by="confident_learning" and ranks by "self_confidence"), from
 * out-of-fold probabilities: a class's threshold is the mean probability of that class over the rows
 * labelled with it; a row is confidently of class j when its probability of j reaches j's threshold
 * (the most probable such class when several do). A row is an issue when that confident class is not
 * its given label and the model's top class is not the given label either. Issues are ranked by the
 * probability of the given label, lowest (most suspicious) first.
 */

export interface FoundIssue {
  index: number;
  suggested: number;
  selfConfidence: number;
  suggestedConfidence: number;
}

/** probs: n × C out-of-fold probabilities; given[i] ∈ [0, C). */
export function confidentLearningIssues(probs: Float32Array, given: ArrayLike<number>, C: number): FoundIssue[] {
  const n = given.length;
  const sum = new Float64Array(C);
  const count = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    sum[given[i]] += probs[i * C + given[i]];
    count[given[i]]++;
  }
  // A class with no row labelled with it has no threshold: nothing is confidently of it.
  const threshold = Array.from(sum, (s, j) => (count[j] ? s / count[j] : Infinity));
  const out: FoundIssue[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * C;
    let guess = -1;
    let top = 0;
    for (let j = 0; j < C; j++) {
      const p = probs[o + j];
      if (p > probs[o + top]) top = j;
      // the same tolerance as Cleanlab's confident joint
      if (p >= threshold[j] - 1e-6 && (guess < 0 || p > probs[o + guess])) guess = j;
    }
    const y = given[i];
    if (guess < 0 || guess === y || top === y) continue;
    out.push({ index: i, suggested: guess, selfConfidence: probs[o + y], suggestedConfidence: probs[o + guess] });
  }
  return out.sort((a, b) => a.selfConfidence - b.selfConfidence || a.index - b.index);
}

export const CONFIDENT_LEARNING = (k: number) =>
  `confident learning on ${k}-fold out-of-fold predictions (a head of the classifier's kind trained ${k} times on the file's own rows and the base sentence vectors, each row predicted by the head that did not see it): the given label disagrees with a class the out-of-fold model is confident of (its probability reaches that class's mean self-confidence), as Cleanlab's find_label_issues; most suspicious first`;
