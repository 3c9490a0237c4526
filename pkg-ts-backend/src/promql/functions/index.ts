// Function calls: looks the function up by name and evaluates it over all steps.
import { compareLabels, getLabel, Label, Labels, labelsKey, METRIC_NAME, withLabel } from '../../model/labels';
import { compileAnchored, Regex } from '../../model/regex';
import { badBucketLabel, forcedMonotonicity, invalidQuantile, possibleNonCounter } from '../annotations';
import { SeriesCollector } from '../eval/collect';
import { isValidLabelName, sameNameLike } from '../eval/names';
import { Evaluator, mergeAfterRelabel } from '../eval/evaluator';
import { isAscending, lowerBound, Steps } from '../eval/steps';
import { EvalValue, MatrixValue, newStepSeries, RawSeries, StepSeries, VectorValue } from '../eval/types';
import type { Call, Expr } from '../parser/ast';
import { QueryError } from '../value';
import { formatFloatPlain } from '../eval/aggregate';
import { evalExtendedRangeCall } from '../eval/extendedRange';
import { evalInfo } from './info';
import { Bucket, bucketFraction, bucketQuantile, parseBound } from './histogram';
import { expandTemplate, namedGroupIndexes, naturalLess } from './labelFunctions';
import { DATE_FUNCTIONS, ELEMENT_FUNCTIONS } from './math';
import { extrapolatedRate, findResets, KEEPS_NAME, RANGE_FUNCTIONS, Window } from './overTime';

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

function unwrapParens(e: Expr): Expr {
  while (e.type === 'ParenExpr') e = e.expr;
  return e;
}

function scalarOut(vals: Float64Array): EvalValue {
  return { kind: 'scalar', vals };
}

function constant(steps: Steps, v: number): Float64Array {
  return new Float64Array(steps.n).fill(v);
}

export async function evalCall(ev: Evaluator, call: Call, steps: Steps): Promise<EvalValue> {
  const extended = await evalExtendedRangeCall(ev, call, steps);
  if (extended) return extended;
  const name = call.func.name;
  const s = ev.settings;
  switch (name) {
    case 'time':
      return scalarOut(steps.times.map((t) => t / 1000));
    case 'pi':
      return scalarOut(constant(steps, Math.PI));
    case 'start':
      return scalarOut(constant(steps, s.queryStart / 1000));
    case 'end':
      return scalarOut(constant(steps, s.queryEnd / 1000));
    case 'range':
      return scalarOut(constant(steps, (s.queryEnd - s.queryStart) / 1000));
    case 'step':
      return scalarOut(constant(steps, s.queryStep / 1000));
    case 'vector': {
      const vals = await ev.evalScalar(call.args[0], steps);
      return { kind: 'vector', series: [{ metric: [], dropName: false, vals, has: new Uint8Array(steps.n).fill(1) }] };
    }
    case 'scalar': {
      const v = await ev.evalVector(call.args[0], steps);
      const vals = new Float64Array(steps.n).fill(NaN);
      const counts = new Uint32Array(steps.n);
      for (const ser of v.series) {
        for (let i = 0; i < steps.n; i++) {
          if (!ser.has[i]) continue;
          counts[i]++;
          vals[i] = counts[i] === 1 ? ser.vals[i] : NaN;
        }
      }
      return scalarOut(vals);
    }
    case 'timestamp':
      return timestamp(ev, call, steps);
    case 'absent':
      return absent(ev, call, steps);
    case 'absent_over_time':
      return absentOverTime(ev, call, steps);
    case 'label_replace':
      return labelReplace(ev, call, steps);
    case 'label_join':
      return labelJoin(ev, call, steps);
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sortFunction(ev, call, steps);
    case 'histogram_quantile':
    case 'histogram_quantiles':
      return histogramQuantile(ev, call, steps);
    case 'histogram_fraction':
      return histogramFraction(ev, call, steps);
    case 'min_of':
    case 'max_of': {
      const a = await ev.evalScalar(call.args[0], steps);
      const b = await ev.evalScalar(call.args[1], steps);
      return scalarOut(a.map((x, i) => (name === 'min_of' ? Math.min(x, b[i]) : Math.max(x, b[i]))));
    }
    case 'histogram_avg':
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // These read native histograms only; float series yield nothing.
      for (const a of call.args) await ev.eval(a, steps);
      return { kind: 'vector', series: [] };
    case 'info':
      return evalInfo(ev, call, steps);
    default:
      break;
  }
  if (name in DATE_FUNCTIONS) return dateFunction(ev, call, steps);
  if (name in ELEMENT_FUNCTIONS) return elementFunction(ev, call, steps);
  if (name in RANGE_FUNCTIONS) return rangeFunction(ev, call, steps);
  throw new QueryError('bad_data', `unknown function with name "${name}"`);
}

