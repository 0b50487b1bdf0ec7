// The UI test's copy of the sample tickets, with what a real export holds and the webview must cope
// with: markup in some tickets (it must show as text, never render or run) and newlines inside others
// (a record then spans lines, so its row number no longer gives its line in the file).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const MARKUP = ['<script>document.title="pwned"</script>', '<img src=x onerror="document.title=\'pwned\'">'];

/** Rewrites `csv` in place; returns its records (row n = records[n - 1]) and the line each starts on. */
export function seedTickets(csv) {
  const records = parse(readFileSync(csv), { columns: true });
  records.forEach((r, i) => {
    if (i % 5 === 0) r.text = `${MARKUP[(i / 5) % 2]} ${r.text}`;
    else if (i % 5 === 2) r.text = r.text.replace(' ', '\n');
  });
  const text = stringify(records, { header: true });
  writeFileSync(csv, text);
  return { records, startLine: startLines(text, records.length) };
}

/** 1-based line on which each record starts, counted in the file's own text (header on line 1). */
function startLines(text, count) {
  const lines = [];
  let line = 1;
  let inQuotes = false;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === '\n') {
      line++;
      if (!inQuotes) lines.push(line);
    }
  }
  return lines;
}
