// Aggregation operators. Groups are fixed per series (labels do not change across steps), so
// each series is assigned its group once and then folded into per-step accumulators.
import { isNameLike, isValidLabelName } from './names';
import { Labels, labelsKey, METRIC_NAME, withLabel } from '../../model/labels';
import { formatG, invalidQuantile, invalidRatio } from '../annotations';
import { NotStreamable, streamRangeCall } from '../functions';
import { quantile } from '../functions/stats';
import type { AggregateExpr } from '../parser/ast';
import { QueryError } from '../value';
import { SeriesCollector } from './collect';
import type { Evaluator } from './evaluator';
import { limitRatioOffset } from './ratioSampler';
import type { Steps } from './steps';
import { newStepSeries, StepSeries, VectorValue } from './types';

interface Group {
  metric: Labels;
  dropName: boolean;
  members: number[];
}

function groupLabels(metric: Labels, e: AggregateExpr): Labels {
  if (e.without) return metric.filter((l) => !isNameLike(l.name) && !e.grouping.includes(l.name));
  return metric.filter((l) => e.grouping.includes(l.name));
}

function buildGroups(series: StepSeries[], e: AggregateExpr): Group[] {
  const byKey = new Map<string, Group>();
  const groups: Group[] = [];
  series.forEach((s, idx) => {
    const metric = groupLabels(s.metric, e);
    const key = labelsKey(metric);
    let g = byKey.get(key);
    if (!g) {
      g = { metric, dropName: false, members: [] };
      byKey.set(key, g);
      groups.push(g);
    }
    if (s.dropName && metric.some((l) => l.name === METRIC_NAME)) g.dropName = true;
    g.members.push(idx);
  });
  return groups;
}

export async function evalAggregation(ev: Evaluator, e: AggregateExpr, steps: Steps): Promise<VectorValue> {
  let param: Float64Array | null = null;
  let label = '';
  if (e.param) {
    const p = await ev.eval(e.param, steps);
    if (p.kind === 'string') label = p.v;
    else if (p.kind === 'scalar') param = p.vals;
    else throw new Error(`aggregation parameter of type ${p.kind}`);
  }
  if (STREAMED_FOLDS.has(e.op)) {
    const streamed = await streamedFold(ev, e, steps);
    if (streamed) return streamed;
  }
  const input = await ev.evalVector(e.expr, steps);
  const groups = buildGroups(input.series, e);
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return selectK(ev, e, input.series, groups, param!, steps);
    case 'count_values':
      return countValues(e, input.series, label, steps);
    case 'quantile':
      return quantileAgg(ev, e, input.series, groups, param!, steps);
    default:
      return fold(ev, e, input.series, groups, steps);
  }
}

/** Per-step accumulators of one group of a folding aggregation. */
interface FoldState {
  value: Float64Array;
  comp: Float64Array;
  mean: Float64Array;
  count: Float64Array;
  incremental: Uint8Array;
}

function newFoldState(n: number): FoldState {
  return {
    value: new Float64Array(n),
    comp: new Float64Array(n),
    mean: new Float64Array(n),
    count: new Float64Array(n),
    incremental: new Uint8Array(n),
  };
}

/** Folds one member series into its group's accumulators. */
function foldInto(op: AggregateExpr['op'], st: FoldState, s: StepSeries, n: number): void {
  const { value, comp, mean, count, incremental } = st;
  for (let i = 0; i < n; i++) {
    if (!s.has[i]) continue;
    const v = s.vals[i];
    const first = count[i] === 0;
    count[i]++;
    switch (op) {
      case 'sum':
        kahanInto(v, value, comp, i);
        break;
      case 'avg':
        avgInto(v, value, comp, mean, count, incremental, i);
        break;
      case 'min':
        if (first || value[i] > v || Number.isNaN(value[i])) value[i] = v;
        break;
      case 'max':
        if (first || value[i] < v || Number.isNaN(value[i])) value[i] = v;
        break;
      case 'stddev':
      case 'stdvar':
        {
          const delta = v - mean[i];
          mean[i] += delta / count[i];
          value[i] += delta * (v - mean[i]);
        }
        break;
      default:
        break;
    }
  }
}

