// Small stand-ins for the parser and engine so the API can be tested on its own: they
// understand plain vector selectors (`up{job="x"}`) and nothing else.
import { METRIC_NAME } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import { Matcher, MatchType } from '../../model/matcher';
import type { Expr, VectorSelector } from '../../promql/parser/ast';
import { MatrixSeries, QueryError, QueryResult, Sample } from '../../promql/value';
import type { Queryable } from '../../storage/interface';
import type { EngineQueryOptions, PromqlParser, QueryEngine } from '../types';

const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/s;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/s;

export function parseSelector(s: string): Matcher[] {
  const m = SELECTOR.exec(s);
  if (!m || (!m[1] && m[2] === undefined)) throw new Error(`1:1: parse error: unexpected input ${JSON.stringify(s)}`);
  const out: Matcher[] = [];
  if (m[1]) out.push(new Matcher('=', METRIC_NAME, m[1]));
  for (const part of (m[2] ?? '').split(',').filter((p) => p.trim() !== '')) {
    const mm = MATCHER.exec(part);
    if (!mm) throw new Error(`1:1: parse error: unexpected character inside braces: ${JSON.stringify(part.trim())}`);
    out.push(new Matcher(mm[2] as MatchType, mm[1], JSON.parse(`"${mm[3]}"`) as string));
  }
  if (out.length === 0) throw new Error('1:1: parse error: vector selector must contain at least one non-empty matcher');
  return out;
}

function selectorExpr(query: string): VectorSelector {
  const matchers = parseSelector(query);
  const name = matchers.find((m) => m.name === METRIC_NAME && m.type === '=')?.value ?? '';
  return { type: 'VectorSelector', name, matchers, offset: 0, timestamp: null, startOrEnd: null, pos: { start: 0, end: query.length } };
}

export const fakeParser: PromqlParser = {
  parseExpr: selectorExpr,
  parseMetricSelector: parseSelector,
  prettifyExpr: (e: Expr) => {
    const vs = e as VectorSelector;
    const rest = vs.matchers.filter((m) => !(m.name === METRIC_NAME && m.type === '=')).map(String);
    return `${vs.name}${rest.length ? `{${rest.join(', ')}}` : ''}`;
  },
  astToJSON: (e: Expr) => {
    const vs = e as VectorSelector;
    return { type: 'vectorSelector', name: vs.name, matchers: vs.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value })) };
  },
};

/** Evaluates a selector the way PromQL does: the newest non-stale sample in (t - lookback, t]. */
export class SelectorEngine implements QueryEngine {
  constructor(private readonly lookbackDeltaMs = 5 * 60_000) {}

  private evalAt(q: Queryable, matchers: Matcher[], t: number, lookback: number): Sample[] {
    const querier = q.querier(t - lookback + 1, t);
    try {
      const out: Sample[] = [];
      for (const s of querier.select(true, undefined, matchers)) {
        const it = s.iterator();
        let found: { t: number; v: number } | undefined;
        while (it.next()) if (it.t() > t - lookback && it.t() <= t) found = { t: it.t(), v: it.v() };
        if (found && !isStaleNaN(found.v)) out.push({ metric: s.labels, t, v: found.v });
      }
      return out;
    } finally {
      querier.close();
    }
  }

  private parse(query: string): Matcher[] {
    try {
      return parseSelector(query);
    } catch (err) {
      throw new QueryError('bad_data', (err as Error).message);
    }
  }

  async instantQuery(q: Queryable, query: string, ts: number, opts?: EngineQueryOptions): Promise<QueryResult> {
    const matchers = this.parse(query);
    const samples = this.evalAt(q, matchers, ts, opts?.lookbackDeltaMs ?? this.lookbackDeltaMs);
    return { value: { type: 'vector', samples }, warnings: [], infos: [] };
  }

  async rangeQuery(q: Queryable, query: string, start: number, end: number, step: number, opts?: EngineQueryOptions): Promise<QueryResult> {
    const matchers = this.parse(query);
    const byKey = new Map<string, MatrixSeries>();
    for (let t = start; t <= end; t += step) {
      for (const s of this.evalAt(q, matchers, t, opts?.lookbackDeltaMs ?? this.lookbackDeltaMs)) {
        const key = JSON.stringify(s.metric);
        let series = byKey.get(key);
        if (!series) byKey.set(key, (series = { metric: s.metric, ts: [], vs: [] }));
        series.ts.push(t);
        series.vs.push(s.v);
      }
    }
    return { value: { type: 'matrix', series: [...byKey.values()] }, warnings: [], infos: [] };
  }
}
