/**
 * Run updates as one step: what a crash leaves at each point of a commit reads back as the old run or
 * the new one, never a mix; leftovers of dead writers are removed and never sit where the extension
 * looks for runs; concurrent updates of one run are serialised by its lock, none lost.
 * (The same windows with a real server killed -9 in them: test/unit/faults/kill.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterRecord } from '../../../src/shared/api';
import { STAGING_DIR, writeDirAtomic } from '../../../src/server/data/atomic';
import { clustersText } from '../../../src/server/run/clustersJson';
import { COMMIT_JOURNAL } from '../../../src/server/run/commit';
import { loadRun, updateRun } from '../../../src/server/run/folder';
import { manifestText } from '../../../src/server/run/runJson';
import { runManifest } from '../../support/runManifest';

/** The pid of a process that has exited: what a killed writer's temporary names carry. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
const hex = '0badc0de';

/** Where VS Code's findFiles('**\/.ticket-lens/runs/*\/run.json') finds runs (its `*` matches names with a leading dot too). */
const listedAsRun = (rel: string) => /^(?:.*\/)?\.ticket-lens\/runs\/[^/]*\/run\.json$/.test(rel);

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

function cluster(id: string, label: string | null = null): ClusterRecord {
  return { id, parent: null, depth: 1, size: 5, isNoise: false, keywords: [], examples: [], label, description: null, labelSource: label ? 'user' : null, reviewed: false };
}

/** A minimal run folder: run.json and clusters.json. */
async function makeRun(clusters: ClusterRecord[]): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'tl-commit-')), '.ticket-lens', 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), manifestText(runManifest('r1', { path: '/data/t.csv', rows: 10 })));
  writeFileSync(join(dir, 'clusters.json'), await clustersText(clusters));
  writeFileSync(join(dir, 'summary.md'), 'old summary\n');
  return dir;
}

describe('an update interrupted by a crash', () => {
  it('committed (journal in place) and applied part-way: the next read finishes it', async () => {
    const dir = await makeRun([cluster('root.0'), cluster('root.1')]);
    const newClusters = await clustersText([cluster('root.0', 'renamed')]);
    writeFileSync(join(dir, `.clusters.json.tx-${deadPid}-${hex}`), newClusters);
    writeFileSync(join(dir, `.summary.md.tx-${deadPid}-${hex}`), 'new summary\n');
    writeFileSync(join(dir, COMMIT_JOURNAL), JSON.stringify({ pid: deadPid, files: [{ name: 'clusters.json', staged: `.clusters.json.tx-${deadPid}-${hex}` }, { name: 'summary.md', staged: `.summary.md.tx-${deadPid}-${hex}` }] }));
    // the first file was renamed into place before the crash, the second not
    renameSync(join(dir, `.clusters.json.tx-${deadPid}-${hex}`), join(dir, 'clusters.json'));

    const run = await loadRun(dir);
    expect(run.clusters.map((c) => [c.id, c.label])).toEqual([['root.0', 'renamed']]);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe('new summary\n');
    expect(readdirSync(dir).sort()).toEqual(['clusters.json', 'run.json', 'summary.md']);
  });

  it('staged but not committed: the old run stays and the staged files go; a live writer\'s are left alone', async () => {
    const dir = await makeRun([cluster('root.0'), cluster('root.1')]);
    const before = readFileSync(join(dir, 'clusters.json'), 'utf8');
    writeFileSync(join(dir, `.clusters.json.tx-${deadPid}-${hex}`), await clustersText([]));
    writeFileSync(join(dir, `.summary.md.tx-${deadPid}-${hex}.tmp-${deadPid}-${hex}`), 'half-written');
    const live = `.clusters.json.tx-${process.pid}-${hex}`;
    writeFileSync(join(dir, live), await clustersText([]));

    const run = await loadRun(dir);
    expect(run.clusters.map((c) => c.id)).toEqual(['root.0', 'root.1']);
    expect(readFileSync(join(dir, 'clusters.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual([live, 'clusters.json', 'run.json', 'summary.md'].sort());
  });

  it("a killed job's half-built run folder is never where runs are listed, and is removed by the next load beside it", async () => {
    const dir = await makeRun([cluster('root.0')]);
    const runs = join(dir, '..');
    const ws = join(runs, '..', '..');
    // What writeDirAtomic leaves when its process dies mid-build (run.json written first)...
    let staged = '';
    await expect(
      writeDirAtomic(join(runs, 'r2'), (tmp) => {
        staged = tmp;
        writeFileSync(join(tmp, 'run.json'), '{}');
        expect(files(ws).filter(listedAsRun)).toEqual(['.ticket-lens/runs/r1/run.json']);
        return Promise.reject(new Error('stop'));
      }),
    ).rejects.toThrow('stop');
    expect(existsSync(staged)).toBe(false);
    // ...as a dead process leaves it (no cleanup ran), and as older versions left it (a dot sibling).
    mkdirSync(join(runs, STAGING_DIR, `.r3.tmp-${deadPid}-${hex}`), { recursive: true });
    writeFileSync(join(runs, STAGING_DIR, `.r3.tmp-${deadPid}-${hex}`, 'run.json'), '{}');
    mkdirSync(join(runs, `.r4.tmp-${deadPid}-${hex}`));
    writeFileSync(join(runs, `.r4.tmp-${deadPid}-${hex}`, 'run.json'), '{}');
    expect(files(ws).filter(listedAsRun)).toEqual(['.ticket-lens/runs/.r4.tmp-' + `${deadPid}-${hex}/run.json`, '.ticket-lens/runs/r1/run.json']);

    await loadRun(dir);
    expect(readdirSync(runs)).toEqual(['r1']);
    expect(files(ws).filter(listedAsRun)).toEqual(['.ticket-lens/runs/r1/run.json']);
  });
});

describe('concurrent updates of one run', () => {
  it('are serialised by the run lock: twenty read-modify-writes at once lose none', async () => {
    const dir = await makeRun([cluster('root.0', '')]);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateRun(dir, async (run) => {
          // yield between the read and the write, where an unlocked writer would be overtaken
          await new Promise((r) => setTimeout(r, 5));
          return { clusters: run.clusters.map((c) => ({ ...c, label: `${c.label ?? ''}${i},` })) };
        }),
      ),
    );
    const label = (await loadRun(dir)).clusters[0].label!;
    expect(label.split(',').filter(Boolean).map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('Ticket Lens clusters');
  });
});
