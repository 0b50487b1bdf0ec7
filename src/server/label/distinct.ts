/** Near-duplicate sibling labels ("Refund Request" / "Refund Requests"): same words once normalised, or word overlap ≥ 0.8. */
const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/(es|s)$/, ''));

export function nearDuplicate(a: string, b: string): boolean {
  const wa = new Set(norm(a));
  const wb = new Set(norm(b));
  if (wa.size === 0 || wb.size === 0) return false;
  let inter = 0;
  for (const w of wa) if (wb.has(w)) inter++;
  return inter / (wa.size + wb.size - inter) >= 0.8;
}

/** Indices (into `labels`) of every label that repeats an earlier sibling's. */
export function duplicatesAmongSiblings(labels: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < labels.length; i++) if (labels.slice(0, i).some((l) => nearDuplicate(l, labels[i]))) out.push(i);
  return out;
}
