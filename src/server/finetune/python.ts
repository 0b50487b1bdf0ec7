/**
 * The Python side of fine-tuning: scripts/python/finetune.py run by the tools venv's python, the venv
 * that scripts/python-env.sh creates (and `npm run models` uses to build the model offline). The
 * shipped extension has neither the venv nor the scripts folder, so both are looked for and a missing
 * one is a clear error that says how to get it. The script reports progress as JSON lines on stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TicketLensError } from '../../shared/api';
import { cacheRoot } from '../embed/manifest';

const HOW_TO_GET_IT =
  'Fine-tuning runs in the Python tools venv of a Ticket Lens source checkout (PyTorch, sentence-transformers): run `bash scripts/python-env.sh` there once (it creates the venv under $TICKET_LENS_CACHE or ~/.cache/ticket-lens and prints its python), or pass --python with a python that has the packages of scripts/python/requirements.txt.';

/** The tools venv's python (scripts/python-env.sh), or null when it was never created. */
export function toolsVenvPython(): string | null {
  const venv = join(cacheRoot(), 'venv');
  const python = process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
  return existsSync(python) ? python : null;
}

/** scripts/python/finetune.py of the checkout this code runs from (dist/ or src/server/finetune/), or null. */
export function finetuneScript(): string | null {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'scripts', 'python', 'finetune.py');
    if (existsSync(cand)) return cand;
    dir = dirname(dir);
  }
  return null;
}

export function requirePython(explicit?: string): { python: string; script: string } {
  const script = finetuneScript();
  if (!script) throw new TicketLensError('model_unavailable', `scripts/python/finetune.py is not beside this ticket-lens (the packaged extension does not ship it). ${HOW_TO_GET_IT}`);
  const python = explicit ?? toolsVenvPython();
  if (!python) throw new TicketLensError('model_unavailable', `The Python tools venv is not there (${join(cacheRoot(), 'venv')}). ${HOW_TO_GET_IT}`);
  if (!existsSync(python)) throw new TicketLensError('bad_input', `--python ${python} does not exist. ${HOW_TO_GET_IT}`);
  return { python, script };
}

const Verify = z.object({
  texts: z.number(),
  cosine: z.object({ fp32: z.object({ min: z.number(), mean: z.number() }), q8: z.object({ min: z.number(), mean: z.number() }) }),
  optimized: z.boolean(),
  torch: z.string(),
  onnxruntime: z.string(),
  seconds: z.number(),
});

/** finetune.py's JSON lines. */
export const TrainerEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('start'), device: z.string(), threads: z.number(), labels: z.number(), pairs: z.number(), steps: z.number(), batch: z.number(), epochs: z.number(), lr: z.number() }),
  z.object({ event: z.literal('step'), step: z.number(), total: z.number(), loss: z.number() }),
  z.object({ event: z.literal('export') }),
  z.object({
    event: z.literal('done'),
    ok: z.boolean(),
    device: z.string(),
    threads: z.number(),
    trainSeconds: z.number(),
    exportSeconds: z.number(),
    /** Mean loss of the last 20 steps. */
    finalLoss: z.number().nullable(),
    verify: Verify,
  }),
]);
export type TrainerEvent = z.infer<typeof TrainerEvent>;
export type TrainerStart = Extract<TrainerEvent, { event: 'start' }>;
export type TrainerDone = Extract<TrainerEvent, { event: 'done' }>;

export interface TrainerArgs {
  outDir: string;
  trainCsv: string;
  verifyTextsCsv: string;
  epochs: number;
  batchSize: number;
  maxPairs: number;
  seed: number;
  device: 'auto' | 'cpu' | 'cuda';
}

export interface TrainerHooks {
  python?: string;
  signal?: AbortSignal;
  onEvent?: (e: TrainerEvent) => void;
  /** Lines that are not events (the export's own report, warnings). */
  onLog?: (line: string) => void;
}

/** Runs finetune.py to the end; resolves with its start and done events. */
export function runTrainer(a: TrainerArgs, hooks: TrainerHooks = {}): Promise<{ start: TrainerStart; done: TrainerDone }> {
  const { python, script } = requirePython(hooks.python);
  const args = [script, a.outDir, '--train', a.trainCsv, '--verify-texts', a.verifyTextsCsv, '--epochs', String(a.epochs), '--batch-size', String(a.batchSize), '--max-pairs', String(a.maxPairs), '--seed', String(a.seed), '--device', a.device];
  return new Promise((resolve, reject) => {
    if (hooks.signal?.aborted) return reject(cancelled());
    const child = spawn(python, args, {
      env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONWARNINGS: 'ignore', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let start: TrainerStart | null = null;
    let done: TrainerDone | null = null;
    // The last lines of stderr, for the error message when the script fails.
    const errTail: string[] = [];
    const onAbort = () => child.kill('SIGTERM');
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    lines(child.stdout, (line) => {
      const parsed = line.startsWith('{') ? TrainerEvent.safeParse(safeJson(line)) : null;
      if (!parsed?.success) return hooks.onLog?.(line);
      const e = parsed.data;
      if (e.event === 'start') start = e;
      if (e.event === 'done') done = e;
      hooks.onEvent?.(e);
    });
    lines(child.stderr, (line) => {
      errTail.push(line);
      if (errTail.length > 20) errTail.shift();
    });
    child.on('error', (err) => {
      hooks.signal?.removeEventListener('abort', onAbort);
      reject(new TicketLensError('model_unavailable', `could not run ${python}: ${err.message}. ${HOW_TO_GET_IT}`));
    });
    child.on('close', (code, sig) => {
      hooks.signal?.removeEventListener('abort', onAbort);
      if (hooks.signal?.aborted) return reject(cancelled());
      if (code === 0 && start && done) return resolve({ start, done });
      const why = done && !done.ok ? `the exported model failed its parity check (q8 min cosine ${done.verify.cosine.q8.min.toFixed(4)}, fp32 ${done.verify.cosine.fp32.min.toFixed(6)})` : `exit ${code ?? sig}`;
      reject(new TicketLensError('job_failed', `Fine-tuning failed: ${why}.\n${errTail.join('\n')}`));
    });
  });
}

function cancelled(): TicketLensError {
  return new TicketLensError('job_cancelled', 'Fine-tuning was cancelled; no model was written.');
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trimEnd();
      buf = buf.slice(nl + 1);
      if (line) onLine(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) onLine(buf.trim());
  });
}
