// The PromQL engine: parses a query, runs it under the configured limits over a Queryable and
// turns the evaluator's step-wise values into the API's result types.
import { withoutName } from './eval/names';
import { compareLabels, Labels, labelsKey } from '../model/labels';
import type { Queryable } from '../storage/interface';
import type { Logger } from '../util/log';
import { Annotations } from './annotations';
import { ERR_DUPLICATE_LABELSET } from './eval/collect';
import { Evaluator } from './eval/evaluator';
import { QueryGuard } from './eval/guard';
import { makeSteps } from './eval/steps';
import { EvalValue, MatrixValue, StepSeries } from './eval/types';
import type { Expr } from './parser/ast';
import { ParseError, parseExpr } from './parser';
import { resolveDurationExprs } from './eval/durations';
import { MatrixSeries, QueryError, QueryResult, Sample, Value } from './value';

export interface EngineOptions {
  lookbackDeltaMs: number;
  maxSamples: number;
  timeoutMs: number;
  maxConcurrency: number;
  enableExperimentalFunctions: boolean;
  /** Step of subqueries written without one; the server passes its global evaluation interval. */
  defaultEvalIntervalMs: number;
  enableDelayedNameRemoval?: boolean;
  /** `anchored`/`smoothed` range selectors (`--enable-feature=promql-extended-range-selectors`). */
  enableExtendedRangeSelectors?: boolean;
  /** `fill`/`fill_left`/`fill_right` binary-operator modifiers (`promql-binop-fill-modifiers`). */
  enableBinopFillModifiers?: boolean;
  logger?: Logger;
}

export interface QueryOptions {
  lookbackDeltaMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  lookbackDeltaMs: 300_000,
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  maxConcurrency: 20,
  enableExperimentalFunctions: false,
  defaultEvalIntervalMs: 60_000,
  enableDelayedNameRemoval: false,
};

/** Prometheus's API limit on range-query resolution. */
export const MAX_POINTS_PER_SERIES = 11_000;

/**
 * The check the query API makes before running a range query (the engine itself, like
 * Prometheus's, does not limit it): throws bad_data when the query would exceed 11,000 steps.
 */
export function checkRangeResolution(start: number, end: number, step: number): void {
  if ((end - start) / step > MAX_POINTS_PER_SERIES) {
    throw new QueryError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'
    );
  }
}

export class Engine {
  readonly opts: EngineOptions;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(opts: Partial<EngineOptions> = {}) {
    this.opts = { ...DEFAULT_ENGINE_OPTIONS, ...opts };
  }

  instantQuery(q: Queryable, query: string | Expr, ts: number, opts: QueryOptions = {}): Promise<QueryResult> {
    return this.run(q, query, ts, ts, 0, opts);
  }

  rangeQuery(
    q: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions = {}
  ): Promise<QueryResult> {
    if (!(step > 0))
      return Promise.reject(
        new QueryError(
          'bad_data',
          'zero or negative query resolution step widths are not accepted. Try a positive integer'
        )
      );
    if (end < start) return Promise.reject(new QueryError('bad_data', 'end timestamp must not be before start time'));
    return this.run(q, query, start, end, step, opts);
  }

  /** Parses with this engine's language settings; parse errors become bad_data QueryErrors. */
  parse(query: string): Expr {
    try {
      return parseExpr(query, {
        enableExperimentalFunctions: this.opts.enableExperimentalFunctions,
        enableExtendedRangeSelectors: this.opts.enableExtendedRangeSelectors,
        enableBinopFillModifiers: this.opts.enableBinopFillModifiers,
      });
    } catch (err) {
      if (err instanceof ParseError) throw new QueryError('bad_data', err.message);
      throw err;
    }
  }

