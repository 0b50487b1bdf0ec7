import { describe, expect, it } from 'vitest';
import { clusterName, keywordLabel, type ClusterRecord } from '../../../src/shared/api';
import { mmr } from '../../../src/server/cluster/autoName';
import { nameAgreement, sharesContentWord } from '../../../src/server/cluster/nameAgreement';
import { clausal, endsComplete, governingVerbs, headsIn, lemma, verbsIn } from '../../../src/server/cluster/grammar';
import { asName, frequentSpans, surfaceForms, trimmed, wordRuns } from '../../../src/server/cluster/phrases';

describe('candidate phrases for names', () => {
  it('read text without its placeholders (and the article before one), split at punctuation', () => {
    expect(wordRuns('Delete my {{Account Type}} account, please! Open a {{Account Type}} account')).toEqual([['delete', 'my', 'account'], ['please'], ['open', 'account']]);
  });

  it('end a run at a placeholder that stands for a value, and keep hyphenated words whole', () => {
    expect(wordRuns('check purchase {{Order Number}} current status')).toEqual([['check', 'purchase'], ['current', 'status']]);
    expect(wordRuns('report a sign-up problem - today')).toEqual([['report', 'a', 'sign-up', 'problem'], ['today']]);
  });

  it('are trimmed of stop and framing words at their ends, not inside', () => {
    expect(trimmed('want cancel order')).toBe('cancel order');
    expect(trimmed('status of my order please')).toBe('status of my order');
    expect(trimmed('get a refund')).toBe('get a refund'); // "get" is a stop word, but says what is wanted
    expect(trimmed('please help')).toBeNull();
  });

  it('take a c-TF-IDF term as it is written, and drop one written only inside placeholders', () => {
    const texts = ['I have a complaint against the business', 'complaint against the business again', 'my complaint about a business', 'order {{Order Number}} is late'];
    const forms = surfaceForms(['complaint business', 'number', 'late'], texts);
    expect(forms.get('complaint business')).toBe('complaint against the business');
    expect(forms.get('number')).toBeNull();
    expect(forms.get('late')).toBeNull(); // written once: below the minimum count
  });

  it('count a span once per text, most frequent first, never starting or ending on a stop word', () => {
    const spans = frequentSpans(['cancel my order cancel my order', 'I want to cancel my order', 'cancel my order now', 'track my parcel'], 5);
    expect(spans[0]).toBe('cancel my order');
    for (const s of spans) expect(trimmed(s)).toBe(s);
    expect(spans).not.toContain('track my parcel'); // in one text only
  });

  it('keep only the spans a caller accepts before taking the top ones', () => {
    const texts = ['when will my parcel arrive', 'when will my parcel arrive', 'when will my parcel arrive', 'track my parcel', 'track my parcel'];
    expect(frequentSpans(texts, 1)).toEqual(['parcel arrive']);
    expect(frequentSpans(texts, 1, 2, (s) => !s.endsWith('arrive'))).toEqual(['track my parcel']);
  });

  it('are lemmatised only to base forms the corpus writes', () => {
    const vocabulary = new Set(['cancel', 'create', 'refund', 'get', 'ship', 'reply']);
    expect(lemma('cancelling', vocabulary)).toBe('cancel');
    expect(lemma('creating', vocabulary)).toBe('create');
    expect(lemma('getting', vocabulary)).toBe('get');
    expect(lemma('refunds', vocabulary)).toBe('refund');
    expect(lemma('replied', vocabulary)).toBe('reply');
    expect(lemma('pending', vocabulary)).toBe('pending'); // no "pend" written anywhere
    expect(lemma('shipping', new Set(['cancel']))).toBe('shipping');
  });

  it('end on a head word, not on a modifier the texts always follow with a noun', () => {
    const heads = headsIn(['my virtual card is here', 'a virtual card please', 'the virtual card was declined', 'early termination fee']);
    expect(heads.has('card')).toBe(true);
    expect(heads.has('virtual')).toBe(false);
    expect(heads.has('early')).toBe(false);
    expect(heads.has('fee')).toBe(true);
  });

  it('are whole where the texts use them, not cut from a longer noun group or from a question', () => {
    const runs = ['inform of a sign-up problem', 'inform of a sign-up issue', 'problems with a sign-up', 'how long the shipment takes', 'how long the shipment takes to arrive'].flatMap(wordRuns);
    expect(endsComplete('inform of a sign-up', runs)).toBe(false);
    expect(endsComplete('problems with a sign-up', runs)).toBe(true);
    expect(endsComplete('long the shipment takes', runs)).toBe(false);
  });

  it('are told from clause fragments by their pronouns and question words', () => {
    expect(clausal('countries can i use')).toBe(true);
    expect(clausal('check when my package')).toBe(true);
    expect(clausal('cancel my order')).toBe(false);
  });

  it('find the verb that governs an object, with its preposition, and prefer a content verb to a light one', () => {
    const fee = ['check the termination fee', 'I want to check the termination fee', 'see the termination fee', 'to see the termination fee please', 'I need to see the termination fee'];
    const vocabulary = new Set(fee.flatMap((t) => t.split(' ')));
    // "see" governs it three times, "check" twice: "see" is a stop word (a light verb) and counts half.
    expect(governingVerbs('termination fee', fee, new Set(['check', 'see']), vocabulary)[0].verb).toBe('check');
    expect(governingVerbs('agent', ['talk to an agent', 'I want to talk to the agent', 'speak to an agent'], new Set(['talk', 'speak']), new Set())[0].verb).toBe('talk to');
    // A state, not a request: no verb governs the card.
    expect(governingVerbs('card', ['my card was declined', 'card declined again', 'the card was declined at the shop'], new Set(['declined']), new Set())).toEqual([]);
  });

  it('read as names: capitalised, chat spelling written out', () => {
    expect(asName('complaint against ur business')).toBe('Complaint against your business');
  });

  it('learn verbs from the words before them', () => {
    const verbs = verbsIn(['I want to cancel my order', 'can you cancel the order', 'help me cancel order', 'my order is late', 'the order never came']);
    expect(verbs.has('cancel')).toBe(true);
    expect(verbs.has('order')).toBe(false);
  });
});

