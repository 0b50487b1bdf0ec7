/**
 * A small ticket CSV holding what a profile must find: empty texts, exact and folded duplicates,
 * `{{…}}` placeholders, personal data (e-mails, a phone number, a card number), a text past the
 * model's 256 tokens, non-ASCII text, a quoted line break, a row without a label, a greeting, an
 * @mention, a link and a quoted reply (text normalisation), and dates that are ISO, empty or not a
 * date at all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** Personal data planted in the fixture: none of it may appear in a profile. */
export const PLANTED_PII = ['mary.major@example.net', 'john@example.org', '+1 415 555 0132', '4111 1111 1111 1111'];

const LONG = Array.from({ length: 180 }, (_, i) => `invoice line ${i} overcharged`).join(', ');

export const FIXTURE_ROWS: [string, string, string][] = [
  ['Where is my order {{Order Number}}?', 'track_order', '2024-01-05'],
  ['Hello,\nmy order "123" never came', 'track_order', '2024-06-30'],
  ['where is my order {{Order Number}}', 'track_order', '2024-01-20T10:00:00Z'],
  ['Where is my order {{Order Number}}?', 'track_order', '2024-02-01'],
  ['', 'track_order', '2024-02-02'],
  ['Please refund me, my email is mary.major@example.net', 'refund', '2024-03-10'],
  ['Call me at +1 415 555 0132 about the refund', 'refund', 'next tuesday'],
  ['My card 4111 1111 1111 1111 was charged twice', 'refund', ''],
  ['   ', 'refund', '2024-04-01'],
  [`The invoice is wrong: ${LONG}`, 'billing', '2024-04-15'],
  ['Café crème ☕ naïve résumé, emoji 😀 in the bill', 'billing', '2024-05-31 23:59:59'],
  ['Change {{Account Type}} to {{Account Type}} please', 'account', '2024-05-01'],
  ['I want to cancel my subscription', '', '2024-06-01'],
  ['i want to cancel my subscriptions', 'account', '2024-06-02'],
  ['Reach me at john@example.org or mary.major@example.net', 'account', 'soon'],
  ['WHERE IS MY ORDER {{Order Number}}!!', 'track_order', '2024-08-01'],
  ['Hi team, @AcmeHelp my parcel never arrived, see https://example.com/track', 'track_order', '2024-08-02'],
  ['Thanks for the update\n\nOn Mon, 4 Mar 2024, Support wrote:\n> it shipped', 'track_order', '2024-08-03'],
];

export function writeFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-profile-'));
  const path = join(dir, 'tickets.csv');
  writeFileSync(path, stringify([['text', 'intent', 'created_at'], ...FIXTURE_ROWS]));
  return path;
}
