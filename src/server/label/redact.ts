/**
 * PII redaction before any text leaves the machine: e-mail addresses, phone numbers, payment cards
 * (Luhn-checked), IBANs (mod-97-checked), order / account / invoice numbers, URLs carrying tokens, and
 * names after "my name is" and similar — each replaced by a typed placeholder such as [EMAIL].
 * Checksums and anchors keep false positives down: product codes, dates, prices, versions and short
 * numbers survive. Ordered so that the most specific patterns run first.
 */

export type PiiKind = 'EMAIL' | 'URL' | 'IBAN' | 'CARD' | 'ORDER_ID' | 'ACCOUNT_ID' | 'INVOICE_ID' | 'PHONE' | 'NAME';

export interface Redaction {
  text: string;
  counts: Partial<Record<PiiKind, number>>;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(raw: string): boolean {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

const NAME_WORD = "[A-Z][a-zA-Z'\\-]+";
interface Rule {
  kind: PiiKind;
  re: RegExp;
  /** Returns the replacement, or null to keep the match. */
  replace?: (m: string, ...groups: string[]) => string | null;
}

/** An identifier (with at least one digit) right after its anchor word: "order #A1234", "account no. 5566", "invoice is INV-9". */
function anchored(kind: PiiKind, words: string): Rule {
  return {
    kind,
    re: new RegExp(`\\b(?:${words})(?:\\s+(?:number|no\\.?|num|id|code))?(?:\\s+is)?\\s*[:#]?\\s*#?\\s*([A-Z0-9][A-Z0-9-]{3,})\\b`, 'gi'),
    replace: (m, id: string) => (/\d/.test(id) ? `${m.slice(0, m.length - id.length).replace(/[\s:#]*$/, '')} [${kind}]` : null),
  };
}

const RULES: Rule[] = [
  { kind: 'EMAIL', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  {
    kind: 'URL',
    re: /\bhttps?:\/\/[^\s<>"']+/g,
    // A URL is redacted when it carries a credential-like query parameter or a long opaque path segment.
    replace: (m) => (/[?&#](token|key|apikey|api_key|access_token|auth|sig|signature|code|session|sid|password|pwd|reset)=/i.test(m) || /\/[A-Za-z0-9_-]{24,}/.test(m) ? '[URL]' : null),
  },
  { kind: 'IBAN', re: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g, replace: (m) => (ibanValid(m) ? '[IBAN]' : null) },
  {
    kind: 'CARD',
    re: /\b\d(?:[ -]?\d){12,18}\b/g,
    replace: (m) => {
      const d = m.replace(/\D/g, '');
      return d.length >= 13 && d.length <= 19 && luhn(d) ? '[CARD]' : null;
    },
  },
  anchored('ORDER_ID', 'orders?|purchases?|tracking|shipments?|parcels?|packages?'),
  anchored('ACCOUNT_ID', 'account|acct|customer|member|client'),
  anchored('INVOICE_ID', 'invoice|bill|receipt'),
  {
    kind: 'PHONE',
    re: /(?<![\w.$€£-])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?!\w|[.,]\d)/g,
    // Digit groups alone are too common (references, IBAN tails) to call a phone number: it takes a
    // leading +, an (area code), the 3-3-4 shape, or a phone word just before it.
    replace: (m, ...rest: string[]) => {
      const digits = m.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return null;
      const offset = Number(rest[rest.length - 2]);
      const input = rest[rest.length - 1];
      const before = typeof input === 'string' && Number.isFinite(offset) ? input.slice(Math.max(0, offset - 24), offset) : '';
      const shaped = m.startsWith('+') || m.includes('(') || /^\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(m);
      const worded = /\b(call|phone|tel|telephone|mobile|cell|whatsapp|text|reach me|number)\b[^\d]{0,12}$/i.test(before);
      return shaped || worded ? '[PHONE]' : null;
    },
  },
  {
    kind: 'NAME',
    re: new RegExp(`\\b((?:[Mm]y name is|[Mm]y name's|[Tt]his is|I am|I'm|[Ss]igned|[Rr]egards,|[Cc]all me)\\s+)(${NAME_WORD}(?:\\s+${NAME_WORD}){0,2})`, 'g'),
    replace: (_m, lead: string, name: string) => {
      // "I am Very upset" is not a name: require capitalised words that are not common adjectives.
      if (/^(Very|So|Not|Really|Unable|Trying|Having|Writing|Looking|Contacting|Still|Happy|Sorry|Glad|A|An|The)\b/.test(name)) return null;
      return `${lead}[NAME]`;
    },
  },
];

export function redact(text: string): Redaction {
  const counts: Redaction['counts'] = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (...args: unknown[]) => {
      const m = args[0] as string;
      // capture groups, then the match offset and the whole input (the phone rule looks just before the match)
      const groups = args.slice(1).map((g) => (g === undefined ? undefined : String(g))) as string[];
      const rep = rule.replace ? rule.replace(m, ...groups) : `[${rule.kind}]`;
      if (rep === null) return m;
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
      return rep;
    });
  }
  return { text: out, counts };
}
