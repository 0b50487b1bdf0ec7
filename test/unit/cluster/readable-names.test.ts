import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoNames } from '../../../src/server/cluster/autoName';
import { ctfidf } from '../../../src/server/cluster/keywords';
import { nameAgreement } from '../../../src/server/cluster/nameAgreement';
import type { NameRequest } from '../../../src/server/cluster/stages';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { modelDir } from '../../support/model';

// Four clusters of tickets written for this test, each asking for one thing in several wordings.
const CLUSTERS: Record<string, string[]> = {
  cancel_order: [
    'help with cancelling my order',
    'question about cancelling my order',
    'problem cancelling my order',
    'assistance cancelling the order I placed yesterday',
    'I am cancelling my order, it is no longer needed',
    'cancelling order 1234',
    'I want to cancel it',
    'can you cancel it',
    'cancelling my order please',
    'is cancelling my order possible',
  ],
  track_order: [
    'where is my package?',
    'I want to track my order',
    'can you track my parcel',
    'track the status of my order',
    'how can I track my package',
    'my package has not arrived, where is it',
    'help me track my order',
    'I need to track my delivery',
    'track order status',
    'please track my package for me',
  ],
  get_refund: [
    'I want a refund for my purchase',
    'how do I get a refund',
    'please refund my money',
    'requesting a refund for a broken item',
    'can I get a refund',
    'refund my payment please',
    'I was charged twice and want a refund',
    'when will I receive my refund',
    'I need a refund for the damaged product',
    'refund request for my purchase',
  ],
  check_cancellation_fee: [
    'where can I check the early termination fee',
    'I want to check the early termination fee',
    'check the termination fee for my contract',
    'how much is the early termination fee',
    'what is your early termination fee',
    'can you check the early termination fee for me',
    'I need to see the termination fee',
    'early termination fee amount',
    'help me check the termination fee',
    'the early termination fee seems too high',
  ],
  parcel_arrival: [
    'when will my parcel arrive',
    'when is my parcel going to arrive',
    'my parcel has not arrived yet',
    'how long until my parcel arrives',
    'when does my parcel arrive',
    'how long does delivery take for my parcel',
    'when will the parcel be delivered',
    'is my parcel arriving today',
    'how many days until my parcel arrives',
    'when should I expect my parcel to arrive',
  ],
  reset_password: [
    'I forgot my password',
    'how do I reset my password',
    'reset my password please',
    'cannot log in, I need to reset my password',
    'the password reset link is not working',
    'help me reset my password',
    'I need to reset the password of my account',
    'reset password',
    'forgot the password for my account',
    'my password does not work, please reset it',
  ],
};

describe('readable cluster names on tickets written for the test (real model)', () => {
  let embedder: Embedder;
  let requests: NameRequest[];
  let names: Map<string, string>;
  let again: Map<string, string>;
  const embed = (texts: readonly string[]) => embedder.embed(texts, { persist: false });

  beforeAll(async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(mkdtempSync(join(tmpdir(), 'tl-readable-')), 'cache') });
    const intents = Object.keys(CLUSTERS);
    const docs = intents.flatMap((k) => CLUSTERS[k]);
    const classOf = intents.flatMap((k, c) => CLUSTERS[k].map(() => c));
    const terms = ctfidf(docs, classOf, 20);
    const vectors = await embedder.embed(docs);
    const dim = embedder.info.dim;
    requests = intents.map((id, c) => {
      const centroid = new Float32Array(dim);
      classOf.forEach((k, i) => {
        if (k === c) for (let d = 0; d < dim; d++) centroid[d] += vectors[i * dim + d];
      });
      return { id, parent: null, size: CLUSTERS[id].length, centroid, terms: (terms.get(c) ?? []).map((k) => k.term), texts: CLUSTERS[id] };
    });
    names = await autoNames(requests, dim, embed);
    again = await autoNames(requests, dim, embed);
  });
  afterAll(() => embedder.dispose());

  it('are short phrases, not keyword lists', () => {
    const table = [...names].map(([id, n]) => `${id}: "${n}"`).join('\n');
    expect(names.size, table).toBe(Object.keys(CLUSTERS).length);
    for (const [id, name] of names) {
      expect(name, `${id}\n${table}`).not.toContain(',');
      expect(name.split(/\s+/).length, `${id}\n${table}`).toBeLessThanOrEqual(6);
      expect(name, id).toMatch(/^[A-Z]/);
      const keywords = requests.find((r) => r.id === id)!.terms;
      // A keyword list starts with the top term and carries the next ones along: "order, cancel order, cancel, …".
      expect(name.toLowerCase(), `${id}\n${table}`).not.toBe(keywords.slice(0, 2).join(' '));
    }
  });

  it('each share a content word with what its tickets ask for', () => {
    const pairs = [...names].map(([intent, name]) => ({ name, intent }));
    expect(nameAgreement(pairs), JSON.stringify(pairs)).toBe(1);
  });

  it('say the action as a verb + object in its base form when the tickets ask for one', () => {
    // Most of these tickets say "cancelling my order"; a name says the action: "Cancel …".
    expect(names.get('cancel_order')).toMatch(/^Cancel \w/);
    // "Early termination fee" is the closest phrase, but the tickets ask to check it (more often than to "see" it).
    expect(names.get('check_cancellation_fee')).toMatch(/^Check .*termination fee/);
    expect(names.get('reset_password')).toMatch(/^Reset .*password/);
  });

  it('leave out clause fragments cut from questions ("Parcel arrive", "When my parcel")', () => {
    const name = names.get('parcel_arrival')!;
    expect(name).not.toMatch(/\b(when|how|will|does|is|i|you)\b/i);
    expect(name).not.toMatch(/\barrive$/i);
  });

  it('are the same when asked twice', () => expect([...again]).toEqual([...names]));
});
