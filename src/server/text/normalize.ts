/**
 * Support-text boilerplate out before embedding and keywords (the rules and their descriptions are
 * listed once in src/shared/normalizeRules.ts; here is one implementation per rule). On support
 * tweets the @handle of the company addressed otherwise decides the cluster, and keywords fill with
 * handles and links; e-mails bring greetings, signatures and the quoted thread.
 *
 * Numbers, links and addresses are removed, not replaced by a placeholder such as {{Number}}: on the
 * tickets of test/unit/cluster/normalise.test.ts a shared placeholder pulled "where is my order #…"
 * and "where is my refund for order #…" into one cluster (ARI 0.68 against the topic with seeds 1, 2
 * and 3, minimum cluster size 5), where removing them kept the four topics apart (ARI 1.00); on
 * Banking77's test set the two did alike (ARI 0.436 and 0.440 with the placeholder, 0.445 and 0.440
 * without, seeds 1 and 2).
 *
 * Each rule's regular expressions are tried only at token or line starts and look a bounded way,
 * and the tidy-up is done by hand, so normalising is linear in the text (test/unit/text/ tries long
 * adversarial texts): the 26,872 Bitext texts take 0.15–0.4 s on this project's 2-core machine
 * (normalize.test.ts prints the figure). Removed spans are first marked, then the spaces and
 * punctuation around the marks are tidied, so a text no rule touches comes back as it was.
 */
import { NORMALIZE_RULES, type NormalizeRuleId } from '../../shared/normalizeRules';

/** Marks a removed span until the tidy-up (a noncharacter: never in text worth reading). */
const CUT = '\uFFFF';

/** A phrase whose words may start with either case ("Best regards" / "best Regards"). */
const anyCase = (phrase: string): string =>
  phrase
    .split(' ')
    .map((w) => `[${w[0].toUpperCase()}${w[0].toLowerCase()}]${w.slice(1)}`)
    .join('\\s+');

const CLOSINGS = [
  'best regards', 'kind regards', 'warm regards', 'warmest regards', 'regards', 'best wishes', 'best', 'cheers', 'sincerely', 'yours sincerely',
  'yours truly', 'yours faithfully', 'respectfully', 'all the best', 'many thanks', 'thanks in advance', 'thanks again', 'thanks', 'thank you', 'thx',
].map(anyCase);
const CLOSING = `(?:${CLOSINGS.join('|')})`;

// ---- quoted replies
/** "On Mon, 3 Mar 2024 at 10:00, Jane <jane@x.com> wrote:" (a mail client may wrap it once); the header must hold a digit (the date). */
const ON_WROTE = /(^|\s)On\s[^\n]{0,250}?(?:\n[^\n]{0,250}?)?\swrote:[\s\S]*$/;
const ORIGINAL_MESSAGE = /(^|\s)-{2,}\s*Original Message\s*-{2,}[\s\S]*$|(^|\n)From:[^\n]*\n(?:Sent|Date):[\s\S]*$/i;
const QUOTED_LINE = /^[ \t]*>[^\n]*(?:\n|$)/gm;

// ---- signatures
const SIG_DASHES = /(^|\n)[ \t]*--[ \t]*\n[\s\S]*$/;
const SENT_FROM = /(^|[.!?\n])[ \t]*(?:Sent from (?:my )?[^\n.!?]{1,40}|Get Outlook for (?:iOS|Android))[.!]?[ \t]*(?=\n|$)/g;
/** A line that is only a closing (and capitalised names), then at most four short lines (name, title, phone) to the end. */
const CLOSING_LINES = new RegExp(`(^|\\n)[ \\t]*${CLOSING}[ \\t]*[,.!-]*(?:[ \\t]*\\p{Lu}[\\p{L}'’.-]*){0,3}[ \\t]*(?:\\n[^\\n]{0,60}){0,4}\\s*$`, 'u');
/** On one line (a CSV may hold the e-mail without its line breaks): a closing after a sentence, then up to three capitalised names. */
const CLOSING_TAIL = new RegExp(`([.!?])\\s+${CLOSING}[,.!]?(?:\\s+\\p{Lu}[\\p{L}'’.-]*){0,3}[.!]?\\s*$`, 'u');

