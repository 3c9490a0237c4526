// Template variable queries in the syntax of Grafana's Prometheus data source.
import type { FlintResourceClient } from './resourceClient';

export type VariableQuery =
  | { kind: 'label_names'; match?: string }
  | { kind: 'label_values'; label: string; match?: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'query_result'; expr: string };

const LABEL_NAMES = /^label_names\(\s*(.*?)\s*\)\s*$/s;
const LABEL_VALUES = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s;
const METRICS = /^metrics\(\s*(.*?)\s*\)\s*$/s;
const QUERY_RESULT = /^query_result\(\s*(.+)\s*\)\s*$/s;

/** The variable query a text stands for, or undefined when it is none of the known forms. */
export function parseVariableQuery(text: string): VariableQuery | undefined {
  const query = text.trim();
  let m = LABEL_NAMES.exec(query);
  if (m) return m[1] === '' ? { kind: 'label_names' } : { kind: 'label_names', match: m[1] };
  m = LABEL_VALUES.exec(query);
  if (m)
    return m[1] === undefined
      ? { kind: 'label_values', label: m[2] }
      : { kind: 'label_values', label: m[2], match: m[1] };
  m = METRICS.exec(query);
  if (m) return { kind: 'metrics', regex: m[1] };
  m = QUERY_RESULT.exec(query);
  if (m) return { kind: 'query_result', expr: m[1] };
  return undefined;
}

/** One series of an instant query result, as `query_result()` lists it. */
export interface InstantSeries {
  labels: Record<string, string>;
  value: number;
  timeMs: number;
}

/** `name{a="b"} value timestampMs`, the text Grafana's Prometheus data source offers for query_result(). */
export function formatInstantSeries(series: InstantSeries): string {
  const { __name__: name = '', ...rest } = series.labels;
  const labels = Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${name}{${labels}} ${series.value} ${series.timeMs}`;
}

/** A metric name "selector" (bare name) as a series selector; other selectors pass through. */
function asSelector(match: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(match) ? `{__name__=${JSON.stringify(match)}}` : match;
}

/** Variables can list more than an editor's completion, but not without bound. */
export const VARIABLE_LIMIT = 10000;

export async function runVariableQuery(
  query: VariableQuery,
  client: FlintResourceClient,
  instantQuery: (expr: string) => Promise<InstantSeries[]>
): Promise<string[]> {
  switch (query.kind) {
    case 'label_names':
      return client.labelNamesMatching(query.match ? asSelector(query.match) : undefined, VARIABLE_LIMIT);
    case 'label_values':
      return client.labelValuesMatching(query.label, query.match ? asSelector(query.match) : undefined, VARIABLE_LIMIT);
    case 'metrics': {
      // Unanchored, as in Grafana's Prometheus data source; matched by flint (RE2) so the
      // names are filtered before they are sent.
      const match = query.regex === '' ? undefined : `{__name__=~${JSON.stringify(`.*(?:${query.regex}).*`)}}`;
      return client.labelValuesMatching('__name__', match, VARIABLE_LIMIT);
    }
    case 'query_result':
      return (await instantQuery(query.expr)).map(formatInstantSeries);
  }
}
