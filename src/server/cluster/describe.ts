/**
 * The describe stage: from each unique text's leaf path to the run's cluster records — the tree of
 * paths, each cluster's size in rows, its centroid (for assigning new texts later), representative
 * examples and purity against the label column, then keywords from the representer. Keywords are
 * chosen among siblings, so they say what sets a sub-cluster apart from the rest of its parent
 * rather than what the whole parent is about.
 */
import { comparePaths, isNoisePath, parentPath, pathDepth, type ClusterRecord, type Keyword } from '../../shared/api';
import type { CsvRecord } from '../data/csv';
import { centroid, representatives } from './examples';
import { membersByPath, siblingSets } from './pathTree';
import type { Representer } from './stages';

const EXAMPLES_PER_CLUSTER = 5;

export interface DescribeInput {
  /** Leaf path of each unique text. */
  leafOf: readonly string[];
  /** Row-major unique texts × dim. */
  vectors: Float32Array;
  dim: number;
  uniqueTexts: readonly string[];
  /** The input rows of each unique text. */
  rowsOf: readonly (readonly number[])[];
  rows: readonly Pick<CsvRecord, 'row' | 'line' | 'text'>[];
  /** The label column's value per row, when the run has one. */
  labelOfRow: readonly string[] | null;
}

/** The most common label among `rows`, and its share (ties: the label that sorts first). */
function purityOf(rows: readonly number[], labelOfRow: readonly string[]): NonNullable<ClusterRecord['purity']> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(labelOfRow[r], (counts.get(labelOfRow[r]) ?? 0) + 1);
  const [label, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return { label, share: Number((count / rows.length).toFixed(4)) };
}

/** Keywords of every path, each set of siblings represented together. */
async function keywordsOf(byPath: ReadonlyMap<string, readonly number[]>, input: DescribeInput, representer: Representer): Promise<Map<string, Keyword[]>> {
  const keywords = new Map<string, Keyword[]>();
  for (const paths of siblingSets(byPath.keys()).values()) {
    const docs: string[] = [];
    const classOf: number[] = [];
    paths.forEach((p, ci) => {
      for (const u of byPath.get(p)!)
        for (const r of input.rowsOf[u]) {
          docs.push(input.rows[r].text);
          classOf.push(ci);
        }
    });
    const kw = await representer.represent(docs, classOf);
    paths.forEach((p, ci) => keywords.set(p, kw.get(ci) ?? []));
  }
  return keywords;
}

/** Every cluster and sub-cluster (noise of each level included), in tree order, unlabelled. */
export async function describeClusters(input: DescribeInput, representer: Representer): Promise<ClusterRecord[]> {
  const { vectors, dim } = input;
  const byPath = membersByPath(input.leafOf);
  const keywords = await keywordsOf(byPath, input, representer);
  return [...byPath.keys()].sort(comparePaths).map((p): ClusterRecord => {
    const members = byPath.get(p)!;
    const rows = members.flatMap((u) => input.rowsOf[u]);
    const c = centroid(vectors, dim, members);
    const first = (u: number) => input.rows[input.rowsOf[u][0]];
    return {
      id: p,
      parent: parentPath(p),
      depth: pathDepth(p),
      size: rows.length,
      isNoise: isNoisePath(p),
      keywords: keywords.get(p) ?? [],
      examples: representatives(vectors, dim, members, c, EXAMPLES_PER_CLUSTER).map((u) => ({ row: first(u).row, line: first(u).line, text: input.uniqueTexts[u] })),
      centroid: Array.from(c, (x) => Number(x.toFixed(5))),
      purity: input.labelOfRow ? purityOf(rows, input.labelOfRow) : null,
      label: null,
      description: null,
      labelSource: null,
      reviewed: false,
    };
  });
}