/** A group's output series from its accumulators. */
function foldResult(op: AggregateExpr['op'], st: FoldState, g: Group, n: number): StepSeries {
  const { value, comp, mean, count, incremental } = st;
  const res = newStepSeries(g.metric, g.dropName, n);
  for (let i = 0; i < n; i++) {
    if (count[i] === 0) continue;
    res.has[i] = 1;
    switch (op) {
      case 'sum':
        res.vals[i] = value[i] + comp[i];
        break;
      case 'avg':
        res.vals[i] = incremental[i] ? mean[i] + comp[i] : value[i] / count[i] + comp[i] / count[i];
        break;
      case 'count':
        res.vals[i] = count[i];
        break;
      case 'group':
        res.vals[i] = 1;
        break;
      case 'stdvar':
        res.vals[i] = value[i] / count[i];
        break;
      case 'stddev':
        res.vals[i] = Math.sqrt(value[i] / count[i]);
        break;
      default:
        res.vals[i] = value[i];
    }
  }
  return res;
}

async function fold(
  ev: Evaluator,
  e: AggregateExpr,
  series: StepSeries[],
  groups: Group[],
  steps: Steps
): Promise<VectorValue> {
  const n = steps.n;
  const out: StepSeries[] = [];
  const st = newFoldState(n);
  for (const g of groups) {
    await ev.tick();
    st.value.fill(0);
    st.comp.fill(0);
    st.mean.fill(0);
    st.count.fill(0);
    st.incremental.fill(0);
    for (const idx of g.members) foldInto(e.op, st, series[idx], n);
    out.push(foldResult(e.op, st, g, n));
  }
  return { kind: 'vector', series: out };
}

const STREAMED_FOLDS: ReadonlySet<AggregateExpr['op']> = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
]);

/** Beyond this many groups the accumulators outweigh the input series streaming avoids. */
const MAX_STREAMED_GROUPS = 1024;

/**
 * A folding aggregation of a range function over a selector (`sum by (le) (rate(x[5m]))`):
 * each input series is folded into its group as it is computed and then dropped, in the
 * order the plain evaluation folds them, so results are the same. The samples the input
 * would hold still count against the limit. Null when the plain evaluation is needed.
 */
async function streamedFold(ev: Evaluator, e: AggregateExpr, steps: Steps): Promise<VectorValue | null> {
  const n = steps.n;
  const before = ev.guard.current;
  const byKey = new Map<string, { group: Group; state: FoldState }>();
  try {
    const streamed = await streamRangeCall(ev, e.expr, steps, (s) => {
      const metric = groupLabels(s.metric, e);
      const key = labelsKey(metric);
      let entry = byKey.get(key);
      if (!entry) {
        if (byKey.size >= MAX_STREAMED_GROUPS) throw new NotStreamable();
        entry = { group: { metric, dropName: false, members: [] }, state: newFoldState(n) };
        byKey.set(key, entry);
      }
      if (s.dropName && metric.some((l) => l.name === METRIC_NAME)) entry.group.dropName = true;
      foldInto(e.op, entry.state, s, n);
      let samples = 0;
      for (let i = 0; i < n; i++) samples += s.has[i];
      ev.guard.add(samples);
    });
    if (!streamed) return null;
  } catch (err) {
    if (!(err instanceof NotStreamable)) throw err;
    ev.guard.setCurrent(before);
    return null;
  }
  ev.guard.setCurrent(before);
  const out: StepSeries[] = [];
  for (const { group, state } of byKey.values()) out.push(foldResult(e.op, state, group, n));
  return { kind: 'vector', series: out };
}

function kahanInto(inc: number, sum: Float64Array, c: Float64Array, i: number): void {
  const s = sum[i];
  const t = s + inc;
  if (t === Infinity || t === -Infinity) c[i] = 0;
  else if (Math.abs(s) >= Math.abs(inc)) c[i] += s - t + inc;
  else c[i] += inc - t + s;
  sum[i] = t;
}

/** Mean by Kahan sum, switching to an incremental mean once the sum would overflow. */
function avgInto(
  v: number,
  sum: Float64Array,
  c: Float64Array,
  mean: Float64Array,
  count: Float64Array,
  incremental: Uint8Array,
  i: number
): void {
  const n = count[i];
  if (n === 1) {
    sum[i] = v;
    c[i] = 0;
    return;
  }
  if (!incremental[i]) {
    const s = sum[i];
    const t = s + v;
    if (t !== Infinity && t !== -Infinity) {
      kahanInto(v, sum, c, i);
      return;
    }
    incremental[i] = 1;
    mean[i] = s / (n - 1);
    c[i] /= n - 1;
  }
  const q = (n - 1) / n;
  const base = q * mean[i];
  c[i] *= q;
  sum[i] = base;
  kahanInto(v / n, sum, c, i);
  mean[i] = sum[i];
}

