// Prometheus 3's experimental extended range selectors (`--enable-feature=promql-extended-range-selectors`):
//  - `x[5m] anchored`: the window also takes the last sample at or before its start (within the
//    lookback delta), which stands at the start; the last sample stands at the end. `rate`,
//    `increase` and `delta` become the plain difference between the two ends (no extrapolation),
//    `changes` and `resets` count the anchor too.
//  - `x[5m] smoothed`: both ends are interpolated linearly from the samples around them (the
//    next sample may lie up to a lookback delta past the end); for counters a reset between
//    two samples is taken to start from zero. Only `rate`, `increase` and `delta` accept it.
//  - `x smoothed`: an instant selector's value is interpolated between the samples around the
//    evaluation time (the last sample carries on when none follows).
import { getLabel, METRIC_NAME } from '../../model/labels';
import { possibleNonCounter } from '../annotations';
import type { Call, MatrixSelector, VectorSelector } from '../parser/ast';
import { QueryError } from '../value';
import type { Evaluator } from './evaluator';
import { mergeAfterRelabel } from './evaluator';
import type { Steps } from './steps';
import { MatrixValue, newStepSeries, RawSeries, StepSeries, VectorValue } from './types';

const ANCHORED_FUNCTIONS = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_FUNCTIONS = ['delta', 'increase', 'rate'];
const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** The anchored or smoothed range selector among a call's arguments, if any. */
function extendedArgument(call: Call): MatrixSelector | null {
  for (const a of call.args) {
    if (a.type === 'MatrixSelector' && (a.vectorSelector.anchored || a.vectorSelector.smoothed)) return a;
  }
  return null;
}

/** Linear interpolation at `t`; a counter that went down is taken to restart from zero. */
export function interpolate(t1: number, v1: number, t2: number, v2: number, t: number, isCounter: boolean): number {
  const y1 = isCounter && v2 < v1 ? 0 : v1;
  return y1 + ((v2 - y1) * (t - t1)) / (t2 - t1);
}

