/**
 * The fake Messages API answering tag requests from a hidden label column: a labelled data set (such
 * as Bitext's category) stands in for what Claude would say. Each request's tickets are read back
 * from the prompt ("[n] text" lines) and looked up by the text as it is sent — the row's text through
 * the tagger's own redaction and whitespace folding (src/server/tag/prompt.ts) — so the fake knows
 * only what the API is sent, never row numbers. A ticket it cannot find makes the handler throw,
 * which fails the request (and the test) instead of answering a guess.
 */
import { redactRow } from '../../src/server/tag/prompt';
import { promptOf, type RecordedRequest, type Reply } from './fakeAnthropic';

export interface LabelledRow {
  text: string;
  /** The hidden label(s): one for a single-label set. */
  labels: string[];
}

export interface LabelColumnResponder {
  (req: RecordedRequest): Reply;
  /** Tickets answered so far. */
  readonly answered: number;
}

/** `reason` for each answered ticket (default: names the label). */
export function labelColumnResponder(rows: readonly LabelledRow[], opts: { reason?: (labels: string[]) => string } = {}): LabelColumnResponder {
  const bySent = new Map<string, string[]>();
  for (const r of rows) {
    const sent = redactRow(r.text, { redact: true });
    // a text that appears twice keeps its first label, as one reader of the data would
    if (!bySent.has(sent)) bySent.set(sent, r.labels);
  }
  const reason = opts.reason ?? ((labels: string[]) => `The ticket is about ${labels.join(' and ')}.`);
  let answered = 0;
  const respond = (req: RecordedRequest): Reply => {
    const tickets = [...promptOf(req).matchAll(/^\[(\d+)\] (.*)$/gm)];
    if (tickets.length === 0) throw new Error(`request ${req.n} holds no "[n] text" tickets`);
    const tags = tickets.map(([, n, text]) => {
      const labels = bySent.get(text);
      if (!labels) throw new Error(`request ${req.n}: ticket [${n}] is not a row of the hidden data: ${text.slice(0, 80)}`);
      return { ticket: Number(n), labels, reason: reason(labels) };
    });
    answered += tags.length;
    return { kind: 'tool', input: { tags } };
  };
  return Object.defineProperty(respond, 'answered', { get: () => answered }) as LabelColumnResponder;
}