  private async acquire(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    if (this.running < this.opts.maxConcurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new QueryError('timeout', 'query timed out in query queue')),
        Math.max(0, deadline - Date.now())
      );
      const onAbort = (): void => fail(new QueryError('canceled', 'query was canceled in query queue'));
      const entry = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const fail = (err: QueryError): void => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      signal?.addEventListener('abort', onAbort);
      this.waiting.push(entry);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async run(
    q: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions
  ): Promise<QueryResult> {
    const text = typeof query === 'string' ? query : '';
    const expr = resolveDurationExprs(typeof query === 'string' ? this.parse(query) : query, start, end, step);
    const deadline = Date.now() + this.opts.timeoutMs;
    await this.acquire(opts.signal, deadline);
    const lookback =
      opts.lookbackDeltaMs && opts.lookbackDeltaMs > 0 ? opts.lookbackDeltaMs : this.opts.lookbackDeltaMs;
    try {
      const [mint, maxt] = queryTimeRange(expr, start, end, lookback, this.opts.defaultEvalIntervalMs);
      const querier = q.querier(mint, maxt);
      try {
        const annotations = new Annotations(text);
        const guard = new QueryGuard(deadline, this.opts.maxSamples, opts.signal);
        const ev = new Evaluator(
          querier,
          {
            lookbackDelta: lookback,
            enableDelayedNameRemoval: this.opts.enableDelayedNameRemoval ?? false,
            defaultSubqueryStep: this.opts.defaultEvalIntervalMs,
            enableExperimentalFunctions: this.opts.enableExperimentalFunctions,
            queryStart: start,
            queryEnd: end,
            queryStep: step,
          },
          annotations,
          guard
        );
        guard.checkSteps(step > 0 ? Math.floor((end - start) / step) + 1 : 1);
        const steps = makeSteps(start, end, step);
        const v = await ev.eval(expr, steps);
        const value = step === 0 ? instantResult(v, start) : rangeResult(v, steps.times);
        // Evaluation checks the deadline between steps; one that ran past it in its last stretch
        // still answers with the timeout, never with a late success.
        guard.check();
        return { value, warnings: [...annotations.warnings], infos: [...annotations.infos] };
      } finally {
        querier.close();
      }
    } catch (err) {
      if (err instanceof QueryError && err.errorType === 'timeout')
        this.opts.logger?.warn('query timed out', { query: text, timeout_ms: this.opts.timeoutMs });
      throw err;
    } finally {
      this.release();
    }
  }
}

/** The widest [mint, maxt] any selector of the query reads, so one querier serves them all. */
export function queryTimeRange(
  expr: Expr,
  start: number,
  end: number,
  lookback: number,
  defaultStep: number
): [number, number] {
  let mint = Infinity;
  let maxt = -Infinity;
  const at = (ts: number | null, so: 'start' | 'end' | null, fallback: number): number =>
    ts !== null ? ts : so === 'start' ? start : so === 'end' ? end : fallback;
  // `minBack`: inside info()'s first argument every selector's time also serves to look up
  // info series, which needs a full lookback before it.
  const walk = (e: Expr, s: number, t: number, minBack = 0): void => {
    switch (e.type) {
      case 'VectorSelector':
      case 'MatrixSelector': {
        const vs = e.type === 'VectorSelector' ? e : e.vectorSelector;
        // Anchored and smoothed selectors also read a lookback before (and smoothed after) their window.
        const extended = vs.anchored || vs.smoothed ? lookback : 0;
        const back = Math.max(e.type === 'VectorSelector' ? lookback : e.range, minBack) + extended;
        mint = Math.min(mint, at(vs.timestamp, vs.startOrEnd, s) - vs.offset - back);
        maxt = Math.max(maxt, at(vs.timestamp, vs.startOrEnd, t) - vs.offset + (vs.smoothed ? lookback : 0));
        return;
      }
      case 'SubqueryExpr': {
        const step = e.step > 0 ? e.step : defaultStep;
        walk(
          e.expr,
          at(e.timestamp, e.startOrEnd, s) - e.offset - e.range - step,
          at(e.timestamp, e.startOrEnd, t) - e.offset,
          minBack
        );
        return;
      }
      case 'ParenExpr':
      case 'UnaryExpr':
        walk(e.expr, s, t, minBack);
        return;
      case 'BinaryExpr':
        walk(e.lhs, s, t, minBack);
        walk(e.rhs, s, t, minBack);
        return;
      case 'AggregateExpr':
        if (e.param) walk(e.param, s, t, minBack);
        walk(e.expr, s, t, minBack);
        return;
      case 'Call':
        e.args.forEach((a, i) => walk(a, s, t, e.func.name === 'info' && i === 0 ? lookback : minBack));
        return;
      default:
        return;
    }
  };
  walk(expr, start, end);
  if (mint === Infinity) return [start, end];
  return [mint, maxt];
}