async function scalarArgs(ev: Evaluator, args: Expr[], steps: Steps): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (const a of args) out.push(await ev.evalScalar(a, steps));
  return out;
}

/** Applies f per present value; the name goes (now or at the end). */
function mapSeries(
  ev: Evaluator,
  input: StepSeries[],
  steps: Steps,
  f: (v: number, step: number) => number | null
): StepSeries[] {
  const out: StepSeries[] = [];
  for (const ser of input) {
    const { metric, dropName } = ev.dropName(ser.metric);
    const res = newStepSeries(metric, dropName || ser.dropName, steps.n);
    let any = false;
    for (let i = 0; i < steps.n; i++) {
      if (!ser.has[i]) continue;
      const v = f(ser.vals[i], i);
      if (v === null) continue;
      res.vals[i] = v;
      res.has[i] = 1;
      any = true;
    }
    if (any) out.push(res);
  }
  return mergeAfterRelabel(out, steps.n);
}

async function elementFunction(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const f = ELEMENT_FUNCTIONS[call.func.name];
  const input = await ev.evalVector(call.args[0], steps);
  const scalars = await scalarArgs(ev, call.args.slice(1), steps);
  const args: number[] = new Array<number>(scalars.length);
  const clamp = call.func.name === 'clamp';
  return {
    kind: 'vector',
    series: mapSeries(ev, input.series, steps, (v, i) => {
      for (let a = 0; a < scalars.length; a++) args[a] = scalars[a][i];
      if (clamp && args[1] < args[0]) return null;
      return f(v, args);
    }),
  };
}

async function dateFunction(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const f = DATE_FUNCTIONS[call.func.name];
  const date = (v: number): number => f(new Date(Math.trunc(v) * 1000));
  if (call.args.length === 0) {
    const vals = steps.times.map((t) => date(t / 1000));
    return { kind: 'vector', series: [{ metric: [], dropName: false, vals, has: new Uint8Array(steps.n).fill(1) }] };
  }
  const input = await ev.evalVector(call.args[0], steps);
  return { kind: 'vector', series: mapSeries(ev, input.series, steps, (v) => (Number.isFinite(v) ? date(v) : NaN)) };
}

async function timestamp(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const arg = unwrapParens(call.args[0]);
  if (arg.type === 'VectorSelector') {
    const v = await ev.selectVector(arg, steps, true);
    return { kind: 'vector', series: mapSeries(ev, v.series, steps, (x) => x) };
  }
  const v = await ev.evalVector(arg, steps);
  return { kind: 'vector', series: mapSeries(ev, v.series, steps, (_x, i) => steps.times[i] / 1000) };
}

/** The labels absent() reports: the equality matchers of a plain selector argument. */
function absentLabels(arg: Expr): Labels {
  const e = arg.type === 'MatrixSelector' ? arg.vectorSelector : arg;
  if (e.type !== 'VectorSelector') return [];
  let ls: Labels = [];
  const seen = new Set<string>();
  for (const m of e.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) {
      ls = withLabel(ls, m.name, m.value);
      seen.add(m.name);
    } else ls = ls.filter((l) => l.name !== m.name);
  }
  return ls;
}

async function absent(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const v = await ev.evalVector(call.args[0], steps);
  const res: StepSeries = {
    metric: absentLabels(call.args[0]),
    dropName: false,
    vals: new Float64Array(steps.n).fill(1),
    has: new Uint8Array(steps.n).fill(1),
  };
  for (const ser of v.series) for (let i = 0; i < steps.n; i++) if (ser.has[i]) res.has[i] = 0;
  return { kind: 'vector', series: res.has.includes(1) ? [res] : [] };
}

