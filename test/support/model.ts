/** The real model for tests: provisioned by `npm run models` (npm test does it first). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../src/server/embed';

export function modelDir(): string {
  const dir = defaultModelDir();
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`The embedding model is not provisioned at ${dir}: run \`npm run models\` first (npm test does).`);
  }
  return dir;
}

export function dot(v: Float32Array, a: number, b: number, dim = 384): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += v[a * dim + d] * v[b * dim + d];
  return s;
}
