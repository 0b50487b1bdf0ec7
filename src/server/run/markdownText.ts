/**
 * Text from tickets, CSV headers, file names, run files and LLM answers, made inert for summary.md,
 * which VS Code opens in its Markdown preview (HTML allowed, bare URLs linkified, math rendered).
 * Such text must render as the characters it holds: no image a preview would fetch (`![](https://…)`,
 * `<img src=…>`), no link, no heading, list or quote, no code span, no table cell break.
 */

/**
 * CommonMark reads a backslash-escaped ASCII punctuation character as that literal character.
 * Escaped anywhere: HTML, entities and autolinks (< > &), link and image syntax ([ ] ( ) !),
 * emphasis and code (* _ ` ~), table pipes, math ($), and the ':' and '.' of URLs and domains (an
 * escaped character is a token of its own, so the preview's linkifier never sees `https://host` or
 * `www.host.com` in one piece). Escaped at the start: what opens a heading or a list (# - +).
 */
const SPECIAL = /[\\`*_{}[\]()<>!|~:&$.]/g;
const LINE_START = /^[#+-]/;

/** One line of inert Markdown (whitespace, newlines included, collapsed to single spaces). */
export function markdownText(s: string, maxChars = Infinity): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, maxChars).replace(SPECIAL, '\\$&').replace(LINE_START, '\\$&');
}

/** A code span holding `s` literally, whatever backticks it contains. */
export function markdownCode(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}
