/**
 * `ticket-lens profile` as a user runs it (the built CLI, a real child process): profile.json (valid
 * against the schema) and profile.md in --out, run again over its own earlier output, and refused
 * before any work where it would write over the input or a file Ticket Lens did not write.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Profile, PROFILE_JSON, PROFILE_MD } from '../../../src/shared/profile';
import { runCli } from '../../support/cli';
import { FIXTURE_ROWS, PLANTED_PII, writeFixture } from './fixture';

const args = (csv: string, out: string) => ['profile', csv, '--text-column', 'text', '--label-column', 'intent', '--date-column', 'created_at', '--out', out, '--quiet'];

describe('ticket-lens profile', () => {
  const csv = writeFixture();
  const out = join(dirname(csv), 'profile');

  it('writes profile.json and profile.md, and replaces its own earlier profile', async () => {
    const first = await runCli(args(csv, out));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`profile: ${join(out, PROFILE_JSON)}`);
    const p = Profile.parse(JSON.parse(readFileSync(join(out, PROFILE_JSON), 'utf8')));
    expect(p.rows).toBe(FIXTURE_ROWS.length);
    expect(p.input).toMatchObject({ textColumn: 'text', labelColumn: 'intent', dateColumn: 'created_at' });
    const md = readFileSync(join(out, PROFILE_MD), 'utf8');
    expect(md.startsWith('# Data profile of tickets')).toBe(true);
    expect(md).toContain('## Personal data');
    for (const value of [...PLANTED_PII, ...PLANTED_PII.map((v) => v.replace(/[.:]/g, '\\$&'))]) expect(md).not.toContain(value);
    const again = await runCli(args(csv, out));
    expect(again.code).toBe(0);
    // Atomic writes leave no temporary file behind.
    expect(readdirSync(out).sort()).toEqual([PROFILE_JSON, PROFILE_MD]);
  });

  it('refuses to write over a file it did not write, or over the input, before reading anything', async () => {
    const foreign = join(dirname(csv), 'theirs');
    mkdirSync(foreign);
    writeFileSync(join(foreign, PROFILE_MD), '# my notes\n');
    const r = await runCli(args(csv, foreign));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists and is not a data profile written by Ticket Lens/);
    expect(readFileSync(join(foreign, PROFILE_MD), 'utf8')).toBe('# my notes\n');
    expect(existsSync(join(foreign, PROFILE_JSON))).toBe(false);

    const inputNamedLikeOutput = join(dirname(csv), 'in', PROFILE_JSON);
    mkdirSync(dirname(inputNamedLikeOutput));
    writeFileSync(inputNamedLikeOutput, readFileSync(csv));
    const overInput = await runCli(args(inputNamedLikeOutput, dirname(inputNamedLikeOutput)));
    expect(overInput.code).toBe(1);
    expect(overInput.stderr).toMatch(/is the input CSV/);
    expect(readFileSync(inputNamedLikeOutput)).toEqual(readFileSync(csv));
  });
});
