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
});
export type ClusterView = z.infer<typeof ClusterView>;

/** Per label of the label column: its size, the cluster holding most of it, and the share it holds (as read, NaN kept). */
export const PurityRow = LabelPurity.extend({ share: Score });
export type PurityRow = z.infer<typeof PurityRow>;

/** Map points as parallel arrays: x, y, the index into the top-level clusters (−1 = noise), the text, its row and line. */
export const MapPoints = z.object({
  x: z.array(z.number()),
  y: z.array(z.number()),
  cluster: z.array(z.number().int()),
  text: z.array(z.string()),
  row: z.array(z.number().int()),
  line: z.array(z.number().int()),
});
export type MapPoints = z.infer<typeof MapPoints>;

export const RunView = z.object({
  runDir: z.string(),
  title: z.string(),
  rows: z.number().int(),
  labelColumn: z.string().nullable(),
  metrics: z.object({ ari: Score, nmi: Score, ariNoNoise: Score, nmiNoNoise: Score }).nullable(),
  purity: z.array(PurityRow),
  clusters: z.array(ClusterView),
  points: MapPoints,
  /** The run's trends.json (ticket-lens trends), for the chart; absent or null when it has none. */
  trends: TrendsFile.nullable().optional(),
});
export type RunView = z.infer<typeof RunView>;

export const HostToWebview = z.discriminatedUnion('type', [z.object({ type: z.literal('run'), run: RunView }), z.object({ type: z.literal('error'), message: z.string() })]);
export type HostToWebview = z.infer<typeof HostToWebview>;

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  // The label's rules (length, blank) are the server's: a rename it refuses comes back as its error.
  z.object({ type: z.literal('rename'), id: z.string(), label: z.string() }),
  z.object({ type: z.literal('review'), id: z.string(), reviewed: z.boolean() }),
  /** `line` when the run knows it (older runs do not); else the host derives it from `row`. */
  z.object({ type: z.literal('reveal'), row: z.number().int(), line: z.number().int().optional() }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
