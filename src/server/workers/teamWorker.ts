/** Worker-thread entry (bundled to dist/team-worker.js): one helper of a ThreadTeam (team.ts), doing its kind's shares. */
import { workerData } from 'node:worker_threads';
import { joinWork, type JoinHelperData } from '../cluster/knn/joinTeam';
import { spectralWork, type SpectralHelperData } from '../cluster/umap/spectralTeam';
import { lowerThreadPriority } from './priority';
import { serveTeam, type TeamHelperData, type TeamWork } from './team';

// A team's work is a job's: it yields the CPU to the HTTP thread and to interactive inference.
lowerThreadPriority();
const { kind, index, control, data } = workerData as TeamHelperData<unknown>;
const kinds: Record<string, () => TeamWork> = {
  knn: () => joinWork(index, data as JoinHelperData),
  spectral: () => spectralWork(data as SpectralHelperData),
};
const make = kinds[kind];
if (!make) throw new Error(`No team kind "${kind}" in this worker bundle (rebuild with npm run build).`);
serveTeam(control, make());
