/**
 * Classify Selection's nearest cluster: the latest run's cluster closest to a text, named as the
 * tree names it. "No run yet" and "the lookup failed" are different answers: the second carries
 * the reason, so the user is never told there is no run when the server could not answer.
 */
import * as path from 'node:path';
import { clusterName, type LoadedRun, type Prediction } from '../shared/api';
import type { ServerClient } from './client';
import { errorMessage } from './errorMessage';

/** `name` is what the tree calls the cluster; null when none is close enough. */
export type NearestCluster = Prediction & { runDir: string; input: string; name: string | null };

/** cluster: null with clusterError null means there is no run to compare with. */
export interface NearestLookup {
  cluster: NearestCluster | null;
  clusterError: string | null;
}

export async function nearestCluster(client: Pick<ServerClient, 'predict'>, latestRun: () => Promise<LoadedRun | undefined>, text: string, warn: (message: string) => void): Promise<NearestLookup> {
  let run: LoadedRun | undefined;
  try {
    run = await latestRun();
  } catch (err) {
    const reason = `the runs could not be read: ${errorMessage(err)}`;
    warn(`nearest cluster: ${reason}`);
    return { cluster: null, clusterError: reason };
  }
  if (!run) return { cluster: null, clusterError: null };
  try {
    const p = (await client.predict(run.runDir, [text])).predictions[0];
    if (!p) throw new Error('the server returned no prediction');
    const record = p.path === null ? undefined : run.clusters.find((c) => c.id === p.path);
    const name = record ? clusterName(record) : (p.label ?? p.path);
    return { cluster: { ...p, runDir: run.runDir, input: path.basename(run.manifest.input.path), name }, clusterError: null };
  } catch (err) {
    warn(`nearest cluster in ${run.runDir}: ${errorMessage(err)}`);
    return { cluster: null, clusterError: errorMessage(err) };
  }
}
