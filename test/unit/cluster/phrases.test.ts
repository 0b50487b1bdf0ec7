import { describe, expect, it } from 'vitest';
import { clusterName, keywordLabel, type ClusterRecord } from '../../../src/shared/api';
import { mmr } from '../../../src/server/cluster/autoName';
import { nameAgreement, sharesContentWord } from '../../../src/server/cluster/nameAgreement';
import { frequentSpans, surfaceForms, trimmed, verbsIn, wordRuns } from '../../../src/server/cluster/phrases';

describe('candidate phrases for names', () => {
  it('read text without its placeholders (and the article before one), split at punctuation', () => {
    expect(wordRuns('Delete my {{Account Type}} account, please! Open a {{Account Type}} account')).toEqual([['delete', 'my', 'account'], ['please'], ['open', 'account']]);
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
