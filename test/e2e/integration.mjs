// Opens the workbench with the extension loaded from source and the integration suite as
// extensionTestsPath (docs/testing-in-vscode.md), then waits for the suite's result file — the
// extension host's exit code cannot be trusted to reflect failures.
import { readFileSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const { TL_PORT, TL_WORKSPACE, TL_EXT, TL_CHROME_DIR, TL_RESULTS } = process.env;
const remote = (p) => `vscode-remote://127.0.0.1:${TL_PORT}${p}`;
const payload = encodeURIComponent(
  JSON.stringify([
    ['extensionDevelopmentPath', remote(TL_EXT)],
    ['extensionTestsPath', remote(join(TL_EXT, 'dist-test', 'integration.js'))],
  ]),
);
const ctx = await chromium.launchPersistentContext(TL_CHROME_DIR, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
await page.goto(`http://127.0.0.1:${TL_PORT}/?folder=${encodeURIComponent(TL_WORKSPACE)}&payload=${payload}`);
const resultFile = join(TL_WORKSPACE, '.ticket-lens-it.json');

/** The parsed result once the suite has written it whole (watching its folder, no polling), or null after `ms`. */
function resultWritten(file, ms) {
  return new Promise((resolve) => {
    const read = () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return null; // not there yet, or still being written: the next change event tries again
      }
    };
    const check = () => {
      const result = read();
      if (result) done(result);
    };
    const watcher = watch(dirname(file), (_event, name) => (name === null || name === basename(file)) && check());
    const timer = setTimeout(() => done(null), ms);
    function done(result) {
      clearTimeout(timer);
      watcher.close();
      resolve(result);
    }
    check(); // it may have been written before the watch began
  });
}

const result = await resultWritten(resultFile, 12 * 60 * 1000);
await page.screenshot({ path: join(TL_RESULTS, '00-integration.png') }).catch(() => {});
await ctx.close();
if (!result) {
  console.log('✗ the integration suite wrote no result within 12 minutes');
  process.exit(1);
}
const { failures, outcomes } = result;
for (const o of outcomes) console.log(`${o.state === 'passed' ? '✓' : '✗'} ${o.title} (${(o.ms / 1000).toFixed(1)}s)${o.error ? `\n    ${o.error.split('\n').slice(0, 6).join('\n    ')}` : ''}`);
console.log(`\nintegration tests: ${outcomes.length - failures} passed, ${failures} failed`);
process.exit(failures || outcomes.length === 0 ? 1 : 0);
