/**
 * The value "Use for Classify Selection" gives `ticketLens.classifierModel` for a model file, without
 * the editor so it can be tested. Inside a workspace folder it is a workspace setting holding the
 * path relative to the folder, with `/`, so it still holds when the folder is moved or cloned
 * (classifySelection.ts resolves it in the folder); elsewhere, the absolute path as a user setting.
 */
import * as path from 'node:path';

export interface ClassifierSetting {
  value: string;
  target: 'workspace' | 'global';
}

/** `folder`: the workspace folder holding the model, or null when none does. */
export function classifierSetting(modelPath: string, folder: string | null): ClassifierSetting {
  if (!folder) return { value: modelPath, target: 'global' };
  const relative = path.relative(folder, modelPath).split(path.sep).join('/');
  // A value without a slash names a shipped classifier (classifySelection.ts): a model at the folder's top keeps its "./".
  return { value: relative.includes('/') ? relative : `./${relative}`, target: 'workspace' };
}
