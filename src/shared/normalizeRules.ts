/**
 * The text-normalisation rules, listed once: the server applies them (src/server/text/normalize.ts
 * has one implementation per id, checked by the compiler), and the profile lists them with these
 * names and descriptions. Each rule removes what it matches (no placeholder: see normalize.ts for
 * why). Normalised text is what the embedder reads and what keywords are counted on; the original
 * text is what every view, example and output file shows.
 */
import * as z from 'zod';

/** In the order they are applied: quoted replies and signatures go first, so their numbers and addresses are not read as content. */
export const NormalizeRuleId = z.enum(['quotedReply', 'signature', 'url', 'email', 'mention', 'number', 'greeting']);
export type NormalizeRuleId = z.infer<typeof NormalizeRuleId>;

export interface NormalizeRule {
  id: NormalizeRuleId;
  name: string;
  /** What the rule takes out of the text the embedder reads and keywords are counted on. */
  description: string;
}

export const NORMALIZE_RULES: readonly NormalizeRule[] = [
  {
    id: 'quotedReply',
    name: 'Quoted replies',
    description: 'An e-mail\'s quoted earlier messages: from an "On <date>, <name> wrote:" line or an "-----Original Message-----" line to the end, and every line starting with ">".',
  },
  {
    id: 'signature',
    name: 'Signatures',
    description: 'A signature: everything after a "--" line, "Sent from my iPhone"-style lines, and a closing such as "Best regards," or "Thanks," with the few short lines (name, title, phone) after it.',
  },
  { id: 'url', name: 'Links', description: 'Web addresses starting with http://, https:// or www.' },
  { id: 'email', name: 'E-mail addresses', description: 'E-mail addresses such as jane.doe@example.com.' },
  {
    id: 'mention',
    name: '@mentions',
    description: 'Handles such as @AcmeHelp: on support tweets they name the company addressed, which would otherwise split one complaint into one cluster per company.',
  },
  {
    id: 'number',
    name: 'Numbers',
    description: 'Order numbers, amounts, dates, times, phone numbers and codes with three or more digits (#12345, $25.99, 12/03/2024, 10:30am, ORD-88231), so tickets that differ only in them read alike.',
  },
  {
    id: 'greeting',
    name: 'Greetings',
    description: 'A greeting at the start, such as "Hi team," "Hello," or "Dear Support,".',
  },
];
