/**
 * PII redaction before any text leaves the machine: e-mail addresses, token URLs, secrets after
 * "password:" and similar, IBANs (mod-97 and country length checked), payment cards (Luhn-checked),
 * US SSNs (with the SSA's validity rules), dates of birth after their cue, IP addresses, order /
 * account / invoice numbers, street addresses, postcodes, phone numbers, and names (after "my name
 * is", in sign-offs such as "Thanks, John Smith", after titles such as "Dr.") — each replaced by a
 * typed placeholder such as [EMAIL]. Checksums, shapes and anchors keep false positives down:
 * product codes, dates of ordinary events, prices, versions and short numbers survive. Ordered so
 * that the most specific patterns run first.
 */
import { isIPv6 } from 'node:net';

export type PiiKind =
  | 'EMAIL'
  | 'URL'
  | 'SECRET'
  | 'IBAN'
  | 'CARD'
  | 'SSN'
  | 'DOB'
  | 'IP'
  | 'ORDER_ID'
  | 'ACCOUNT_ID'
  | 'INVOICE_ID'
  | 'ADDRESS'
  | 'POSTCODE'
  | 'PHONE'
  | 'NAME';

export interface Redaction {
  text: string;
  counts: Partial<Record<PiiKind, number>>;
  /** Lower-case words taken out of the text (placeholder words and kept cue words excluded). */
  removed: string[];
}

