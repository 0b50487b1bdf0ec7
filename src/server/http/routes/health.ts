import { HealthResponse } from '../../../shared/api';
import { defineRoute } from '../route';

export const healthRoutes = [
  defineRoute({
    method: 'GET',
    path: '/health',
    tag: 'server',
    summary: 'Version, model, device (and why), dtype and uptime',
    response: HealthResponse,
    handler(_input, ctx) {
      const e = ctx.loadedEmbedder();
      return {
        status: 'ok' as const,
        version: ctx.version,
        pid: process.pid,
        uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
        model: { id: e?.info.modelId ?? ctx.config.modelDir, path: ctx.config.modelDir, sha256: e?.info.modelHash, dim: e?.info.dim, lineage: e?.info.lineage, loaded: !!e },
        device: e ? e.info.device : { requested: ctx.config.device, active: null, reason: 'the model loads on first use' },
        dtype: ctx.config.dtype,
      };
    },
  }),
];
