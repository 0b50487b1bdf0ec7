/**
 * POST /profile through a real server confined to one folder: a job whose result is the profile the
 * engine computes for the same file, documented in the OpenAPI document, and a CSV outside the
 * allowed folder refused before any job starts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobInfo } from '../../../src/shared/api';
import { Profile, ProfileRequest } from '../../../src/shared/profile';
import { silentLogger } from '../../../src/server/log';
import { profileCsv } from '../../../src/server/profile/profileCsv';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { callServer, errorOf } from '../../support/http';
import { modelDir } from '../../support/model';
import { writeFixture } from './fixture';

const csv = writeFixture();
const quiet = silentLogger;
let server: RunningServer;

const call = (method: 'GET' | 'POST', path: string, body?: unknown) => callServer(server, method, path, body);

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dirname(csv), 'cache'), allowRoots: [dirname(csv)], log: quiet });
});
afterAll(async () => {
  await server?.close();
});

describe('POST /profile', () => {
  it('runs as a job whose result is the profile of the file', async () => {
    const req = { csvPath: csv, textColumn: 'text', labelColumn: 'intent', dateColumn: 'created_at' };
    const res = await call('POST', '/profile', req);
    expect(res.status).toBe(202);
    let job = JobInfo.parse(await res.json());
    expect(job.kind).toBe('profile');
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      job = JobInfo.parse(await (await call('GET', `/jobs/${job.id}`)).json());
    }
    expect(job.error).toBeNull();
    const served = Profile.parse(job.result);
    const direct = await profileCsv(ProfileRequest.parse(req), { modelDir: modelDir(), dtype: 'q8', embedder: () => Promise.reject(new Error('not asked for')) });
    expect({ ...served, createdAt: '' }).toEqual({ ...direct, createdAt: '' });
    expect(served.duplicates.embedding).toBeNull();
  });

  it('is in the OpenAPI document, from the same schema', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(JSON.stringify(doc.paths['/profile']?.post?.requestBody)).toContain('"nearDuplicates"');
  });

  it('refuses a CSV outside the folders the server may use, before any job', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'tl-profile-outside-')), 'x.csv');
    writeFileSync(outside, 'text\nhello\n');
    const res = await call('POST', '/profile', { csvPath: outside, textColumn: 'text' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('forbidden');
  });
});
