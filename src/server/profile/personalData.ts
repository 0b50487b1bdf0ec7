/**
 * Personal data as the redactor finds it before text is sent to Claude (label/redact.ts): counts per
 * kind and rows holding any. Only the counts leave this file, never a value.
 */
import type { PiiCount } from '../../shared/profile';
import { redact } from '../label/redact';

export class PiiCounter {
  private readonly kinds = new Map<string, { count: number; rows: number }>();
  rows = 0;

  add(text: string): void {
    const { counts } = redact(text);
    let any = false;
    for (const [kind, n] of Object.entries(counts)) {
      if (!n) continue;
      any = true;
      let c = this.kinds.get(kind);
      if (!c) this.kinds.set(kind, (c = { count: 0, rows: 0 }));
      c.count += n;
      c.rows++;
    }
    if (any) this.rows++;
  }

  result(): { rows: number; kinds: PiiCount[] } {
    const kinds = [...this.kinds].map(([kind, c]) => ({ kind, ...c })).sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
    return { rows: this.rows, kinds };
  }
}
