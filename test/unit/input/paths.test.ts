// Path safety of the file routes, through the real server: allowed roots (real paths, so a link out of a
// root is out), regular files only, outputs inside the roots and never over a file Ticket Lens did not
// write, inputs and outputs compared by device and inode, and no file routes on a network-facing server.
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, JobInfo } from '../../../src/shared/api';
import { checkOutputFile } from '../../../src/server/data/outputs';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { spawnServe } from '../../support/cli';
import { modelDir } from '../../support/model';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'tl-root-')));
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'tl-outside-')));
const cache = mkdtempSync(join(tmpdir(), 'tl-paths-cache-'));
const csv = 'text,label\nmy parcel is late,delivery\nI want my money back,refund\n';
const inside = join(root, 'tickets.csv');
const secret = join(outside, 'secret.csv');

const servers: RunningServer[] = [];
async function serve(opts: Parameters<typeof startServer>[0]): Promise<(path: string, body: unknown) => Promise<{ status: number; body: unknown }>> {
  const s = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: cache, log: silentLogger, ...opts });
  servers.push(s);
  const base = s.url.replace('0.0.0.0', '127.0.0.1');
  return async (path, body) => {
    const r = await fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
}
const errorOf = (r: { body: unknown }) => ErrorBody.parse(r.body).error;

beforeAll(() => {
  writeFileSync(inside, csv);
  writeFileSync(secret, csv);
  symlinkSync(secret, join(root, 'link.csv'));
  symlinkSync('/dev/zero', join(root, 'zero.csv'));
  mkdirSync(join(root, 'folder.csv'));
  // a planted run folder whose run.json leads out of the root
  mkdirSync(join(root, 'run'));
  symlinkSync(secret, join(root, 'run', 'run.json'));
  writeFileSync(join(root, 'run', 'clusters.json'), '{}');
  writeFileSync(join(root, 'notes.csv'), 'a file of the user\n');
  linkSync(inside, join(root, 'hardlink.csv'));
  writeFileSync(join(root, 'old-model.tlc'), Buffer.concat([Buffer.from('TLCM'), Buffer.alloc(8)]));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of [root, outside, cache]) rmSync(d, { recursive: true, force: true });
});

describe('with --allow-root', () => {
  let post: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    post = await serve({ allowRoots: [root] });
  });

  it('reads a regular file inside the root; refuses one outside, a link out of it, a device and a folder', async () => {
    expect((await post('/csv/preview', { path: inside })).status).toBe(200);
    const out = await post('/csv/preview', { path: secret });
    expect(out.status).toBe(403);
    expect(errorOf(out)).toMatchObject({ code: 'forbidden' });
    expect(errorOf(out).message).toContain(`${secret} is outside the folders this server may use (${root})`);
    const link = await post('/csv/preview', { path: join(root, 'link.csv') });
    expect(link.status).toBe(403);
    expect(errorOf(link).message).toContain(`link.csv (it resolves to ${secret}) is outside`);
    const zero = await post('/csv/preview', { path: join(root, 'zero.csv') });
    expect(zero.status).toBe(403);
    expect(errorOf(zero).message).toContain('(it resolves to /dev/zero)');
    const folder = await post('/csv/preview', { path: join(root, 'folder.csv') });
    expect(folder.status).toBe(422);
    expect(errorOf(folder).message).toMatch(/folder\.csv is a folder/);
  });

  it('/cluster refuses an input or a run folder outside the root before starting a job', async () => {
    const input = await post('/cluster', { csvPath: secret, textColumn: 'text', outDir: join(root, 'r1') });
    expect(input.status).toBe(403);
    const outDir = await post('/cluster', { csvPath: inside, textColumn: 'text', outDir: join(outside, 'run') });
    expect(outDir.status).toBe(403);
    expect(errorOf(outDir).message).toContain(`${join(outside, 'run')} is outside`);
  });

  it('a run folder whose files lead out of the root is refused, for loading and for labelling', async () => {
    for (const route of ['/runs/load', '/label/preview', '/runs/points']) {
      const r = await post(route, { runDir: join(root, 'run') });
      expect(r.status, route).toBe(403);
      expect(errorOf(r).message).toContain(`run.json (it resolves to ${secret}) is outside`);
    }
  });

  it('outputs: inside the root, never over a file Ticket Lens did not write, never over the input under another name', async () => {
    const train = (outPath: string) => post('/classify/train', { csvPath: inside, textColumn: 'text', labelColumns: ['nope'], outPath });
    expect((await train(join(outside, 'm.tlc'))).status).toBe(403);
    const user = await train(join(root, 'notes.csv'));
    expect(user.status).toBe(422);
    expect(errorOf(user).message).toContain('already exists and is not a classifier (.tlc) written by Ticket Lens');
    const hard = await train(join(root, 'hardlink.csv'));
    expect(hard.status).toBe(422);
    expect(errorOf(hard).message).toContain('is the training CSV; choose another file');
    // a model file of ours may be trained again (the job then fails on the missing column: nothing is trained)
    const ours = await train(join(root, 'old-model.tlc'));
    expect(ours.status).toBe(202);
    const job = JobInfo.parse(ours.body);
    await servers[0].ctx.jobs.wait(job.id);
  });
});

