/**
 * The value "Use for Classify Selection" writes to ticketLens.classifierModel (src/extension/classifierSetting.ts),
 * read back the way Classify Selection reads it: inside a workspace folder a relative path that resolves to the model.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifierSetting } from '../../../src/extension/classifierSetting';

/** Classify Selection's reading of the setting (classifySelection.ts modelRef): a value with a slash is a path, else a shipped name. */
const isPath = (value: string) => /[\\/]/.test(value);

describe('the classifierModel setting for a trained model', () => {
  it('inside a workspace folder: a workspace setting, relative with "/", that resolves back to the model', () => {
    const folder = join('/ws', 'project');
    const model = join(folder, '.ticket-lens', 'tags', 'tickets-topic', 'classifier.tlc');
    const s = classifierSetting(model, folder);
    expect(s).toEqual({ value: '.ticket-lens/tags/tickets-topic/classifier.tlc', target: 'workspace' });
    expect(join(folder, s.value)).toBe(model);
  });

  it('a model at the top of the folder keeps a slash, so it is not taken for a shipped classifier', () => {
    const folder = join('/ws', 'project');
    const s = classifierSetting(join(folder, 'support.tlc'), folder);
    expect(isPath(s.value)).toBe(true);
    expect(join(folder, s.value)).toBe(join(folder, 'support.tlc'));
  });

  it('outside every workspace folder: the absolute path, as a user setting', () => {
    const model = join('/elsewhere', 'tags', 'classifier.tlc');
    expect(classifierSetting(model, null)).toEqual({ value: model, target: 'global' });
  });
});
