/** NN-descent as a worker task: seconds of pure JS at 100k points, which must not hold the HTTP thread. */
import { buffers, type CpuTask } from '../../workers/task';
import { rowSpace, type RowMatrix } from '../../vectors/rowDot';
import type { KnnGraph } from '../types';
import { nnDescent, type NnDescentParams } from './nnDescent';

export interface NnDescentInput {
  matrix: RowMatrix;
  k: number;
  seed: number;
  params?: NnDescentParams;
  /** A start in place of the trees: n × init.k neighbour ids, −1 where none. */
  init?: { k: number; indices: Int32Array };
}

export interface NnDescentProgress {
  round: number;
  maxRounds: number;
}

export const nnDescentTask: CpuTask<NnDescentInput, KnnGraph, NnDescentProgress> = {
  name: 'nnDescent',
  run({ matrix, k, seed, params, init }, hooks) {
    return nnDescent(rowSpace(matrix), k, { ...params, seed, init, matrix, signal: hooks.signal, onProgress: (round, maxRounds) => hooks.progress({ round, maxRounds }) });
  },
  transfer: (g) => buffers(g.indices, g.distances),
};
