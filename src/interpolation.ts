// Template variables in PromQL: how a variable's value is written into an expression, and the
// interval variables Grafana's Prometheus data source users expect.
import { rangeUtil, type ScopedVars, type TimeRange } from '@grafana/data';
import { escapeRegex } from './resourceClient';

/** The part of a Grafana variable the formatter looks at. */
export interface VariableShape {
  multi?: boolean;
  includeAll?: boolean;
}

export type VariableValue = string | number | boolean | Array<string | number>;

/** Escapes what a double-quoted PromQL string needs escaped. */
export function escapeStringLiteral(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * A variable value in an expression. Single values are written as they are (escaped for a
 * string literal); multi-value and "All" variables become an RE2 alternation of the values,
 * each regex-escaped, for use as `label=~"$var"`.
 */
export function formatVariableValue(value: VariableValue, variable: VariableShape): string {
  const regexStyle = variable.multi || variable.includeAll;
  // Built-in variables such as $__range_s arrive as numbers.
  const values = (Array.isArray(value) ? value : [value]).map(String);
  if (!regexStyle) return escapeStringLiteral(values.join(','));
  const alternatives = values.map((v) => escapeStringLiteral(escapeRegex(v)));
  return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join('|')})`;
}

/** `$__range`, `$__range_s` and `$__range_ms` for a time range (seconds rounded as Grafana does). */
export function rangeScopedVars(range: TimeRange): ScopedVars {
  const ms = range.to.valueOf() - range.from.valueOf();
  const seconds = Math.round(ms / 1000);
  return {
    __range_ms: { text: String(ms), value: ms },
    __range_s: { text: String(seconds), value: seconds },
    __range: { text: `${seconds}s`, value: `${seconds}s` },
  };
}

/**
 * `$__rate_interval`: the larger of `$__interval` plus one scrape interval and four scrape
 * intervals, so a rate() window always holds at least two samples.
 */
export function rateIntervalMs(intervalMs: number, scrapeInterval: string): number {
  const scrapeMs = rangeUtil.intervalToMs(scrapeInterval);
  return Math.max(intervalMs + scrapeMs, 4 * scrapeMs);
}

/** Milliseconds as a Prometheus duration without losing precision (`75000` → `1m15s`). */
export function promDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let seconds = ms / 1000;
  if (seconds === 0) return '0s';
  let text = '';
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(seconds / size);
    if (n > 0) text += `${n}${unit}`;
    seconds -= n * size;
  }
  return text;
}

export function rateIntervalScopedVars(intervalMs: number, scrapeInterval: string): ScopedVars {
  const ms = rateIntervalMs(intervalMs, scrapeInterval);
  const text = promDuration(ms);
  return {
    __rate_interval: { text, value: text },
    __rate_interval_ms: { text: String(ms), value: ms },
  };
}
