/**
 * What the answer of POST /label/check (a key and a model against the Claude Models API) means for
 * the user: whether to store the key, whether to offer another model, and what to say. Without the
 * editor, so it can be tested; commands/claudeKey.ts acts on it.
 */
import type { LabelCheckResult, LabelModelInfo } from '../shared/api';

export interface CheckAdvice {
  /** accepted: store it; refused: do not store it unasked; unknown: the check could not run. */
  key: 'accepted' | 'refused' | 'unknown';
  /** unavailable: the key cannot use the model, offer `models`; unknown: not checked. */
  model: 'available' | 'unavailable' | 'unknown';
  /** The models the key can use, for a quick pick (the server's order: newest first). */
  models: LabelModelInfo[];
  /** For the user: the server's reason where there is one. */
  message: string;
}

export function adviceOf(r: LabelCheckResult): CheckAdvice {
  const reason = r.error?.message ?? '';
  if (!r.ok) {
    const refused = r.error?.code === 'llm_auth_failed' || r.error?.code === 'llm_forbidden';
    return { key: refused ? 'refused' : 'unknown', model: 'unknown', models: [], message: reason || 'The Claude API did not accept the key.' };
  }
  if (r.modelAvailable) {
    const resolved = r.resolvedModel && r.resolvedModel !== r.model ? ` (${r.resolvedModel})` : '';
    return { key: 'accepted', model: 'available', models: r.models, message: `The key can use ${r.model}${resolved}.` };
  }
  // The key was accepted; only a refusal of the model is worth another choice, not a network failure.
  if (r.error?.code === 'llm_unavailable') return { key: 'accepted', model: 'unknown', models: r.models, message: reason };
  return { key: 'accepted', model: 'unavailable', models: r.models, message: reason || `The key cannot use ${r.model}.` };
}

/** A check that could not be asked (the server did not start, or refused the request). */
export function uncheckedAdvice(message: string): CheckAdvice {
  return { key: 'unknown', model: 'unknown', models: [], message };
}

/** Quick-pick entries for the models, the current one marked. */
export function modelPicks(models: readonly LabelModelInfo[], current: string): { label: string; description: string; id: string }[] {
  return models.map((m) => ({ label: m.id, description: m.id === current ? `${m.displayName} (current)` : m.displayName, id: m.id }));
}
