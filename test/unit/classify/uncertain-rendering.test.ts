// Classify Selection's wording of a prediction, on real zero-shot predictions from the server's service.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyRequest } from '../../../src/shared/api';
import { predictionDescription, predictionValue } from '../../../src/extension/commands/predictionText';
import { ClassifyService } from '../../../src/server/classify/service';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { modelDir } from '../../support/model';

let embedder: Embedder;
let service: ClassifyService;
beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(mkdtempSync(join(tmpdir(), 'tl-uncertain-')), 'cache') });
  service = new ClassifyService(() => Promise.resolve(embedder));
});
afterAll(() => embedder.dispose());

describe('Classify Selection wording', () => {
  it('says "uncertain" and names the runner-up on a near tie, and nothing extra on a clear answer', async () => {
    // priority's fitted temperature is high (zero-shot priority is weak), so most texts are near ties
    const texts = ['I forgot my password and cannot log in', 'can I change the colour of my card', 'my card was charged but the parcel never arrived', 'thanks for the quick reply'];
    const res = await service.classify(ClassifyRequest.parse({ texts, labelSets: ['priority', 'department'] }));
    const all = res.results.flatMap((r) => r.tasks);
    const tie = all.find((t) => t.uncertain);
    const clear = all.find((t) => t.uncertain === false);
    expect(tie, 'some prediction is a near tie').toBeDefined();
    expect(clear, 'some prediction is clear').toBeDefined();
    expect(predictionValue(tie!)).toBe(`${tie!.label} — uncertain, or ${tie!.topK[1].label}`);
    expect(predictionValue(clear!)).toBe(clear!.label);
    expect(predictionDescription(tie!)).toMatch(new RegExp(`^${Math.round(tie!.confidence * 100)}% · zero-shot · then ${tie!.topK[1].label}`));
  });
});
