// UI end-to-end in a real VS Code (code-server) through Chromium, started by scripts/test-e2e.mjs with
// the packaged VSIX installed. Selectors follow shared/notes/vscode-e2e.md. Each step saves a
// screenshot to test-results/. No fixed sleeps: every step waits for what a user would see next.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { MARKUP, seedTickets } from './seedTickets.mjs';

const { TL_PORT, TL_WORKSPACE, TL_CHROME_DIR, TL_RESULTS } = process.env;
mkdirSync(TL_RESULTS, { recursive: true });
const url = `http://127.0.0.1:${TL_PORT}/?folder=${encodeURIComponent(TL_WORKSPACE)}`;
const tickets = seedTickets(join(TL_WORKSPACE, 'tickets.csv'));

const ctx = await chromium.launchPersistentContext(TL_CHROME_DIR, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
let step = 0;
const shot = (name) => page.screenshot({ path: join(TL_RESULTS, `${String(++step).padStart(2, '0')}-${name}.png`) });
const failures = [];
async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    await shot(name);
    console.log(`✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  } catch (err) {
    await shot(`FAILED-${name}`).catch(() => {});
    console.log(`✗ ${name}: ${err.message.split('\n')[0]}`);
    failures.push(name);
  }
}

const explorerRow = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
const toast = (text) => page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
const quickInput = page.locator('.quick-input-widget .quick-input-box input');
const quickWidget = page.locator('.quick-input-widget');
const quickRow = (text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
const menu = page.locator('.monaco-menu:visible').first();
const webview = () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

/** Runs `command` from the explorer context menu of `file`, bringing the Explorer back first if another view replaced it. */
async function fromExplorerMenu(file, command) {
  if (!(await explorerRow(file).isVisible())) await page.locator('.activitybar .action-item .action-label[aria-label^="Explorer"]').first().click();
  await explorerRow(file).waitFor({ timeout: 10_000 });
  for (let attempt = 0; attempt < 10; attempt++) {
    await explorerRow(file).click({ button: 'right' });
    // :visible — menus that were closed stay in the DOM, hidden.
    const item = page.locator('.monaco-menu .action-item .action-label:visible', { hasText: command }).first();
    // (isVisible does not wait; waitFor does)
    if (await item.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
      // Playwright's click() on a menu item is not taken here (measured: the menu stays open); the
      // keyboard on the hovered item is.
      await item.hover();
      await page.keyboard.press('Enter');
      return;
    }
    // Contributions arrive a few seconds after the explorer renders: close the menu and ask again.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
  }
  throw new Error(`no "${command}" in the explorer context menu`);
}

const clusterFromExplorer = (file) => fromExplorerMenu(file, 'Cluster This CSV');

/** The step of "Cluster This CSV" whose title shows `(n/4)`. */
const clusterStep = (n) => page.locator('.quick-input-widget .quick-input-title', { hasText: `Cluster This CSV (${n}/4)` });
const focusedRow = (text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: text });

/**
 * Answers a quick pick step with Enter once its list shows `text` focused: the title arrives before
 * the items (the extension host sends them separately), and Enter on an empty list cancels the command.
 */
async function pick(step, text, timeout = 10_000) {
  await clusterStep(step).waitFor({ timeout });
  await focusedRow(text).waitFor({ timeout });
}

async function answerPicks(label) {
  await pick(1, '(detected)', 60_000);
  await shot('column-pick');
  await page.keyboard.press('Enter'); // text column (detected)
  await clusterStep(2).waitFor({ timeout: 10_000 });
  if (label) await quickInput.fill(label);
  await pick(2, label ?? 'None');
  await page.keyboard.press('Enter'); // label column
  await pick(3, /clusters only|clusters and sub-clusters|three levels/);
  await page.keyboard.press('Enter'); // depth (the default comes first)
  await clusterStep(4).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter'); // min cluster size (auto)
  await quickWidget.waitFor({ state: 'hidden', timeout: 10_000 });
}

async function palette(title) {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.keyboard.press('F1');
    await quickInput.fill(`>${title}`);
    if (await quickRow(title).waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    // An open palette does not pick up commands contributed meanwhile: close it and open it again.
    await page.keyboard.press('Escape');
    await quickWidget.waitFor({ state: 'hidden', timeout: 5000 });
  }
  throw new Error(`no "${title}" in the command palette`);
}

await page.goto(url);
await check('workbench shows the workspace', async () => {
  await explorerRow('tickets.csv').waitFor({ timeout: 60_000 });
});

await check('Classify Selection shows intent, category, priority and sentiment', async () => {
  await explorerRow('ticket.txt').click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'charged twice' }).first().waitFor({ timeout: 30_000 });
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await palette('Ticket Lens: Classify Selection');
  for (const t of ['intent: ', 'category: ', 'priority: ', 'sentiment: Negative', 'Copy as JSON']) await quickRow(t).waitFor({ timeout: 120_000 });
  const intent = await quickRow('intent: ').textContent();
  if (!/intent: (payment_issue|get_refund|check_refund_policy|track_refund)\s*\d+%/.test(intent)) throw new Error(`unexpected intent row: ${intent}`);
  await shot('classify-selection-quick-pick');
  await page.keyboard.press('Escape');
});

await check('a malformed CSV gives an error notification naming the problem', async () => {
  await clusterFromExplorer('broken.csv');
  await answerPicks(null);
  await toast('has 3 fields, but the header has 2').waitFor({ timeout: 90_000 });
});

await check('Cluster This CSV clusters the sample and fills the cluster browser', async () => {
  await clusterFromExplorer('tickets.csv');
  await answerPicks('intent');
  const done = toast(/\d+ clusters, \d+% noise/);
  // An error toast that is not the malformed CSV's (still shown) ends the wait with its message.
  const error = page
    .locator('.notifications-toasts .notification-list-item', { has: page.locator('.codicon-error') })
    .filter({ hasNotText: 'has 3 fields' })
    .first();
  const first = await Promise.race([done.waitFor({ timeout: 180_000 }).then(() => 'done'), error.waitFor({ timeout: 180_000 }).then(() => 'error', () => new Promise(() => {}))]);
  if (first === 'error') throw new Error(`clustering failed: ${await error.textContent()}`);
  const text = await done.textContent();
  if (!/against intent: ARI 0\.\d+/.test(text)) throw new Error(`unexpected notification: ${text}`);
  await page.locator('.monaco-list-row', { hasText: 'tickets.csv' }).filter({ hasText: 'clusters' }).first().waitFor({ timeout: 30_000 });
  await page.locator('.monaco-list-row', { hasText: 'rows (' }).first().waitFor({ timeout: 30_000 });
});

await check('the summary webview shows the clusters, keywords and metrics', async () => {
  const button = page.locator('.notifications-toasts .monaco-button', { hasText: 'Open Summary' }).first();
  if (await button.isVisible()) await button.click();
  else await palette('Ticket Lens: Open Cluster Summary');
  const frame = webview();
  await frame.locator('h2', { hasText: 'tickets.csv' }).waitFor({ timeout: 60_000 });
  await frame.locator('.metrics', { hasText: 'against intent: ARI' }).waitFor({ timeout: 10_000 });
  await frame.locator('.kw', { hasText: 'Keywords:' }).first().waitFor({ timeout: 10_000 });
});

/** The examples the summary shows: their element, text and row. */
async function shownExamples(frame) {
  const texts = await frame.locator('.ex').allTextContents();
  return texts.map((text, i) => ({ text, row: Number(/^row (\d+):/.exec(text)?.[1]), at: frame.locator('.ex').nth(i) }));
}

await check('the summary webview shows markup in tickets and labels as text, never as HTML', async () => {
  const frame = webview();
  // A label with markup, typed into the webview's own rename field: it goes through the extension and
  // the server into the run files and comes back as text.
  await frame.locator('vscode-textfield').first().locator('input').fill(MARKUP[1]);
  await frame.locator('vscode-button', { hasText: 'Rename' }).first().click();
  await frame.locator('h3', { hasText: '<img src=x onerror=' }).first().waitFor({ timeout: 30_000 });
  /* global document -- the callback runs inside the webview */
  const found = await frame.locator('body').evaluate(() => ({
    imgs: document.querySelectorAll('img, [onerror]').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('pwned')).length,
    title: document.title,
  }));
  if (found.imgs || found.scripts || found.title === 'pwned') throw new Error(`markup was rendered: ${JSON.stringify(found)}`);
  // Every shown example whose ticket holds markup shows that markup, character for character.
  const withMarkup = (await shownExamples(frame)).filter((e) => MARKUP.some((m) => tickets.records[e.row - 1]?.text.includes(m)));
  if (withMarkup.length === 0) throw new Error('no shown example holds markup: the check would prove nothing (see seedTickets.mjs)');
  for (const e of withMarkup) {
    const markup = MARKUP.find((m) => tickets.records[e.row - 1].text.includes(m));
    if (!e.text.includes(markup)) throw new Error(`row ${e.row} is shown as ${JSON.stringify(e.text)}, without its markup as text`);
  }
  // The tree follows the edit.
  await page.locator('.monaco-list-row', { hasText: '<img src=x onerror=' }).first().waitFor({ timeout: 30_000 });
});

await check('a label the server refuses in the summary shows its error', async () => {
  const frame = webview();
  const tooLong = `A label far longer than any cluster name should be ${'x'.repeat(40)}`;
  await frame.locator('vscode-textfield').nth(1).locator('input').fill(tooLong);
  await frame.locator('vscode-button', { hasText: 'Rename' }).nth(1).click();
  await toast(/label.*80 characters/).waitFor({ timeout: 30_000 });
  if ((await frame.locator('h3', { hasText: tooLong }).count()) > 0) throw new Error('the refused label was shown');
});

await check('Reveal from the summary opens the line where the record starts, past records with newlines', async () => {
  const frame = webview();
  const examples = await shownExamples(frame);
  // A record that itself spans lines, with others before it that do: its row number alone gives the wrong line.
  const target = examples.find((e) => tickets.records[e.row - 1]?.text.includes('\n') && tickets.startLine[e.row - 1] !== e.row + 1);
  if (!target) throw new Error(`no shown example spans lines (rows ${examples.map((e) => e.row).join(', ')}); see seedTickets.mjs`);
  const line = tickets.startLine[target.row - 1];
  await target.at.click();
  await page.locator('.tabs-container .tab.active', { hasText: 'tickets.csv' }).waitFor({ timeout: 30_000 });
  const status = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
  await page
    .locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col`) })
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(async () => {
      throw new Error(`row ${target.row} starts on line ${line}; the editor is at "${await status.textContent()}"`);
    });
});

