// What the benchmark scripts import from the built engines (bundled to dist/bench.js).
export { loadEmbedder, defaultModelDir, cacheRoot } from '../src/server/embed';
export { readCsv } from '../src/server/data/csv';
export { runClusterPipeline } from '../src/server/cluster/pipeline';
export { scores } from '../src/server/cluster/metrics';
export { ClusterParams } from '../src/shared/cluster';
export { silentLogger, createLogger } from '../src/server/log';
// scripts/bench-store.mjs: the ticket store and assigning from it.
export { openStore } from '../src/server/store';
export { KNN_SQL, KNN_OVERSAMPLE, efSearchFor } from '../src/server/store/vectors';
export { assignStore } from '../src/server/assign/assignStore';
// scripts/bench-knn.mjs and tuning harnesses: the approximate graph through the worker pool, as the pipeline builds it.
export { approximateKnn } from '../src/server/cluster/knn';
export { graphRecall } from '../src/server/cluster/knn/recall';
export { reassignNoise } from '../src/server/cluster/outliers';
// Harnesses measuring the assign calibration's memory (the end of a stored-ticket cluster job).
export { calibrate, buildAssigner } from '../src/server/assign/assigner';