/** Calls f for every step window of every series of a range vector. */
function forEachWindow(m: MatrixValue, steps: Steps, f: (seriesIndex: number, step: number, w: Window) => void): void {
  const w: Window = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    from: 0,
    to: 0,
    rangeStart: 0,
    rangeEnd: 0,
    stepTime: 0,
    scalars: [],
  };
  m.series.forEach((ser, si) => {
    w.ts = ser.ts;
    w.vs = ser.vs;
    let from = 0;
    let to = 0;
    for (let i = 0; i < steps.n; i++) {
      const end = m.ends[i];
      const start = end - m.range;
      if (i > 0 && end < m.ends[i - 1]) {
        from = 0;
        to = 0;
      }
      while (from < ser.length && ser.ts[from] <= start) from++;
      if (to < from) to = from;
      while (to < ser.length && ser.ts[to] <= end) to++;
      w.from = from;
      w.to = to;
      w.rangeStart = start;
      w.rangeEnd = end;
      w.stepTime = steps.times[i];
      f(si, i, w);
    }
  });
}

async function absentOverTime(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const m = await ev.evalMatrix(call.args[0], steps);
  const res: StepSeries = {
    metric: absentLabels(call.args[0]),
    dropName: false,
    vals: new Float64Array(steps.n).fill(1),
    has: new Uint8Array(steps.n).fill(1),
  };
  forEachWindow(m, steps, (_si, i, w) => {
    if (w.to > w.from) res.has[i] = 0;
  });
  return { kind: 'vector', series: res.has.includes(1) ? [res] : [] };
}

/** A streamed range function's outputs could collide once names drop: evaluate it the plain way. */
export class NotStreamable extends Error {}

/**
 * Evaluates `e` when it is a range function over a selector (`rate(x[5m])`), handing each
 * output series to `sink` as it is computed, in arrays valid only during the call: an
 * aggregation over it need not hold every series at once. False when `e` is another kind of
 * expression; throws NotStreamable (from `sink` too) when the plain evaluation is needed.
 */
export async function streamRangeCall(
  ev: Evaluator,
  e: Expr,
  steps: Steps,
  sink: (s: StepSeries) => void
): Promise<boolean> {
  const call = unwrapParens(e);
  if (call.type !== 'Call' || !(call.func.name in RANGE_FUNCTIONS)) return false;
  const arg = call.args[call.func.argTypes.indexOf('matrix')];
  // Anchored and smoothed selectors have their own evaluation (evalCall tries it first).
  if (arg?.type !== 'MatrixSelector' || arg.vectorSelector.anchored || arg.vectorSelector.smoothed) return false;
  await rangeFunction(ev, call, steps, sink);
  return true;
}

