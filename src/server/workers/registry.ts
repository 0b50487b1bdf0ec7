/** Every task a worker thread can run, by name: the worker bundle is built from this list. */
import { adapterTask, agreementTask } from '../classify/adapter';
import { trainHeadTask } from '../classify/train';
import { hdbscanLevelTask } from '../cluster/autoSize';
import { ctfidfTask } from '../cluster/keywords';
import { renderMapsTask } from '../run/mapPng';
import type { CpuTask } from './task';
import { umapPrepareTask } from './umapPrepare';

const all: CpuTask<never, unknown, never>[] = [trainHeadTask, adapterTask, agreementTask, hdbscanLevelTask, ctfidfTask, umapPrepareTask, renderMapsTask];

export const TASKS: ReadonlyMap<string, CpuTask<unknown, unknown, unknown>> = new Map(all.map((t) => [t.name, t as CpuTask<unknown, unknown, unknown>]));
