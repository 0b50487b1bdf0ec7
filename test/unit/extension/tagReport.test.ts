/**
 * What Tag Rows with Claude tells the user when its job ends (src/extension/tagReport.ts): the rows
 * tagged, a warning when some were not and why, and after training, whose agreement with Claude the
 * figure is. The summaries go through the contract's schemas, as the command reads the job's result.
 */
import { describe, expect, it } from 'vitest';
import { DistilSummary, TagSummary, type TagSummary as TagSummaryType } from '../../../src/shared/tag';
import { distilReport, tagReport } from '../../../src/extension/tagReport';

const estimate = { rows: 60, requests: 3, inputTokens: 9000, outputTokens: 5000, costUsd: 0.0341, model: 'claude-haiku-5-5' };
const tagged = (over: Partial<TagSummaryType> = {}) =>
  TagSummary.parse({
    csvPath: '/ws/tickets.csv',
    labelSet: 'kind',
    multiLabel: false,
    model: 'claude-haiku-5-5',
    outDir: '/ws/.ticket-lens/tags/tickets-kind',
    tagsCsv: '/ws/.ticket-lens/tags/tickets-kind/tags.csv',
    rows: 300,
    selected: 60,
    tagged: 60,
    written: 60,
    resumed: 0,
    fromCache: 0,
    failed: [],
    counts: { Orders: 24, Money: 18, Account: 16, Other: 1, Misc: 1 },
    requests: 3,
    usage: { inputTokens: 9000, outputTokens: 5000 },
    costUsd: 0.0341,
    estimate,
    sample: { method: 'random', runDir: null, perCluster: null },
    stopped: null,
    state: 'complete',
    preview: null,
    ...over,
  });

const distilled = (over: Record<string, unknown> = {}) =>
  DistilSummary.parse({
    labelSet: 'kind',
    multiLabel: false,
    modelPath: '/ws/.ticket-lens/tags/tickets-kind/classifier.tlc',
    predictionsCsv: '/ws/.ticket-lens/tags/tickets-kind/predictions.csv',
    tags: 60,
    trainTags: 60,
    heldOutTags: 12,
    refit: true,
    agreement: 0.75,
    agreementWhenSure: 0.9,
    heldOutUnsure: 2,
    training: { task: 'kind', multiLabel: false, classes: 3, trainRows: 54, valRows: 6, epochs: 30, bestEpoch: 12, valAccuracy: 0.83, valMacroF1: 0.8, temperature: 1.2 },
    rows: 300,
    unsure: 41,
    skipped: 0,
    counts: { Orders: 120, Money: 90, Account: 90 },
    rowsPerSecond: 250,
    seconds: { train: 3, classify: 1.2 },
    ...over,
  });

describe('the message when tagging ends', () => {
  it('complete: the rows, the four commonest labels and the cost', () => {
    expect(tagReport(tagged())).toEqual({ severity: 'info', message: '60 of 60 rows tagged into "kind" (Orders 24, Money 18, Account 16, Other 1, $0.034).' });
  });

  it('partial: a warning that says why (a cap, or rows Claude left untagged)', () => {
    const capped = tagReport(tagged({ tagged: 40, state: 'partial', stopped: { cause: 'budget', message: 'the budget of $0.02 would be passed' } }));
    expect(capped.severity).toBe('warning');
    expect(capped.message).toMatch(/^40 of 60 rows tagged into "kind" .* Stopped: the budget of \$0\.02 would be passed\.$/);
    const failed = tagReport(tagged({ tagged: 58, state: 'partial', failed: [{ row: 3, reason: 'no entry' }, { row: 9, reason: 'no entry' }] }));
    expect(failed).toMatchObject({ severity: 'warning' });
    expect(failed.message).toMatch(/ 2 rows could not be tagged \(see the log\)\.$/);
  });

  it('without a known price or labels, no empty brackets', () => {
    expect(tagReport(tagged({ costUsd: null, counts: {}, tagged: 0, state: 'partial' })).message).toBe('0 of 60 rows tagged into "kind".');
  });
});

describe('the message when a classifier was trained from the tags', () => {
  it('refit on every tag: the agreement is said to be measured by a model trained without the held-out tags', () => {
    expect(distilReport(distilled())).toBe('A local classifier trained on 60 tags agrees with Claude on 75.0% of 12 held-out tags (measured by a model trained without them); 300 rows classified, 41 unsure.');
  });

  it('not refit: the saved classifier itself was measured', () => {
    expect(distilReport(distilled({ refit: false, trainTags: 48 }))).toBe('A local classifier trained on 48 tags agrees with Claude on 75.0% of 12 held-out tags; 300 rows classified, 41 unsure.');
  });

  it('no held-out tags: no agreement claimed', () => {
    const d = distilReport(distilled({ heldOutTags: 0, refit: false, agreement: null, agreementWhenSure: null, heldOutUnsure: 0 }));
    expect(d).toBe('A local classifier trained on 60 tags: 300 rows classified, 41 unsure (no tags were held out to measure its agreement with Claude).');
  });
});