async function rangeFunction(
  ev: Evaluator,
  call: Call,
  steps: Steps,
  sink?: (s: StepSeries) => void
): Promise<VectorValue> {
  const name = call.func.name;
  const f = RANGE_FUNCTIONS[name];
  const matrixIndex = call.func.argTypes.indexOf('matrix');
  const matrixArg = call.args[matrixIndex];
  const scalarExprs = call.args.filter((_a, i) => i !== matrixIndex);
  const scalars = await scalarArgs(ev, scalarExprs, steps);
  const keepName = KEEPS_NAME.has(name);
  const isCounterFn = name === 'rate' || name === 'increase';
  // rate (0), increase (1) and delta (2) skip the generic window object.
  const rateKind = ['rate', 'increase', 'delta'].indexOf(name);
  if (name === 'quantile_over_time') warnBadQuantiles(ev, scalars[0], call.args[0].pos);
  const out: StepSeries[] = [];
  // A selector's series have distinct label sets; when they also share their name, dropping
  // it cannot make two of them collide, and the merge check can be skipped.
  let fromSelector = false;
  let firstMetric: Labels | null = null;
  let namesDiffer = false;
  const nonCounterNames = new Set<string>();
  // Series of one metric come together: its name is checked once.
  let lastCounterName: string | null = null;
  const w: Window = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    from: 0,
    to: 0,
    rangeStart: 0,
    rangeEnd: 0,
    stepTime: 0,
    scalars: new Array<number>(scalars.length),
  };
  const n = steps.n;
  let ends: Float64Array = new Float64Array(0);
  let ascending = false;
  let range = 0;
  let resetBuf: Int32Array = new Int32Array(16);
  // A sink takes each output before the next is computed: one pair of arrays serves them all.
  const scratch = sink ? newStepSeries([], false, n) : null;
  const visit = (ser: RawSeries): void => {
    const { ts, length } = ser;
    w.ts = ts;
    w.vs = ser.vs;
    let resets: Int32Array | null = null;
    let resetCount = 0;
    if ((rateKind === 0 || rateKind === 1) && n > 1) {
      // Overlapping windows would rescan the same samples for resets: find them once.
      const found = findResets(ser.vs, length, resetBuf);
      resetBuf = resets = found.resets;
      resetCount = found.count;
    }
    let vals: Float64Array | null = null;
    let has: Uint8Array | null = null;
    let produced = false;
    let from = 0;
    let to = 0;
    // Only steps whose window (end - range, end] can hold a sample: a query range much
    // longer than the series' life would otherwise visit mostly empty windows.
    const first = ascending ? lowerBound(ends, ts[0]) : 0;
    const last = ascending ? lowerBound(ends, ts[length - 1] + range) : n;
    for (let i = first; i < last; i++) {
      const end = ends[i];
      const start = end - range;
      if (i > 0 && end < ends[i - 1]) from = to = 0;
      while (from < length && ts[from] <= start) from++;
      if (to < from) to = from;
      while (to < length && ts[to] <= end) to++;
      if (to === from) continue;
      if (rateKind >= 0) {
        if (!vals || !has) ({ vals, has } = scratch ?? newStepSeries(ser.metric, false, n));
        if (
          extrapolatedRate(
            ts,
            ser.vs,
            from,
            to,
            start,
            end,
            rateKind < 2,
            rateKind === 0,
            vals,
            i,
            resets,
            resetCount
          )
        ) {
          has[i] = 1;
          produced = true;
        }
        continue;
      }
      w.from = from;
      w.to = to;
      w.rangeStart = start;
      w.rangeEnd = end;
      w.stepTime = steps.times[i];
      for (let a = 0; a < scalars.length; a++) w.scalars[a] = scalars[a][i];
      let v: number | null;
      try {
        v = f(w);
      } catch (err) {
        throw new QueryError('execution', (err as Error).message);
      }
      if (v === null) continue;
      if (!vals || !has) ({ vals, has } = scratch ?? newStepSeries(ser.metric, false, n));
      vals[i] = v;
      has[i] = 1;
      produced = true;
    }
    if (!vals || !has || !produced) return;
    if (isCounterFn) {
      const metricName = getLabel(ser.metric, METRIC_NAME);
      if (metricName !== lastCounterName && !COUNTER_SUFFIXES.some((suf) => metricName.endsWith(suf)))
        nonCounterNames.add(metricName);
      lastCounterName = metricName;
    }
    if (firstMetric === null) firstMetric = ser.metric;
    else if (!namesDiffer && !sameNameLike(firstMetric, ser.metric)) namesDiffer = true;
    const named = keepName ? { metric: ser.metric, dropName: false } : ev.dropName(ser.metric);
    if (!sink) {
      out.push({ metric: named.metric, dropName: named.dropName || ser.dropName, vals, has });
      return;
    }
    if (namesDiffer) throw new NotStreamable();
    sink({ metric: named.metric, dropName: named.dropName || ser.dropName, vals, has });
    has.fill(0, first, last);
  };
  if (matrixArg.type === 'MatrixSelector') {
    // Stream the selector's series: the function's output is all that needs keeping.
    ends = ev.windowEnds(matrixArg.vectorSelector, steps);
    ascending = isAscending(ends);
    range = matrixArg.range;
    fromSelector = true;
    await ev.streamMatrix(matrixArg, steps, visit);
  } else {
    const m = await ev.evalMatrix(matrixArg, steps);
    ends = m.ends;
    ascending = isAscending(ends);
    range = m.range;
    for (const ser of m.series) {
      await ev.tick();
      visit(ser);
    }
  }
  for (const nm of nonCounterNames) ev.annotations.info(possibleNonCounter(nm), matrixArg.pos);
  return { kind: 'vector', series: fromSelector && !namesDiffer ? out : mergeAfterRelabel(out, n) };
}