describe('without --allow-root (the CLI and tests)', () => {
  it('reads any path as before, but still never overwrites a file it did not write', async () => {
    const post = await serve({});
    expect((await post('/csv/preview', { path: secret })).status).toBe(200);
    const r = await post('/classify/train', { csvPath: inside, textColumn: 'text', labelColumns: ['label'], outPath: join(root, 'notes.csv') });
    expect(r.status).toBe(422);
  });
});

describe('a server listening on the network without TLS', () => {
  it('answers 403 on every route that names a file, and serves the others', async () => {
    const post = await serve({ host: '0.0.0.0', allowRemote: true, allowRoots: [root] });
    expect((await post('/health', undefined)).status).toBe(200);
    for (const [route, body] of [
      ['/csv/preview', { path: inside }],
      ['/cluster', { csvPath: inside, textColumn: 'text' }],
      ['/runs/load', { runDir: join(root, 'run') }],
      ['/classify', { texts: ['x'], models: [join(root, 'old-model.tlc')] }],
    ] as const) {
      const r = await post(route, body);
      expect(r.status, route).toBe(403);
      expect(errorOf(r).message).toMatch(/listens on the network without TLS/);
    }
    expect((await post('/classify', { texts: ['my parcel is late'], labelSets: ['sentiment'] })).status).toBe(200);
  });
});

describe('checkOutputFile', () => {
  it('compares by device and inode: a symlink or a hard link to the input is the input', async () => {
    symlinkSync(inside, join(root, 'alias.csv'));
    for (const p of [join(root, 'alias.csv'), join(root, 'hardlink.csv')]) {
      await expect(checkOutputFile(p, [{ path: inside, what: 'the input' }])).rejects.toThrow(/is the input; choose another file/);
    }
    // a file directly in a run folder is ours to replace; a new path is always fine
    mkdirSync(join(root, 'run2'));
    writeFileSync(join(root, 'run2', 'run.json'), '{}');
    writeFileSync(join(root, 'run2', 'reviewed-labels.csv'), 'text,label\n');
    await expect(checkOutputFile(join(root, 'run2', 'reviewed-labels.csv'), [{ path: inside, what: 'the input' }])).resolves.toBeUndefined();
    await expect(checkOutputFile(join(root, 'new.csv'), [{ path: inside, what: 'the input' }])).resolves.toBeUndefined();
  });
});

describe('ticket-lens serve', () => {
  it('--allow-root confines the file routes; without it a warning is logged; a missing root is an error', async () => {
    const confined = await spawnServe(['--allow-root', root, '--allow-root', outside], { TICKET_LENS_TOKEN: 't'.repeat(40) });
    try {
      const r = await fetch(`http://127.0.0.1:${confined.port}/csv/preview`, { method: 'POST', headers: { authorization: `Bearer ${'t'.repeat(40)}`, 'content-type': 'application/json' }, body: JSON.stringify({ path: '/etc/hostname' }) });
      expect(r.status).toBe(403);
      expect(confined.stderr()).toContain(`file routes confined to ${root}, ${outside}`);
    } finally {
      confined.child.kill();
    }
    const open = await spawnServe([]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(open.stderr()).toMatch(/WARN no --allow-root given/);
    } finally {
      open.child.kill();
    }
    await expect(spawnServe(['--allow-root', join(outside, 'missing')])).rejects.toThrow(/--allow-root .*missing: no such folder/);
  });
});