interface Rule {
  kind: PiiKind;
  re: RegExp;
  /** Returns the replacement, or null to keep the match; `at` is the match offset in `input`. */
  replace?: (m: string, groups: string[], at: number, input: string) => string | null;
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

function mod97(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

// IBAN length per country (SWIFT IBAN registry). The exact length lets a spaced or unspaced IBAN end
// where it should, instead of swallowing the next word, and keeps random alphanumerics from passing.
const IBAN_LENGTHS: Record<number, string> = {
  15: 'NO',
  16: 'BE',
  18: 'DK FI FK FO GL NL SD',
  19: 'MK SI',
  20: 'AT BA EE KZ LT LU MN XK',
  21: 'CH HR LI LV',
  22: 'BG BH CR DE GB GE IE ME RS VA',
  23: 'AE GI IL IQ OM SO TL',
  24: 'AD CZ ES MD PK RO SA SE SK TN VG',
  25: 'LY PT ST',
  26: 'IS TR',
  27: 'BI DJ FR GR IT MC MR SM',
  28: 'AL AZ BY CY DO GT HU LB NI PL SV',
  29: 'BR EG PS QA UA',
  30: 'JO KW MU YE',
  31: 'MT SC',
  32: 'LC',
  33: 'RU',
};

function ibanPattern(): string {
  const alts = Object.entries(IBAN_LENGTHS).map(([len, codes]) => {
    const rest = Number(len) - 4;
    const tail = rest % 4 ? `(?:[ -]?[A-Z0-9]{${rest % 4}})` : '';
    return `(?:${codes.split(' ').join('|')})\\d{2}(?:[ -]?[A-Z0-9]{4}){${Math.floor(rest / 4)}}${tail}`;
  });
  return `(?<![A-Z0-9])(?:${alts.join('|')})(?![A-Z0-9])`;
}

/** An identifier (with at least one digit) right after its anchor word: "order #A1234", "account no. 5566", "invoice is INV-9". */
function anchored(kind: PiiKind, words: string): Rule {
  return {
    kind,
    re: new RegExp(`\\b(?:${words})(?:\\s+(?:number|no\\.?|num|id|code))?(?:\\s+is)?\\s*[:#]?\\s*#?\\s*([A-Z0-9][A-Z0-9-]{3,})\\b`, 'gi'),
    replace: (m, [id]) => (/\d/.test(id) ? `${m.slice(0, m.length - id.length).replace(/[\s:#]*$/, '')} [${kind}]` : null),
  };
}

const NAME_WORD = "\\p{Lu}[\\p{L}'’\\-]+";
/** One to three name words on one line (a sign-off's next line is usually a footer, not a surname). */
const NAME_RUN = `${NAME_WORD}(?:[ \\t]+${NAME_WORD}){0,2}`;
/** Capitalised words that follow a sign-off or title without being a name. */
const NOT_NAMES = new Set(
  `A An The And Or But For In On At To Of From With Again Advance So Much All Everyone Everybody Team Support Customer Customers
  Service Services Sales Billing Admin Department Management Sent Get Have Hope Looking Let Any Anyway Also It This That These
  Is Was Will Would Can Could Not No Yes Ok Okay Very Really Regards Thanks Thank Cheers Best Kind Warm Sincerely Yours Mr Mrs
  Ms Miss Dr Prof Sir Madam Guys Folks Friends There Here Now Today Tomorrow Please Hi Hello Dear I I'm We My Our Your You
  Take Care Bye Goodbye Sorry Note PS Though Waiting Unable Trying Having Writing Contacting Still Happy Glad`.split(/\s+/),
);

/** The leading name words of `run`, up to the first word that is not a name; '' when none. */
function nameWords(run: string): string {
  const out: string[] = [];
  for (const w of run.split(/[ \t]+/)) {
    if (NOT_NAMES.has(w)) break;
    out.push(w);
  }
  return out.join(' ');
}

/** `lead` kept, then the name words of `run` as [NAME] and the rest of `run` kept. */
function nameAfter(lead: string, run: string): string | null {
  const name = nameWords(run);
  return name ? `${lead}[NAME]${run.slice(name.length)}` : null;
}

// Words after "password is" that describe the password rather than being it.
const NOT_SECRETS = new Set(
  `not wrong incorrect invalid expired correct right too the my a an being still case required reset missing blank empty
  rejected locked fine ok okay working no now long short weak strong saved changed accepted different same also definitely
  probably always never showing displayed asking needed sent gone lost forgotten unknown there here that this it in on for to
  and or but just only very really so simple updated hidden visible stored shown failing broken bad good what which when where
  why how been set valid case-sensitive`.split(/\s+/),
);

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DATE = `(?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}|\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4}|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})`;

// First letter in either case: "Baker Street" and "Baker street".
const STREET_TYPES = `Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Place Pl Square Sq Terrace Way Parkway Pkwy
  Highway Hwy Close Crescent Gardens Row Circle Trail Mews Walk Grove Plaza Alley`
  .split(/\s+/)
  .map((t) => `[${t[0]}${t[0].toLowerCase()}]${t.slice(1)}`)
  .join('|');
const UNIT = '(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|#)\\.?\\s*#?[A-Za-z0-9]{1,5}\\b)?';

const US_STATES = 'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR'.replace(/ /g, '|');

/** 10 digits as a North American number: area code and exchange do not start with 0 or 1. */
const nanp = (d: string) => /^1?[2-9]\d{2}[2-9]\d{6}$/.test(d) && (d.length === 10 || d[0] === '1');

const before = (input: string, at: number, n: number) => input.slice(Math.max(0, at - n), at);

const RULES: Rule[] = [
  // Starts only where a run of address characters starts: anywhere else it would rescan the run (quadratic on long runs).
  { kind: 'EMAIL', re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  {
    kind: 'URL',
    re: /\bhttps?:\/\/[^\s<>"']+/g,
    // A URL is redacted when it carries a credential-like query parameter or a long opaque path segment.
    replace: (m) => (/[?&#](token|key|apikey|api_key|access_token|auth|sig|signature|code|session|sid|password|pwd|reset)=/i.test(m) || /\/[A-Za-z0-9_-]{24,}/.test(m) ? '[URL]' : null),
  },
  {
    kind: 'SECRET',
    re: /\b((?:passwords?|passwd|pwd|pass ?codes?|pass ?phrases?|pins?(?: codes?)?|one[- ]time (?:code|password)|otp|security (?:code|answer)|cvv|cvc)(?:\s*[:=]\s*|\s+(?:is|was)(?:\s+now)?\s*:?\s*))(["'`]?)([^\s"'`]+)/gi,
    replace: (_m, [lead, quote, raw]) => {
      // Sentence punctuation after the secret stays; '!' and '?' are as likely part of it.
      const secret = raw.replace(/[.,;:)\]}]+$/, '');
      if (!secret || NOT_SECRETS.has(secret.toLowerCase()) || /^\[[A-Z_]+\]/.test(secret)) return null;
      return `${lead}${quote}[SECRET]${raw.slice(secret.length)}`;
    },
  },
  {
    kind: 'IBAN',
    re: new RegExp(ibanPattern(), 'gi'),
    replace: (m) => (mod97(m.replace(/[ -]/g, '').toUpperCase()) ? '[IBAN]' : null),
  },
  {
    kind: 'CARD',
    re: /\b\d(?:[ -]?\d){12,18}\b/g,
    replace: (m) => {
      const d = m.replace(/\D/g, '');
      return d.length >= 13 && d.length <= 19 && luhn(d) ? '[CARD]' : null;
    },
  },
  {
    kind: 'SSN',
    re: /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g,
    // Never issued: area 000, 666 or 900–999, group 00, serial 0000.
    replace: (_m, [area, , group, serial]) => (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000' ? null : '[SSN]'),
  },
  {
    kind: 'SSN',
    re: /\b((?:ssn|social security(?: number| no\.?)?)\s*(?:is|:|#)?\s*)(\d{9})\b/gi,
    replace: (_m, [lead]) => `${lead}[SSN]`,
  },
  {
    kind: 'DOB',
    re: new RegExp(`\\b((?:d\\.?o\\.?b\\.?|date of birth|birth ?date|born(?: on)?|birthday(?: is)?)\\s*(?:is|was|:|-|=)?\\s*)${DATE}\\b`, 'gi'),
    replace: (_m, [lead]) => `${lead}[DOB]`,
  },
  {
    kind: 'IP',
    // IPv6 first: its IPv4-mapped form (::ffff:192.0.2.1) ends in an IPv4 address.
    re: /(?<![\w:.])(?=[0-9a-f.]*:[0-9a-f.]*:)[0-9a-f:]+(?:\.\d{1,3}){0,3}(?![\w:])/gi,
    replace: (m) => (isIPv6(m) && (m.match(/[0-9a-f]/gi) ?? []).length >= 4 ? '[IP]' : null),
  },
  {
    kind: 'IP',
    re: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
    // Four-part version numbers look the same: "version 1.2.3.4", "v1.2.3.4", "build 10.0.0.1".
    // Loopback and unspecified addresses name no one.
    replace: (m, _g, at, input) =>
      /^(?:127\.|0\.0\.0\.0$)/.test(m) || /\b(?:v|ver|version|build|release|firmware|update)\.?\s*$/i.test(before(input, at, 16)) ? null : '[IP]',
  },
  anchored('ORDER_ID', 'orders?|purchases?|tracking|shipments?|parcels?|packages?'),
  anchored('ACCOUNT_ID', 'account|acct|customer|member|client'),
  anchored('INVOICE_ID', 'invoice|bill|receipt'),
  {
    kind: 'ADDRESS',
    re: new RegExp(`\\b\\d{1,5}[A-Za-z]?,?[ \\t]+(?:(?:${NAME_WORD}|\\d{1,3}(?:st|nd|rd|th))[ \\t]+){1,4}(?:${STREET_TYPES})\\b\\.?(?:[ \\t]+(?:NE|NW|SE|SW|N|S|E|W)\\b)?${UNIT}`, 'gu'),
  },
  { kind: 'ADDRESS', re: /\b\p{Lu}\p{Ll}+(?:straße|strasse|weg|gasse|platz|allee)[ \t]+\d{1,4}[a-z]?\b/gu },
  { kind: 'ADDRESS', re: /\bP\.?[ \t]?O\.?[ \t]+Box[ \t]+\d{1,6}\b/gi },
  {
    kind: 'POSTCODE',
    // UK: outward code, then inward digit + two letters (never C, I, K, M, O, V); "2TB" and "4GB" are sizes.
    re: /\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b/g,
    replace: (m) => (/\d(?:GB|TB|PB)$/.test(m) ? null : '[POSTCODE]'),
  },
  { kind: 'POSTCODE', re: /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g }, // Canada
  { kind: 'POSTCODE', re: new RegExp(`\\b((?:${US_STATES})\\.?,?[ \\t]+)\\d{5}(?:-\\d{4})?\\b`, 'g'), replace: (_m, [lead]) => `${lead}[POSTCODE]` },
  { kind: 'POSTCODE', re: /(?<![\w-])\d{5}-\d{4}(?![\w-])/g },
  {
    kind: 'POSTCODE',
    re: /\b((?:zip|zip ?code|post ?code|postal code)\s*(?:is|:|#)?\s*)(?:\d{4,6}(?:-\d{4})?|\d{4} ?[A-Z]{2})\b/gi,
    replace: (_m, [lead]) => `${lead}[POSTCODE]`,
  },
  {
    kind: 'PHONE',
    re: /(?<![\w.$€£-])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?!\w|[.,]\d)/g,
    // Digit groups alone are too common (references, IBAN tails) to call a phone number: it takes a
    // leading +, an (area code), a North American or trunk-prefixed national shape, or a phone word just before it.
    replace: (m, _g, at, input) => {
      const digits = m.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return null;
      const plain = /^\d+$/.test(m);
      const shaped =
        m.startsWith('+') ||
        m.includes('(') ||
        /^(?:1[ .-])?\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(m) ||
        (!plain && /^0[1-9]/.test(m) && digits.length >= 10 && digits.length <= 11) ||
        (plain && (nanp(digits) || /^0[1-9]\d{8,9}$/.test(digits)));
      const worded = /\b(call|phone|tel|telephone|mobile|cell|whatsapp|text|reach me|number)\b[^\d]{0,12}$/i.test(before(input, at, 24));
      return shaped || worded ? '[PHONE]' : null;
    },
  },
  {
    kind: 'NAME',
    re: new RegExp(`\\b((?:[Mm]y name is|[Mm]y name's|[Tt]his is|I am|I'm|[Ss]igned|[Cc]all me)\\s+)(${NAME_WORD}(?:\\s+${NAME_WORD}){0,2})`, 'gu'),
    replace: (_m, [lead, run]) => nameAfter(lead, run),
  },
  {
    kind: 'NAME',
    re: new RegExp(`\\b((?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Dame|Mme|Mlle|Herr|Frau)\\.?[ \\t]+)(${NAME_RUN})`, 'gu'),
    replace: (_m, [lead, run]) => nameAfter(lead, run),
  },
  {
    kind: 'NAME',
    // "Best" alone is an adjective ("Best Buy"): as a sign-off it takes a comma or a line break.
    re: new RegExp(
      `\\b((?:[Mm]any |[Kk]ind |[Bb]est |[Ww]arm )?(?:[Tt]hanks|[Tt]hank you|[Tt]hx|[Rr]egards|[Bb]est wishes|[Bb]est|[Cc]heers|[Ss]incerely|[Yy]ours (?:truly|sincerely|faithfully)|[Rr]espectfully|[Tt]ake care)(?:[ \\t]+(?:again|so much|a lot))?)([ \\t]*[,!.:-]?[ \\t]*(?:\\r?\\n[ \\t]*)*)(${NAME_RUN})`,
      'gu',
    ),
    replace: (_m, [signoff, sep, run]) => {
      if (/^best$/i.test(signoff) && !/[,\n]/.test(sep)) return null;
      if (!sep) return null;
      return nameAfter(signoff + sep, run);
    },
  },
];

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];

export function redact(text: string): Redaction {
  const counts: Redaction['counts'] = {};
  const removed = new Set<string>();
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (...args: unknown[]) => {
      const m = args[0] as string;
      // capture groups, then the match offset and the whole input (some rules look just before the match)
      const hasNamed = typeof args[args.length - 1] === 'object';
      const input = args[args.length - (hasNamed ? 2 : 1)] as string;
      const at = args[args.length - (hasNamed ? 3 : 2)] as number;
      const groups = args.slice(1, args.length - (hasNamed ? 3 : 2)).map((g) => (typeof g === 'string' ? g : ''));
      const rep = rule.replace ? rule.replace(m, groups, at, input) : `[${rule.kind}]`;
      if (rep === null) return m;
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
      const kept = new Set(words(rep));
      for (const w of words(m)) if (!kept.has(w)) removed.add(w);
      return rep;
    });
  }
  return { text: out, counts, removed: [...removed] };
}
