import { formatOpenMetricsFloat, parseFloatToken } from './scan';
import { selectFormat } from './contentType';

describe('selectFormat', () => {
  test('by media type', () => {
    expect(selectFormat('text/plain; version=0.0.4; charset=utf-8').format).toBe('prometheus-text');
    expect(selectFormat('Text/Plain;version=1.0.0;escaping=allow-utf-8').format).toBe('prometheus-text');
    expect(selectFormat('application/openmetrics-text; version=1.0.0; charset=utf-8').format).toBe('openmetrics');
  });

  test('missing or unknown types fail unless a fallback is configured', () => {
    expect(() => selectFormat('')).toThrow(
      'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target'
    );
    expect(() => selectFormat('application/json')).toThrow(
      'received unsupported Content-Type "application/json" and no fallback_scrape_protocol specified for target'
    );
    expect(() => selectFormat('garbage')).toThrow(
      'cannot parse Content-Type "garbage" and no fallback_scrape_protocol for target'
    );
    expect(() => selectFormat('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily')).toThrow(
      'received unsupported Content-Type'
    );
    const viaFallback = selectFormat('', 'PrometheusText0.0.4');
    expect(viaFallback.format).toBe('prometheus-text');
    expect(viaFallback.warning).toMatch(/using fallback_scrape_protocol "text\/plain"/);
    expect(selectFormat('application/json', 'OpenMetricsText1.0.0').format).toBe('openmetrics');
  });
});

describe('formatOpenMetricsFloat', () => {
  test.each([
    [1, '1.0'],
    [0, '0.0'],
    [0.25, '0.25'],
    [100000, '100000.0'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('%p -> %s', (v, s) => {
    expect(formatOpenMetricsFloat(v)).toBe(s);
  });
});

describe('parseFloatToken', () => {
  test('the short-decimal fast path agrees with Number() on many values', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 20000; k++) {
      const digits = Math.floor(rand() * 15) + 1;
      let s = '';
      for (let d = 0; d < digits; d++) s += Math.floor(rand() * 10);
      const dot = Math.floor(rand() * (digits + 1));
      const text = (rand() < 0.3 ? '-' : '') + s.slice(0, dot) + '.' + s.slice(dot);
      expect(parseFloatToken(text, 0, text.length)).toBe(Number(text));
    }
  });
});
