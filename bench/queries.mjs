// The standard dashboard queries, written against the generator's metric names as the
// benchmark lays it out (--families 6 --hist-frac 0.17 --counter-frac 0.6: family 0 is a
// histogram, 1-3 counters, 4-5 gauges).
export const DASHBOARD_QUERIES = [
  { name: 'selector', expr: 'gen_events_1_total' },
  { name: 'sum(rate)', expr: 'sum(rate(gen_events_1_total[5m]))' },
  { name: 'sum by (job)(rate)', expr: 'sum by (job) (rate(gen_events_1_total[5m]))' },
  { name: 'topk(10)', expr: 'topk(10, rate(gen_events_2_total[5m]))' },
  { name: 'histogram_quantile', expr: 'histogram_quantile(0.9, sum by (le) (rate(gen_latency_0_seconds_bucket[5m])))' },
  { name: 'one-to-one join', expr: 'rate(gen_events_1_total[5m]) / on (instance, id) (gen_events_1_total + 1)' },
];

/** The generator flags the queries above assume. */
export const GENERATOR_LAYOUT = ['--families', '6', '--hist-frac', '0.17', '--counter-frac', '0.6', '--buckets', '4'];

/** Range queries span one hour at a 15 s step, ending now. */
export const RANGE_SECONDS = 3600;
export const RANGE_STEP = '15s';