// ── The map at scale (H8): a run folder of 200k synthetic rows, written directly (a run folder is just
// files: run.json, clusters.json, assignments.csv), opened as the newest run. Checks that every point is
// drawn, hover shows the row's text (fetched on demand), click selects the cluster, a lasso selects the
// points inside it and names them as a new cluster (on disk too), a box and the keyboard select too,
// the map colours by the input CSV's date column, and prints pan/zoom frame times. TL_MAP_ROWS (default
// 200,000) sizes it: TL_MAP_ROWS=1000000 npm run test:e2e -- --ui measures the frame times at a million points.
const MAP_ROWS = Number(process.env.TL_MAP_ROWS || 200_000);
const MAP_TOPICS = ['refund', 'delivery', 'password', 'invoice', 'cancel', 'upgrade', 'shipping', 'login', 'warranty', 'coupon', 'address', 'subscription'];
const mapRunDir = join(TL_WORKSPACE, '.ticket-lens', 'runs', 'map-200k');

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);
/** Row i's created_at: one of 181 days from 1 January 2024, empty for every 97th row. */
const createdAt = (i) => (i % 97 === 0 ? '' : new Date(FIRST_DAY + (i % 181) * DAY_MS).toISOString().slice(0, 10));

/** The run's rows: 12 Gaussian blobs on a circle and 4% noise, positions as assignments.csv rounds them; the CSV has a date column. */
function seedMapRun() {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centres = MAP_TOPICS.map((_, k) => [10 * Math.cos((k / MAP_TOPICS.length) * 2 * Math.PI), 10 * Math.sin((k / MAP_TOPICS.length) * 2 * Math.PI)]);
  const rows = [];
  for (let i = 0; i < MAP_ROWS; i++) {
    const noise = rand() < 0.04;
    const k = i % MAP_TOPICS.length;
    const x = noise ? rand() * 28 - 14 : centres[k][0] + gauss();
    const y = noise ? rand() * 28 - 14 : centres[k][1] + gauss();
    // Cluster 0 has two sub-clusters (left and right of its centre), for the drill-down.
    const cluster = noise ? 'root.noise' : k === 0 ? `root.0.${x < centres[0][0] ? 0 : 1}` : `root.${k}`;
    rows.push({ row: i + 1, text: `Map ticket ${i + 1} about ${noise ? 'something else' : MAP_TOPICS[k]}`, cluster, k: noise ? -1 : k, x: Number(x.toFixed(4)), y: Number(y.toFixed(4)) });
  }
  const record = (id, parent, label, isNoise) => {
    const members = rows.filter((r) => r.cluster === id || r.cluster.startsWith(`${id}.`));
    return { id, parent, depth: id.split('.').length - 1, size: members.length, isNoise, keywords: [{ term: label, score: 1 }], autoName: isNoise ? null : `About ${label}`, examples: members.slice(0, 3).map((r) => ({ row: r.row, line: r.row + 1, text: r.text })), label: null, description: null, labelSource: null, reviewed: false };
  };
  const clusters = [];
  MAP_TOPICS.forEach((t, k) => {
    clusters.push(record(`root.${k}`, null, t, false));
    if (k === 0) clusters.push(record('root.0.0', 'root.0', `${t} (left)`, false), record('root.0.1', 'root.0', `${t} (right)`, false));
  });
  clusters.push(record('root.noise', null, 'noise', true));
  mkdirSync(mapRunDir, { recursive: true });
  const input = join(TL_WORKSPACE, 'map-200k.csv');
  writeFileSync(input, `text,created_at\n${rows.map((r, i) => `${r.text},${createdAt(i)}`).join('\n')}\n`);
  writeFileSync(join(mapRunDir, 'clusters.json'), JSON.stringify({ version: 1, clusters }));
  writeFileSync(join(mapRunDir, 'assignments.csv'), `row,line,text,cluster,probability,outlier_score,was_noise,x,y\n${rows.map((r) => `${r.row},${r.row + 1},${r.text},${r.cluster},1.0000,0.0000,${r.k < 0 ? 1 : 0},${r.x.toFixed(4)},${r.y.toFixed(4)}`).join('\n')}\n`);
  writeFileSync(
    join(mapRunDir, 'run.json'),
    JSON.stringify({ version: 1, id: 'map-200k', createdAt: new Date().toISOString(), input: { path: input, sha256: 'ab'.repeat(32), rows: MAP_ROWS, textColumn: 'text', labelColumn: null }, model: { id: 'synthetic', hash: 'cd'.repeat(32) }, params: {}, timings: {}, labelling: { state: 'none', model: null, usage: null } }),
  );
  return { rows, centres };
}