describe('maximal marginal relevance', () => {
  // Rows 0 and 1 are the same direction; row 2 is orthogonal to both.
  const v = new Float32Array([1, 0, 1, 0, 0, 1]);
  const sims = [0.9, 0.85, 0.6];
  it('ranks by similarity alone at diversity 0', () => expect(mmr(v, 2, [0, 1, 2], sims, 3, 0)).toEqual([0, 1, 2]));
  it('passes over a repeat of a pick at a high diversity', () => expect(mmr(v, 2, [0, 1, 2], sims, 2, 0.5)).toEqual([0, 2]));
});

describe('name agreement with an intent', () => {
  it('matches content words after a simple stemmer, ignoring stop words', () => {
    expect(sharesContentWord('Refunds', 'get_refund')).toBe(true);
    expect(sharesContentWord('Cancelling my order', 'cancel_order')).toBe(true);
    expect(sharesContentWord('Get the bill', 'get_invoice')).toBe(false); // "get" is a stop word
    expect(nameAgreement([{ name: 'Shipping address', intent: 'set_up_shipping_address' }, { name: 'order, number', intent: 'get_refund' }])).toBe(0.5);
  });
});

describe('what a cluster is called', () => {
  const base: ClusterRecord = { id: 'root.1', parent: 'root', depth: 1, size: 9, isNoise: false, keywords: [{ term: 'order', score: 1 }, { term: 'order number', score: 0.5 }], autoName: 'Cancel my order', examples: [], label: null, description: null, labelSource: null, reviewed: false };
  it("prefers Claude's label or the user's, then the auto name, then keywords", () => {
    expect(clusterName({ ...base, label: 'Order cancellations', labelSource: 'llm' })).toBe('Order cancellations');
    expect(clusterName({ ...base, label: 'Mine', labelSource: 'user' })).toBe('Mine');
    expect(clusterName(base)).toBe('Cancel my order');
    expect(clusterName({ ...base, label: 'order', labelSource: 'keywords' })).toBe('Cancel my order');
    expect(clusterName({ ...base, autoName: undefined })).toBe('order, order number');
    expect(clusterName({ ...base, isNoise: true })).toBe('Noise (root.1)');
  });
  it('stores the auto name as the label when no LLM labels the cluster, keywords in a run without one', () => {
    expect(keywordLabel(base)).toBe('Cancel my order');
    expect(keywordLabel({ ...base, autoName: undefined })).toBe('order');
  });
});
