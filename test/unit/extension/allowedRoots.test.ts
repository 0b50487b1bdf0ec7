/**
 * The folders the extension lets the model server use (src/extension/allowedRoots.ts): the workspace
 * folders and the folder of a classifier file named in the user's settings, on a real file system
 * (the server refuses to start with a root that does not exist).
 */
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedRoots, rootArgs, type RootInputs } from '../../../src/extension/allowedRoots';

const base = mkdtempSync(join(tmpdir(), 'tl-roots-'));
const dir = (name: string) => {
  const d = join(base, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const a = dir('a');
const b = dir('b');
const mine = dir('home/models');
const shipped = dir('ext/models/classifiers');
const isFolder = (d: string) => statSync(d, { throwIfNoEntry: false })?.isDirectory() ?? false;
const roots = (o: Partial<RootInputs>) => allowedRoots({ workspaceFolders: [a], userClassifier: undefined, isFolder, fallback: shipped, ...o });

describe('allowed roots', () => {
  it('every workspace folder', () => {
    expect(roots({ workspaceFolders: [a, b] })).toEqual([a, b]);
  });

  it("and the folder of the user's own classifier file when it is an absolute path; a name or a relative path adds none", () => {
    expect(roots({ userClassifier: join(mine, 'intents.tlc') })).toEqual([a, mine]);
    expect(roots({ userClassifier: 'banking77' })).toEqual([a]);
    expect(roots({ userClassifier: '.ticket-lens/models/x.tlc' })).toEqual([a]);
    expect(roots({ userClassifier: '' })).toEqual([a]);
  });

  it('each folder once, normalised', () => {
    expect(roots({ workspaceFolders: [`${a}/`, a, join(b, '..', 'a')], userClassifier: join(a, 'm.tlc') })).toEqual([a]);
  });

  it('only folders that exist; when no workspace folder does, only the fallback, so the server stays confined', () => {
    expect(roots({ workspaceFolders: [a, join(base, 'gone')], userClassifier: join(base, 'nowhere', 'm.tlc') })).toEqual([a]);
    expect(roots({ workspaceFolders: [join(base, 'gone')] })).toEqual([shipped]);
  });

  it('a window without a folder gives none (the server then accepts any path the user picks)', () => {
    expect(roots({ workspaceFolders: [], userClassifier: join(mine, 'm.tlc') })).toEqual([]);
  });

  it('become one --allow-root per folder', () => {
    expect(rootArgs(['/work/a', '/x y/b'])).toEqual(['--allow-root', '/work/a', '--allow-root', '/x y/b']);
    expect(rootArgs([])).toEqual([]);
  });
});
