import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/server/**/*.test.ts'],
    // The real model and native onnxruntime run in every file; forks keep each file's native state apart.
    pool: 'forks',
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: running more files at once only makes each slower.
    maxWorkers: 2,
  },
});