function checkedK(p: number, op: string): number {
  if (Number.isNaN(p))
    throw new QueryError('execution', op === 'limit_ratio' ? 'Ratio value is NaN' : 'Parameter value is NaN');
  if (op !== 'limit_ratio' && (p >= 2 ** 63 || p < -(2 ** 63)))
    throw new QueryError('execution', `Scalar value ${formatG(p)} overflows int64`);
  return p;
}

/** NaN sorts below every number for topk and above for bottomk, as in Prometheus's heaps. */
function better(top: boolean, a: number, b: number): boolean {
  if (top) return a > b || (b !== b && a === a);
  return a < b || (b !== b && a === a);
}

/**
 * The k best samples of a group, kept in a binary heap with the worst at the root, operated
 * exactly like Go's container/heap in Prometheus: which of several equal values survive
 * depends on it, and results must pick the same series.
 */
class SelectionHeap {
  readonly items: number[] = [];
  private readonly vals: number[] = [];

  constructor(private readonly top: boolean) {}

  clear(): void {
    this.items.length = 0;
    this.vals.length = 0;
  }

  /** The heap order: true when element i belongs nearer the root than j (it is worse). */
  private less(i: number, j: number): boolean {
    const a = this.vals[i];
    const b = this.vals[j];
    if (a !== a && b === b) return true;
    return this.top ? a < b : a > b;
  }

  private swap(i: number, j: number): void {
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
    [this.vals[i], this.vals[j]] = [this.vals[j], this.vals[i]];
  }

