// The evaluator: walks the AST once, evaluating every node over all steps of the query.
// Selectors read samples through the storage iterators into typed arrays; operators,
// aggregations and functions work on those arrays step by step.
import { withoutName } from './names';
import { Labels, labelsKey } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import type { Querier, SampleIterator } from '../../storage/interface';
import { Annotations } from '../annotations';
import type { Expr, MatrixSelector, SubqueryExpr, VectorSelector } from '../parser/ast';
import { evalAggregation } from './aggregate';
import { evalBinary } from './binary';
import { selectExtendedMatrix, selectSmoothedVector } from './extendedRange';
import { evalCall } from '../functions';
import { putStep } from './collect';
import { QueryGuard } from './guard';
import { lowerBound, makeSteps, Steps } from './steps';
import { EvalValue, MatrixValue, newStepSeries, RawSeries, StepSeries, VectorValue } from './types';

export interface EvalSettings {
  lookbackDelta: number;
  enableDelayedNameRemoval: boolean;
  /** Step of subqueries written without one (`x[5m:]`). */
  defaultSubqueryStep: number;
  enableExperimentalFunctions: boolean;
  /** The outer query's start and end, which `@ start()` and `@ end()` refer to. */
  queryStart: number;
  queryEnd: number;
  /** The outer query's step (for `step()`); 0 for instant queries. */
  queryStep: number;
}

/**
 * How many steps hold a value (`has` bytes are 0 or 1). Four bytes at a time where the array
 * is aligned, as step series carved from slabs are: the limit check counts every node's output.
 */
function countPresent(has: Uint8Array): number {
  let n = 0;
  const words = has.byteOffset % 4 === 0 ? has.length >>> 2 : 0;
  if (words > 0) {
    const w = new Uint32Array(has.buffer, has.byteOffset, words);
    // The product's top byte is the sum of the four bytes (at most 4, so no carries).
    for (let i = 0; i < words; i++) n += Math.imul(w[i], 0x01010101) >>> 24;
  }
  for (let i = words * 4; i < has.length; i++) n += has[i];
  return n;
}

export function sizeOf(v: EvalValue): number {
  switch (v.kind) {
    case 'scalar':
      return v.vals.length;
    case 'string':
      return 1;
    case 'vector': {
      let n = 0;
      for (const s of v.series) n += countPresent(s.has);
      return n;
    }
    case 'matrix': {
      let n = 0;
      for (const s of v.series) n += s.length;
      return n;
    }
  }
}

export class Evaluator {
  private bufT = new Float64Array(1024);
  private bufV = new Float64Array(1024);

  constructor(
    private readonly querier: Querier,
    readonly settings: EvalSettings,
    readonly annotations: Annotations,
    readonly guard: QueryGuard
  ) {}

  async eval(e: Expr, steps: Steps): Promise<EvalValue> {
    this.guard.check();
    const before = this.guard.current;
    const v = await this.evalNode(e, steps);
    this.guard.setCurrent(before + sizeOf(v));
    return v;
  }

  async evalVector(e: Expr, steps: Steps): Promise<VectorValue> {
    const v = await this.eval(e, steps);
    if (v.kind !== 'vector') throw new Error(`expected an instant vector, got ${v.kind}`);
    return v;
  }

  async evalScalar(e: Expr, steps: Steps): Promise<Float64Array> {
    const v = await this.eval(e, steps);
    if (v.kind !== 'scalar') throw new Error(`expected a scalar, got ${v.kind}`);
    return v.vals;
  }

  async evalMatrix(e: Expr, steps: Steps): Promise<MatrixValue> {
    const v = await this.eval(e, steps);
    if (v.kind !== 'matrix') throw new Error(`expected a range vector, got ${v.kind}`);
    return v;
  }

  /**
   * Yields to the event loop when due; call once per series or so in long loops. The hottest
   * loops test `guard.due()` themselves: an await per series costs a promise each.
   */
  async tick(): Promise<void> {
    if (this.guard.due()) await this.guard.yield();
  }

  /**
   * Marks a series' metric name for removal: at the end of the query with delayed name
   * removal, right away otherwise.
   */
  dropName(metric: Labels): { metric: Labels; dropName: boolean } {
    if (this.settings.enableDelayedNameRemoval) return { metric, dropName: true };
    return { metric: withoutName(metric), dropName: false };
  }

