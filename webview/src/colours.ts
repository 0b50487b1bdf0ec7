/**
 * One colour per top-level cluster, shared by the list's swatches and the map's points (a sub-cluster
 * wears its parent's): the index is the cluster's position among the top-level clusters.
 */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#dbdb8d', '#9edae5', '#393b79'];

export const NOISE_SWATCH = 'var(--vscode-disabledForeground)';

/** The swatch of a cluster in the list, from its top-level cluster's index. */
export function swatchColour(topIndex: number, isNoise: boolean): string {
  return isNoise ? NOISE_SWATCH : PALETTE[topIndex % PALETTE.length];
}
