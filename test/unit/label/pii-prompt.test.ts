/**
 * What the prompt builder lets out of the machine: keywords, texts cut at the 280-character limit,
 * and sibling labels all go through the redactor.
 */
import { describe, expect, it } from 'vitest';
import { ClusterRecord } from '../../../src/shared/api';
import { buildPrompt, clip } from '../../../src/server/label/prompt';

const FILLER = 'My parcel still has not arrived and the tracking page shows nothing new since last week, ';

function cluster(keywords: string[], examples: string[] = []): ClusterRecord {
  return ClusterRecord.parse({
    id: 'root.4',
    parent: null,
    depth: 1,
    size: 12,
    isNoise: false,
    keywords: keywords.map((term, i) => ({ term, score: 1 - i / 20 })),
    examples: examples.map((text, i) => ({ row: i + 1, text })),
    label: null,
    description: null,
    labelSource: null,
  });
}

const keywordsLine = (prompt: string) => /^Keywords \(c-TF-IDF\): (.*)$/m.exec(prompt)![1].split(', ');

describe('keywords sent to Claude', () => {
  const members = [
    'Hello, my name is Maria Gonzalez and my refund never arrived',
    'Refund still missing. Thanks, Maria Gonzalez',
    'please send the refund to ana.perez@example.com',
    'refund for order #A99887 is late, delivery was fine',
    'where is my refund, delivery was fine',
  ];
  const terms = ['refund', 'gonzalez', 'maria gonzalez', 'maria', 'a99887', 'perez', 'example com', 'delivery', 'order a99887', '555 0199'];

  it('drops every term that redaction takes out of a member text, or that carries digits', () => {
    const p = buildPrompt({ cluster: cluster(terms), memberTexts: members, redact: true });
    expect(keywordsLine(p.prompt)).toEqual(['refund', 'delivery']);
    expect(p.redactions.KEYWORD).toBe(terms.length - 2);
  });

  it('drops a term the redactor itself changes', () => {
    const p = buildPrompt({ cluster: cluster(['refund', 'ssn 219099999', 'pin 4921']), memberTexts: ['refund please'], redact: true });
    expect(keywordsLine(p.prompt)).toEqual(['refund']);
  });

  it('keeps them all when redaction is off', () => {
    const p = buildPrompt({ cluster: cluster(terms), memberTexts: members, redact: false });
    expect(keywordsLine(p.prompt)).toEqual(terms);
  });
});

describe('texts at the 280-character cut', () => {
  const lead = FILLER.repeat(4).slice(0, 270);

  it.each([
    ['an e-mail address', `${lead} john.smith@example.com please`, ['john', 'smit', '@example']],
    ['a card number', `${lead} 4111 1111 1111 1111 was charged`, ['4111', '1111']],
    ['a phone number', `${lead} +44 20 7946 0958 call me`, ['+44', '7946']],
    ['a name in a sign-off', `${lead.slice(0, 262)} Thanks,\nJohn Smith`, ['John', 'Smit']],
  ])('redacts %s that straddles the cut, then clips', (_kind, text, fragments) => {
    const p = buildPrompt({ cluster: cluster(['parcel']), memberTexts: [text], redact: true });
    const sent = p.prompt.split('\n').find((l) => l.startsWith('- My parcel'))!;
    expect(sent.length).toBeLessThanOrEqual(2 + 280);
    for (const f of fragments) expect(sent).not.toContain(f);
    // never half a placeholder
    expect(sent).not.toMatch(/\[(?![A-Z_]+\])/);
  });

  it('clip falls before a placeholder it would split, and keeps one that fits', () => {
    const head = 'x'.repeat(276);
    expect(clip(`${head} [EMAIL] end`)).toBe(head);
    expect(clip(`${'x'.repeat(272)} [EMAIL] end`)).toBe(`${'x'.repeat(272)} [EMAIL]`);
    expect(clip('short [EMAIL]')).toBe('short [EMAIL]');
  });
});

describe('sibling labels sent on a re-ask', () => {
  it('go through the redactor too', () => {
    const p = buildPrompt({
      cluster: cluster(['refund']),
      memberTexts: ['refund please'],
      siblingLabels: ['Refunds For jane.doe@example.org', 'Calls From +44 20 7946 0958'],
      redact: true,
    });
    expect(p.prompt).not.toContain('jane.doe');
    expect(p.prompt).not.toContain('7946');
    expect(p.prompt).toContain('"Refunds For [EMAIL]", "Calls From [PHONE]"');
    expect(p.redactions).toMatchObject({ EMAIL: 1, PHONE: 1 });
  });
});
