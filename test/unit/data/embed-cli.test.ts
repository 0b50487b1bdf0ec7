import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../../src/server/data/npy';
import { loadEmbedder } from '../../../src/server/embed';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';

const dir = mkdtempSync(join(tmpdir(), 'tl-embed-cli-'));
const env = { TICKET_LENS_CACHE: join(dir, 'cache') };

describe('ticket-lens embed', () => {
  it('writes an n × 384 float32 .npy equal to the embedder output, in file order', async () => {
    const csv = join(dir, 'tickets.csv');
    writeFileSync(csv, 'id;text\n1;where is my order\n2;"refund please;\nit arrived broken"\n3;reset my password\n');
    const before = readFileSync(csv);
    const out = join(dir, 'v.npy');
    const r = await runCli(['embed', csv, '--text-column', 'text', '--out', out, '--model', modelDir()], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 × 384 float32/);
    const { shape, data } = readNpy(readFileSync(out));
    expect(shape).toEqual([3, 384]);
    const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
    const direct = await e.embed(['where is my order', 'refund please;\nit arrived broken', 'reset my password']);
    await e.dispose();
    for (let i = 0; i < data.length; i++) expect(Math.abs(data[i] - direct[i])).toBeLessThan(1e-5);
    expect(readFileSync(csv).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('fails with a clear message and writes nothing on a missing column', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'body\nhello\n');
    const out = join(dir, 'bad.npy');
    const r = await runCli(['embed', csv, '--text-column', 'text', '--out', out, '--model', modelDir()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('there is no column "text"');
    expect(existsSync(out)).toBe(false);
  });

  it('fails on non-UTF-8 input naming the line', async () => {
    const csv = join(dir, 'latin1.csv');
    writeFileSync(csv, Buffer.concat([Buffer.from('text\nok\n'), Buffer.from([0xff, 0x41]), Buffer.from('\n')]));
    const r = await runCli(['embed', csv, '--text-column', 'text', '--out', join(dir, 'x.npy'), '--model', modelDir()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3 is not valid UTF-8/);
  });

  it('refuses to write over its input', async () => {
    const csv = join(dir, 'same.csv');
    writeFileSync(csv, 'text\nhello\n');
    const r = await runCli(['embed', csv, '--text-column', 'text', '--out', csv, '--model', modelDir()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is the input file/);
    expect(readFileSync(csv, 'utf8')).toBe('text\nhello\n');
  });
});
