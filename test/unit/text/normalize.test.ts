/**
 * The normalisation rules (src/server/text/normalize.ts, listed in src/shared/normalizeRules.ts), one
 * by one on texts written with each feature, each with a text it must leave alone; then plain support
 * texts (the bundled Bitext sample, and the whole of Bitext when ../shared/data has it), which only the
 * number rule may touch, and the time 27k texts take.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { NORMALIZE_RULES, NormalizeRuleId } from '../../../src/shared/normalizeRules';
import { embedderText, normalize, runNormalized, runTexts } from '../../../src/server/text/normalize';
import { SAMPLE_CSV } from '../../support/sample';

const texts = (csv: string) => parse<Record<string, string>>(readFileSync(csv), { columns: true }).map((r) => r.text);
const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');

/** The normalised text, checking that exactly `rules` fired. */
function norm(text: string, rules: NormalizeRuleId[]): string {
  const n = normalize(text);
  expect(n.fired, text).toEqual(rules);
  return n.text;
}

describe('the rules list', () => {
  it('names every rule once, with a description, in the order they run', () => {
    expect(NORMALIZE_RULES.map((r) => r.id)).toEqual(NormalizeRuleId.options);
    for (const r of NORMALIZE_RULES) {
      expect(r.name.length, r.id).toBeGreaterThan(3);
      expect(r.description.length, r.id).toBeGreaterThan(20);
    }
  });
});

describe('each rule', () => {
  it('@mentions: the handle addressed goes, wherever it stands; an e-mail address is not a handle', () => {
    expect(norm('@AcmeHelp my parcel never arrived', ['mention'])).toBe('my parcel never arrived');
    expect(norm('@AcmeHelp @beta_support: my parcel never arrived', ['mention'])).toBe('my parcel never arrived');
    expect(norm('I asked @AcmeHelp twice, no answer', ['mention'])).toBe('I asked twice, no answer');
    expect(norm('my parcel never arrived @AcmeHelp', ['mention'])).toBe('my parcel never arrived');
    expect(norm('write to help@acme.com please', ['email'])).toBe('write to please');
  });

  it('links: http(s) and www. addresses, without the sentence punctuation after them', () => {
    expect(norm('the page https://t.co/AbC123xyz is blank', ['url'])).toBe('the page is blank');
    expect(norm('see www.acme.com/help/returns.', ['url'])).toBe('see.');
    expect(norm('(details at http://acme.com/a?b=1&c=2)', ['url'])).toBe('(details at)');
    expect(norm('the website is slow', [])).toBe('the website is slow');
  });

  it('e-mail addresses', () => {
    expect(norm('my login jane.doe+shop@mail.example.co.uk is locked', ['email'])).toBe('my login is locked');
    expect(norm('the @ sign in my password breaks the form', [])).toBe('the @ sign in my password breaks the form');
  });

  it('numbers: order numbers, amounts, dates, times, phone numbers and long codes; short codes stay', () => {
    expect(norm('order #12345 was charged $25.99 on 12/03/2024 at 10:30am', ['number'])).toBe('order was charged on at');
    expect(norm('invoice INV-20240311 and ORD88231', ['number'])).toBe('invoice and');
    expect(norm('call me on +1 (555) 123-4567', ['number'])).toBe('call me on');
    expect(norm('it is the 3rd time, 15 % off, 2024-03-12', ['number'])).toBe('it is the time, off');
    // Bitext writes some numbers into the word before them: the word stays.
    expect(norm('cancel purchase732201349959', ['number'])).toBe('cancel purchase');
    expect(norm('2FA fails on my 4G phone', [])).toBe('2FA fails on my 4G phone');
    expect(norm('where is {{Order Number}}', [])).toBe('where is {{Order Number}}');
  });

  it('quoted replies: "On <date>, <name> wrote:" and the rest, "-----Original Message-----" and the rest, and ">" lines', () => {
    expect(norm('Still broken.\n\nOn Mon, 3 Mar 2024 at 10:00, Acme Support <help@acme.com> wrote:\n> Have you tried restarting?\n> Regards', ['quotedReply'])).toBe('Still broken.');
    expect(norm('Still broken. On Mon, Mar 3, 2024 at 10:00 AM Acme wrote: > Have you tried restarting?', ['quotedReply'])).toBe('Still broken.');
    expect(norm('No luck.\n-----Original Message-----\nFrom: Acme\nSent: Monday\nTry again', ['quotedReply'])).toBe('No luck.');
    expect(norm('It crashed again.\n> did you update?\nYes I did', ['quotedReply'])).toBe('It crashed again.\nYes I did');
    // No date in the header: someone telling what they wrote, not a mail client.
    expect(norm('On the form I wrote: cancel my plan', [])).toBe('On the form I wrote: cancel my plan');
  });

  it('signatures: after "--", "Sent from my iPhone", and a closing with the short lines after it', () => {
    expect(norm('The app crashes.\n-- \nJohn Smith\nCEO, Smith & Co', ['signature'])).toBe('The app crashes.');
    expect(norm('The app crashes on start.\n\nSent from my iPhone', ['signature'])).toBe('The app crashes on start.');
    expect(norm('I was double charged.\n\nBest regards,\nJane Doe\nHead of Finance\nAcme Corp', ['signature'])).toBe('I was double charged.');
    expect(norm('I was double charged.\nThanks, Jane', ['signature'])).toBe('I was double charged.');
    expect(norm('I was double charged. Kind regards, Jane Doe', ['signature'])).toBe('I was double charged.');
    // A closing word that opens a sentence with something to say is content.
    expect(norm('Thanks for nothing, my order never came', [])).toBe('Thanks for nothing, my order never came');
    expect(norm('My order was sent from my old address', [])).toBe('My order was sent from my old address');
  });

  it('greetings at the start, with whom they address', () => {
    expect(norm('Hi team,\n\nmy card was declined', ['greeting'])).toBe('my card was declined');
    expect(norm('Dear Sir or Madam, I want a refund', ['greeting'])).toBe('I want a refund');
    expect(norm('Hello Anna! the export is empty', ['greeting'])).toBe('the export is empty');
    expect(norm('Hey, I cannot log in', ['greeting'])).toBe('I cannot log in');
    expect(norm('Hi I cannot log in', ['greeting'])).toBe('I cannot log in');
    expect(norm('@AcmeHelp hi there, I cannot log in', ['mention', 'greeting'])).toBe('I cannot log in');
    expect(norm('History of my orders is empty, hi', [])).toBe('History of my orders is empty, hi');
  });

  it('an e-mail with all of it keeps only what it says', () => {
    const mail = [
      'Hello Acme Support,',
      '',
      'My order #A-88231 (placed 2024-03-01) still shows "processing". Tracking at https://track.acme.com/x?id=88231 says nothing.',
      'Please call me at 555-201-7788 or write to jane@example.org.',
      '',
      'Kind regards,',
      'Jane',
      '',
      'On Fri, Mar 8, 2024 at 9:12 AM Acme <noreply@acme.com> wrote:',
      '> We are looking into order #A-88231.',
    ].join('\n');
    expect(norm(mail, ['quotedReply', 'signature', 'url', 'email', 'number', 'greeting'])).toBe(
      'My order (placed) still shows "processing". Tracking at says nothing.\nPlease call me at or write to.',
    );
  });
});

