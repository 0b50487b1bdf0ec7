import { EmbedRequest, EmbedResponse } from '../../../shared/api';
import { defineRoute } from '../route';

export const embedRoutes = [
  defineRoute({
    method: 'POST',
    path: '/embed',
    tag: 'embeddings',
    summary: 'L2-normalised sentence embeddings of up to MAX_EMBED_BATCH texts',
    body: EmbedRequest,
    response: EmbedResponse,
    async handler({ body, signal }, ctx) {
      const e = await ctx.getEmbedder();
      const flat = await e.embed(body.texts, { signal, persist: false, priority: 'interactive' });
      const dim = e.info.dim;
      const vectors = body.texts.map((_, i) => Array.from(flat.subarray(i * dim, (i + 1) * dim)));
      return { model: e.info.modelId, dim, vectors };
    },
  }),
];