/** Where the map puts data point (x, y) on the page: its fit (a 10 px margin, y up) into the canvas box, before any pan or zoom. */
function mapScreen(rows, box) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const r of rows) {
    minX = Math.min(minX, r.x); maxX = Math.max(maxX, r.x); minY = Math.min(minY, r.y); maxY = Math.max(maxY, r.y);
  }
  return (x, y) => [box.x + ((x - minX) / (maxX - minX)) * (box.width - 20) + 10, box.y + box.height - (((y - minY) / (maxY - minY)) * (box.height - 20) + 10)];
}

function insidePolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Pixels of the map as drawn on the page in the newest and the oldest colour of the date ramp (viridis'
 * yellow #fde725 and dark purple #440154, whatever the background they are blended over); no colour of
 * the cluster palette falls in either.
 */
async function rampEnds() {
  const png = PNG.sync.read(await mapCanvas().screenshot());
  let newest = 0;
  let oldest = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (r > 220 && g > 200 && b < 110) newest++;
    if (r < 110 && g < 45 && b > 60 && b < 130) oldest++;
  }
  return { newest, oldest };
}

const mapRun = seedMapRun();
const mapCanvas = () => webview().locator('canvas.map-gl');
let lassoed = 0;

/** Data → page position for the map as it is on the page now (a selection scrolls the list, and the page with it). */
async function mapPlacement() {
  await mapCanvas().scrollIntoViewIfNeeded();
  return mapScreen(mapRun.rows, await mapCanvas().boundingBox());
}

