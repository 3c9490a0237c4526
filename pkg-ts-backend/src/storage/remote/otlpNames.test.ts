import { formatFloatPlain, NamingOptions, promLabelName, promMetricName } from './otlpNames';

const defaults: NamingOptions = {
  strategy: 'UnderscoreEscapingWithSuffixes',
  labelNameUnderscoreSanitization: true,
  labelNamePreserveMultipleUnderscores: true,
};

describe('metric names (UnderscoreEscapingWithSuffixes)', () => {
  const name = (n: string, unit: string, kind: Parameters<typeof promMetricName>[2] = 'gauge') =>
    promMetricName(n, unit, kind, 'UnderscoreEscapingWithSuffixes');

  test.each([
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['system.memory.usage', 'By', 'gauge', 'system_memory_usage_bytes'],
    ['system.memory.utilization', '1', 'gauge', 'system_memory_utilization_ratio'],
    ['system.processes.created', '{process}', 'counter', 'system_processes_created_total'],
    ['system.network.dropped', 'packets', 'gauge', 'system_network_dropped_packets'],
    ['astro.light.speed', 'm/s', 'gauge', 'astro_light_speed_meters_per_second'],
    ['rx', 'By/s', 'counter', 'rx_bytes_per_second_total'],
    ['requests', '{req}/s', 'gauge', 'requests_per_second'],
    ['fs.utilization', '%', 'gauge', 'fs_utilization_percent'],
    ['(lambda).function..executions(#)', '', 'gauge', 'lambda_function_executions'],
    ['requests_total', '', 'counter', 'requests_total'],
    ['total.requests', '', 'counter', 'requests_total'],
    ['latency_seconds', 's', 'gauge', 'latency_seconds'],
    ['queue.ratio', '1', 'gauge', 'queue_ratio'],
    ['updown', '1', 'nonMonotonicCounter', 'updown'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['ns:metric', '', 'gauge', 'ns:metric'],
  ] as const)('%s [%s] as %s -> %s', (n, unit, kind, want) => {
    expect(name(n, unit, kind)).toBe(want);
  });
});

describe('metric names under the other strategies', () => {
  test('without suffixes only escapes', () => {
    expect(promMetricName('http.server.duration', 's', 'counter', 'UnderscoreEscapingWithoutSuffixes')).toBe(
      'http_server_duration'
    );
  });
  test('UTF-8 with suffixes keeps dots and adds suffixes', () => {
    expect(promMetricName('http.server.duration', 's', 'counter', 'NoUTF8EscapingWithSuffixes')).toBe(
      'http.server.duration_seconds_total'
    );
  });
  test('no translation passes names through', () => {
    expect(promMetricName('http.server.duration', 's', 'counter', 'NoTranslation')).toBe('http.server.duration');
  });
});

describe('label names', () => {
  test.each([
    ['http.method', 'http_method'],
    ['0day', 'key_0day'],
    ['_private', 'key_private'],
    ['__reserved', '__reserved'],
    ['a..b', 'a__b'],
    ['ünïcode', 'key_n_code'],
  ])('%s -> %s', (key, want) => {
    expect(promLabelName(key, defaults)).toBe(want);
  });

  test('underscore sanitization and underscore runs are configurable; UTF-8 strategies keep keys', () => {
    expect(promLabelName('_private', { ...defaults, labelNameUnderscoreSanitization: false })).toBe('_private');
    expect(promLabelName('a..b', { ...defaults, labelNamePreserveMultipleUnderscores: false })).toBe('a_b');
    expect(promLabelName('http.method', { ...defaults, strategy: 'NoUTF8EscapingWithSuffixes' })).toBe('http.method');
  });
});

describe('formatFloatPlain (Go %f with shortest digits)', () => {
  test.each([
    [0.5, '0.5'],
    [10, '10'],
    [1e21, '1000000000000000000000'],
    [1.2345e25, '12345000000000000000000000'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('%p -> %s', (v, want) => {
    expect(formatFloatPlain(v)).toBe(want);
  });
});
