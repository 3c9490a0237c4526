// /query, /query_range, /query_exemplars, /format_query and /parse_query.
import type { ServerResponse } from 'node:http';
import { QueryError, QueryResult, Value } from '../promql/value';
import { labelsToRecord } from '../model/labels';
import { vectorSelectors } from '../promql/parser/walk';
import { formatSampleValue, RawJSON, resultBytes } from './encode';
import { ApiRequest, ApiResult, TRUNCATED_WARNING } from './handler';
import { durationParam, FormValues, invalidParam, limitParam, MAX_TIME_MS, MIN_TIME_MS, parseDurationParam, requiredTimeParam, timeParam } from './params';
import { ApiError } from './respond';
import type { EngineQueryOptions } from './types';

/** Range queries may not return more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** Engines may report how many samples a query touched; the API shows it with `stats`. */
interface SampleStats {
  totalQueryableSamples: number;
  peakSamples: number;
}

/**
 * The query's AbortSignal: aborted when the client disconnects (canceled) or the `timeout`
 * parameter runs out (timeout), so the engine can stop early and report which.
 */
class QueryAbort {
  readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private readonly onClose = () => {
    if (!this.res.writableFinished) this.controller.abort(new DOMException('client closed the connection', 'AbortError'));
  };

  constructor(
    private readonly res: ServerResponse,
    timeoutMs: number | undefined
  ) {
    res.once('close', this.onClose);
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.controller.abort(new DOMException('query timed out', 'TimeoutError')), Math.max(0, timeoutMs));
    }
  }

  /** Turns a failure into the API error Prometheus would give, using why the signal fired. */
  classify(err: unknown): unknown {
    const signal = this.controller.signal;
    const timedOut = signal.aborted && (signal.reason as DOMException | undefined)?.name === 'TimeoutError';
    // An engine only sees an aborted signal and reports a cancellation; the API knows it was the timeout.
    if (timedOut && err instanceof QueryError && err.errorType === 'canceled') {
      return new ApiError('timeout', err.message.replace('was canceled', 'timed out'));
    }
    if (err instanceof QueryError || err instanceof ApiError) return err;
    if (signal.aborted) {
      return timedOut
        ? new ApiError('timeout', 'query timed out in query execution')
        : new ApiError('canceled', 'query was canceled in query execution');
    }
    return err instanceof Error && err.constructor === Error ? new ApiError('execution', err.message) : err;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.res.off('close', this.onClose);
  }
}

function timeoutParam(form: FormValues): number | undefined {
  return form.get('timeout') === '' ? undefined : durationParam(form, 'timeout');
}

function engineOptions(form: FormValues, signal: AbortSignal): EngineQueryOptions {
  const opts: EngineQueryOptions = { signal };
  const lookback = form.get('lookback_delta');
  if (lookback !== '') {
    try {
      opts.lookbackDeltaMs = Math.trunc(parseDurationParam(lookback));
    } catch (err) {
      throw new ApiError('bad_data', `error parsing lookback delta duration: ${(err as Error).message}`);
    }
  }
  return opts;
}

/** Parse errors come back from the engine as bad_data; the API names the parameter. */
function engineError(err: unknown): unknown {
  if (err instanceof QueryError && err.errorType === 'bad_data' && !err.message.startsWith('invalid parameter')) {
    return invalidParam('query', err);
  }
  return err;
}

function truncate(value: Value, limit: number): { value: Value; truncated: boolean } {
  if (limit <= 0) return { value, truncated: false };
  if (value.type === 'vector' && value.samples.length > limit) return { value: { type: 'vector', samples: value.samples.slice(0, limit) }, truncated: true };
  if (value.type === 'matrix' && value.series.length > limit) return { value: { type: 'matrix', series: value.series.slice(0, limit) }, truncated: true };
  return { value, truncated: false };
}

async function runQuery(r: ApiRequest, limit: number, timeoutMs: number | undefined, run: (opts: EngineQueryOptions) => Promise<QueryResult>): Promise<ApiResult> {
  const abort = new QueryAbort(r.res, timeoutMs);
  const started = performance.now();
  let result: QueryResult & { samples?: SampleStats };
  try {
    const opts = engineOptions(r.form, abort.controller.signal);
    result = await run(opts);
  } catch (err) {
    throw abort.classify(engineError(err));
  } finally {
    abort.dispose();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const { value, truncated } = truncate(result.value, limit);
  const warnings = truncated ? [...result.warnings, TRUNCATED_WARNING] : result.warnings;
  const data: Record<string, unknown> = { resultType: value.type, result: new RawJSON(resultBytes(value)) };
  if (r.form.get('stats') !== '') {
    data.stats = {
      timings: { evalTotalTime: elapsedSeconds, execTotalTime: elapsedSeconds },
      ...(result.samples ? { samples: result.samples } : {}),
    };
  }
  return { data, warnings, infos: result.infos };
}

export async function query(r: ApiRequest): Promise<ApiResult> {
  const limit = limitParam(r.form);
  const ts = timeParam(r.form, 'time', r.now);
  const timeoutMs = timeoutParam(r.form);
  const q = r.form.get('query');
  return runQuery(r, limit, timeoutMs, (opts) => r.deps.engine.instantQuery(r.deps.queryable, q, ts, opts));
}

export async function queryRange(r: ApiRequest): Promise<ApiResult> {
  const limit = limitParam(r.form);
  const start = requiredTimeParam(r.form, 'start');
  const end = requiredTimeParam(r.form, 'end');
  if (end < start) throw invalidParam('end', new Error('end timestamp must not be before start time'));
  const step = durationParam(r.form, 'step');
  if (step <= 0) throw invalidParam('step', new Error('zero or negative query resolution step widths are not accepted. Try a positive integer'));
  if (Math.floor((end - start) / step) > MAX_POINTS_PER_SERIES) {
    throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const timeoutMs = timeoutParam(r.form);
  const q = r.form.get('query');
  const stepMs = Math.max(1, Math.trunc(step));
  return runQuery(r, limit, timeoutMs, (opts) => r.deps.engine.rangeQuery(r.deps.queryable, q, start, end, stepMs, opts));
}

/**
 * Exemplars of the series the query's selectors match, within [start, end]. Without exemplar
 * storage (the feature flag is off) the input is still validated and the answer is empty, as in
 * Prometheus.
 */
export function queryExemplars(r: ApiRequest): ApiResult {
  const start = timeParam(r.form, 'start', MIN_TIME_MS);
  const end = timeParam(r.form, 'end', MAX_TIME_MS);
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  const expr = parsedQuery(r);
  const store = r.deps.exemplars;
  if (!store) return { data: [] };
  const found = store.select(start, end, vectorSelectors(expr).map((vs) => vs.matchers));
  return {
    data: found.map((s) => ({
      seriesLabels: labelsToRecord(s.seriesLabels),
      exemplars: s.exemplars.map((e) => ({ labels: labelsToRecord(e.labels), value: formatSampleValue(e.value), timestamp: e.ts / 1000 })),
    })),
  };
}

function parsedQuery(r: ApiRequest) {
  try {
    return r.deps.parser.parseExpr(r.form.get('query'));
  } catch (err) {
    throw invalidParam('query', err);
  }
}

export function formatQuery(r: ApiRequest): ApiResult {
  return { data: r.deps.parser.prettifyExpr(parsedQuery(r)) };
}

export function parseQuery(r: ApiRequest): ApiResult {
  return { data: r.deps.parser.astToJSON(parsedQuery(r)) };
}