describe('what embedding and keywords read', () => {
  it('two tweets that differ only in the company addressed, the order number and the link read the same', () => {
    const a = runTexts(['@AcmeHelp my order #12345 still has not arrived https://t.co/abc']);
    const b = runTexts(['@BetaSupport my order #99881 still has not arrived https://t.co/xyz9']);
    expect(a).toEqual(b);
    expect(a.embed[0]).toBe('my order still has not arrived');
  });

  it('a text with nothing left is embedded as written (an empty string would make every such text one)', () => {
    expect(runTexts(['@AcmeHelp']).embed).toEqual(['@AcmeHelp']);
    expect(runTexts(['@AcmeHelp']).keywords).toEqual(['']);
    expect(embedderText('@AcmeHelp late again', true)).toBe('late again');
    expect(embedderText('@AcmeHelp late again', false)).toBe('@AcmeHelp late again');
  });

  it('a run normalised its texts only when its parameters say so (runs made before there was normalisation did not)', () => {
    expect(runNormalized({ normalize: true })).toBe(true);
    expect(runNormalized({ normalize: false })).toBe(false);
    expect(runNormalized({ depth: 2 })).toBe(false);
  });
});

describe('long texts', () => {
  it('take time in proportion to their length, whatever they hold (20,000 characters of each: well under 0.2 s)', () => {
    const n = 20_000;
    const shapes: Record<string, string> = {
      letters: 'a'.repeat(n),
      dashes: '-'.repeat(n),
      'dashes, then a handle': `x ${'-'.repeat(n)} @h y`,
      'spaces, then a handle': `${' '.repeat(n)}x @h`,
      'a-a-a…': 'a-'.repeat(n / 2),
      '1.1.1…a': `${'1.'.repeat(n / 2)}a`,
      '1 (-1 (-…a': `${'1 (-'.repeat(n / 4)}a`,
      'On 1 On 1…': 'On 1 '.repeat(n / 5),
      'quoted lines': '> x\n'.repeat(n / 4),
      'closing lines': 'Thanks\n'.repeat(n / 7),
      'handles': '@a '.repeat(n / 3),
      'a domain that never ends': `x@${'a.'.repeat(n / 2)}`,
      everything: 'Hi Team, order #123 at www.x.com/a, mail a@b.co @h On 1 wrote: '.repeat(n / 60),
    };
    for (const [name, text] of Object.entries(shapes)) {
      const t0 = performance.now();
      normalize(text);
      expect(performance.now() - t0, name).toBeLessThan(200);
    }
  });
});

describe('plain support texts', () => {
  it('the bundled Bitext sample: only numbers change, and nothing else around them', () => {
    for (const t of texts(SAMPLE_CSV)) {
      const n = normalize(t);
      if (n.fired.length === 0) expect(n.text).toBe(t);
      else {
        expect(n.fired).toEqual(['number']);
        // The original with its numbers taken out (and a space where one ran into a word).
        expect(n.text).toBe(t.replace(/([a-z])(\d)/g, '$1 $2').replace(/ ?#?\d+/g, ''));
      }
    }
  });

  it.skipIf(!existsSync(bitextCsv))('all of Bitext (26,872 texts): only the number rule fires, in well under a second', () => {
    const all = texts(bitextCsv);
    const t0 = performance.now();
    const out = all.map((t) => normalize(t));
    const ms = performance.now() - t0;
    const fired = new Map<string, number>();
    for (const n of out) for (const f of n.fired) fired.set(f, (fired.get(f) ?? 0) + 1);
    console.log(`normalised ${all.length} Bitext texts in ${ms.toFixed(0)} ms; rules fired: ${JSON.stringify(Object.fromEntries(fired))}; unique texts ${new Set(all).size} → ${new Set(out.map((n) => n.text)).size}`);
    expect([...fired.keys()]).toEqual(['number']);
    out.forEach((n, i) => {
      if (n.fired.length === 0) expect(n.text).toBe(all[i]);
    });
    expect(ms).toBeLessThan(1000);
  });
});
