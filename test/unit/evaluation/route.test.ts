/**
 * POST /evaluate through a real server confined to one folder: a job whose result is the evaluation
 * the engine computes for the same file and classifier, documented in the OpenAPI document, and a CSV
 * outside the allowed folder refused before any job starts.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobInfo } from '../../../src/shared/api';
import { Evaluation, EvaluateRequest } from '../../../src/shared/evaluation';
import { ClassifyService } from '../../../src/server/classify/service';
import { loadEmbedder } from '../../../src/server/embed';
import { evaluateClassifier } from '../../../src/server/evaluation/evaluateClassifier';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { callServer, errorOf } from '../../support/http';
import { modelDir } from '../../support/model';
import { quiet } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'tl-eval-route-'));
const csv = join(dir, 'tickets.csv');
copyFileSync(resolve(__dirname, '..', '..', '..', 'media', 'samples', 'tickets.csv'), csv);
let server: RunningServer;

const call = (method: 'GET' | 'POST', path: string, body?: unknown) => callServer(server, method, path, body);

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache'), allowRoots: [dir], log: quiet });
});
afterAll(async () => {
  await server?.close();
});

describe('POST /evaluate', () => {
  it('runs as a job whose result is the evaluation of the file', async () => {
    const req = { csvPath: csv, textColumn: 'text', labelColumn: 'category', model: 'bitext', folds: 2 };
    const res = await call('POST', '/evaluate', req);
    expect(res.status).toBe(202);
    let job = JobInfo.parse(await res.json());
    expect(job.kind).toBe('evaluate');
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      job = JobInfo.parse(await (await call('GET', `/jobs/${job.id}`)).json());
    }
    expect(job.error).toBeNull();
    const served = Evaluation.parse(job.result);
    expect(served.model).toMatchObject({ name: 'bitext', task: 'category', adapter: true });
    const embedder = await loadEmbedder({ modelDir: modelDir(), dtype: 'q8', device: 'cpu' });
    try {
      const service = new ClassifyService(() => Promise.resolve(embedder));
      const direct = await evaluateClassifier(EvaluateRequest.parse(req), { classifier: (r) => service.model(r), embedder: () => Promise.resolve(embedder) });
      expect({ ...served, createdAt: '' }).toEqual({ ...direct, createdAt: '' });
    } finally {
      await embedder.dispose();
    }
  });

  it('is in the OpenAPI document, from the same schema', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(JSON.stringify(doc.paths['/evaluate']?.post?.requestBody)).toContain('"folds"');
  });

  it('refuses a CSV outside the folders the server may use, before any job', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'tl-eval-outside-')), 'x.csv');
    writeFileSync(outside, 'text,intent\nhello,track_order\n');
    const res = await call('POST', '/evaluate', { csvPath: outside, textColumn: 'text', labelColumn: 'intent', model: 'bitext' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('forbidden');
  });

  it('names the row of a label the classifier does not know', async () => {
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'text,intent\nwhere is my parcel,track_order\n"two\nlines",no_such_intent\n');
    const res = await call('POST', '/evaluate', { csvPath: odd, textColumn: 'text', labelColumn: 'intent', model: 'bitext', folds: 0 });
    let job = JobInfo.parse(await res.json());
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      job = JobInfo.parse(await (await call('GET', `/jobs/${job.id}`)).json());
    }
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/row 2 \(line 3\), column "intent": the label "no_such_intent" is not one the classifier knows/);
  });
});
