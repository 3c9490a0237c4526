// The query step and the built-in interval variables, computed as Grafana's Prometheus data
// source computes them on the server (pkg/promlib: models/query.go, intervalv2, and the
// SDK's gtime), so that a panel asks flint for the same step either way.

/** Below Grafana's default min interval the data source's scrape interval is assumed to be 15 s. */
const DEFAULT_MIN_INTERVAL_MS = 15_000;
/** Max data points when the request has none (alert queries). */
const DEFAULT_RESOLUTION = 1500;
/** Points above which Grafana widens the step no matter what was asked (Prometheus allows 11,000). */
const SAFE_RESOLUTION = 11_000;

const VARIABLE_INTERVALS = new Set([
  '$__interval',
  '${__interval}',
  '$__interval_ms',
  '${__interval_ms}',
  '$__rate_interval',
  '${__rate_interval}',
  '$__rate_interval_ms',
  '${__rate_interval_ms}',
]);
const RATE_INTERVALS = new Set(['$__rate_interval', '${__rate_interval}']);

const GO_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DAY_MS = 86_400_000;
const YEAR_MS = DAY_MS * 365.25;
const CALENDAR_UNITS_MS: Record<string, number> = { d: DAY_MS, w: 7 * DAY_MS, M: YEAR_MS / 12, y: YEAR_MS };

export class IntervalError extends Error {}

/**
 * Grafana's interval syntax: Go durations (`1m30s`, `1.5s`, `250ms`), a single count of days,
 * weeks, months or years (`2d`), a bare number of seconds, optionally in `<...>`.
 */
export function parseGrafanaInterval(text: string): number {
  let s = text.replace('<', '').replace('>', '');
  if (/^\d+$/.test(s)) s += 's';
  const calendar = /^(\d+)([dwMy])$/.exec(s);
  if (calendar) return Number(calendar[1]) * CALENDAR_UNITS_MS[calendar[2]];
  const parts = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/;
  let rest = s;
  let total = 0;
  if (rest === '0') return 0;
  if (rest === '') throw new IntervalError(`invalid interval "${text}"`);
  while (rest !== '') {
    const m = parts.exec(rest);
    if (!m) throw new IntervalError(`invalid interval "${text}"`);
    const unit = /(ns|us|µs|μs|ms|s|m|h)$/.exec(m[0])![1];
    total += parseFloat(m[0].slice(0, -unit.length)) * GO_UNITS_MS[unit];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

/** The "kbn" interval notation Grafana substitutes for `$__interval`: `15s`, `1m`, `500ms`. */
export function formatGrafanaInterval(ms: number): string {
  const units: Array<[number, string]> = [
    [365 * DAY_MS, 'y'],
    [DAY_MS, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return '1ms';
}

// Upper bounds (inclusive unless noted) and the round interval each range maps to.
const ROUNDING: Array<[number, number]> = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10000],
  [17500, 15000],
  [25000, 20000],
  [45000, 30000],
  [90000, 60000],
  [210000, 120000],
  [450000, 300000],
  [750000, 600000],
  [1050000, 900000],
  [1500000, 1200000],
  [2700000, 1800000],
  [5400000, 3600000],
  [9000000, 7200000],
  [16200000, 10800000],
  [32400000, 21600000],
  [86400000, 43200000],
  [172800000, 86400000],
  [604800000, 86400000],
  [1814400000, 604800000],
];

/** A lower, rounder interval than `ms` (gtime.RoundInterval). */
export function roundInterval(ms: number): number {
  for (const [bound, rounded] of ROUNDING) if (ms <= bound) return rounded;
  return ms < 3628800000 ? 2592000000 : 31536000000;
}

export interface StepInput {
  fromMs: number;
  toMs: number;
  /** DataQuery.intervalMS: the interval Grafana's frontend computed. */
  intervalMs: number;
  /** DataQuery.maxDataPoints; 0 when absent (alert queries). */
  maxDataPoints: number;
  /** The query's "Min step" (`interval` in the query model). */
  queryInterval?: string;
  /** The data source's scrape interval setting (`timeInterval`). */
  dataSourceInterval?: string;
  /** Deprecated resolution divisor (`intervalFactor`). */
  intervalFactor?: number;
}

function minIntervalMs(input: StepInput): number {
  let interval = input.queryInterval ?? '';
  if (VARIABLE_INTERVALS.has(interval) || interval === '0s') interval = '';
  if (interval === '' && input.intervalMs !== 0) return input.intervalMs;
  if (interval === '') interval = input.dataSourceInterval ?? '';
  if (interval === '') return DEFAULT_MIN_INTERVAL_MS;
  return parseGrafanaInterval(interval);
}

/** `$__rate_interval`: at least four scrapes, and one scrape more than the step. */
export function rateIntervalMs(stepMs: number, scrapeInterval: string | undefined): number {
  const scrapeMs = parseGrafanaInterval(scrapeInterval || '15s');
  return Math.max(stepMs + scrapeMs, 4 * scrapeMs);
}

/** The step of a query in milliseconds. */
export function calculateStepMs(input: StepInput): number {
  const rangeMs = input.toMs - input.fromMs;
  const minInterval = minIntervalMs(input);
  const raw = Math.trunc(rangeMs / (input.maxDataPoints || DEFAULT_RESOLUTION));
  const calculated = raw < minInterval ? minInterval : roundInterval(raw);
  const safe = roundInterval(Math.trunc(rangeMs / SAFE_RESOLUTION));
  const adjusted = Math.max(calculated, safe);
  if (input.queryInterval !== undefined && RATE_INTERVALS.has(input.queryInterval)) {
    return rateIntervalMs(adjusted, input.dataSourceInterval);
  }
  // A zero step would make Prometheus refuse the query and alignToStep divide by zero.
  return Math.max(1, adjusted * (input.intervalFactor || 1));
}

/** Rounds a time down to a multiple of the step (shifted by the UTC offset), as Grafana aligns ranges. */
export function alignToStep(timeMs: number, stepMs: number, utcOffsetSec = 0): number {
  const offsetMs = utcOffsetSec * 1000;
  return Math.floor((timeMs + offsetMs) / stepMs) * stepMs - offsetMs;
}