/** The first index in [lo, hi) whose timestamp satisfies `pred` (monotone), or hi. */
function search(ts: Float64Array, lo: number, hi: number, pred: (t: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(ts[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Samples [lo, hi) of one series around one step's window (rangeStart, rangeEnd]. */
export interface ExtendedWindow {
  ts: Float64Array;
  vs: Float64Array;
  lo: number;
  hi: number;
  rangeStart: number;
  rangeEnd: number;
}

/**
 * `rate`/`increase`/`delta` over an anchored or smoothed window: the difference of the values at
 * the two ends, corrected for counter resets in between; null when the window has no data.
 */
export function extendedRate(w: ExtendedWindow, smoothed: boolean, isCounter: boolean): number | null {
  const { ts, vs, rangeStart, rangeEnd } = w;
  if (w.hi <= w.lo) return null;
  let last = w.hi - 1;
  let first = Math.max(w.lo, search(ts, w.lo, last, (t) => t > rangeStart) - 1);
  if (smoothed) last = search(ts, w.lo, last, (t) => t >= rangeEnd);
  if (ts[last] <= rangeStart) return null;
  if (smoothed && ts[first] > rangeEnd) return null;
  const left =
    smoothed && ts[first] < rangeStart
      ? interpolate(ts[first], vs[first], ts[first + 1], vs[first + 1], rangeStart, isCounter)
      : vs[first];
  const right =
    smoothed && last > w.lo && ts[last] > rangeEnd
      ? interpolate(ts[last - 1], vs[last - 1], ts[last], vs[last], rangeEnd, isCounter)
      : vs[last];
  let result = right - left;
  if (isCounter) {
    // The ends already account for resets next to them; only the samples strictly inside count.
    if (ts[first] <= rangeStart) first++;
    if (ts[last] >= rangeEnd) last--;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (vs[i] < prev) result += prev;
      prev = vs[i];
    }
    if (right < prev) result += prev;
  }
  return result;
}

/**
 * The points an anchored or smoothed window holds: one at its start (the anchor, the first
 * sample, or for smoothed the value interpolated there), the samples strictly inside, and one at
 * its end (the last sample, or the value interpolated there). Interpolation here is not counter-aware.
 */
export function extendedPoints(w: ExtendedWindow, smoothed: boolean): { ts: number[]; vs: number[] } | null {
  const { ts, vs, rangeStart, rangeEnd } = w;
  if (w.hi <= w.lo) return null;
  let last = w.hi - 1;
  let first = Math.max(w.lo, search(ts, w.lo, last, (t) => t > rangeStart) - 1);
  if (smoothed) last = search(ts, w.lo, last, (t) => t >= rangeEnd);
  if (ts[last] <= rangeStart) return null;
  const left =
    smoothed && ts[first] < rangeStart
      ? interpolate(ts[first], vs[first], ts[first + 1], vs[first + 1], rangeStart, false)
      : vs[first];
  const right =
    smoothed && last > w.lo && ts[last] > rangeEnd
      ? interpolate(ts[last - 1], vs[last - 1], ts[last], vs[last], rangeEnd, false)
      : vs[last];
  if (ts[first] <= rangeStart) first++;
  if (ts[last] >= rangeEnd) last--;
  const out = { ts: [rangeStart], vs: [left] };
  for (let i = first; i <= last; i++) {
    out.ts.push(ts[i]);
    out.vs.push(vs[i]);
  }
  out.ts.push(rangeEnd);
  out.vs.push(right);
  return out;
}

function countChanges(values: number[], resetsOnly: boolean): number {
  let n = 0;
  for (let i = 1; i < values.length; i++) {
    const cur = values[i];
    const prev = values[i - 1];
    if (resetsOnly ? cur < prev : !(cur === prev || (Number.isNaN(cur) && Number.isNaN(prev)))) n++;
  }
  return n;
}

/** Reads a selector's samples over all steps' windows widened by `before` and `after` ms. */
async function readWidened(
  ev: Evaluator,
  ms: MatrixSelector,
  before: number,
  after: number,
  steps: Steps
): Promise<RawSeries[]> {
  const vs = ms.vectorSelector;
  const widened: MatrixSelector = {
    ...ms,
    range: ms.range + before + after,
    vectorSelector: { ...vs, offset: vs.offset - after },
  };
  return (await ev.selectMatrix(widened, steps)).series;
}

/**
 * Evaluates a call whose range argument is anchored or smoothed; null when it has none.
 * Functions that cannot take the modifier are an error, as in Prometheus.
 */
export async function evalExtendedRangeCall(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue | null> {
  const ms = extendedArgument(call);
  if (ms === null) return null;
  const smoothed = ms.vectorSelector.smoothed === true;
  const allowed = smoothed ? SMOOTHED_FUNCTIONS : ANCHORED_FUNCTIONS;
  const name = call.func.name;
  if (!allowed.includes(name))
    throw new QueryError(
      'execution',
      `${smoothed ? 'smoothed' : 'anchored'} modifier can only be used with: ${allowed.join(', ')} - not with ${name}`
    );
  const lookback = ev.settings.lookbackDelta;
  const series = await readWidened(ev, ms, lookback, smoothed ? lookback : 0, steps);
  const ends = ev.windowEnds(ms.vectorSelector, steps);
  const isCounter = name === 'rate' || name === 'increase';
  const out: StepSeries[] = [];
  const nonCounterNames = new Set<string>();
  for (const s of series) {
    await ev.tick();
    let result: StepSeries | null = null;
    for (let i = 0; i < steps.n; i++) {
      const rangeEnd = ends[i];
      const rangeStart = rangeEnd - ms.range;
      const lo = search(s.ts, 0, s.length, (t) => t > rangeStart - lookback);
      const hi = search(s.ts, lo, s.length, (t) => t > rangeEnd + (smoothed ? lookback : 0));
      const w: ExtendedWindow = { ts: s.ts, vs: s.vs, lo, hi, rangeStart, rangeEnd };
      let v: number | null;
      if (name === 'changes' || name === 'resets') {
        const points = extendedPoints(w, false);
        v = points === null ? null : countChanges(points.vs, name === 'resets');
      } else {
        v = extendedRate(w, smoothed, name !== 'delta');
        if (v !== null && name === 'rate') v /= ms.range / 1000;
      }
      if (v === null) continue;
      result ??= newStepSeries(s.metric, false, steps.n);
      result.vals[i] = v;
      result.has[i] = 1;
    }
    if (result === null) continue;
    const metricName = getLabel(s.metric, METRIC_NAME);
    if (isCounter && !COUNTER_SUFFIXES.some((suf) => metricName.endsWith(suf))) nonCounterNames.add(metricName);
    const named = ev.dropName(s.metric);
    out.push({ ...result, metric: named.metric, dropName: named.dropName });
  }
  for (const nm of nonCounterNames) ev.annotations.info(possibleNonCounter(nm), ms.pos);
  return { kind: 'vector', series: mergeAfterRelabel(out, steps.n) };
}

/**
 * A bare `x[5m] anchored` or `x[5m] smoothed` (an instant query's result): each series' points
 * as the functions see them, the start and end points included. Only instant queries can
 * return a range vector, so the window is the first step's.
 */
export async function selectExtendedMatrix(ev: Evaluator, ms: MatrixSelector, steps: Steps): Promise<MatrixValue> {
  const smoothed = ms.vectorSelector.smoothed === true;
  const lookback = ev.settings.lookbackDelta;
  const ends = ev.windowEnds(ms.vectorSelector, steps);
  const out: RawSeries[] = [];
  if (steps.n > 0) {
    const rangeEnd = ends[0];
    const rangeStart = rangeEnd - ms.range;
    for (const s of await readWidened(ev, ms, lookback, smoothed ? lookback : 0, steps)) {
      const lo = search(s.ts, 0, s.length, (t) => t > rangeStart - lookback);
      const hi = search(s.ts, lo, s.length, (t) => t > rangeEnd + (smoothed ? lookback : 0));
      const points = extendedPoints({ ts: s.ts, vs: s.vs, lo, hi, rangeStart, rangeEnd }, smoothed);
      if (points === null) continue;
      const ts = Float64Array.from(points.ts);
      out.push({ metric: s.metric, dropName: false, ts, vs: Float64Array.from(points.vs), length: ts.length });
    }
  }
  // The start point sits exactly on the window's (open) start: widen the window by 1 ms to keep it.
  return { kind: 'matrix', series: out, range: ms.range + 1, ends };
}

/**
 * `x smoothed`: at each step the value at the evaluation time, interpolated between the last
 * sample at or before it (within the lookback delta) and the next one (within the lookback delta).
 */
export async function selectSmoothedVector(ev: Evaluator, vs: VectorSelector, steps: Steps): Promise<VectorValue> {
  const lookback = ev.settings.lookbackDelta;
  const ms: MatrixSelector = { type: 'MatrixSelector', vectorSelector: vs, range: 0, pos: vs.pos };
  const series = await readWidened(ev, ms, lookback, lookback, steps);
  const ends = ev.windowEnds(vs, steps);
  const out: StepSeries[] = [];
  for (const s of series) {
    await ev.tick();
    let result: StepSeries | null = null;
    for (let i = 0; i < steps.n; i++) {
      const t = ends[i];
      const next = search(s.ts, 0, s.length, (x) => x > t);
      const prev = next - 1;
      if (prev < 0 || s.ts[prev] <= t - lookback) continue;
      let v = s.vs[prev];
      if (s.ts[prev] < t && next < s.length && s.ts[next] <= t + lookback)
        v = interpolate(s.ts[prev], s.vs[prev], s.ts[next], s.vs[next], t, false);
      result ??= newStepSeries(s.metric, false, steps.n);
      result.vals[i] = v;
      result.has[i] = 1;
    }
    if (result !== null) out.push(result);
  }
  return { kind: 'vector', series: out };
}