// ---- addresses, handles, numbers
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'{}|\\^`]*[^\s<>"'{}|\\^`.,;:!?)\]]/gi;
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** Twitter handles: up to 15 word characters (30 allowed for other networks); not inside a word. */
const MENTION = /(?<![\p{L}\p{N}_])@[A-Za-z0-9_]{1,30}/gu;
/**
 * Each alternative starts only where its kind of token starts (not inside a word, nor after a
 * separator inside a number or code): tried from every position of "1.1.1…a" or "a-a-a…", each
 * would otherwise scan to the end again.
 */
const NUMBER = new RegExp(
  [
    // A phone number: digits with spaces, dots, dashes or brackets between, eight or more characters.
    String.raw`(?<![\p{L}\p{N}_])(?<!\p{Nd}[ ().-])\+?\(?\p{Nd}[\p{Nd} ().-]{6,}\p{Nd}(?![\p{L}\p{N}_])`,
    // A word with a number run into it, as in Bitext's "cancel purchase732201349959": the word stays.
    String.raw`(?<![\p{L}\p{N}_-])(\p{Ll}{3,})\p{Nd}{3,}(?![\p{L}\p{N}_])`,
    // A code holding three or more digits: ORD-88231, A1234567, #AB12345.
    String.raw`(?<![\p{L}\p{N}_-])#?(?=[\p{L}\p{N}_])(?=(?:[\p{L}_-]*\p{Nd}){3})[\p{L}\p{N}_]+(?:-[\p{L}\p{N}_]+)*`,
    // A number: amounts, dates, times, ordinals, percentages (#12, $25.99, 12/03/2024, 10:30am, 3rd, 15 %).
    String.raw`(?<![\p{L}\p{N}_])(?<!\p{Nd}[.,:/-])(?:[#№$€£¥]\s?)?\p{Nd}+(?:[.,:/-]\p{Nd}+)*(?:\s?[%€$£]|(?:st|nd|rd|th|am|pm|AM|PM|k|K)(?![\p{L}\p{N}_]))?(?![\p{L}\p{N}_])`,
  ].join('|'),
  'gu',
);

