// Functions over range vectors: each gets one series' samples in the window (from..to) of one
// step and returns the value for that step, or null for no output.
import { KahanSum } from '../kahan';
import { linearRegression, quantile } from './stats';

export interface Window {
  ts: Float64Array;
  vs: Float64Array;
  /** Samples [from, to) are inside (rangeStart, rangeEnd]. */
  from: number;
  to: number;
  rangeStart: number;
  rangeEnd: number;
  /** The step's evaluation time (predict_linear's intercept point). */
  stepTime: number;
  /** Scalar arguments at this step, in argument order without the range vector. */
  scalars: number[];
}

export type RangeFunction = (w: Window) => number | null;

/**
 * The indices i (ascending) where vs[i] < vs[i - 1]: counter resets. Written into `into` when it
 * is large enough, else into a new array; the first `count` entries of the result are valid.
 */
export function findResets(vs: Float64Array, length: number, into: Int32Array): { resets: Int32Array; count: number } {
  let resets = into;
  let count = 0;
  for (let i = 1; i < length; i++) {
    if (vs[i] < vs[i - 1]) {
      if (count === resets.length) {
        const grown = new Int32Array(Math.max(16, count * 2));
        grown.set(resets);
        resets = grown;
      }
      resets[count++] = i;
    }
  }
  return { resets, count };
}

/**
 * rate/increase/delta over samples [from, to) of the window (rangeStart, rangeEnd]: the change,
 * corrected for counter resets, extrapolated towards the window edges (not beyond where a
 * counter would reach zero). Takes plain arguments: it is the hottest loop of most queries.
 * With `resets` (findResets over the same samples, `resetCount` entries) a counter's resets are
 * looked up instead of rescanning every window: the same additions in the same order.
 */
