/**
 * The typed messages between the summary webview and the extension (both directions). Each side
 * parses what it receives with these schemas: a webview is a separate page, so nothing it posts (or
 * is posted) is trusted to have the shape its type claims.
 */
// A namespace import lets the webview bundle keep only the parts of zod it uses (`{ z }` pulls in every locale).
import * as z from 'zod';
import { ClusterRecord, Example, LabelPurity } from './run';
import { TrendsFile } from './trends';

/** A score as the run holds it: NaN where it is undefined (e.g. ARI of a one-row run). */
const Score = z.union([z.number(), z.nan()]);

export const ClusterView = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  /** What to call it, from the shared naming rule (clusterName). */
  label: z.string(),
  labelSource: ClusterRecord.shape.labelSource,
  description: z.string().nullable(),
  size: z.number().int(),
  isNoise: z.boolean(),
  reviewed: z.boolean(),
  keywords: z.array(z.string()),
  /** `line` is the physical line where the row starts (rows may hold newlines); Reveal goes there. */
  examples: z.array(Example),
  purity: ClusterRecord.shape.purity.unwrap(),
  /** Claude's suggested category and priority (suggestionText), or null when labelling gave none. */
  suggestion: z.string().nullable(),
  /** Claude's suggested category alone (the map's colour by predicted category), or null. */
  category: z.string().nullable(),
});
export type ClusterView = z.infer<typeof ClusterView>;

/** Per label of the label column: its size, the cluster holding most of it, and the share it holds (as read, NaN kept). */
export const PurityRow = LabelPurity.extend({ share: Score });
export type PurityRow = z.infer<typeof PurityRow>;

/**
 * Map points as parallel typed arrays, one entry per row in assignments.csv order. They travel as
 * themselves: VS Code's webview messaging passes typed arrays out of band (revived by constructor name),
 * where a JSON array of 200k numbers would cost megabytes and seconds. Texts stay with the host and
 * come on demand (`texts`), so a big run's map costs 9 bytes a point.
 */
export const MapPoints = z
  .object({
    x: z.instanceof(Float32Array),
    y: z.instanceof(Float32Array),
    /** Index into RunView.clusters of the row's cluster path (its deepest), −1 when clusters.json does not list it. */
    cluster: z.instanceof(Int32Array),
    /** Index into `labels` of the row's label-column value, −1 for none; null when the points carry no labels. */
    label: z.instanceof(Int32Array).nullable(),
    labels: z.array(z.string()),
    /** Each row's instant in `dateColumn` (epoch ms, NaN when its cell is empty); null when no date column was asked for. */
    date: z.instanceof(Float64Array).nullable(),
    dateColumn: z.string().nullable(),
  })
  .superRefine((p, ctx) => {
    const n = p.x.length;
    for (const [name, a] of [['y', p.y], ['cluster', p.cluster], ['label', p.label], ['date', p.date]] as const) {
      if (a && a.length !== n) ctx.addIssue({ code: 'custom', path: [name], message: `${name} has ${a.length} entries for ${n} points` });
    }
  });
export type MapPoints = z.infer<typeof MapPoints>;

/** A ticket's text for the map's tooltip and selection, by point index (the position in MapPoints). */
export const PointText = z.object({ index: z.number().int().min(0), text: z.string(), row: z.number().int(), line: z.number().int() });
export type PointText = z.infer<typeof PointText>;

/** At most this many texts per request: a tooltip needs one, a selection's preview a few. */
export const MAX_TEXTS_PER_REQUEST = 100;

export const RunView = z.object({
  runDir: z.string(),
  title: z.string(),
  rows: z.number().int(),
  labelColumn: z.string().nullable(),
  metrics: z.object({ ari: Score, nmi: Score, ariNoNoise: Score, nmiNoNoise: Score }).nullable(),
  purity: z.array(PurityRow),
  clusters: z.array(ClusterView),
  points: MapPoints,
  /** Columns of the run's input CSV that hold dates: the map offers to colour by each. */
  dateColumns: z.array(z.string()),
  /** The run's trends.json (ticket-lens trends), for the chart; absent or null when it has none. */
  trends: TrendsFile.nullable().optional(),
});
export type RunView = z.infer<typeof RunView>;

export const HostToWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), run: RunView }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** The answer to a `texts` request with the same `seq`. */
  z.object({ type: z.literal('texts'), seq: z.number().int(), items: z.array(PointText) }),
  /** The answer to a `search` with the same `seq`: the indices of the points whose text matches, ascending. */
  z.object({ type: z.literal('matches'), seq: z.number().int(), indices: z.instanceof(Uint32Array) }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

const SelectionIndices = z.array(z.number().int().min(0)).min(1);

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  // The label's rules (length, blank) are the server's: a rename it refuses comes back as its error.
  z.object({ type: z.literal('rename'), id: z.string(), label: z.string() }),
  z.object({ type: z.literal('review'), id: z.string(), reviewed: z.boolean() }),
  /** `line` when the run knows it (older runs do not); else the host derives it from `row`. */
  z.object({ type: z.literal('reveal'), row: z.number().int(), line: z.number().int().optional() }),
  z.object({ type: z.literal('texts'), seq: z.number().int(), indices: z.array(z.number().int().min(0)).min(1).max(MAX_TEXTS_PER_REQUEST) }),
  /** Every whitespace-separated term must occur in the text, case-insensitively; an empty query matches nothing. */
  z.object({ type: z.literal('search'), seq: z.number().int(), query: z.string().max(200) }),
  /** Colour by date: the run comes again with each point's date from this column (one of RunView.dateColumns). */
  z.object({ type: z.literal('dates'), column: z.string().min(1) }),
  // A lasso or box selection's points (indices into MapPoints; plain arrays: webview-to-host messages are JSON).
  /** The selection becomes a new top-level cluster named `label` (the server's label rules apply). */
  z.object({ type: z.literal('nameSelection'), indices: SelectionIndices, label: z.string() }),
  z.object({ type: z.literal('moveSelection'), indices: SelectionIndices, to: z.string() }),
  /** Marks the top-level clusters holding the selection as reviewed. */
  z.object({ type: z.literal('reviewSelection'), indices: SelectionIndices }),
  /** The selected rows as a CSV, to a file the user picks. */
  z.object({ type: z.literal('exportSelection'), indices: SelectionIndices }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
