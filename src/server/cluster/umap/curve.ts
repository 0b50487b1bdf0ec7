/**
 * Fits UMAP's low-dimensional similarity curve 1 / (1 + a·d^(2b)) to the target
 * { 1 if d < minDist, else exp(−(d − minDist) / spread) }, by Gauss–Newton least squares on the same
 * 300 points in [0, 3·spread] that umap-learn's find_ab_params uses with scipy's curve_fit.
 */
export function findAB(spread: number, minDist: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (3 * spread * i) / 299;
    if (x === 0) continue;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  let a = 1.6;
  let b = 0.9;
  for (let it = 0; it < 200; it++) {
    // J^T J and J^T r for the two parameters
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ra = 0;
    let rb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ra += da * r;
      rb += db * r;
    }
    const det = jaa * jbb - jab * jab;
    if (Math.abs(det) < 1e-18) break;
    const stepA = (jbb * ra - jab * rb) / det;
    const stepB = (jaa * rb - jab * ra) / det;
    a -= stepA;
    b -= stepB;
    if (Math.abs(stepA) < 1e-10 && Math.abs(stepB) < 1e-10) break;
  }
  return { a, b };
}
