// Seeded PromQL generator over the metrics of data.ts. Every producer below exercises one area
// of the language (functions, aggregations, operators and matching, modifiers, subqueries) with
// random choices inside it; producers are drawn round-robin so each area gets its share.
// Ranges, offsets and steps are whole seconds while data and evaluation times carry
// sub-second parts (see README.md), which keeps every sample off every window boundary.
import { Random, seededRandom } from './random';

/** The seed the differential test runs with unless FLINT_DIFFERENTIAL_SEED says otherwise. */
export const DEFAULT_SEED = 20260422;

/** The query as Prometheus 2.42 spells it: 3.x renamed holt_winters. */
export function forPrometheus2(query: string): string {
  return query.replaceAll('double_exponential_smoothing(', 'holt_winters(');
}

const RANGES = ['30s', '1m', '2m', '5m', '10m'];
const OFFSETS = ['', '', '', ' offset 1m', ' offset 5m', ' offset 90s', ' offset -1m'];
const QUANTILES = ['0', '0.1', '0.5', '0.9', '0.99', '1'];

function counterSelector(r: Random): string {
  return `http_requests_total${r.pick([
    '',
    '{job="api"}',
    '{code!="500"}',
    '{instance=~"a.*"}',
    '{code!~"5.."}',
    '{job=~"api|db", code="200"}',
    '{instance!~"b:.*", job!="db"}',
  ])}`;
}

function gaugeSelector(r: Random): string {
  return r.pick([
    'temperature_celsius',
    'temperature_celsius{job="db"}',
    'temperature_celsius{room=~"a-.*"}',
    'account_balance',
    'account_balance{account!="bob"}',
    'queue_depth',
    'queue_depth{instance=~".*:9090", job!~"a.i"}',
    'late_gauge',
    'batch_last_success',
    'sensor_reading',
  ]);
}

/** Gauges without ties between series, where topk/bottomk picks are unambiguous. */
function distinctGauge(r: Random): string {
  return r.pick(['temperature_celsius', 'temperature_celsius{job="api"}', `rate(${counterSelector(r)}[5m])`]);
}

const range = (r: Random) => `[${r.pick(RANGES)}]${r.pick(OFFSETS)}`;

/** A simple instant vector: a selector, a rate or an over-time function. */
function leaf(r: Random): string {
  switch (r.int(5)) {
    case 0:
      return `${gaugeSelector(r)}${r.pick(OFFSETS)}`;
    case 1:
      return `rate(${counterSelector(r)}${range(r)})`;
    case 2:
      // No averages here: leaves feed round(), floor() and comparisons, which would turn the
      // last-bit difference between 2.42's and 3.x's mean into a different answer (README.md).
      return `${r.pick(['min_over_time', 'max_over_time', 'delta'])}(${gaugeSelector(r)}${range(r)})`;
    case 3:
      return counterSelector(r);
    default:
      return `increase(${counterSelector(r)}${range(r)})`;
  }
}

function grouping(r: Random): string {
  const labels = r.pick(['job', 'instance', 'job, instance', 'code', '', 'room', 'job, code']);
  return `${r.pick(['by', 'without'])} (${labels})`;
}

const COUNTER_FUNCTIONS = ['rate', 'irate', 'increase', 'resets', 'changes', 'deriv'];
const GAUGE_FUNCTIONS = [
  'delta',
  'idelta',
  'deriv',
  'changes',
  'resets',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
];
const MATH_FUNCTIONS = [
  'abs',
  'ceil',
  'floor',
  'round',
  'sgn',
  'sqrt',
  'ln',
  'log2',
  'log10',
  'exp',
  'sin',
  'cos',
  'atan',
  'deg',
];
const DATE_FUNCTIONS = [
  'hour',
  'minute',
  'month',
  'year',
  'day_of_week',
  'day_of_month',
  'day_of_year',
  'days_in_month',
];
const AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar'];