await check(`the map draws all ${MAP_ROWS.toLocaleString('en')} points of a big run with WebGL`, async () => {
  // One summary at a time: the earlier run's panel closes, so the webview locator finds this one.
  await palette('View: Close All Editors');
  await palette('Ticket Lens: Refresh Runs');
  const t = Date.now();
  await palette('Ticket Lens: Open Cluster Summary');
  await webview().locator('h2', { hasText: 'map-200k.csv' }).waitFor({ timeout: 120_000 });
  await webview().locator(`canvas.map-gl[data-points-drawn="${MAP_ROWS}"]`).waitFor({ timeout: Math.max(120_000, MAP_ROWS * 0.6) });
  const renderer = await mapCanvas().getAttribute('data-renderer');
  if (renderer !== 'webgl2') throw new Error(`the map drew with ${renderer}, not WebGL2`);
  console.log(`  map: ${MAP_ROWS} points drawn ${((Date.now() - t) / 1000).toFixed(1)} s after Open Cluster Summary (renderer ${renderer})`);
});

await check('hovering a point of the big map shows its ticket, clicking it selects its cluster', async () => {
  const frame = webview();
  // The member of cluster 3 nearest its centre, where the mouse goes.
  const [cx, cy] = mapRun.centres[3];
  const target = mapRun.rows.filter((r) => r.k === 3).reduce((a, b) => ((a.x - cx) ** 2 + (a.y - cy) ** 2 <= (b.x - cx) ** 2 + (b.y - cy) ** 2 ? a : b));
  const mapAt = await mapPlacement();
  const [sx, sy] = mapAt(target.x, target.y);
  await page.mouse.move(sx, sy);
  const tip = frame.locator('#tip');
  await tip.waitFor({ state: 'visible', timeout: 15_000 });
  const text = await tip.textContent();
  const row = Number(/^row (\d+): /.exec(text)?.[1]);
  const hovered = mapRun.rows[row - 1];
  if (!hovered || text !== `row ${row}: ${hovered.text}`) throw new Error(`the tooltip shows ${JSON.stringify(text)}, not a row's own text`);
  if (hovered.k !== 3) throw new Error(`hovering cluster 3's centre showed row ${row} of cluster ${hovered.k}`);
  await page.mouse.click(sx, sy);
  await frame.locator('.cluster.selected[id="c-root.3"]').waitFor({ timeout: 15_000 });
});

