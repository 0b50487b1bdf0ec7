// What scripts/bench-assign.mjs imports from the engines (bundled by it to dist/bench-assign.js, beside the worker bundles).
export { loadEmbedder, defaultModelDir, cacheRoot } from '../src/server/embed';
export { runClusterPipeline } from '../src/server/cluster/pipeline';
export { predictClusters } from '../src/server/cluster/predict';
export { ClusterParams } from '../src/shared/cluster';
export { silentLogger } from '../src/server/log';
export { readAssignments } from '../src/server/run/assignmentsCsv';
export { runMembers, embedTexts } from '../src/server/assign/runMembers';
export { buildAssigner } from '../src/server/assign/assigner';
export { agreement } from '../src/server/assign/agreement';
