// /series, /labels and /label/<name>/values: what codemirror-promql and Grafana use for completion.
import { compareLabels, Labels, labelsKey } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Querier } from '../storage/interface';
import { labelsJSON, RawJSON } from './encode';
import { ApiRequest, ApiResult, TRUNCATED_WARNING } from './handler';
import { goQuote, limitParam, MAX_TIME_MS, MIN_TIME_MS, matcherSetsParam, timeParam } from './params';
import { ApiError } from './respond';

function withQuerier<T>(r: ApiRequest, start: number, end: number, fn: (q: Querier) => T): T {
  const q = r.deps.queryable.querier(start, end);
  try {
    return fn(q);
  } finally {
    q.close();
  }
}

function timeRange(r: ApiRequest): { start: number; end: number } {
  return { start: timeParam(r.form, 'start', MIN_TIME_MS), end: timeParam(r.form, 'end', MAX_TIME_MS) };
}

function limited<T>(items: T[], limit: number): ApiResult {
  if (limit > 0 && items.length > limit) return { data: items.slice(0, limit), warnings: [TRUNCATED_WARNING] };
  return { data: items };
}

/** Sorted union of the values each matcher set yields (or of all series when there are no sets). */
function unionSorted(sets: Matcher[][], fetch: (ms?: readonly Matcher[]) => string[]): string[] {
  if (sets.length === 0) return fetch();
  const all = new Set<string>();
  for (const ms of sets) for (const v of fetch(ms)) all.add(v);
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function series(r: ApiRequest): ApiResult {
  const selectors = r.form.all('match[]');
  if (selectors.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const limit = limitParam(r.form);
  const { start, end } = timeRange(r);
  const sets = matcherSetsParam(r.deps.parser, selectors);
  const found = withQuerier(r, start, end, (q) => {
    const byKey = new Map<string, Labels>();
    for (const ms of sets) {
      for (const s of q.select(false, { start, end, func: 'series', labelsOnly: true }, ms)) byKey.set(labelsKey(s.labels), s.labels);
    }
    return [...byKey.values()].sort(compareLabels);
  });
  return limited(
    found.map((ls) => new RawJSON(labelsJSON(ls))),
    limit
  );
}

export function labelNames(r: ApiRequest): ApiResult {
  const limit = limitParam(r.form);
  const { start, end } = timeRange(r);
  const sets = matcherSetsParam(r.deps.parser, r.form.all('match[]'));
  const names = withQuerier(r, start, end, (q) => unionSorted(sets, (ms) => q.labelNames(ms)));
  return limited(names, limit);
}

/** 3.x names that are not legacy identifiers may arrive escaped as `U__` + `_<hex>_` sequences. */
function unescapeLabelName(s: string): string {
  if (!s.startsWith('U__')) return s;
  let out = '';
  const body = s.slice(3);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const close = body.indexOf('_', i + 1);
    const code = close > i + 1 ? parseInt(body.slice(i + 1, close), 16) : NaN;
    if (!/^[0-9a-fA-F]+$/.test(body.slice(i + 1, close)) || !Number.isFinite(code) || code > 0x10ffff) return s;
    out += String.fromCodePoint(code);
    i = close;
  }
  return out;
}

/** Go rejects label names that are not valid UTF-8; in JavaScript those show up as lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function labelValues(r: ApiRequest): ApiResult {
  const name = unescapeLabelName(r.params.name ?? '');
  if (name === '' || LONE_SURROGATE.test(name)) throw new ApiError('bad_data', `invalid label name: ${goQuote(name)}`);
  const limit = limitParam(r.form);
  const { start, end } = timeRange(r);
  const sets = matcherSetsParam(r.deps.parser, r.form.all('match[]'));
  const values = withQuerier(r, start, end, (q) => unionSorted(sets, (ms) => q.labelValues(name, ms)));
  return limited(values, limit);
}
