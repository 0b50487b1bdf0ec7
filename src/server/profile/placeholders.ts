/**
 * Templated placeholders such as `{{Order Number}}`: datasets generated from templates (Bitext) or
 * exported with masked fields carry them, and a cluster can form around a placeholder rather than a
 * request. Counted per name (inner spaces trimmed): occurrences and rows holding it.
 */
import type { PlaceholderCount } from '../../shared/profile';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export class PlaceholderCounter {
  private readonly names = new Map<string, { count: number; rows: number }>();
  rows = 0;

  add(text: string): void {
    const seen = new Set<string>();
    for (const m of text.matchAll(PLACEHOLDER)) {
      const name = m[1];
      let c = this.names.get(name);
      if (!c) this.names.set(name, (c = { count: 0, rows: 0 }));
      c.count++;
      if (!seen.has(name)) c.rows++;
      seen.add(name);
    }
    if (seen.size) this.rows++;
  }

  result(): { rows: number; names: PlaceholderCount[] } {
    const names = [...this.names].map(([name, c]) => ({ name, ...c })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    return { rows: this.rows, names };
  }
}
