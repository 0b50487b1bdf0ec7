// What the benchmark scripts import from the built engines (bundled to dist/bench.js).
export { loadEmbedder, defaultModelDir } from '../src/server/embed';
export { readCsv } from '../src/server/data/csv';
