// Grafana's built-in interval and range variables in PromQL. The frontend fills them in for
// panels, but queries Grafana runs by itself (alert rules, recorded queries) reach the
// backend with `$__interval`, `$__rate_interval` or `$__range` still in the expression.
import { formatGoDuration } from '../frames';
import { formatGrafanaInterval, IntervalError, rateIntervalMs } from './interval';

export interface VariableValues {
  stepMs: number;
  /** DataQuery.intervalMS. */
  intervalMs: number;
  rangeMs: number;
  /** The query's min step (`interval`). */
  queryInterval?: string;
  /** The data source's scrape interval (`timeInterval`). */
  dataSourceInterval?: string;
}

function rateInterval(v: VariableValues): number {
  const minStep = v.queryInterval ?? '';
  if (minStep === '$__rate_interval' || minStep === '${__rate_interval}') return v.stepMs;
  let scrape = minStep;
  if (scrape === '$__interval' || scrape === '${__interval}') scrape = formatGoDuration(v.stepMs);
  if (scrape === '') scrape = v.dataSourceInterval ?? '';
  try {
    return rateIntervalMs(v.intervalMs, scrape);
  } catch (e) {
    if (e instanceof IntervalError) return 0;
    throw e;
  }
}

export function interpolateVariables(expr: string, v: VariableValues): string {
  const rangeS = Math.round(v.rangeMs / 1000);
  const rate = rateInterval(v);
  // Longer names first: `$__interval` is a prefix of `$__interval_ms`.
  const values: Array<[string, string]> = [
    ['__interval_ms', String(v.stepMs)],
    ['__interval', formatGrafanaInterval(v.stepMs)],
    ['__range_ms', String(v.rangeMs)],
    ['__range_s', String(rangeS)],
    ['__range', `${rangeS}s`],
    ['__rate_interval_ms', String(rate)],
    ['__rate_interval', formatGoDuration(rate)],
  ];
  let out = expr;
  for (const [name, value] of values) out = out.split(`$${name}`).join(value).split(`\${${name}}`).join(value);
  return out;
}
