// Request texts are cut to MAX_TEXT_CHARS before tokenising: a 5 MB text costs about what a 20,000-character
// one does on /classify and /runs/predict (uncut, the tokenizer alone took 2.2 s and 250 MB for it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyResponse, JobInfo, MAX_TEXT_CHARS, PredictResponse } from '../../../src/shared/api';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'tl-limits-'));
const runDir = join(dir, 'run');
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Distinct prose for each call, so that no answer comes from the embedding cache. */
const prose = (seed: string, chars: number) => `${seed}: my parcel has not arrived and nobody answers the phone. `.repeat(Math.ceil(chars / 60)).slice(0, chars);

async function timed(path: string, body: unknown): Promise<{ ms: number; json: unknown; status: number }> {
  const t = performance.now();
  const r = await post(path, body);
  const json: unknown = await r.json();
  return { ms: performance.now() - t, json, status: r.status };
}

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache'), log: silentLogger });
  const job = JobInfo.parse(await (await post('/cluster', { csvPath: SAMPLE_CSV, textColumn: 'text', outDir: runDir, params: { depth: 1 } })).json());
  expect((await server.ctx.jobs.wait(job.id)).state).toBe('succeeded');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('text length limits', () => {
  it('/classify takes a 5 MB text, reads its first MAX_TEXT_CHARS characters, in about the time of a 20,000-character one', async () => {
    await post('/classify', { texts: ['warm up the model and the label sets'], labelSets: ['sentiment'] });
    const small = await timed('/classify', { texts: [prose('small', MAX_TEXT_CHARS)], labelSets: ['sentiment'] });
    const bigText = prose('big', 5_000_000);
    const big = await timed('/classify', { texts: [bigText], labelSets: ['sentiment'] });
    expect(big.status, JSON.stringify(big.json).slice(0, 300)).toBe(200);
    expect(big.ms).toBeLessThan(3 * small.ms + 500);
    const prefix = await timed('/classify', { texts: [bigText.slice(0, MAX_TEXT_CHARS)], labelSets: ['sentiment'] });
    expect(ClassifyResponse.parse(big.json).results[0].tasks[0].topK).toEqual(ClassifyResponse.parse(prefix.json).results[0].tasks[0].topK);
  });

  it('/runs/predict does the same', async () => {
    await post('/runs/predict', { runDir, texts: ['warm up'] });
    const small = await timed('/runs/predict', { runDir, texts: [prose('short', MAX_TEXT_CHARS)] });
    const bigText = prose('long', 5_000_000);
    const big = await timed('/runs/predict', { runDir, texts: [bigText] });
    expect(big.status).toBe(200);
    expect(big.ms).toBeLessThan(3 * small.ms + 500);
    const prefix = await timed('/runs/predict', { runDir, texts: [bigText.slice(0, MAX_TEXT_CHARS)] });
    expect(PredictResponse.parse(big.json).predictions).toEqual(PredictResponse.parse(prefix.json).predictions);
  });
});
