/**
 * The describe stage: from each unique text's leaf path to the run's cluster records — the tree of
 * paths, each cluster's size in rows, its centroid (for assigning new texts later), representative
 * examples and purity against the label column, then keywords from the representer and a readable
 * name from the namer. Keywords are chosen among siblings, so they say what sets a sub-cluster apart
 * from the rest of its parent rather than what the whole parent is about.
 */
import { comparePaths, isNoisePath, parentPath, pathDepth, type ClusterRecord, type Keyword } from '../../shared/api';
import type { CsvRecord } from '../data/csv';
import { centroid, representatives } from './examples';
import { purityOfLabels } from './purity';
import { KEYWORDS_PER_CLUSTER } from './keywords';
import { membersByPath, siblingSets } from './pathTree';
import type { ClusterStages, EmbedTexts, NameRequest, StageHooks } from './stages';

const EXAMPLES_PER_CLUSTER = 5;
/** Central texts a name's phrases are looked for in (near-duplicates skipped, as for examples). */
const NAME_TEXTS = 30;

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
  /** Each unique text as a keyword document (normalised: src/server/text/normalize.ts); without it, the rows' own texts. */
  keywordTexts?: readonly string[];
  /** Embeds phrases in the space of `vectors`, for the clusters' names; without it no cluster gets an auto name. */
  embed?: EmbedTexts;
}

/** Terms of every path, best first, each set of siblings represented together. */
async function termsOf(byPath: ReadonlyMap<string, readonly number[]>, input: DescribeInput, representer: ClusterStages['representer']): Promise<Map<string, Keyword[]>> {
  const keywords = new Map<string, Keyword[]>();
  for (const paths of siblingSets(byPath.keys()).values()) {
    const docs: string[] = [];
    const classOf: number[] = [];
    paths.forEach((p, ci) => {
      for (const u of byPath.get(p)!)
        for (const r of input.rowsOf[u]) {
          docs.push(input.keywordTexts ? input.keywordTexts[u] : input.rows[r].text);
          classOf.push(ci);
        }
    });
    const kw = await representer.represent(docs, classOf);
    paths.forEach((p, ci) => keywords.set(p, kw.get(ci) ?? []));
  }
  return keywords;
}

/** Names of the clusters that are not noise (none without `input.embed`). */
async function namesOf(paths: readonly string[], byPath: ReadonlyMap<string, readonly number[]>, centroids: ReadonlyMap<string, Float32Array>, terms: ReadonlyMap<string, Keyword[]>, input: DescribeInput, namer: ClusterStages['namer']): Promise<Map<string, string>> {
  if (!input.embed) return new Map();
  const { vectors, dim } = input;
  const requests = paths
    .filter((p) => !isNoisePath(p))
    .map((p): NameRequest => {
      const members = byPath.get(p)!;
      const c = centroids.get(p)!;
      return {
        id: p,
        parent: parentPath(p),
        size: members.reduce((s, u) => s + input.rowsOf[u].length, 0),
        centroid: c,
        terms: (terms.get(p) ?? []).map((k) => k.term),
        // Normalised when the run is: a name should no more be an @handle or a link than a keyword.
        texts: representatives(vectors, dim, members, c, NAME_TEXTS, 0.95).map((u) => input.keywordTexts?.[u] ?? input.uniqueTexts[u]),
      };
    });
  return namer.name(requests, dim, input.embed);
}

/** Every cluster and sub-cluster (noise of each level included), in tree order, unlabelled. */
export async function describeClusters(input: DescribeInput, stages: Pick<ClusterStages, 'representer' | 'namer'>, hooks?: Pick<StageHooks, 'time'>): Promise<ClusterRecord[]> {
  const { vectors, dim, labelOfRow } = input;
  const byPath = membersByPath(input.leafOf);
  const paths = [...byPath.keys()].sort(comparePaths);
  const centroids = new Map(paths.map((p) => [p, centroid(vectors, dim, byPath.get(p)!)]));
  const terms = await termsOf(byPath, input, stages.representer);
  const t = Date.now();
  const names = await namesOf(paths, byPath, centroids, terms, input, stages.namer);
  hooks?.time('names', Date.now() - t);
  return paths.map((p): ClusterRecord => {
    const members = byPath.get(p)!;
    const rows = members.flatMap((u) => input.rowsOf[u]);
    const c = centroids.get(p)!;
    const first = (u: number) => input.rows[input.rowsOf[u][0]];
    return {
      id: p,
      parent: parentPath(p),
      depth: pathDepth(p),
      size: rows.length,
      isNoise: isNoisePath(p),
      keywords: (terms.get(p) ?? []).slice(0, KEYWORDS_PER_CLUSTER),
      autoName: names.get(p) ?? null,
      examples: representatives(vectors, dim, members, c, EXAMPLES_PER_CLUSTER).map((u) => ({ row: first(u).row, line: first(u).line, text: input.uniqueTexts[u] })),
      centroid: Array.from(c, (x) => Number(x.toFixed(5))),
      purity: labelOfRow ? purityOfLabels(rows.map((r) => labelOfRow[r])) : null,
      label: null,
      description: null,
      labelSource: null,
      reviewed: false,
    };
  });
}