  private up(j: number): void {
    for (;;) {
      const i = (j - 1) >> 1;
      if (j <= 0 || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number): boolean {
    const n = this.vals.length;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      if (j1 + 1 < n && this.less(j1 + 1, j1)) j = j1 + 1;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }

  offer(item: number, v: number, k: number): void {
    if (this.items.length < k) {
      this.items.push(item);
      this.vals.push(v);
      this.up(this.items.length - 1);
      return;
    }
    const root = this.vals[0];
    if (!better(this.top, v, root)) return;
    this.items[0] = item;
    this.vals[0] = v;
    if (k > 1 && !this.down(0)) this.up(0);
  }
}

async function selectK(
  ev: Evaluator,
  e: AggregateExpr,
  series: StepSeries[],
  groups: Group[],
  param: Float64Array,
  steps: Steps
): Promise<VectorValue> {
  const n = steps.n;
  // Output series only for the inputs picked at some step: most are never picked.
  const out: (StepSeries | undefined)[] = new Array<StepSeries | undefined>(series.length);
  const pick = (m: number, i: number): void => {
    const s = series[m];
    (out[m] ??= { metric: s.metric, dropName: s.dropName, vals: s.vals, has: new Uint8Array(n) }).has[i] = 1;
  };
  if (n > 1 && e.op !== 'limit_ratio') {
    await selectKBySeries(ev, e, series, groups, param, n, pick);
    return { kind: 'vector', series: out.filter((s): s is StepSeries => s !== undefined) };
  }
  // For an instant query the order of the result matters: groups in order, best first.
  const order: number[] = [];
  let warned = false;
  for (let i = 0; i < n; i++) {
    if (ev.guard.due()) await ev.guard.yield();
    const p = checkedK(param[i], e.op);
    if (e.op === 'limit_ratio') {
      let ratio = p;
      if (p < -1 || p > 1) {
        ratio = p < -1 ? -1 : 1;
        if (!warned) ev.annotations.warn(invalidRatio(p, ratio), e.param?.pos);
        warned = true;
      }
      if (ratio === 0) continue;
      for (const g of groups) {
        for (const m of g.members) {
          if (!series[m].has[i]) continue;
          const off = limitRatioOffset(series[m].metric);
          if (ratio > 0 ? off < ratio : off >= 1 + ratio) {
            pick(m, i);
            if (n === 1) order.push(m);
          }
        }
      }
      continue;
    }
    const k = Math.trunc(p);
    if (k < 1) continue;
    const top = e.op === 'topk';
    const heap = new SelectionHeap(top);
    const chosen = heap.items;
    for (const g of groups) {
      heap.clear();
      for (const m of g.members) {
        if (!series[m].has[i]) continue;
        if (e.op === 'limitk') {
          if (chosen.length < k) chosen.push(m);
          continue;
        }
        heap.offer(m, series[m].vals[i], k);
      }
      if (e.op !== 'limitk') {
        chosen.sort((a, b) => {
          const va = series[a].vals[i];
          const vb = series[b].vals[i];
          return better(top, va, vb) ? -1 : better(top, vb, va) ? 1 : 0;
        });
      }
      for (const m of chosen) {
        pick(m, i);
        if (n === 1) order.push(m);
      }
    }
  }
  if (n === 1) return { kind: 'vector', series: order.map((m) => out[m]!) };
  return { kind: 'vector', series: out.filter((s): s is StepSeries => s !== undefined) };
}

/**
 * topk/bottomk/limitk of a range query, walking each series once over all steps (one heap per
 * step of the current group) instead of visiting every series at every step.
 */
async function selectKBySeries(
  ev: Evaluator,
  e: AggregateExpr,
  series: StepSeries[],
  groups: Group[],
  param: Float64Array,
  n: number,
  pick: (member: number, step: number) => void
): Promise<void> {
  const ks = new Float64Array(n);
  for (let i = 0; i < n; i++) ks[i] = Math.trunc(checkedK(param[i], e.op));
  const top = e.op === 'topk';
  const limit = e.op === 'limitk';
  for (const g of groups) {
    await ev.tick();
    const heaps: (SelectionHeap | undefined)[] = new Array<SelectionHeap | undefined>(n);
    const taken = new Uint32Array(n);
    for (const m of g.members) {
      const s = series[m];
      for (let i = 0; i < n; i++) {
        if (!s.has[i] || ks[i] < 1) continue;
        if (limit) {
          if (taken[i] < ks[i]) {
            taken[i]++;
            pick(m, i);
          }
          continue;
        }
        (heaps[i] ??= new SelectionHeap(top)).offer(m, s.vals[i], ks[i]);
      }
    }
    for (let i = 0; i < n; i++) {
      const h = heaps[i];
      if (h) for (const m of h.items) pick(m, i);
    }
  }
}

async function quantileAgg(
  ev: Evaluator,
  e: AggregateExpr,
  series: StepSeries[],
  groups: Group[],
  param: Float64Array,
  steps: Steps
): Promise<VectorValue> {
  const n = steps.n;
  const out: StepSeries[] = [];
  let warned = false;
  const buf: number[] = [];
  for (const g of groups) {
    await ev.tick();
    const res = newStepSeries(g.metric, g.dropName, n);
    for (let i = 0; i < n; i++) {
      buf.length = 0;
      for (const m of g.members) if (series[m].has[i]) buf.push(series[m].vals[i]);
      if (buf.length === 0) continue;
      const q = param[i];
      if (!(q >= 0 && q <= 1) && !warned) {
        ev.annotations.warn(invalidQuantile(q), e.param?.pos);
        warned = true;
      }
      res.has[i] = 1;
      res.vals[i] = quantile(q, buf);
    }
    out.push(res);
  }
  return { kind: 'vector', series: out };
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // Go keeps the sign of zero (count_values of floor(-0.0) is "-0"); String(-0) does not.
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expStr] = s.split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt =
    (mant.replace('-', '').indexOf('.') === -1 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) +
    exp;
  let res: string;
  if (pointAt <= 0) res = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) res = digits + '0'.repeat(pointAt - digits.length);
  else res = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (neg ? '-' : '') + res;
}

/**
 * count_values sets the value label before grouping, as Prometheus does, so the value label
 * takes part in the grouping key: it can overwrite a `by` label or be dropped by `without`.
 */
function countValues(e: AggregateExpr, series: StepSeries[], label: string, steps: Steps): VectorValue {
  if (!isValidLabelName(label)) throw new QueryError('execution', `invalid label name ${JSON.stringify(label)}`);
  const grouping: AggregateExpr = e.without ? e : { ...e, grouping: [...e.grouping, label] };
  const c = new SeriesCollector(steps.n);
  for (let i = 0; i < steps.n; i++) {
    const counts = new Map<string, { metric: Labels; count: number }>();
    for (const s of series) {
      if (!s.has[i]) continue;
      const metric = groupLabels(withLabel(s.metric, label, formatFloatPlain(s.vals[i])), grouping);
      const key = labelsKey(metric);
      const group = counts.get(key);
      if (group) group.count++;
      else counts.set(key, { metric, count: 1 });
    }
    for (const { metric, count } of counts.values()) c.set(metric, false, i, count);
  }
  return { kind: 'vector', series: c.out };
}
