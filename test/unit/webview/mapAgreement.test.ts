// The table under the adapter's two maps: per class, the share of its rows whose nearest row on the map
// has the same label — checked on layouts where the answer is known by construction.
import { describe, expect, it } from 'vitest';
import { neighbourAgreement } from '../../../webview/src/evaluation/mapAgreement';

describe('neighbour agreement on a 2-D map', () => {
  it('classes far apart agree fully; classes interleaved on a line not at all', () => {
    // Class 0 round (0, 0), class 1 round (100, 100): every nearest neighbour is of the same class.
    const apart = [0, 0, 1, 0, 0, 1, 100, 100, 101, 100];
    expect(neighbourAgreement(apart, [0, 0, 0, 1, 1], 2)).toEqual({ rows: [3, 2], same: [3, 2] });
    // 0 1 0 1 on a line with growing gaps: each point's nearest is its left or right neighbour, of the other class.
    const line = [0, 0, 1, 0, 3, 0, 6, 0];
    expect(neighbourAgreement(line, [0, 1, 0, 1], 2)).toEqual({ rows: [2, 2], same: [0, 0] });
  });

  it('a class with no rows on the map has none counted, and a lone row has no neighbour of its class', () => {
    expect(neighbourAgreement([0, 0, 5, 5], [2, 0], 3)).toEqual({ rows: [1, 0, 1], same: [0, 0, 0] });
  });
});
