/**
 * Writes an evaluation into a folder: evaluation.json, evaluation.md and the four SVG pictures (and
 * adapter-maps.svg for a classifier with an adapter), each atomically (data/atomic.ts). A file already there is replaced only when it is an earlier output of
 * the same kind (data/outputs.ts: Ticket Lens never overwrites a file it did not write), and never
 * when it is the input CSV or the classifier itself.
 */
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TicketLensError } from '../../shared/api';
import { ADAPTER_MAPS_SVG, Evaluation, EVALUATION_JSON, EVALUATION_MD } from '../../shared/evaluation';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, headedOutput, jsonOutput, readHead, type InUse, type OwnOutput } from '../data/outputs';
import { EVALUATION_MD_TITLE, evaluationMarkdown } from './markdown';
import { adapterMapsSvg } from './svg/adapterMapsSvg';
import { confusionSvg } from './svg/confusionSvg';
import { reliabilitySvg, rocSvg } from './svg/curvesSvg';
import { perClassSvg } from './svg/perClassSvg';

/** Larger than any evaluation: a bigger .json is not one. */
const MAX_EVALUATION_BYTES = 256 * 1024 * 1024;

const JSON_OUTPUT = jsonOutput('a classifier evaluation', Evaluation, MAX_EVALUATION_BYTES);
const MD_OUTPUT = headedOutput('a classifier evaluation', EVALUATION_MD_TITLE);
/** An SVG picture is ours when it is an SVG with our page frame (svg/svgText.ts) — the only kind of SVG these names hold. */
const SVG_OUTPUT: OwnOutput = {
  what: 'an evaluation picture',
  test: async (path) => (await readHead(path, 256)).toString('utf8').startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && (await readHead(path, 512)).toString('utf8').includes('<rect width='),
};

const PICTURES: [string, (e: Evaluation) => string][] = [
  ['confusion.svg', confusionSvg],
  ['per-class.svg', perClassSvg],
  ['roc.svg', rocSvg],
  ['reliability.svg', reliabilitySvg],
];

/** `adapterMaps`: where adapter-maps.svg goes (written only for a classifier with an adapter; then among the pictures writeEvaluation returns). */
export type EvaluationFiles = Record<'json' | 'markdown' | 'adapterMaps', string> & { pictures: string[] };

/** Throws bad_input before any work when the folder's files may not be written (see the module comment). */
export async function checkEvaluationOutputs(outDir: string, inUse: readonly InUse[]): Promise<EvaluationFiles> {
  const dir = resolve(outDir);
  const st = await stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new TicketLensError('bad_input', `--out ${outDir} exists and is not a folder; give a folder for ${EVALUATION_JSON}, ${EVALUATION_MD} and the pictures.`, { path: outDir });
  const files: EvaluationFiles = { json: join(dir, EVALUATION_JSON), markdown: join(dir, EVALUATION_MD), adapterMaps: join(dir, ADAPTER_MAPS_SVG), pictures: PICTURES.map(([n]) => join(dir, n)) };
  await checkOutputFile(files.json, inUse, { option: '--out', replaces: JSON_OUTPUT });
  await checkOutputFile(files.markdown, inUse, { option: '--out', replaces: MD_OUTPUT });
  for (const p of [...files.pictures, files.adapterMaps]) await checkOutputFile(p, inUse, { option: '--out', replaces: SVG_OUTPUT });
  return files;
}

export async function writeEvaluation(outDir: string, e: Evaluation, inUse: readonly InUse[]): Promise<EvaluationFiles> {
  const files = await checkEvaluationOutputs(outDir, inUse);
  await writeFileAtomic(files.json, `${JSON.stringify(Evaluation.parse(e))}\n`);
  await writeFileAtomic(files.markdown, evaluationMarkdown(e));
  for (const [i, [, draw]] of PICTURES.entries()) await writeFileAtomic(files.pictures[i], draw(e));
  const maps = adapterMapsSvg(e);
  // An earlier evaluation's maps (checked above to be ours) would show another classifier's adapter.
  if (!maps) {
    await rm(files.adapterMaps, { force: true });
    return files;
  }
  await writeFileAtomic(files.adapterMaps, maps);
  return { ...files, pictures: [...files.pictures, files.adapterMaps] };
}
