// The Prometheus API as the plugin reaches it: through the backend's resource endpoints
// (labels, label values, series, metadata). Used by the PromQL completion, the metric browser
// and template variable queries. Every listing is bounded by `limit` and a time window, so
// an editor never loads every series of a large flint.
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';

/** GET one resource path (no leading slash) with query parameters; resolves to the parsed JSON. */
export type ResourceFetcher = (path: string, params: Record<string, string | string[]>) => Promise<unknown>;

/** A label matcher as codemirror-promql hands it over (the operator as a lezer token id). */
export interface TokenMatcher {
  type: number;
  name: string;
  value: string;
}

export interface TimeWindow {
  /** Unix seconds. */
  start: number;
  end: number;
}

export const DEFAULT_LIST_LIMIT = 1000;
const DEFAULT_LOOKBACK_SECONDS = 12 * 60 * 60;

export function lastHours(seconds = DEFAULT_LOOKBACK_SECONDS): () => TimeWindow {
  return () => {
    const end = Math.floor(Date.now() / 1000);
    return { start: end - seconds, end };
  };
}

const OPERATORS = new Map<number, string>([
  [EqlSingle, '='],
  [Neq, '!='],
  [EqlRegex, '=~'],
  [NeqRegex, '!~'],
]);

/** A label value as a PromQL double-quoted string. */
export function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

/** Escapes regular expression syntax so a literal matches itself in an RE2 `=~` matcher. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** A series selector for a metric name and matchers; `{__name__!=""}`-free when only a metric is given. */
export function selector(metricName: string | undefined, matchers: TokenMatcher[] = []): string {
  const parts: string[] = [];
  for (const m of matchers) {
    const op = OPERATORS.get(m.type);
    if (op === undefined || m.name === '' || m.name === '__name__') continue;
    parts.push(`${m.name}${op}${quoteLabelValue(m.value)}`);
  }
  if (metricName) parts.unshift(`__name__=${quoteLabelValue(metricName)}`);
  return `{${parts.join(',')}}`;
}

/** A case-insensitive "contains" matcher value for search as you type. */
export function containsRegex(search: string): string {
  return search === '' ? '.+' : `(?i).*${escapeRegex(search)}.*`;
}

interface ApiEnvelope {
  status?: string;
  data?: unknown;
  error?: string;
}

function dataOf(body: unknown, what: string): unknown {
  const envelope = body as ApiEnvelope | null;
  if (!envelope || typeof envelope !== 'object')
    throw new Error(`${what}: the answer is not a Prometheus API response`);
  if (envelope.status === 'error') throw new Error(`${what}: ${envelope.error ?? 'error'}`);
  return envelope.data;
}

/** `match[]` for a selector, or nothing to list over all series. */
function matchParam(seriesSelector: string | undefined): Record<string, string> {
  return seriesSelector ? { 'match[]': seriesSelector } : {};
}

function stringList(body: unknown, what: string): string[] {
  const data = dataOf(body, what);
  if (!Array.isArray(data)) throw new Error(`${what}: expected a list of strings`);
  return data.filter((v): v is string => typeof v === 'string');
}

export class FlintResourceClient implements PrometheusClient {
  constructor(
    private readonly fetchResource: ResourceFetcher,
    private readonly window: () => TimeWindow = lastHours(),
    private readonly limit = DEFAULT_LIST_LIMIT
  ) {}

  private params(extra: Record<string, string | string[]> = {}, limit = this.limit): Record<string, string | string[]> {
    const { start, end } = this.window();
    return { start: String(start), end: String(end), limit: String(limit), ...extra };
  }

  async labelNames(metricName?: string, matchers?: TokenMatcher[], limit?: number): Promise<string[]> {
    const hasMatch = metricName || (matchers && matchers.length > 0);
    return this.labelNamesMatching(hasMatch ? selector(metricName, matchers) : undefined, limit);
  }

  /** Label names on the series a selector picks (all series without one). */
  async labelNamesMatching(seriesSelector?: string, limit?: number): Promise<string[]> {
    return stringList(
      await this.fetchResource('api/v1/labels', this.params(matchParam(seriesSelector), limit)),
      'label names'
    );
  }

  async labelValues(
    labelName: string,
    metricName?: string,
    matchers?: TokenMatcher[],
    limit?: number
  ): Promise<string[]> {
    // The matcher being typed for this label would narrow the values to the half-typed one.
    const others = (matchers ?? []).filter((m) => m.name !== labelName);
    const hasMatch = metricName || others.length > 0;
    return this.labelValuesMatching(labelName, hasMatch ? selector(metricName, others) : undefined, limit);
  }

  /** Values of a label on the series a selector (any PromQL series selector) picks. */
  async labelValuesMatching(labelName: string, seriesSelector?: string, limit?: number): Promise<string[]> {
    const path = `api/v1/label/${encodeURIComponent(labelName)}/values`;
    return stringList(
      await this.fetchResource(path, this.params(matchParam(seriesSelector), limit)),
      `values of ${labelName}`
    );
  }

  async metricMetadata(): Promise<Record<string, Array<{ type: string; help: string }>>> {
    const data = dataOf(await this.fetchResource('api/v1/metadata', { limit: String(this.limit) }), 'metadata');
    return data && typeof data === 'object' ? (data as Record<string, Array<{ type: string; help: string }>>) : {};
  }

  async series(metricName: string, matchers?: TokenMatcher[], labelName?: string): Promise<Map<string, string>[]> {
    // Where one label's values are wanted, asking for them directly reads no series.
    if (labelName) {
      const values = await this.labelValues(labelName, metricName, matchers);
      return values.map((v) => new Map([[labelName, v]]));
    }
    const data = dataOf(
      await this.fetchResource('api/v1/series', this.params({ 'match[]': selector(metricName, matchers) })),
      'series'
    );
    if (!Array.isArray(data)) return [];
    return data.map((labels) => new Map(Object.entries(labels as Record<string, string>)));
  }

  /** Metric names, narrowed on the server to those containing `search` (case-insensitive). */
  async metricNames(search = '', limit?: number): Promise<string[]> {
    const match = search === '' ? undefined : `{__name__=~${quoteLabelValue(containsRegex(search))}}`;
    return this.labelValuesMatching('__name__', match, limit);
  }

  async flags(): Promise<Record<string, string>> {
    return {};
  }
}
