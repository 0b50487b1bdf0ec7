/**
 * One layout to optimise (the fuzzy graph, its initial positions and the optimiser's options): made by
 * the UMAP prepare task in a worker, run by layouts.ts in its own worker. A module of its own so that
 * neither side imports the other.
 */
import type { FuzzyGraph } from './fuzzy';
import type { OptimizeOptions } from './optimize';

export interface LayoutJob {
  graph: FuzzyGraph;
  init: Float64Array;
  options: Omit<OptimizeOptions, 'signal' | 'onProgress'>;
}
