/**
 * Ticket texts for the map, fetched from the host on demand (the points arrive without them) and kept
 * once fetched: a tooltip asks for one point, a selection's preview for a few.
 */
import { MAX_TEXTS_PER_REQUEST, type PointText } from '../../src/shared/webviewProtocol';
import { post } from './messaging';

export class PointTexts {
  private readonly known = new Map<number, PointText>();
  private readonly waiting = new Map<number, { indices: number[]; resolve: (items: PointText[]) => void }>();
  private seq = 0;

  /** Forget every text (a new load of the run may have re-ordered or edited rows). */
  clear(): void {
    this.known.clear();
  }

  /** The texts of `indices` (at most MAX_TEXTS_PER_REQUEST are asked for; the rest are left out). */
  async get(indices: readonly number[]): Promise<PointText[]> {
    const wanted = indices.slice(0, MAX_TEXTS_PER_REQUEST);
    const missing = wanted.filter((i) => !this.known.has(i));
    if (missing.length) {
      const seq = ++this.seq;
      await new Promise<PointText[]>((resolve) => {
        this.waiting.set(seq, { indices: missing, resolve });
        post({ type: 'texts', seq, indices: missing });
      });
    }
    return wanted.flatMap((i) => this.known.get(i) ?? []);
  }

  /** The host's answer to a request. */
  receive(seq: number, items: readonly PointText[]): void {
    for (const t of items) this.known.set(t.index, t);
    const w = this.waiting.get(seq);
    this.waiting.delete(seq);
    w?.resolve([...items]);
  }
}