function checkedRegex(source: string, fn: string): Regex {
  try {
    return compileAnchored(source);
  } catch {
    throw new QueryError('execution', `invalid regular expression in ${fn}(): ${source}`);
  }
}

async function stringArg(ev: Evaluator, e: Expr, steps: Steps): Promise<string> {
  const v = await ev.eval(e, steps);
  if (v.kind !== 'string') throw new Error(`expected a string, got ${v.kind}`);
  return v.v;
}

/** Re-labels each series once; series that end up sharing labels merge, clashing on a step is an error. */
function relabel(
  input: StepSeries[],
  steps: Steps,
  f: (ser: StepSeries) => { metric: Labels; dropName: boolean }
): StepSeries[] {
  const c = new SeriesCollector(steps.n);
  for (const ser of input) {
    const { metric, dropName } = f(ser);
    c.addAll(metric, dropName, ser);
  }
  return c.out;
}

async function labelReplace(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const input = await ev.evalVector(call.args[0], steps);
  const dst = await stringArg(ev, call.args[1], steps);
  const replacement = await stringArg(ev, call.args[2], steps);
  const src = await stringArg(ev, call.args[3], steps);
  const re = checkedRegex(await stringArg(ev, call.args[4], steps), 'label_replace');
  if (!isValidLabelName(dst))
    throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  const named = namedGroupIndexes(re.source);
  const series = relabel(input.series, steps, (ser) => {
    const m = re.exec(getLabel(ser.metric, src));
    if (!m) return { metric: ser.metric, dropName: ser.dropName };
    const value = expandTemplate(replacement, m, named);
    return { metric: withLabel(ser.metric, dst, value), dropName: ser.dropName && dst !== METRIC_NAME };
  });
  return { kind: 'vector', series };
}

async function labelJoin(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const input = await ev.evalVector(call.args[0], steps);
  const dst = await stringArg(ev, call.args[1], steps);
  const sep = await stringArg(ev, call.args[2], steps);
  const srcs: string[] = [];
  for (const a of call.args.slice(3)) srcs.push(await stringArg(ev, a, steps));
  if (!isValidLabelName(dst))
    throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
  for (const src of srcs)
    if (!isValidLabelName(src)) throw new QueryError('execution', `invalid source label name in label_join(): ${src}`);
  const series = relabel(input.series, steps, (ser) => {
    const value = srcs.map((src) => getLabel(ser.metric, src)).join(sep);
    return { metric: withLabel(ser.metric, dst, value), dropName: ser.dropName && dst !== METRIC_NAME };
  });
  return { kind: 'vector', series };
}

/** NaN last in both directions, as Prometheus's sort and sort_desc. */
function byValue(desc: boolean): (a: number, b: number) => number {
  return (a, b) => {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return desc ? b - a : a - b;
  };
}

async function sortFunction(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const input = await ev.evalVector(call.args[0], steps);
  const labelNames: string[] = [];
  for (const a of call.args.slice(1)) labelNames.push(await stringArg(ev, a, steps));
  // Ordering only exists in an instant query's result; a range query's series are sorted by labels.
  if (steps.n !== 1) return input;
  const series = input.series.slice();
  const name = call.func.name;
  if (name === 'sort' || name === 'sort_desc') {
    const cmp = byValue(name === 'sort_desc');
    series.sort((a, b) => cmp(a.vals[0], b.vals[0]));
  } else {
    const desc = name === 'sort_by_label_desc';
    series.sort((a, b) => {
      for (const l of labelNames) {
        const va = getLabel(a.metric, l);
        const vb = getLabel(b.metric, l);
        if (va === vb) continue;
        const less = naturalLess(va, vb);
        return (less ? -1 : 1) * (desc ? -1 : 1);
      }
      return compareLabels(a.metric, b.metric) * (desc ? -1 : 1);
    });
  }
  return { kind: 'vector', series };
}

