import { errorOf } from '../../support/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { silentLogger } from '../../../src/server/log';
import { EmbedResponse, HealthResponse, JobInfo, MAX_EMBED_BATCH } from '../../../src/shared/api';
import { dot, modelDir } from '../../support/model';

let server: RunningServer;
const call = (path: string, init: RequestInit = {}, token = server.token) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', log: silentLogger });
});
afterAll(() => server.close());

describe('model server over real HTTP', () => {
  it('listens on 127.0.0.1 with a generated token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tokenGenerated).toBe(true);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a non-loopback host unless allowed', async () => {
    await expect(startServer({ host: '0.0.0.0', log: silentLogger })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('401 without the token or with a wrong one, on every route', async () => {
    for (const path of ['/health', '/embed', '/jobs', '/openapi.json']) {
      const r = await call(path, {}, '');
      expect(r.status).toBe(401);
      expect((await errorOf(r)).code).toBe('unauthorized');
    }
    const wrong = await call('/health', {}, server.token.slice(0, -1) + 'x');
    expect(wrong.status).toBe(401);
  });

  it('GET /health reports version, model, device and dtype', async () => {
    await call('/embed', { method: 'POST', body: JSON.stringify({ texts: ['warm up'] }) });
    const r = await call('/health');
    expect(r.status).toBe(200);
    const h = HealthResponse.parse(await r.json());
    expect(h.model.loaded).toBe(true);
    expect(h.model.dim).toBe(384);
    expect(h.model.lineage).toBeNull(); // the base model: no fine-tuned lineage
    expect(h.device.active).toBe('cpu');
    expect(h.dtype).toBe('q8');
    expect(h.uptimeSeconds).toBeGreaterThan(0);
  });

  it('POST /embed returns unit vectors that separate paraphrases from unrelated text', async () => {
    const texts = ['my parcel has not arrived', 'the package was never delivered', 'I forgot my password'];
    const r = await call('/embed', { method: 'POST', body: JSON.stringify({ texts }) });
    expect(r.status).toBe(200);
    const body = EmbedResponse.parse(await r.json());
    expect(body.vectors).toHaveLength(3);
    const flat = Float32Array.from(body.vectors.flat());
    expect(dot(flat, 0, 0)).toBeCloseTo(1, 4);
    expect(dot(flat, 0, 1)).toBeGreaterThan(dot(flat, 0, 2) + 0.2);
  });

  it('400 on malformed JSON, on a schema violation naming the field, and on a too-large batch', async () => {
    const broken = await call('/embed', { method: 'POST', body: '{"texts": [' });
    expect(broken.status).toBe(400);
    const brokenError = await errorOf(broken);
    expect(brokenError.code).toBe('bad_request');
    expect(brokenError.message).toMatch(/not valid JSON/);

    const wrongType = await call('/embed', { method: 'POST', body: JSON.stringify({ texts: ['ok', 42] }) });
    expect(wrongType.status).toBe(400);
    expect((await errorOf(wrongType)).message).toMatch(/texts\[1\]/);

    const empty = await call('/embed', { method: 'POST', body: JSON.stringify({ texts: [] }) });
    expect(empty.status).toBe(400);

    const big = await call('/embed', { method: 'POST', body: JSON.stringify({ texts: Array(MAX_EMBED_BATCH + 1).fill('x') }) });
    expect(big.status).toBe(400);
    expect((await errorOf(big)).code).toBe('batch_too_large');
  });

  it('413 on a body over the limit', async () => {
    const r = await call('/embed', { method: 'POST', body: JSON.stringify({ texts: ['x'.repeat(17 * 1024 * 1024)] }) });
    expect(r.status).toBe(413);
    expect((await errorOf(r)).code).toBe('payload_too_large');
  });

  it('404 JSON for unknown routes and jobs', async () => {
    const r = await call('/nope');
    expect(r.status).toBe(404);
    expect((await errorOf(r)).code).toBe('not_found');
    const j = await call('/jobs/does-not-exist');
    expect(j.status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document listing every route with its schemas', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/health', '/embed', '/jobs', '/jobs/{id}', '/jobs/{id}/cancel', '/jobs/{id}/events']) expect(doc.paths[p]).toBeDefined();
    expect(JSON.stringify(doc.paths['/embed'].post.requestBody)).toContain(`"maxItems":${MAX_EMBED_BATCH}`);
  });

  it('runs jobs with progress events and cancellation', async () => {
    const job = server.ctx.jobs.submit('test-wait', async (run) => {
      for (let i = 1; i <= 50; i++) {
        if (run.signal.aborted) throw new Error('aborted');
        run.progress({ stage: 'waiting', done: i, total: 50 });
        await new Promise((r) => setTimeout(r, 20));
      }
      return { ok: true };
    });
    const events = await call(`/jobs/${job.id}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    const seen: JobInfo[] = [];
    let buf = '';
    while (seen.length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      for (const m of buf.matchAll(/data: (.*)\n\n/g)) seen.push(JobInfo.parse(JSON.parse(m[1])));
      buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
    }
    expect(seen.some((j) => j.progress?.stage === 'waiting')).toBe(true);
    const cancelled = await call(`/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const final = await server.ctx.jobs.wait(job.id);
    expect(final.state).toBe('cancelled');
    const listed = (await (await call('/jobs')).json()) as { jobs: JobInfo[] };
    expect(listed.jobs.find((j) => j.id === job.id)?.state).toBe('cancelled');
    await reader.cancel();
  });

  it('reports a failing job as failed with its message, and the next job still runs', async () => {
    const bad = server.ctx.jobs.submit('test-fail', () => Promise.reject(new Error('boom at stage 2')));
    const good = server.ctx.jobs.submit('test-ok', () => Promise.resolve(42));
    expect((await server.ctx.jobs.wait(bad.id)).error).toMatchObject({ code: 'job_failed', message: 'boom at stage 2' });
    const ok = (await (await call(`/jobs/${good.id}`)).json()) as JobInfo;
    expect(ok.state === 'succeeded' || ok.state === 'running' || ok.state === 'queued').toBe(true);
    expect((await server.ctx.jobs.wait(good.id)).result).toBe(42);
  });
});