await check('a lasso on the big map selects the points inside it, and names them as a new cluster', async () => {
  const frame = webview();
  const [cx, cy] = mapRun.centres[6];
  const mapAt = await mapPlacement();
  const polygon = Array.from({ length: 12 }, (_, k) => mapAt(cx + 2.5 * Math.cos((k / 12) * 2 * Math.PI), cy + 2.5 * Math.sin((k / 12) * 2 * Math.PI)));
  const expected = mapRun.rows.filter((r) => insidePolygon(...mapAt(r.x, r.y), polygon)).length;
  await page.keyboard.down('Shift');
  await page.mouse.move(...polygon[0]);
  await page.mouse.down();
  for (const p of [...polygon.slice(1), polygon[0]]) await page.mouse.move(...p, { steps: 3 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const count = frame.locator('.selection-count');
  await count.waitFor({ timeout: 15_000 });
  lassoed = Number(/^(\d+) tickets? selected/.exec(await count.textContent())?.[1]);
  // Points on the lasso's edge may fall either way (float32 on the page): a handful, not more.
  if (!(Math.abs(lassoed - expected) <= Math.max(5, expected * 0.005))) throw new Error(`the lasso selected ${lassoed} tickets; ${expected} lie inside it`);
  console.log(`  lasso: ${lassoed} tickets selected (${expected} inside the polygon as drawn)`);
  await shot('map-lasso-selection');
  await frame.locator('vscode-textfield.selection-name input').fill('Lassoed tickets');
  await frame.locator('vscode-button', { hasText: 'Name as new cluster' }).click();
  await frame.locator('.cluster h3', { hasText: 'Lassoed tickets' }).filter({ hasText: String(lassoed) }).waitFor({ timeout: 120_000 });
  const onDisk = JSON.parse(readFileSync(join(mapRunDir, 'clusters.json'), 'utf8')).clusters.find((c) => c.label === 'Lassoed tickets');
  const assigned = readFileSync(join(mapRunDir, 'assignments.csv'), 'utf8').split('\n').filter((l) => l.includes(`,${onDisk?.id},`)).length;
  if (onDisk?.size !== lassoed || assigned !== lassoed) throw new Error(`clusters.json says ${onDisk?.size}, assignments.csv holds ${assigned} rows of the new cluster; ${lassoed} were selected`);
  await webview().locator(`canvas.map-gl[data-points-drawn="${MAP_ROWS}"]`).waitFor({ timeout: 60_000 });
});

await check('a box on the big map selects the points inside it; from the keyboard, Enter selects the points in view', async () => {
  const frame = webview();
  // Nothing is selected after the lasso's edit: the bar comes back with the box's selection.
  await frame.locator('.selection-bar').waitFor({ state: 'hidden', timeout: 15_000 });
  await frame.locator('vscode-button.box-toggle').click();
  if ((await frame.locator('vscode-button.box-toggle').getAttribute('aria-pressed')) !== 'true') throw new Error('the Box tool does not show as pressed');
  const [cx, cy] = mapRun.centres[9];
  const mapAt = await mapPlacement();
  const [x0, y0] = mapAt(cx - 2, cy + 2);
  const [x1, y1] = mapAt(cx + 2, cy - 2);
  const expected = mapRun.rows.filter((r) => {
    const [sx, sy] = mapAt(r.x, r.y);
    return sx > x0 && sx < x1 && sy > y0 && sy < y1;
  }).length;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 8 });
  await shot('map-box-drawn');
  await page.mouse.up();
  const count = frame.locator('.selection-count');
  await count.waitFor({ timeout: 15_000 });
  const boxed = Number(/^(\d+) tickets? selected/.exec(await count.textContent())?.[1]);
  if (!(Math.abs(boxed - expected) <= Math.max(5, expected * 0.005))) throw new Error(`the box selected ${boxed} tickets; ${expected} lie inside it`);
  console.log(`  box: ${boxed} tickets selected (${expected} inside the box as drawn)`);
  await shot('map-box-selection');
  await frame.locator('vscode-button.box-toggle').click();
  // The keyboard's box is the view: nothing panned or zoomed yet, so every point.
  await mapCanvas().focus();
  await page.keyboard.press('Enter');
  await frame.locator('.selection-count', { hasText: `${MAP_ROWS} tickets selected` }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await frame.locator('.selection-bar').waitFor({ state: 'hidden', timeout: 15_000 });
});

await check('the big map colours by the date column of its CSV, with the first and last day in the legend', async () => {
  const frame = webview();
  const undated = mapRun.rows.filter((_, i) => createdAt(i) === '').length;
  const days = mapRun.rows.map((_, i) => createdAt(i)).filter(Boolean).sort();
  const byCluster = await rampEnds();
  await frame.locator('select.colour-by').selectOption('date:created_at');
  await frame.locator('.legend-ramp .ramp-first', { hasText: days[0] }).waitFor({ timeout: 120_000 });
  const last = await frame.locator('.legend-ramp .ramp-last').textContent();
  if (last !== days.at(-1)) throw new Error(`the legend ends on ${last}; the last date is ${days.at(-1)}`);
  await frame.locator(`.legend-entry[title="No date: ${undated} tickets"]`).waitFor({ timeout: 10_000 });
  // Every dated ticket is in one period: the periods' counts add up to them.
  const titles = await frame.locator('.legend-entry').evaluateAll((bs) => bs.map((b) => b.getAttribute('title') ?? ''));
  const periods = titles.filter((t) => /^\d{4}-\d{2}-\d{2} – /.test(t));
  const dated = periods.reduce((n, t) => n + Number(/: (\d+) tickets$/.exec(t)?.[1] ?? 0), 0);
  if (periods.length < 2 || dated !== MAP_ROWS - undated) throw new Error(`the legend has ${periods.length} periods holding ${dated} tickets; ${MAP_ROWS - undated} are dated (${titles.join(' | ')})`);
  if ((await frame.locator('select.colour-by').inputValue()) !== 'date:created_at') throw new Error('the colour-by menu does not show the date column');
  await webview().locator(`canvas.map-gl[data-points-drawn="${MAP_ROWS}"]`).waitFor({ timeout: 60_000 });
  // The points themselves wear the ramp: its newest and oldest colours show on the map, the newest not before.
  const byDate = await rampEnds();
  if (byDate.newest < 100 || byDate.oldest < 100 || byCluster.newest > 10) throw new Error(`pixels in the ramp's newest / oldest colour: ${byDate.newest} / ${byDate.oldest} by date, ${byCluster.newest} / ${byCluster.oldest} by cluster`);
  console.log(`  date colours: ${byDate.newest} pixels in the newest colour, ${byDate.oldest} in the oldest (${byCluster.newest} and ${byCluster.oldest} by cluster)`);
  await frame.locator('.legend').scrollIntoViewIfNeeded();
  await frame.locator('.legend').evaluate((l) => l.scrollIntoView({ block: 'start' }));
  await shot('map-coloured-by-date');
  await frame.locator('select.colour-by').selectOption('cluster');
});

await check('the big map highlights a search, and colours the sub-clusters of a cluster drilled into', async () => {
  const frame = webview();
  const expected = mapRun.rows.filter((r) => r.text.includes('warranty')).length;
  await frame.locator('vscode-textfield.search-field input').fill('Warranty');
  await frame.locator('.search-status', { hasText: `${expected} matching tickets` }).waitFor({ timeout: 30_000 });
  // Selecting a cluster with sub-clusters (its card in the list) offers them as the map's colours.
  await frame.locator('[id="c-root.0"] h3').click();
  await frame.locator('select.colour-by').selectOption('sub:root.0');
  for (const side of ['left', 'right']) {
    const n = mapRun.rows.filter((r) => r.cluster === `root.0.${side === 'left' ? 0 : 1}`).length;
    await frame.locator('.legend-entry', { hasText: `About refund (${side}) ${n}` }).waitFor({ timeout: 15_000 });
  }
  await frame.locator('.legend-entry', { hasText: 'Other clusters' }).waitFor({ timeout: 15_000 });
});

await check(`panning and zooming the ${MAP_ROWS.toLocaleString('en')}-point map: frame times`, async () => {
  const frame = webview();
  await mapCanvas().scrollIntoViewIfNeeded();
  const box = await mapCanvas().boundingBox();
  /* global requestAnimationFrame, window */
  await frame.locator('body').evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const x0 = box.x + box.width / 2;
  const y0 = box.y + box.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let k = 1; k <= 60; k++) await page.mouse.move(x0 + 3 * k, y0 + 2 * k);
  await page.mouse.up();
  for (let k = 0; k < 10; k++) await page.mouse.wheel(0, k < 5 ? -120 : 120);
  const frames = await frame.locator('body').evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(1);
  });
  frames.sort((a, b) => a - b);
  const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))].toFixed(1);
  console.log(`  map frame times during pan and zoom (${frames.length} frames, ${MAP_ROWS} points): median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${frames.at(-1).toFixed(1)} ms`);
  await webview().locator(`canvas.map-gl[data-points-drawn="${MAP_ROWS}"]`).waitFor({ timeout: 30_000 });
  // Leave the workbench as the checks after these expect it: no summary open, the Explorer shown.
  await palette('View: Close All Editors');
  await palette('View: Show Explorer');
});