// ---- greetings
const GREETING = /^((?:\s|\uFFFF)*)(?:hi|hello|hey|hiya|howdy|dear|greetings|good\s+(?:morning|afternoon|evening|day))(?![\p{L}\p{N}_])/iu;
/** Whom the greeting addresses (a few words: "team", "there", names), then its punctuation. */
const ADDRESSEE = /^(?:[ \t]+(?:(?:[Tt]eam|there|all|everyone|[Ss]upport|folks|guys|[Ss]ir|[Mm]adam|or|and|to whom it may concern|[Tt]o [Ww]hom [Ii]t [Mm]ay [Cc]oncern)(?![\p{L}\p{N}_])|(?!I\b)\p{Lu}[\p{L}'’.-]*)){0,4}[ \t]*(?:[,!?:;.\u2014\u2013-]+|(?=\n)|$)/u;

function greeting(t: string): string {
  const g = GREETING.exec(t);
  if (!g) return t;
  const rest = t.slice(g[0].length);
  const a = ADDRESSEE.exec(rest);
  // Without punctuation after it ("Hi I ordered…"), only the greeting word goes.
  if (a) return g[1] + CUT + rest.slice(a[0].length);
  return /^\s/.test(rest) ? g[1] + CUT + rest : t;
}

const hasDigit = (s: string) => /\p{Nd}/u.test(s);

const RULES: Record<NormalizeRuleId, (t: string) => string> = {
  quotedReply: (t) =>
    t
      .replace(ON_WROTE, (m, pre: string) => (hasDigit(m.slice(0, m.indexOf('wrote:'))) ? pre + CUT : m))
      .replace(ORIGINAL_MESSAGE, (_m, a: string | undefined, b: string | undefined) => (a ?? b ?? '') + CUT)
      .replace(QUOTED_LINE, CUT),
  signature: (t) =>
    t
      .replace(SIG_DASHES, `$1${CUT}`)
      .replace(SENT_FROM, `$1${CUT}`)
      .replace(CLOSING_LINES, `$1${CUT}`)
      .replace(CLOSING_TAIL, `$1${CUT}`),
  url: (t) => t.replace(URL, CUT),
  email: (t) => t.replace(EMAIL, CUT),
  mention: (t) => t.replace(MENTION, CUT),
  number: (t) => t.replace(NUMBER, (_m, word: string | undefined) => (word ?? '') + CUT),
  greeting,
};

const SPACE = /[ \t]/;
/** What a removed ending takes with it before it (a removed opening also takes . ! ?). */
const TAIL_SEPARATOR = /[\s,;:\u2014\u2013-]/;

/**
 * Marks out, spaces and punctuation tidied: a removed opening takes its punctuation with it
 * ("@AcmeHelp:", "Hi team,"), a removed ending the separator before it; a mark between words becomes
 * one space, at a line's edge or before punctuation nothing. Done by hand rather than by regular
 * expressions that would rescan long runs of spaces or dashes from every position.
 */
function tidy(t: string): string {
  if (!t.includes(CUT)) return t;
  const parts = t.split(/\uFFFF+/);
  const blank = (p: string) => p.trim() === '';
  if (blank(parts[0])) {
    while (parts.length > 1 && blank(parts[0])) parts.shift();
    parts[0] = parts[0].replace(/^[\s,.:;!?\u2014\u2013-]+/, '');
  }
  if (parts.length > 1 && blank(parts[parts.length - 1])) {
    while (parts.length > 1 && blank(parts[parts.length - 1])) parts.pop();
    const last = parts[parts.length - 1];
    let end = last.length;
    while (end > 0 && TAIL_SEPARATOR.test(last[end - 1])) end--;
    parts[parts.length - 1] = last.slice(0, end);
  }
  let out = parts[0];
  for (const part of parts.slice(1)) {
    let end = out.length;
    while (end > 0 && SPACE.test(out[end - 1])) end--;
    let start = 0;
    while (start < part.length && SPACE.test(part[start])) start++;
    const before = out[end - 1];
    const after = part[start];
    const gap = before === undefined || before === '\n' || after === undefined || after === '\n' || /[,.!?;:)\]]/.test(after) ? '' : ' ';
    out = out.slice(0, end) + gap + part.slice(start);
  }
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

export interface Normalized {
  text: string;
  /** The rules that changed the text, in the order they ran. */
  fired: NormalizeRuleId[];
}

/** The text as the embedder should read it; every rule in NORMALIZE_RULES, in its order. */
export function normalize(text: string): Normalized {
  const fired: NormalizeRuleId[] = [];
  let t = text;
  for (const { id } of NORMALIZE_RULES) {
    const next = RULES[id](t);
    if (next !== t) fired.push(id);
    t = next;
  }
  return { text: tidy(t), fired };
}

export function normalizeText(text: string): string {
  return normalize(text).text;
}

/** A text with nothing left (a tweet that was only a handle) is embedded as written rather than as an empty string. */
const embedderForm = (text: string, normalized: string): string => normalized || text;

/** What the embedder reads for a text of a run made with normalisation on or off. */
export function embedderText(text: string, normalizeOn: boolean): string {
  return normalizeOn ? embedderForm(text, normalizeText(text)) : text;
}

/** A run's texts as the embedder reads them and as keyword documents (where an emptied text stays empty), index-aligned with `texts`. */
export function runTexts(texts: readonly string[]): { embed: string[]; keywords: string[] } {
  const embed: string[] = [];
  const keywords: string[] = [];
  for (const text of texts) {
    const n = normalizeText(text);
    embed.push(embedderForm(text, n));
    keywords.push(n);
  }
  return { embed, keywords };
}

/**
 * Whether a run's texts were normalised before embedding, from its recorded parameters: runs made
 * before normalisation existed record nothing and were not.
 */
export function runNormalized(params: Readonly<Record<string, unknown>>): boolean {
  return params.normalize === true;
}
