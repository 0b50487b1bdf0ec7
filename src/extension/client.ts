/**
 * The one typed client of the model server: every call goes through here, every response is
 * validated with the shared zod schema, and every error comes back as a TicketLensError with the
 * server's message (which names file, row and column where there is one).
 */
import type { z } from 'zod';
import {
  ClassifyResponse,
  CsvPreview,
  ErrorBody,
  ExportLabelsResult,
  HealthResponse,
  JobInfo,
  LabelCheckResult,
  LabelEstimate,
  LabelPreview,
  LoadedRun,
  PredictResponse,
  RunEditResult,
  RunPoints,
  StoreDatasets,
  TicketLensError,
  type ClassifyRequest,
  type ClusterRequest,
  type ExportLabelsRequest,
  type LabelCheckRequest,
  type LabelOptionsInput,
  type TrainRequest,
  type RunEdit,
  type StoreIngestRequest,
  type StoreLocation,
  type StoreTrendsRequest,
} from '../shared/api';
import type { EvaluateRequest } from '../shared/evaluation';
import type { ProfileRequest } from '../shared/profile';
import type { TagRequest } from '../shared/tag';

export class ServerClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    /** Awaited before an "unreachable" error is thrown (the owner settles the process's state). */
    private readonly onUnreachable: () => Promise<void> = () => Promise.resolve(),
  ) {}

  private async call<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, body?: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Cancelled.');
      await this.onUnreachable();
      throw new TicketLensError('internal', `The Ticket Lens server is not reachable (${(err as Error).message}).`);
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = ErrorBody.safeParse(json);
      throw e.success ? new TicketLensError(e.data.error.code, e.data.error.message, e.data.error.details) : new TicketLensError('internal', `HTTP ${res.status} from ${path}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new TicketLensError('internal', `Unexpected response from ${path}: ${parsed.error.message}`);
    return parsed.data;
  }

  health(signal?: AbortSignal) {
    return this.call('GET', '/health', HealthResponse, undefined, signal);
  }
  csvPreview(path: string, rows = 20) {
    return this.call('POST', '/csv/preview', CsvPreview, { path, rows });
  }
  cluster(req: ClusterRequest) {
    return this.call('POST', '/cluster', JobInfo, req);
  }
  job(id: string) {
    return this.call('GET', `/jobs/${encodeURIComponent(id)}`, JobInfo);
  }
  cancel(id: string) {
    return this.call('POST', `/jobs/${encodeURIComponent(id)}/cancel`, JobInfo, {});
  }
  loadRun(runDir: string) {
    return this.call('POST', '/runs/load', LoadedRun, { runDir });
  }
  /** `dateColumn`: also each row's date from that column of the run's input CSV. */
  points(runDir: string, dateColumn?: string) {
    return this.call('POST', '/runs/points', RunPoints, dateColumn === undefined ? { runDir } : { runDir, dateColumn });
  }
  editRun(runDir: string, edits: RunEdit[]) {
    return this.call('POST', '/runs/edit', RunEditResult, { runDir, edits });
  }
  exportLabels(req: ExportLabelsRequest) {
    return this.call('POST', '/runs/export-labels', ExportLabelsResult, req);
  }
  predict(runDir: string, texts: string[]) {
    return this.call('POST', '/runs/predict', PredictResponse, { runDir, texts });
  }
  classify(req: ClassifyRequest, signal?: AbortSignal) {
    return this.call('POST', '/classify', ClassifyResponse, req, signal);
  }
  train(req: TrainRequest) {
    return this.call('POST', '/classify/train', JobInfo, req);
  }
  labelEstimate(runDir: string, options: LabelOptionsInput) {
    return this.call('POST', '/label/estimate', LabelEstimate, { runDir, options });
  }
  labelPreview(runDir: string, options: LabelOptionsInput) {
    return this.call('POST', '/label/preview', LabelPreview, { runDir, options });
  }
  label(runDir: string, apiKey: string | null, options: LabelOptionsInput) {
    return this.call('POST', '/label', JobInfo, { runDir, apiKey, options });
  }
  /** The key travels in the body only; a refused key is an answer (ok: false), not an error. */
  labelCheck(req: LabelCheckRequest) {
    return this.call('POST', '/label/check', LabelCheckResult, req);
  }
  /** A job whose result is a TagSummary (a dry run's too), or with `train` a TagTrainResult; the key travels in the body only. */
  tag(req: TagRequest) {
    return this.call('POST', '/tag', JobInfo, req);
  }

  /** A connection string in `store` travels in the body only, never in a URL. */
  storeIngest(req: StoreIngestRequest) {
    return this.call('POST', '/store/ingest', JobInfo, req);
  }
  storeDatasets(store?: StoreLocation) {
    return this.call('POST', '/store/datasets', StoreDatasets, { store });
  }
  profile(req: ProfileRequest) {
    return this.call('POST', '/profile', JobInfo, req);
  }
  /** A job whose result is the Evaluation of one classifier task on a labelled CSV. */
  evaluate(req: EvaluateRequest) {
    return this.call('POST', '/evaluate', JobInfo, req);
  }
  /** A job whose result is the run's trends (TrendsFile), also written to its trends.json and summary.md. */
  storeTrends(req: StoreTrendsRequest) {
    return this.call('POST', '/store/trends', JobInfo, req);
  }

  /** Polls a job until it ends; `onProgress` sees every change. Resolves with the final JobInfo. */
  async waitForJob(id: string, onProgress: (j: JobInfo) => void, isCancelled: () => boolean): Promise<JobInfo> {
    let cancelSent = false;
    for (;;) {
      const j = await this.job(id);
      onProgress(j);
      if (j.state !== 'queued' && j.state !== 'running') return j;
      if (isCancelled() && !cancelSent) {
        cancelSent = true;
        await this.cancel(id);
      }
      await new Promise((r) => setTimeout(r, 400));
    }
  }
}
