/** Every task a worker thread can run, by name: the worker bundle is built from this list. */
import { adapterTask, agreementTask } from '../classify/adapter';
import { trainHeadTask } from '../classify/train';
import { hdbscanLevelTask } from '../cluster/autoSize';
import { nnDescentTask } from '../cluster/knn/nnDescentTask';
import { ctfidfTask } from '../cluster/keywords';
import { evaluationFiguresTask } from '../evaluation/figures';
import { outOfFoldTask } from '../evaluation/outOfFold';
import { textStatsTask } from '../profile/textStats';
import { renderMapsTask } from '../run/mapPng';
import { emergingTopicsTask } from '../trends/emerging';
import type { CpuTask } from './task';
import { umapPrepareTask } from './umapPrepare';

const all: CpuTask<never, unknown, never>[] = [trainHeadTask, adapterTask, agreementTask, hdbscanLevelTask, ctfidfTask, umapPrepareTask, renderMapsTask, textStatsTask, emergingTopicsTask, evaluationFiguresTask, outOfFoldTask, nnDescentTask];

export const TASKS: ReadonlyMap<string, CpuTask<unknown, unknown, unknown>> = new Map(all.map((t) => [t.name, t as CpuTask<unknown, unknown, unknown>]));