interface BucketGroup {
  metric: Labels;
  dropName: boolean;
  members: { bound: number; ser: StepSeries }[];
}

/** Groups classic-histogram bucket series by their labels without `le`; bad `le` values warn. */
function bucketGroups(ev: Evaluator, input: VectorValue, vecPos: Expr['pos']): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const ser of input.series) {
    const le = getLabel(ser.metric, 'le');
    const bound = parseBound(le);
    if (Number.isNaN(bound)) {
      ev.annotations.warn(badBucketLabel(getLabel(ser.metric, METRIC_NAME), le), vecPos);
      continue;
    }
    const named = ev.dropName(ser.metric.filter((l: Label) => l.name !== 'le'));
    const key = labelsKey(named.metric);
    let g = groups.get(key);
    if (!g) {
      g = { metric: named.metric, dropName: named.dropName || ser.dropName, members: [] };
      groups.set(key, g);
    }
    g.members.push({ bound, ser });
  }
  return [...groups.values()];
}

function bucketsAt(g: BucketGroup, step: number, out: Bucket[]): Bucket[] {
  out.length = 0;
  for (const m of g.members) if (m.ser.has[step]) out.push({ upperBound: m.bound, count: m.ser.vals[step] });
  return out;
}

function warnBadQuantiles(ev: Evaluator, q: Float64Array, pos: Expr['pos']): void {
  for (let i = 0; i < q.length; i++) {
    if (q[i] >= 0 && q[i] <= 1) continue;
    ev.annotations.warn(invalidQuantile(q[i]), pos);
    return;
  }
}

/** The label value histogram_quantiles gives each quantile: integers keep a `.0`. */
function quantileLabel(q: number): string {
  if (Number.isNaN(q)) return 'NaN';
  if (q === Infinity) return '+Inf';
  if (q === -Infinity) return '-Inf';
  return Number.isInteger(q) ? `${q}.0` : formatFloatPlain(q);
}

async function histogramQuantile(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const multi = call.func.name === 'histogram_quantiles';
  const vecArg = multi ? call.args[0] : call.args[1];
  const qArgs = multi ? call.args.slice(2) : [call.args[0]];
  const qs: Float64Array[] = [];
  for (const a of qArgs) {
    const q = await ev.evalScalar(a, steps);
    warnBadQuantiles(ev, q, a.pos);
    qs.push(q);
  }
  const label = multi ? await stringArg(ev, call.args[1], steps) : '';
  const input = await ev.evalVector(vecArg, steps);
  const groups = bucketGroups(ev, input, vecArg.pos);
  const c = new SeriesCollector(steps.n);
  const buckets: Bucket[] = [];
  for (const g of groups) {
    await ev.tick();
    for (let i = 0; i < steps.n; i++) {
      if (bucketsAt(g, i, buckets).length === 0) continue;
      for (const q of qs) {
        const r = bucketQuantile(q[i], buckets);
        if (r.forcedMonotonic) ev.annotations.info(forcedMonotonicity(getLabel(g.metric, METRIC_NAME)), vecArg.pos);
        const metric = multi ? withLabel(g.metric, label, quantileLabel(q[i])) : g.metric;
        c.set(metric, g.dropName, i, r.value);
      }
    }
  }
  return { kind: 'vector', series: c.out };
}

async function histogramFraction(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const lower = await ev.evalScalar(call.args[0], steps);
  const upper = await ev.evalScalar(call.args[1], steps);
  const input = await ev.evalVector(call.args[2], steps);
  const groups = bucketGroups(ev, input, call.args[2].pos);
  const c = new SeriesCollector(steps.n);
  const buckets: Bucket[] = [];
  for (const g of groups) {
    for (let i = 0; i < steps.n; i++) {
      if (bucketsAt(g, i, buckets).length === 0) continue;
      c.set(g.metric, g.dropName, i, bucketFraction(lower[i], upper[i], buckets));
    }
  }
  return { kind: 'vector', series: c.out };
}
