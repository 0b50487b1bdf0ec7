/**
 * Checks an API key and a model against the Claude Models API before any labelling: models.list for
 * the models the key can use (the extension's quick pick), models.retrieve for the chosen model (an
 * alias resolves to its id; a retired model cannot be used). A refusal is the answer, not a failure:
 * the result names it for the user. The key is used for the client and nothing else.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { LabelCheckResult, LabelModelInfo } from '../../shared/api';
import { describe } from './retry';

// Far more than the API lists; only bounds the paging if a proxy keeps answering has_more.
const MAX_MODELS = 1000;

type CheckError = NonNullable<LabelCheckResult['error']>;

function unreachable(err: unknown, baseURL: string | null): CheckError {
  const where = baseURL ? ` at ${baseURL}` : '';
  if (err instanceof Anthropic.APIConnectionError) return { code: 'llm_unavailable', message: `Could not reach the Claude API${where} (${describe(err)}) — check the network${baseURL ? ' and the base URL' : ''}.` };
  return { code: 'llm_unavailable', message: `The Claude API${where} answered ${describe(err)} — try again later.` };
}

function listError(err: unknown, baseURL: string | null): CheckError {
  if (err instanceof Anthropic.APIError && err.status !== undefined) {
    const why = `${err.status} ${err.type ?? 'error'}`;
    if (err.status === 401) return { code: 'llm_auth_failed', message: `Claude rejected the API key (${why}) — set a valid key.` };
    if (err.status === 403) return { code: 'llm_forbidden', message: `The API key may not list models (${why}) — check the key's permissions.` };
    if (err.status === 404) return { code: 'llm_unavailable', message: `No Models API at ${baseURL ?? 'the API URL'} (${why}) — check the base URL.` };
  }
  return unreachable(err, baseURL);
}

function modelError(err: unknown, model: string, baseURL: string | null): CheckError {
  if (err instanceof Anthropic.APIError && err.status !== undefined) {
    const why = `${err.status} ${err.type ?? 'error'}`;
    if (err.status === 404) return { code: 'llm_model_not_found', message: `Claude does not serve the model id '${model}' (${why}) — choose another model.` };
    if (err.status === 403) return { code: 'llm_forbidden', message: `The API key has no access to the model '${model}' (${why}) — choose another model.` };
    if (err.status === 401) return { code: 'llm_auth_failed', message: `Claude rejected the API key (${why}) — set a valid key.` };
  }
  return unreachable(err, baseURL);
}

export async function checkKeyAndModel(
  req: { apiKey: string; model: string; baseURL: string | null },
  o: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LabelCheckResult> {
  const client = new Anthropic({ apiKey: req.apiKey, baseURL: req.baseURL ?? undefined, maxRetries: 0, timeout: o.timeoutMs ?? 15_000 });
  const none = { model: req.model, modelAvailable: false, resolvedModel: null };
  const models: LabelModelInfo[] = [];
  try {
    for await (const m of client.models.list({ limit: 100 }, { signal: o.signal })) {
      models.push({ id: m.id, displayName: m.display_name });
      if (models.length >= MAX_MODELS) break;
    }
  } catch (err) {
    return { ok: false, models: [], ...none, error: listError(err, req.baseURL) };
  }
  try {
    const info = await client.models.retrieve(req.model, {}, { signal: o.signal });
    if (info.lifecycle === 'retired') return { ok: true, models, ...none, error: { code: 'llm_model_not_found', message: `The model '${req.model}' is retired — choose another model.` } };
    return { ok: true, models, model: req.model, modelAvailable: true, resolvedModel: info.id, error: null };
  } catch (err) {
    return { ok: true, models, ...none, error: modelError(err, req.model, req.baseURL) };
  }
}
