// What the CLI's --out may replace: never the input under another name (hard link, symlink, another
// spelling on a case-insensitive disk: compared by device and inode), never a file Ticket Lens did not
// write, but its own earlier output of the same kind, so running a command again still works.
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { EvalReport } from '../../../src/shared/api';
import { resolveModelPath } from '../../../src/server/classify/service';
import { readNpy } from '../../../src/server/data/npy';
import { checkOutputFile, CLASSIFIER_OUTPUT, RUN_FOLDER_OUTPUT } from '../../../src/server/data/outputs';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tl-overwrite-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { TICKET_LENS_CACHE: join(dir, 'cache') };

const csv = join(dir, 'tickets.csv');
const csvText = readFileSync(SAMPLE_CSV, 'utf8').split('\n').slice(0, 21).join('\n') + '\n';
writeFileSync(csv, csvText);

/** Whether this disk treats names case-insensitively (macOS, Windows): only there is TICKETS.CSV the input. */
writeFileSync(join(dir, 'Probe'), '');
const caseInsensitive = existsSync(join(dir, 'probe'));

const embed = (out: string) => runCli(['embed', csv, '--text-column', 'text', '--out', out, '--model', modelDir()], env);
const evaluate = (out: string, model = 'bitext') => runCli(['eval', csv, '--model', model, '--text-column', 'text', '--label-column', 'intent', '--out', out, '--embedding-model', modelDir()], env);
const classify = (out: string) => runCli(['classify', csv, '--label-set', 'sentiment', '--text-column', 'text', '--out', out, '--embedding-model', modelDir()], env);
const train = (out: string) => runCli(['train', csv, '--text-column', 'text', '--label-column', 'intent', '--out', out, '--embedding-model', modelDir()], env);

describe('--out and the input', () => {
  it('a hard link, a symlink or (on a case-insensitive disk) another spelling of the input is the input', async () => {
    linkSync(csv, join(dir, 'hard.csv'));
    symlinkSync(csv, join(dir, 'soft.csv'));
    const aliases = [join(dir, 'hard.csv'), join(dir, 'soft.csv'), ...(caseInsensitive ? [join(dir, 'TICKETS.CSV')] : [])];
    for (const alias of aliases) {
      for (const [command, r] of [
        ['embed', await embed(alias)],
        ['eval', await evaluate(alias)],
        ['classify', await classify(alias)],
        ['train', await train(alias)],
      ] as const) {
        expect(r.code, `${command} ${alias}: ${r.stderr}`).toBe(1);
        expect(r.stderr, command).toContain(`${alias} is the `);
        expect(r.stderr, command).toContain('choose another file (inputs are never modified)');
      }
    }
    expect(readFileSync(csv, 'utf8')).toBe(csvText);
  });

  it('eval refuses to write its report over the classifier it evaluates', async () => {
    const model = join(dir, 'copy.tlc');
    copyFileSync(resolveModelPath('bitext'), model);
    const r = await evaluate(model, model);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${model} is the classifier being evaluated`);
    expect(readFileSync(model).equals(readFileSync(resolveModelPath('bitext')))).toBe(true);
  });
});

describe('--out over an existing file', () => {
  it('a file Ticket Lens did not write is refused by every command and left as it was', async () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    const cases = [
      ['embed', join(mine, 'vectors.npy'), embed, 'an embedding matrix (.npy)'],
      ['eval', join(mine, 'report.json'), evaluate, 'an evaluation report'],
      ['classify', join(mine, 'predictions.csv'), classify, 'a predictions CSV'],
      ['train', join(mine, 'model.tlc'), train, 'a classifier (.tlc)'],
    ] as const;
    for (const [command, path, run, kind] of cases) {
      writeFileSync(path, 'my own notes\n');
      const r = await run(path);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`${path} already exists and is not ${kind} written by Ticket Lens; choose a new file name, or delete the file first`);
      expect(readFileSync(path, 'utf8')).toBe('my own notes\n');
    }
    // eval's markdown report, beside the JSON one, is guarded too
    writeFileSync(join(mine, 'summary.md'), '# my summary\n');
    const r = await evaluate(join(mine, 'summary.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(mine, 'summary.md')} already exists and is not an evaluation report`);
    expect(existsSync(join(mine, 'summary.json'))).toBe(false);
  });

  it('running a command again replaces its own earlier output', async () => {
    const again = join(dir, 'again');
    mkdirSync(again);
    for (const [command, out, run] of [
      ['embed', join(again, 'v.npy'), embed],
      ['eval', join(again, 'report.json'), evaluate],
      ['classify', join(again, 'predictions.csv'), classify],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const r = await run(out);
        expect(r.code, `${command} run ${i + 1}: ${r.stderr}`).toBe(0);
      }
    }
    expect(readNpy(readFileSync(join(again, 'v.npy'))).shape).toEqual([20, 384]);
    expect(EvalReport.parse(JSON.parse(readFileSync(join(again, 'report.json'), 'utf8'))).tasks[0].n).toBe(20);
    expect(readFileSync(join(again, 'report.md'), 'utf8')).toMatch(/^# Evaluation of /);
    expect(parse(readFileSync(join(again, 'predictions.csv')), { columns: true })).toHaveLength(20);
    expect(readFileSync(csv, 'utf8')).toBe(csvText);
  });
});

describe('the kinds an output may replace', () => {
  it('a classifier replaces a .tlc only; an export replaces a file in a run folder, never one of the run files', async () => {
    const tlc = join(dir, 'kinds.tlc');
    copyFileSync(resolveModelPath('bitext'), tlc);
    await expect(checkOutputFile(tlc, [], { replaces: CLASSIFIER_OUTPUT })).resolves.toBeUndefined();
    await expect(checkOutputFile(csv, [], { replaces: CLASSIFIER_OUTPUT })).rejects.toThrow(/is not a classifier \(\.tlc\) written by Ticket Lens/);

    const run = join(dir, 'run');
    mkdirSync(run);
    for (const f of ['run.json', 'clusters.json', 'assignments.csv', 'reviewed-labels.csv', '.ticket-lens-commit.json']) writeFileSync(join(run, f), '{}');
    await expect(checkOutputFile(join(run, 'reviewed-labels.csv'), [], { replaces: RUN_FOLDER_OUTPUT })).resolves.toBeUndefined();
    for (const f of ['run.json', 'clusters.json', 'assignments.csv', '.ticket-lens-commit.json']) {
      await expect(checkOutputFile(join(run, f), [], { replaces: RUN_FOLDER_OUTPUT }), f).rejects.toThrow(/is not an export inside a run folder/);
      await expect(checkOutputFile(join(run, f), []), f).rejects.toThrow(/Ticket Lens did not create it/);
    }
    // a run folder's file is no classifier, and a classifier outside one is no export
    await expect(checkOutputFile(join(run, 'reviewed-labels.csv'), [], { replaces: CLASSIFIER_OUTPUT })).rejects.toThrow(/is not a classifier/);
    await expect(checkOutputFile(tlc, [], { replaces: RUN_FOLDER_OUTPUT })).rejects.toThrow(/is not an export inside a run folder/);
  });
});
