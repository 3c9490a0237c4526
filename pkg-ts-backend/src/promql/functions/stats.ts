// Numerical building blocks shared by aggregations and functions, matching Prometheus's
// formulas (and therefore its rounding).
import { KahanSum } from '../kahan';

/** Ascending with NaN first, as Prometheus's vectorByValueHeap sorts. */
function byValueNaNFirst(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The q-quantile by linear interpolation between closest ranks; sorts `values` in place. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(byValueNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

/**
 * Least-squares fit of v over (t - interceptTime) seconds for samples [from, to). Returns
 * [slope, intercept].
 */
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  from: number,
  to: number,
  interceptTime: number
): [number, number] {
  const sumX = new KahanSum();
  const sumY = new KahanSum();
  const sumXY = new KahanSum();
  const sumX2 = new KahanSum();
  const initY = vs[from];
  let constY = true;
  let n = 0;
  for (let i = from; i < to; i++) {
    const y = vs[i];
    if (constY && i > from && y !== initY) constY = false;
    n++;
    const x = (ts[i] - interceptTime) / 1000;
    sumX.add(x);
    sumY.add(y);
    sumXY.add(x * y);
    sumX2.add(x * x);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  const sx = sumX.value();
  const sy = sumY.value();
  const covXY = sumXY.value() - (sx * sy) / n;
  const varX = sumX2.value() - (sx * sx) / n;
  const slope = covXY / varX;
  const intercept = sy / n - (slope * sx) / n;
  return [slope, intercept];
}