  private async evalNode(e: Expr, steps: Steps): Promise<EvalValue> {
    switch (e.type) {
      case 'NumberLiteral':
        return { kind: 'scalar', vals: new Float64Array(steps.n).fill(e.val) };
      case 'StringLiteral':
        return { kind: 'string', v: e.val };
      case 'ParenExpr':
        return this.evalNode(e.expr, steps);
      case 'UnaryExpr':
        return this.evalUnary(e.op, e.expr, steps);
      case 'VectorSelector':
        return e.smoothed ? selectSmoothedVector(this, e, steps) : this.selectVector(e, steps, false);
      case 'MatrixSelector':
        if (e.vectorSelector.anchored || e.vectorSelector.smoothed) return selectExtendedMatrix(this, e, steps);
        return this.selectMatrix(e, steps);
      case 'SubqueryExpr':
        return this.evalSubquery(e, steps);
      case 'BinaryExpr':
        return evalBinary(this, e, steps);
      case 'AggregateExpr':
        return evalAggregation(this, e, steps);
      case 'Call':
        return evalCall(this, e, steps);
    }
  }

  private async evalUnary(op: '+' | '-', inner: Expr, steps: Steps): Promise<EvalValue> {
    const v = await this.eval(inner, steps);
    if (op === '+') return v;
    if (v.kind === 'scalar') return { kind: 'scalar', vals: v.vals.map((x) => -x) };
    if (v.kind !== 'vector') throw new Error(`unary minus on ${v.kind}`);
    const series: StepSeries[] = v.series.map((s) => {
      const { metric, dropName } = this.dropName(s.metric);
      return { metric, dropName, has: s.has.slice(), vals: s.vals.map((x) => -x) };
    });
    return { kind: 'vector', series: mergeAfterRelabel(series, steps.n) };
  }

  /** The fixed evaluation time an `@` modifier sets, or null. */
  atTime(node: VectorSelector | SubqueryExpr): number | null {
    if (node.timestamp !== null) return node.timestamp;
    if (node.startOrEnd === 'start') return this.settings.queryStart;
    if (node.startOrEnd === 'end') return this.settings.queryEnd;
    return null;
  }

  /** Reads every sample of a series within [mint, maxt] into the scratch buffers; returns the count. */
  private readSamples(it: SampleIterator, mint: number, maxt: number): number {
    let n = 0;
    if (!it.seek(mint)) return 0;
    do {
      const t = it.t();
      if (t > maxt) break;
      if (n === this.bufT.length) {
        const bt = new Float64Array(n * 2);
        const bv = new Float64Array(n * 2);
        bt.set(this.bufT);
        bv.set(this.bufV);
        this.bufT = bt;
        this.bufV = bv;
      }
      this.bufT[n] = t;
      this.bufV[n] = it.v();
      n++;
    } while (it.next());
    return n;
  }

  /**
   * An instant-vector selector: at each step the newest sample within the lookback window
   * (T - lookback, T], unless that sample is a staleness marker. With `timestamps` the values
   * are the samples' timestamps in seconds (for `timestamp()`).
   */
  async selectVector(vs: VectorSelector, steps: Steps, timestamps: boolean): Promise<VectorValue> {
    const at = this.atTime(vs);
    const lookback = this.settings.lookbackDelta;
    const first = (at ?? steps.start) - vs.offset;
    const last = (at ?? steps.end) - vs.offset;
    const mint = first - lookback + 1;
    const selected = this.querier.select(false, { start: mint, end: last }, vs.matchers);
    const out: StepSeries[] = [];
    const { times, n } = steps;
    for (const s of selected) {
      if (this.guard.due()) await this.guard.yield();
      const count = this.readSamples(s.iterator(), mint, last);
      if (count === 0) continue;
      const bt = this.bufT;
      const bv = this.bufV;
      // Steps before the first sample or a lookback past the last find nothing.
      const firstStep = at === null ? lowerBound(times, bt[0] + vs.offset) : 0;
      const lastStep = at === null ? lowerBound(times, bt[count - 1] + lookback + vs.offset) : n;
      if (firstStep >= lastStep) continue;
      const series = newStepSeries(s.labels, false, n);
      let j = 0;
      let any = false;
      for (let i = firstStep; i < lastStep; i++) {
        const T = (at ?? times[i]) - vs.offset;
        if (at !== null) j = 0;
        while (j < count && bt[j] <= T) j++;
        const idx = j - 1;
        if (idx < 0 || bt[idx] <= T - lookback || isStaleNaN(bv[idx])) continue;
        series.has[i] = 1;
        series.vals[i] = timestamps ? bt[idx] / 1000 : bv[idx];
        any = true;
      }
      if (any) out.push(series);
    }
    return { kind: 'vector', series: out };
  }