type Producer = (r: Random) => string;

const PRODUCERS: Record<string, Producer> = {
  counterFunction: (r) => `${r.cycle(COUNTER_FUNCTIONS)}(${counterSelector(r)}${range(r)})`,
  gaugeFunction: (r) => `${r.cycle(GAUGE_FUNCTIONS)}(${gaugeSelector(r)}${range(r)})`,
  quantileOverTime: (r) => `quantile_over_time(${r.pick(QUANTILES)}, ${gaugeSelector(r)}${range(r)})`,
  predictLinear: (r) =>
    `predict_linear(${r.pick([gaugeSelector(r), counterSelector(r)])}${range(r)}, ${r.pick(['0', '60', '600', '-300'])})`,
  mathFunction: (r) => `${r.cycle(MATH_FUNCTIONS)}(${leaf(r)}${r.pick(['', ' / 10'])})`,
  clampAndRound: (r) =>
    r.pick([
      `clamp(${leaf(r)}, ${r.pick(['-1', '0', '2.5'])}, ${r.pick(['3', '10', '1e3'])})`,
      `clamp_min(${leaf(r)}, ${r.pick(['-2', '0', '4.5'])})`,
      `clamp_max(${leaf(r)}, ${r.pick(['-2', '0', '4.5'])})`,
      `round(${leaf(r)}, ${r.pick(['0.5', '3', '0.01'])})`,
      `clamp(${leaf(r)}, 5, 1)`,
    ]),
  aggregation: (r) => {
    const op = r.cycle(AGGREGATIONS);
    return r.chance(0.5) ? `${op} ${grouping(r)} (${leaf(r)})` : `${op}(${leaf(r)}) ${grouping(r)}`;
  },
  topBottom: (r) =>
    `${r.pick(['topk', 'bottomk'])}${r.chance(0.5) ? ` ${r.pick(['by (job)', 'without (code)', 'by (instance)'])}` : ''} (${r.pick(['1', '2', '3'])}, ${distinctGauge(r)})`,
  quantileAggregation: (r) => `quantile ${grouping(r)} (${r.pick(QUANTILES)}, ${leaf(r)})`,
  countValues: (r) =>
    r.chance(0.25)
      ? r.pick([
          'count_values by (instance) ("instance", queue_depth)',
          'count_values without (instance, value) ("value", queue_depth)',
          'count_values by (job) ("job", round(temperature_celsius / 10))',
        ])
      : `count_values${r.chance(0.5) ? ` ${grouping(r)}` : ''} ("value", ${r.pick([
          'queue_depth',
          `round(${leaf(r)})`,
          `floor(${leaf(r)} / 7)`,
          'account_balance',
        ])})`,
  arithmeticWithScalar: (r) => {
    const op = r.pick(['+', '-', '*', '/', '%', '^']);
    const n = r.pick(['2', '0.5', '-3', '0', '1e-3']);
    return r.chance(0.5) ? `${leaf(r)} ${op} ${n}` : `${n} ${op} ${leaf(r)}`;
  },
  // 2.42 keeps the metric name on atan2, 3.x drops it (README.md): operands here have none.
  atan2: (r) =>
    r.pick([
      `rate(${counterSelector(r)}${range(r)}) atan2 ${r.pick(['0', '-1', '0.5'])}`,
      `${r.pick(['1', '-2'])} atan2 delta(${gaugeSelector(r)}${range(r)})`,
      `abs(temperature_celsius) atan2 ignoring (room) (queue_depth + 0)`,
    ]),
  arithmeticVectors: (r) =>
    r.pick([
      `${leaf(r)} ${r.pick(['+', '-', '*', '/'])} on (job, instance) ${r.pick(['queue_depth', 'temperature_celsius'])}`,
      `rate(http_requests_total${range(r)}) ${r.pick(['+', '/', '%'])} ignoring (code) group_left sum by (job, instance) (rate(http_requests_total[5m]))`,
      `temperature_celsius ${r.pick(['-', '*'])} ignoring (room) queue_depth`,
      `sum by (job) (${leaf(r)}) ${r.pick(['+', '/'])} on (job) group_right sum by (job, code) (rate(http_requests_total${range(r)}))`,
      `${gaugeSelector(r)} - ${gaugeSelector(r)} offset ${r.pick(['1m', '3m', '10m'])}`,
      `-${leaf(r)} ^ 2`,
    ]),
  comparisonWithScalar: (r) => {
    const op = r.pick(['>', '<', '==', '!=', '>=', '<=']);
    const bool = r.chance(0.5) ? ' bool' : '';
    const n = r.pick(['0', '1', '5', '-2.5']);
    return r.chance(0.6) ? `${leaf(r)} ${op}${bool} ${n}` : `${n} ${op}${bool} ${leaf(r)}`;
  },
  comparisonOfVectors: (r) => {
    const op = r.pick(['>', '<', '==', '!=', '>=', '<=']);
    return r.pick([
      `queue_depth ${op}${r.chance(0.5) ? ' bool' : ''} queue_depth offset ${r.pick(['1m', '2m'])}`,
      `temperature_celsius ${op}${r.chance(0.5) ? ' bool' : ''} ignoring (room) group_left queue_depth`,
      `rate(http_requests_total[1m]) ${op}${r.chance(0.5) ? ' bool' : ''} on (job, instance, code) rate(http_requests_total[5m])`,
      `scalar(max(queue_depth)) ${op} bool scalar(min(queue_depth))`,
    ]);
  },
  setOperators: (r) => {
    const op = r.pick(['and', 'or', 'unless']);
    return r.pick([
      `${gaugeSelector(r)} ${op} ${gaugeSelector(r)} > 0`,
      `queue_depth ${op} on (job) (temperature_celsius > 10)`,
      `rate(http_requests_total${range(r)}) ${op} ignoring (code) queue_depth > 3`,
      `http_requests_total ${op} http_requests_total{code="200"} offset 2m`,
      `(late_gauge > 0) ${op} (batch_last_success)`,
      `temperature_celsius > 15 ${op} temperature_celsius < 0`,
    ]);
  },
  histogramQuantile: (r) =>
    r.pick([
      `histogram_quantile(${r.pick(QUANTILES)}, sum ${r.pick(['by (le)', 'by (le, job)', 'without (job)'])} (rate(request_duration_seconds_bucket${range(r)})))`,
      `histogram_quantile(${r.pick(QUANTILES)}, rate(request_duration_seconds_bucket${range(r)}))`,
      `histogram_quantile(${r.pick(['0.5', '0.9'])}, request_duration_seconds_bucket{job="${r.pick(['api', 'db'])}"})`,
      `rate(request_duration_seconds_sum${range(r)}) / rate(request_duration_seconds_count${range(r)})`,
      `histogram_quantile(${r.pick(['-0.5', '1.5'])}, rate(request_duration_seconds_bucket[5m]))`,
    ]),
  labelFunctions: (r) =>
    r.pick([
      `label_replace(${leaf(r)}, "host", "$1", "instance", "(.*):.*")`,
      `label_replace(account_balance, "owner", "user-$1", "path", "/v1/(\\\\w+)/.*")`,
      `label_replace(${leaf(r)}, "job", "", "job", "api")`,
      `label_replace(${gaugeSelector(r)}, "dst", "$2-$1", "job", "(a|d)(.*)")`,
      `label_replace(${leaf(r)}, "host", "\${h}-$2", "instance", "(?P<h>[a-z]+):(\\\\d+)")`,
      `label_join(${leaf(r)}, "id", "${r.pick(['/', '', '-'])}", "job", "instance", "code")`,
      `label_join(account_balance, "account", ":", "account", "path")`,
    ]),
  sortFunctions: (r) => `${r.pick(['sort', 'sort_desc'])}(${distinctGauge(r)})`,
  timestampFunctions: (r) =>
    r.pick([
      `timestamp(${gaugeSelector(r)}${r.pick(OFFSETS)})`,
      `time() - timestamp(${gaugeSelector(r)})`,
      `timestamp(rate(http_requests_total[5m]))`,
      `${r.pick(['hour', 'minute', 'month', 'year', 'day_of_week', 'day_of_month', 'days_in_month'])}(timestamp(${gaugeSelector(r)}))`,
    ]),
  timeFunctions: (r) =>
    `${r.cycle(DATE_FUNCTIONS)}(${r.pick(['', 'vector(time())', 'vector(time() - 86400 * 17)', 'vector(1e9)'])})`,
  scalarAndVector: (r) =>
    r.pick([
      `scalar(sum(${leaf(r)}))`,
      `vector(scalar(${gaugeSelector(r)}))`,
      `${leaf(r)} * scalar(count(queue_depth))`,
      `vector(time()) - scalar(max(batch_last_success))`,
      `time()`,
      `vector(${r.pick(['1', '-0.25', '1e300'])})`,
      `scalar(late_gauge) + ${r.pick(['1', '0'])}`,
    ]),
  absentFunctions: (r) =>
    r.pick([
      `absent(${gaugeSelector(r)})`,
      `absent(nonexistent_metric{job="x", instance=~"y.*"})`,
      `absent(late_gauge{job="api"})`,
      `absent_over_time(${gaugeSelector(r)}${range(r)})`,
      `absent_over_time(missing{a="b"}[5m])`,
      `absent(sum(nonexistent))`,
    ]),
  subquery: (r) => {
    const inner = r.pick([
      `rate(${counterSelector(r)}[1m])`,
      gaugeSelector(r),
      `sum by (job) (${leaf(r)})`,
      `deriv(temperature_celsius[2m])`,
    ]);
    const fn = r.pick([
      'max_over_time',
      'min_over_time',
      'avg_over_time',
      'sum_over_time',
      'count_over_time',
      'last_over_time',
      'stddev_over_time',
      'deriv',
      'changes',
    ]);
    return `${fn}((${inner})[${r.pick(['2m', '5m', '10m'])}:${r.pick(['', '30s', '1m', '20s'])}]${r.pick(OFFSETS)})`;
  },
  atModifier: (r) =>
    r.pick([
      `${gaugeSelector(r)} @ ${r.pick(['start()', 'end()'])}`,
      `rate(${counterSelector(r)}[5m] @ end())`,
      `${gaugeSelector(r)} offset 2m @ start()`,
      `max_over_time(temperature_celsius[10m] @ start()) - temperature_celsius`,
    ]),
  nameMatchers: (r) =>
    r.pick([
      `{__name__=~"temperature_celsius|queue_depth", job="${r.pick(['api', 'db'])}"}`,
      `{__name__!="http_requests_total", job=~"a.*"}`,
      `count by (__name__) ({__name__=~".+_total|.*depth", job!=""})`,
      `{__name__=~"request_duration_seconds_(sum|count)"}`,
      `{job="batch"}`,
    ]),
  specialValues: (r) =>
    r.pick([
      `sensor_reading ${r.pick(['/', '%', '*'])} ${r.pick(['0', '-0', 'sensor_reading offset 1m'])}`,
      `${r.pick(['max', 'min', 'avg', 'sum', 'stddev', 'count'])}(sensor_reading)`,
      `${r.pick(['max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'changes', 'resets', 'deriv', 'stdvar_over_time'])}(sensor_reading${range(r)})`,
      `quantile_over_time(${r.pick(QUANTILES)}, sensor_reading${range(r)})`,
      `quantile(${r.pick(['0.5', '-1', '2'])}, sensor_reading)`,
      `sensor_reading ${r.pick(['>', '==', '!='])}${r.pick(['', ' bool'])} ${r.pick(['0', 'sensor_reading'])}`,
      `count_values("v", sensor_reading)`,
      `${r.pick(['sort', 'sort_desc'])}(sensor_reading)`,
      `${r.pick(['sqrt', 'ln', 'log10', 'abs', 'round', 'sgn'])}(${r.pick(['sensor_reading', 'account_balance', 'queue_depth'])})`,
      `clamp(sensor_reading, -10, 10)`,
      `${r.pick(['account_balance', 'queue_depth'])} ^ ${r.pick(['0.5', '-1', '3'])}`,
      `queue_depth % ${r.pick(['0', '-4', '2.5'])}`,
    ]),
  // The outer subquery evaluates its inner expression at whole multiples of its step, so an
  // inner subquery needs a sub-second offset to keep its own steps off its window boundary.
  nestedSubquery: (r) => {
    const inner = r.pick([
      'deriv(rate(http_requests_total[1m])[5m:30s] offset 500ms)',
      'max_over_time(temperature_celsius[2m])',
      'sum(rate(http_requests_total[1m]))',
      'avg_over_time(queue_depth[3m:20s] offset 500ms)',
    ]);
    const sub = `(${inner})[${r.pick(['5m', '10m'])}:${r.pick(['1m', '45s', ''])}]${r.pick(['', ' offset 1m'])}`;
    return r.chance(0.3) ? `predict_linear(${sub}, 120)` : `${r.pick(['max_over_time', 'avg_over_time'])}(${sub})`;
  },
  // 3.x's name for 2.42's holt_winters; the test renames it on the way to Prometheus.
  smoothing: (r) =>
    `double_exponential_smoothing(${r.pick(['temperature_celsius', 'account_balance', 'queue_depth', 'sensor_reading'])}${range(r)}, ${r.pick(['0.1', '0.5', '0.9'])}, ${r.pick(['0.1', '0.5', '0.99'])})`,
  nested: (r) =>
    r.pick([
      `topk(2, sum by (job, instance) (rate(http_requests_total${range(r)})))`,
      `sum(rate(http_requests_total${range(r)})) / count(count by (instance) (http_requests_total))`,
      `max by (job) (abs(${leaf(r)} - avg_over_time(${gaugeSelector(r)}[10m])))`,
      `stddev by (job) (temperature_celsius) / avg by (job) (temperature_celsius)`,
      `avg without (instance) (clamp_min(${leaf(r)}, 0)) > bool 1`,
      `sum by (job) (increase(http_requests_total[10m])) / ignoring (job) group_left sum(increase(http_requests_total[10m]))`,
      `count(${leaf(r)} > 2) or vector(0)`,
      `1 - (sum by (job) (rate(http_requests_total{code="500"}[5m])) / sum by (job) (rate(http_requests_total[5m])))`,
    ]),
};

/** Range vectors are only valid as instant queries (a range query of one fails on both sides). */
const RANGE_VECTOR: Producer = (r) =>
  r.pick([
    `${gaugeSelector(r)}${range(r)}`,
    `${counterSelector(r)}[${r.pick(['1m', '2m'])}]`,
    `(${leaf(r)})[${r.pick(['2m', '5m'])}:${r.pick(['30s', '1m', ''])}]`,
  ]);

/**
 * `count` distinct queries, drawing the producers round-robin with a seeded choice inside each;
 * `instant` adds range-vector expressions.
 */
export function generateQueries(seed: number, count: number, instant = false): string[] {
  const r = seededRandom(seed);
  const producers = [...Object.values(PRODUCERS), ...(instant ? [RANGE_VECTOR] : [])];
  const seen = new Set<string>();
  for (let attempt = 0; seen.size < count && attempt < count * 20; attempt++) {
    seen.add(producers[attempt % producers.length](r));
  }
  return [...seen];
}
