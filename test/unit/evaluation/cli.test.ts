/**
 * `ticket-lens eval --out DIR` as a user runs it (the built CLI, a real child process): evaluation.json
 * (valid against the schema), evaluation.md and the four pictures in the folder, its own earlier
 * output replaced, and refused before any work over a file it did not write or over the input. The
 * shipped Bitext classifier on the bundled sample tickets.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTER_MAPS_SVG, Evaluation, EVALUATION_JSON, EVALUATION_MD, EVALUATION_SVGS } from '../../../src/shared/evaluation';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';

const dir = mkdtempSync(join(tmpdir(), 'tl-eval-cli-'));
const csv = join(dir, 'tickets.csv');
copyFileSync(resolve(__dirname, '..', '..', '..', 'media', 'samples', 'tickets.csv'), csv);
const args = (input: string, out: string, more: string[] = []) => ['eval', input, '--model', 'bitext', '--text-column', 'text', '--label-column', 'intent', '--out', out, '--folds', '3', '--embedding-model', modelDir(), '--quiet', ...more];

describe('ticket-lens eval --out DIR', () => {
  const out = join(dir, 'evaluation');

  it('writes evaluation.json, evaluation.md and the pictures, and replaces its own earlier ones', async () => {
    const first = await runCli(args(csv, out));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^intent: accuracy \d\.\d{4}, macro-F1 /);
    expect(first.stdout).toMatch(/likely mislabelled rows \(out-of-fold accuracy/);
    expect(first.stdout).toMatch(/adapter: k-means ARI /);
    expect(first.stdout).toContain(`evaluation: ${join(out, EVALUATION_JSON)}`);
    const e = Evaluation.parse(JSON.parse(readFileSync(join(out, EVALUATION_JSON), 'utf8')));
    expect(e.rows).toBe(300);
    expect(e.input).toMatchObject({ textColumn: 'text', labelColumn: 'intent' });
    expect(e.labelIssues?.folds).toBe(3);
    expect(readFileSync(join(out, EVALUATION_MD), 'utf8').startsWith('# Classifier evaluation: bitext on tickets')).toBe(true);
    // The shipped Bitext classifier has an adapter: its two maps are drawn too.
    for (const svg of [...EVALUATION_SVGS, ADAPTER_MAPS_SVG]) expect(readFileSync(join(out, svg), 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^]*<\/svg>\n$/);
    const again = await runCli(args(csv, out, ['--folds', '0']));
    expect(again.code).toBe(0);
    expect(Evaluation.parse(JSON.parse(readFileSync(join(out, EVALUATION_JSON), 'utf8'))).labelIssues).toBeNull();
    // Atomic writes leave no temporary file behind.
    expect(readdirSync(out).sort()).toEqual([EVALUATION_JSON, EVALUATION_MD, ...EVALUATION_SVGS, ADAPTER_MAPS_SVG].sort());
  });

  it('keeps --out FILE.json: the report of before', async () => {
    const r = await runCli(args(csv, join(dir, 'report.json')).filter((a) => a !== '--folds' && a !== '3'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^intent: accuracy \d\.\d{4}, macro-F1 \d\.\d{4}, micro-F1 /);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
  });

  it('refuses to write over a file it did not write, or over the input, before reading anything', async () => {
    const foreign = join(dir, 'theirs');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'roc.svg'), '<svg>mine</svg>\n');
    const r = await runCli(args(csv, foreign));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/roc\.svg already exists and is not an evaluation picture written by Ticket Lens/);
    expect(readFileSync(join(foreign, 'roc.svg'), 'utf8')).toBe('<svg>mine</svg>\n');
    expect(existsSync(join(foreign, EVALUATION_JSON))).toBe(false);

    const inputNamedLikeOutput = join(dir, 'in', EVALUATION_MD);
    mkdirSync(join(dir, 'in'));
    copyFileSync(csv, inputNamedLikeOutput);
    const overInput = await runCli(args(inputNamedLikeOutput, join(dir, 'in')));
    expect(overInput.code).toBe(1);
    expect(overInput.stderr).toMatch(/is the labelled CSV/);
    expect(readFileSync(inputNamedLikeOutput)).toEqual(readFileSync(csv));
  });

  it('evaluates one single-label column at a time', async () => {
    const r = await runCli([...args(csv, join(dir, 'two')), '--label-column', 'category']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/give exactly one --label-column/);
  });
});
