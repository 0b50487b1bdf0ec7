/**
 * What the adapter's two maps show, as numbers for their table: per class, the share of its rows whose
 * nearest other row on the map carries the same label (1-nearest-neighbour agreement in the picture).
 * A class that sits apart scores near 1; one mixed among others near its share of the rows. A plain
 * scan: the maps hold at most MAX_ADAPTER_MAP_ROWS rows.
 */

/** Per label index (0 … labels − 1): rows, and rows whose nearest neighbour on the map (x, y pairs) has the same label. */
export function neighbourAgreement(xy: readonly number[], label: readonly number[], labels: number): { rows: number[]; same: number[] } {
  const rows = new Array<number>(labels).fill(0);
  const same = new Array<number>(labels).fill(0);
  const n = label.length;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    rows[label[i]]++;
    if (best >= 0 && label[best] === label[i]) same[label[i]]++;
  }
  return { rows, same };
}