// Evaluate Classifier (issue 15): the shipped Bitext classifier on the sample's intent column, from the
// explorer menu; a confusion cell clicked lists the rows of that cell, as they are in the file.
await check('Evaluate Classifier shows the confusion matrix; a cell lists its rows', async () => {
  const evaluateStep = (n) => page.locator('.quick-input-widget .quick-input-title', { hasText: `Evaluate Classifier (${n}/3)` });
  await fromExplorerMenu('tickets.csv', 'Evaluate Classifier');
  await evaluateStep(1).waitFor({ timeout: 60_000 });
  await focusedRow('(detected)').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter'); // text column
  await evaluateStep(2).waitFor({ timeout: 10_000 });
  await quickInput.fill('intent');
  await focusedRow('intent').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter'); // label column
  await evaluateStep(3).waitFor({ timeout: 10_000 });
  await quickInput.fill('bitext');
  await focusedRow('bitext').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter'); // classifier
  await quickWidget.waitFor({ state: 'hidden', timeout: 10_000 });
  // The evaluation opens in front of the summary: the visible webview is its.
  const frame = page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
  await frame.locator('h2', { hasText: 'Evaluation of bitext on tickets.csv' }).waitFor({ timeout: 240_000 });
  await frame.locator('canvas').first().waitFor({ timeout: 10_000 });
  const cell = frame.locator('.matrix button.cell:not(.empty)').first();
  const label = await cell.getAttribute('aria-label');
  const count = Number(/: (\d+) rows/.exec(label ?? '')?.[1]);
  if (!count) throw new Error(`the first filled cell says ${JSON.stringify(label)}`);
  await cell.click();
  await frame.locator('.cell-rows h4', { hasText: `${count} rows` }).waitFor({ timeout: 10_000 });
  const given = /^given (.*), predicted/.exec(label)[1];
  const rows = frame.locator('.cell-rows tr:has(button.link)');
  const listed = await rows.count();
  if (listed !== Math.min(count, 50)) throw new Error(`the cell holds ${count} rows; ${listed} are listed`);
  // Each listed row is that row of the file: its label, and its text as text (markup included).
  for (let i = 0; i < Math.min(listed, 5); i++) {
    const row = Number(/row (\d+)/.exec(await rows.nth(i).locator('button.link').textContent())[1]);
    const text = await rows.nth(i).locator('td').last().textContent();
    const record = tickets.records[row - 1];
    if (record.intent !== given || !record.text.startsWith(text.replace(/…$/, ''))) throw new Error(`row ${row} is listed as ${JSON.stringify(text)} under ${given}; the file has ${JSON.stringify(record)}`);
  }
  await shot('evaluation-cell-rows');
  // The adapter's effect: the same rows laid out from both spaces, side by side.
  const maps = frame.locator('section[aria-labelledby="adapter"] .adapter-maps');
  await maps.scrollIntoViewIfNeeded();
  for (const title of ['Base sentence vectors', "Through the classifier's adapter"]) await maps.locator('figcaption', { hasText: title }).waitFor({ timeout: 10_000 });
  if ((await maps.locator('canvas').count()) !== 2) throw new Error(`the adapter's maps show ${await maps.locator('canvas').count()} charts, not 2`);
  await shot('evaluation-adapter-maps');
  // A listed row opens the CSV where that record starts.
  const first = rows.first().locator('button.link');
  await first.scrollIntoViewIfNeeded();
  const row = Number(/row (\d+)/.exec(await first.textContent())[1]);
  await first.click();
  await page.locator('.tabs-container .tab.active', { hasText: 'tickets.csv' }).waitFor({ timeout: 30_000 });
  const line = tickets.startLine[row - 1];
  await page
    .locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col`) })
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(async () => {
      throw new Error(`row ${row} starts on line ${line}; the editor is at "${await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().textContent()}"`);
    });
});

// Profile This CSV (issue 15): from the explorer menu, no label or date column, no near-duplicates; the
// profile shows the file's row count and its charts, and a chart's "Show as table" works from the keyboard.
await check('Profile This CSV shows the data profile; a chart opens as a table from the keyboard', async () => {
  const profileStep = (n) => page.locator('.quick-input-widget .quick-input-title', { hasText: `Profile This CSV (${n}/4)` });
  await fromExplorerMenu('tickets.csv', 'Profile This CSV');
  await profileStep(1).waitFor({ timeout: 60_000 });
  await focusedRow('(detected)').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter'); // text column
  await profileStep(2).waitFor({ timeout: 10_000 });
  await quickInput.fill('None');
  await focusedRow('no label column').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await profileStep(3).waitFor({ timeout: 10_000 });
  await quickInput.fill('None');
  await focusedRow('no date column').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await profileStep(4).waitFor({ timeout: 10_000 });
  await quickInput.fill('No');
  await focusedRow('No').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await quickWidget.waitFor({ state: 'hidden', timeout: 10_000 });
  const frame = page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
  await frame.locator('h2', { hasText: 'Profile of tickets.csv' }).waitFor({ timeout: 240_000 });
  await frame.locator('p', { hasText: `${tickets.records.length.toLocaleString('en-US')} data rows` }).first().waitFor({ timeout: 10_000 });
  await frame.locator('canvas').first().waitFor({ timeout: 10_000 });
  const toggle = frame.locator('button.toggle').first();
  await toggle.focus();
  await page.keyboard.press('Enter');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') throw new Error('"Show as table" did not open its table from the keyboard');
  if ((await toggle.textContent()) !== 'Hide table') throw new Error(`the toggle says ${JSON.stringify(await toggle.textContent())}`);
});

await ctx.close();
if (failures.length) {
  console.log(`\n${failures.length} UI check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nall UI checks passed');
