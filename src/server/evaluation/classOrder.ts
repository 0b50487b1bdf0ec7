/**
 * The order of the confusion matrix's classes: hierarchical, so that classes the classifier mixes up
 * sit next to each other and their errors near the diagonal. Average-linkage agglomerative clustering
 * where two classes are as close as the share of each one's rows predicted as the other
 * (M[a][b] / rows of a + M[b][a] / rows of b); each merge joins the two groups end to end the way
 * that puts the most confused ends together. Classes never confused with anything keep the order of
 * their size, largest first, after the groups.
 */

/** `present`: class indices to order; m: the confusion matrix over all classes (m[truth][pred]). */
export function hierarchicalOrder(present: readonly number[], m: readonly (readonly number[])[]): number[] {
  const rows = (a: number) => m[a].reduce((s, v) => s + v, 0);
  const size = new Map(present.map((a) => [a, rows(a)]));
  const sim = (a: number, b: number) => (m[a][b] / Math.max(1, size.get(a)!)) + (m[b][a] / Math.max(1, size.get(b)!));
  let groups = [...present].sort((a, b) => size.get(b)! - size.get(a)! || a - b).map((a) => [a]);
  const link = (g: number[], h: number[]) => {
    let s = 0;
    for (const a of g) for (const b of h) s += sim(a, b);
    return s / (g.length * h.length);
  };
  for (;;) {
    let best = { s: 0, i: -1, j: -1 };
    for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) {
      const s = link(groups[i], groups[j]);
      if (s > best.s) best = { s, i, j };
    }
    if (best.i < 0) break;
    const g = groups[best.i];
    const h = groups[best.j];
    const joins = [
      [g, h],
      [g, [...h].reverse()],
      [[...g].reverse(), h],
      [[...g].reverse(), [...h].reverse()],
    ];
    let pick = joins[0];
    let ps = -1;
    for (const [x, y] of joins) {
      const s = sim(x[x.length - 1], y[0]);
      if (s > ps) {
        ps = s;
        pick = [x, y];
      }
    }
    groups = groups.filter((_, k) => k !== best.i && k !== best.j);
    groups.splice(best.i, 0, [...pick[0], ...pick[1]]);
  }
  // Groups (several classes) first, in the order of their largest class; then the never-confused.
  const weight = (g: number[]) => Math.max(...g.map((a) => size.get(a)!));
  return groups
    .map((g, k) => ({ g, k }))
    .sort((p, q) => Number(q.g.length > 1) - Number(p.g.length > 1) || weight(q.g) - weight(p.g) || p.k - q.k)
    .flatMap((p) => p.g);
}

export const ORDER_DESCRIPTION = 'hierarchical: classes the classifier confuses sit together (average linkage on the share of rows mistaken for each other); classes never confused follow, largest first';