  /** The window end of each step for a range selector or subquery. */
  windowEnds(node: VectorSelector | SubqueryExpr, steps: Steps): Float64Array {
    const at = this.atTime(node);
    const ends = new Float64Array(steps.n);
    for (let i = 0; i < steps.n; i++) ends[i] = (at ?? steps.times[i]) - node.offset;
    return ends;
  }

  /** A range selector's series, each held in its own arrays (for functions that keep them all). */
  async selectMatrix(ms: MatrixSelector, steps: Steps): Promise<MatrixValue> {
    const series: RawSeries[] = [];
    const { ends } = await this.streamMatrix(ms, steps, (s) => {
      series.push({
        metric: s.metric,
        dropName: false,
        ts: s.ts.slice(0, s.length),
        vs: s.vs.slice(0, s.length),
        length: s.length,
      });
    });
    return { kind: 'matrix', series, range: ms.range, ends };
  }

  /**
   * Visits a range selector's series one at a time with their non-stale samples over all
   * windows, in scratch arrays valid only during the visit: range functions need not hold
   * every series' raw samples at once.
   */
  async streamMatrix(
    ms: MatrixSelector,
    steps: Steps,
    visit: (s: RawSeries) => void
  ): Promise<{ ends: Float64Array; range: number }> {
    const vs = ms.vectorSelector;
    const ends = this.windowEnds(vs, steps);
    if (steps.n === 0) return { ends, range: ms.range };
    const mint = ends[0] - ms.range + 1;
    const maxt = ends[steps.n - 1];
    const selected = this.querier.select(false, { start: mint, end: maxt, range: ms.range }, vs.matchers);
    const raw: RawSeries = { metric: [], dropName: false, ts: this.bufT, vs: this.bufV, length: 0 };
    for (const s of selected) {
      if (this.guard.due()) await this.guard.yield();
      const count = this.readSamples(s.iterator(), mint, maxt);
      const bt = this.bufT;
      const bv = this.bufV;
      let kept = 0;
      for (let i = 0; i < count; i++) {
        // NaN is rare: only NaNs need the (slower) staleness check.
        if (bv[i] !== bv[i] && isStaleNaN(bv[i])) continue;
        if (kept !== i) {
          bt[kept] = bt[i];
          bv[kept] = bv[i];
        }
        kept++;
      }
      if (kept === 0) continue;
      raw.metric = s.labels;
      raw.ts = bt;
      raw.vs = bv;
      raw.length = kept;
      visit(raw);
    }
    return { ends, range: ms.range };
  }

  private async evalSubquery(sq: SubqueryExpr, steps: Steps): Promise<MatrixValue> {
    const ends = this.windowEnds(sq, steps);
    const series: RawSeries[] = [];
    if (steps.n === 0) return { kind: 'matrix', series, range: sq.range, ends };
    const interval = sq.step > 0 ? sq.step : this.settings.defaultSubqueryStep;
    const lowest = ends[0] - sq.range;
    // The first step is the first multiple of the interval after the (open) window start.
    const innerStart = (Math.floor(lowest / interval) + 1) * interval;
    const innerEnd = ends[steps.n - 1];
    if (innerStart > innerEnd) return { kind: 'matrix', series, range: sq.range, ends };
    this.guard.checkSteps(Math.floor((innerEnd - innerStart) / interval) + 1);
    const inner = makeSteps(innerStart, innerEnd, interval);
    const v = await this.eval(sq.expr, inner);
    if (v.kind === 'scalar') {
      series.push({ metric: [], dropName: false, ts: inner.times.slice(), vs: v.vals.slice(), length: inner.n });
    } else if (v.kind === 'vector') {
      for (const s of v.series) {
        let count = 0;
        for (let i = 0; i < inner.n; i++) count += s.has[i];
        const ts = new Float64Array(count);
        const values = new Float64Array(count);
        let k = 0;
        for (let i = 0; i < inner.n; i++) {
          if (!s.has[i]) continue;
          ts[k] = inner.times[i];
          values[k] = s.vals[i];
          k++;
        }
        series.push({ metric: s.metric, dropName: s.dropName, ts, vs: values, length: count });
      }
    } else {
      throw new Error(`subquery over ${v.kind}`);
    }
    return { kind: 'matrix', series, range: sq.range, ends };
  }
}

/**
 * After labels changed (a name dropped right away), series that now share a label set are
 * merged; sharing a step is the duplicate-labelset error.
 */
export function mergeAfterRelabel(series: StepSeries[], steps: number): StepSeries[] {
  if (series.length < 2) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  let merged = false;
  for (const s of series) {
    const key = labelsKey(s.metric);
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    merged = true;
    for (let i = 0; i < steps; i++) if (s.has[i]) putStep(existing, i, s.vals[i]);
  }
  return merged ? out : series;
}