/** Applies delayed `__name__` removal; series that collide on a step are an error. */
function finalSeries(series: StepSeries[], steps: number): StepSeries[] {
  if (!series.some((s) => s.dropName)) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const metric: Labels = s.dropName ? withoutName(s.metric) : s.metric;
    const key = labelsKey(metric);
    const existing = byKey.get(key);
    if (!existing) {
      const copy = { metric, dropName: false, vals: s.vals.slice(), has: s.has.slice() };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    for (let i = 0; i < steps; i++) {
      if (!s.has[i]) continue;
      if (existing.has[i]) throw new QueryError('execution', ERR_DUPLICATE_LABELSET);
      existing.has[i] = 1;
      existing.vals[i] = s.vals[i];
    }
  }
  return out;
}

function instantResult(v: EvalValue, ts: number): Value {
  switch (v.kind) {
    case 'scalar':
      return { type: 'scalar', t: ts, v: v.vals[0] };
    case 'string':
      return { type: 'string', t: ts, v: v.v };
    case 'vector': {
      const samples: Sample[] = [];
      for (const s of finalSeries(v.series, 1)) if (s.has[0]) samples.push({ metric: s.metric, t: ts, v: s.vals[0] });
      return { type: 'vector', samples };
    }
    case 'matrix':
      return { type: 'matrix', series: windowSeries(v) };
  }
}

/** The samples of each series in the (single) window of an instant query's range vector. */
function windowSeries(m: MatrixValue): MatrixSeries[] {
  const end = m.ends[0];
  const start = end - m.range;
  const out: { metric: Labels; dropName: boolean; ts: number[]; vs: number[] }[] = [];
  for (const s of m.series) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s.ts[i] > start && s.ts[i] <= end) {
        ts.push(s.ts[i]);
        vs.push(s.vs[i]);
      }
    }
    if (ts.length > 0) out.push({ metric: s.metric, dropName: s.dropName, ts, vs });
  }
  const seen = new Set<string>();
  const result: MatrixSeries[] = [];
  for (const s of out) {
    const metric = s.dropName ? withoutName(s.metric) : s.metric;
    const key = labelsKey(metric);
    if (seen.has(key)) throw new QueryError('execution', ERR_DUPLICATE_LABELSET);
    seen.add(key);
    result.push({ metric, ts: s.ts, vs: s.vs });
  }
  return result.sort((a, b) => compareLabels(a.metric, b.metric));
}

function rangeResult(v: EvalValue, times: Float64Array): Value {
  let series: StepSeries[];
  if (v.kind === 'scalar')
    series = [{ metric: [], dropName: false, vals: v.vals, has: new Uint8Array(times.length).fill(1) }];
  else if (v.kind === 'vector') series = finalSeries(v.series, times.length);
  else {
    const type = v.kind === 'matrix' ? 'range vector' : 'string';
    throw new QueryError(
      'bad_data',
      `invalid expression type "${type}" for range query, must be Scalar or instant Vector`
    );
  }
  const out: MatrixSeries[] = [];
  for (const s of series) {
    let count = 0;
    for (let i = 0; i < times.length; i++) count += s.has[i];
    if (count === 0) continue;
    // Sized up front: growing millions of small arrays by push dominates otherwise.
    const ts = new Array<number>(count);
    const vs = new Array<number>(count);
    let k = 0;
    for (let i = 0; i < times.length; i++) {
      if (!s.has[i]) continue;
      ts[k] = times[i];
      vs[k] = s.vals[i];
      k++;
    }
    out.push({ metric: s.metric, ts, vs });
  }
  out.sort((a, b) => compareLabels(a.metric, b.metric));
  return { type: 'matrix', series: out };
}