export function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  from: number,
  to: number,
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
  out: Float64Array,
  outIndex: number,
  resets: Int32Array | null = null,
  resetCount = 0
): boolean {
  const n = to - from;
  if (n < 2) return false;
  const firstT = ts[from];
  const lastT = ts[to - 1];
  const firstV = vs[from];
  let result = vs[to - 1] - firstV;
  if (isCounter && resets !== null) {
    // First reset after `from`.
    let lo = 0;
    let hi = resetCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (resets[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < resetCount && resets[k] < to; k++) result += vs[resets[k] - 1];
  } else if (isCounter) {
    let prev = firstV;
    for (let i = from + 1; i < to; i++) {
      const v = vs[i];
      if (v < prev) result += prev;
      prev = v;
    }
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (n - 1);
  const threshold = averageBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = averageBetween / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    // A counter cannot go below zero: do not extrapolate past the point where it would be 0.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= (rangeEnd - rangeStart) / 1000;
  // Written into the caller's array: returning a fresh double per window would allocate.
  out[outIndex] = result * factor;
  return true;
}

const scratch = new Float64Array(1);

function rateOf(w: Window, isCounter: boolean, isRate: boolean): number | null {
  return extrapolatedRate(w.ts, w.vs, w.from, w.to, w.rangeStart, w.rangeEnd, isCounter, isRate, scratch, 0)
    ? scratch[0]
    : null;
}

function instantValue(w: Window, isRate: boolean): number | null {
  const { ts, vs, from, to } = w;
  if (to - from < 2) return null;
  const last = vs[to - 1];
  const prev = vs[to - 2];
  const interval = ts[to - 1] - ts[to - 2];
  if (interval === 0) return null;
  const result = isRate && last < prev ? last : last - prev;
  return isRate ? result / (interval / 1000) : result;
}

function sumOverTime(w: Window): number {
  const k = new KahanSum();
  for (let i = w.from; i < w.to; i++) k.add(w.vs[i]);
  return k.sum === Infinity || k.sum === -Infinity ? k.sum : k.value();
}

function avgOverTime(w: Window): number {
  const { vs, from, to } = w;
  let sum = vs[from];
  let c = 0;
  let mean = 0;
  let count = 1;
  let incremental = false;
  for (let i = from + 1; i < to; i++) {
    const v = vs[i];
    count = i - from + 1;
    if (!incremental) {
      const t = sum + v;
      if (t !== Infinity && t !== -Infinity) {
        if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
        else c += v - t + sum;
        sum = t;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    const base = q * mean;
    const inc = v / count;
    c *= q;
    const t = base + inc;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(base) >= Math.abs(inc)) c += base - t + inc;
    else c += inc - t + base;
    mean = t;
  }
  return incremental ? mean + c : sum / count + c / count;
}

function varianceOverTime(w: Window): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = w.from; i < w.to; i++) {
    const v = w.vs[i];
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}

function windowValues(w: Window): number[] {
  const out: number[] = [];
  for (let i = w.from; i < w.to; i++) out.push(w.vs[i]);
  return out;
}

/** Index of the extreme sample: the last one among equals, NaN only when all are NaN. */
function extremeIndex(w: Window, max: boolean): number {
  let best = w.from;
  for (let i = w.from + 1; i < w.to; i++) {
    const v = w.vs[i];
    const b = w.vs[best];
    if ((max ? v >= b : v <= b) || (Number.isNaN(b) && !Number.isNaN(v))) best = i;
  }
  return best;
}

function doubleExponentialSmoothing(w: Window): number | null {
  const [sf, tf] = w.scalars;
  if (!(sf > 0 && sf < 1)) throw new Error(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  if (!(tf > 0 && tf < 1)) throw new Error(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  const { vs, from, to } = w;
  if (to - from < 2) return null;
  let s0 = 0;
  let s1 = vs[from];
  let b = vs[from + 1] - vs[from];
  for (let i = from + 1; i < to; i++) {
    const x = sf * vs[i];
    if (i - from - 1 > 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

export const RANGE_FUNCTIONS: Record<string, RangeFunction> = {
  rate: (w) => rateOf(w, true, true),
  increase: (w) => rateOf(w, true, false),
  delta: (w) => rateOf(w, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  changes: (w) => {
    let changes = 0;
    for (let i = w.from + 1; i < w.to; i++) {
      const cur = w.vs[i];
      const prev = w.vs[i - 1];
      if (!(cur === prev || (Number.isNaN(cur) && Number.isNaN(prev)))) changes++;
    }
    return changes;
  },
  resets: (w) => {
    let resets = 0;
    for (let i = w.from + 1; i < w.to; i++) if (w.vs[i] < w.vs[i - 1]) resets++;
    return resets;
  },
  deriv: (w) => (w.to - w.from < 2 ? null : linearRegression(w.ts, w.vs, w.from, w.to, w.ts[w.from])[0]),
  predict_linear: (w) => {
    if (w.to - w.from < 2) return null;
    const [slope, intercept] = linearRegression(w.ts, w.vs, w.from, w.to, w.stepTime);
    return intercept + slope * w.scalars[0];
  },
  avg_over_time: avgOverTime,
  sum_over_time: sumOverTime,
  count_over_time: (w) => w.to - w.from,
  min_over_time: (w) => {
    let min = w.vs[w.from];
    for (let i = w.from; i < w.to; i++) if (w.vs[i] < min || Number.isNaN(min)) min = w.vs[i];
    return min;
  },
  max_over_time: (w) => {
    let max = w.vs[w.from];
    for (let i = w.from; i < w.to; i++) if (w.vs[i] > max || Number.isNaN(max)) max = w.vs[i];
    return max;
  },
  last_over_time: (w) => w.vs[w.to - 1],
  first_over_time: (w) => w.vs[w.from],
  present_over_time: () => 1,
  stdvar_over_time: varianceOverTime,
  stddev_over_time: (w) => Math.sqrt(varianceOverTime(w)),
  quantile_over_time: (w) => quantile(w.scalars[0], windowValues(w)),
  mad_over_time: (w) => {
    const values = windowValues(w);
    if (values.some(Number.isNaN)) return NaN;
    const median = quantile(0.5, values);
    return quantile(
      0.5,
      values.map((v) => Math.abs(v - median))
    );
  },
  ts_of_first_over_time: (w) => w.ts[w.from] / 1000,
  ts_of_last_over_time: (w) => w.ts[w.to - 1] / 1000,
  ts_of_max_over_time: (w) => w.ts[extremeIndex(w, true)] / 1000,
  ts_of_min_over_time: (w) => w.ts[extremeIndex(w, false)] / 1000,
  double_exponential_smoothing: doubleExponentialSmoothing,
};

/** Range functions whose result keeps the metric name. */
export const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);
