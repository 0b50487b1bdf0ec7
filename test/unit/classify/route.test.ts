// POST /classify and /classify/train through the real server (fastify on 127.0.0.1, bearer token).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyResponse, JobInfo, TrainResult } from '../../../src/shared/api';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'tl-classify-route-'));
const post = (path: string, body: unknown, token = server.token) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache'), log: silentLogger });
});
afterAll(() => server.close());

describe('classification over HTTP', () => {
  it('trains a model as a job, then classifies with it and the zero-shot sets in one request', async () => {
    const outPath = join(dir, 'm.tlc');
    const res = await post('/classify/train', { csvPath: SAMPLE_CSV, textColumn: 'text', labelColumns: ['intent'], outPath });
    expect(res.status).toBe(202);
    const job = JobInfo.parse(await res.json());
    const done = await server.ctx.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(TrainResult.parse(done.result).tasks[0].valAccuracy).toBeGreaterThan(0.85);

    const c = await post('/classify', { texts: ['where is my parcel, it is two weeks late', 'Photosynthesis happens in chloroplasts.'], models: [outPath], labelSets: ['category', 'sentiment'], topK: 2 });
    expect(c.status).toBe(200);
    const body = ClassifyResponse.parse(await c.json());
    expect(body.results).toHaveLength(2);
    const [late, oos] = body.results;
    expect(late.tasks.map((t) => `${t.source}:${t.task}`)).toEqual(['m:intent', 'zero-shot:category', 'zero-shot:sentiment']);
    expect(late.tasks[0].label).toBe('delivery_period');
    expect(late.tasks[0].topK).toHaveLength(2);
    expect(late.tasks[1].labels).toContain('Shipping Concern');
    expect(oos.tasks[0].unknown).toBe(true);
    expect(oos.tasks[0].reason).toMatch(/unlike every class/);
  });

  it('rejects a bad request with a clear error and needs the token', async () => {
    const bad = await post('/classify', { texts: [] });
    expect(bad.status).toBe(400);
    const missing = await post('/classify', { texts: ['hi'], models: ['no-such-default'] });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/no shipped classifier "no-such-default"/);
    const unauth = await post('/classify', { texts: ['hi'] }, 'wrong');
    expect(unauth.status).toBe(401);
  });
});
