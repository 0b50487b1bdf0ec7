/** The typed messages between the summary webview and the extension (both directions). */

export interface ClusterView {
  id: string;
  parent: string | null;
  label: string;
  labelSource: 'llm' | 'keywords' | 'user' | null;
  description: string | null;
  size: number;
  isNoise: boolean;
  reviewed: boolean;
  keywords: string[];
  examples: { row: number; text: string }[];
  purity: { label: string; share: number } | null;
}

export interface RunView {
  runDir: string;
  title: string;
  rows: number;
  labelColumn: string | null;
  metrics: { ari: number; nmi: number; ariNoNoise: number; nmiNoNoise: number } | null;
  /** Per label of the label column: its size, the cluster holding most of it, and the share it holds. */
  purity: { label: string; size: number; cluster: string; share: number }[];
  clusters: ClusterView[];
  /** Map points: x, y and index into `clusters` of the top-level cluster (−1 = noise), parallel arrays. */
  points: { x: number[]; y: number[]; cluster: number[]; text: string[] };
}

export type HostToWebview = { type: 'run'; run: RunView } | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'rename'; id: string; label: string }
  | { type: 'review'; id: string; reviewed: boolean }
  | { type: 'reveal'; row: number };
