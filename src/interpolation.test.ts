import { dateTime } from '@grafana/data';
import {
  escapeStringLiteral,
  formatVariableValue,
  promDuration,
  rangeScopedVars,
  rateIntervalMs,
  rateIntervalScopedVars,
} from './interpolation';

describe('formatVariableValue', () => {
  test('a single value is written as it is, escaped for a double-quoted string', () => {
    expect(formatVariableValue('node-1:9100', {})).toBe('node-1:9100');
    expect(formatVariableValue('a"b\\c', {})).toBe('a\\"b\\\\c');
  });

  test('multi-value variables become an alternation of regex-escaped values', () => {
    expect(formatVariableValue(['a.b', 'c|d'], { multi: true })).toBe('(a\\\\.b|c\\\\|d)');
    expect(formatVariableValue(['x'], { multi: true })).toBe('x');
    expect(formatVariableValue('1.2.3.4:80', { includeAll: true })).toBe('1\\\\.2\\\\.3\\\\.4:80');
  });

  test('the regex written into PromQL matches exactly the chosen values', () => {
    const values = ['web(1)', 'a+b', 'plain'];
    const written = formatVariableValue(values, { multi: true });
    // PromQL unescapes the string literal once before compiling the regex.
    const regex = new RegExp(`^(?:${JSON.parse(`"${written}"`)})$`);
    for (const v of values) expect(regex.test(v)).toBe(true);
    expect(regex.test('web1')).toBe(false);
    expect(regex.test('aab')).toBe(false);
  });

  test('escapeStringLiteral leaves ordinary text alone', () => {
    expect(escapeStringLiteral('job')).toBe('job');
  });
});

describe('interval variables', () => {
  test('$__range in seconds, seconds and milliseconds', () => {
    const from = dateTime(1_700_000_000_000);
    const to = dateTime(1_700_003_600_500);
    const vars = rangeScopedVars({ from, to, raw: { from, to } });
    expect(vars.__range?.value).toBe('3601s');
    expect(vars.__range_s?.value).toBe(3601);
    expect(vars.__range_ms?.value).toBe(3_600_500);
  });

  test('$__rate_interval is at least four scrape intervals and at least interval + scrape interval', () => {
    expect(rateIntervalMs(15_000, '15s')).toBe(60_000);
    expect(rateIntervalMs(60_000, '15s')).toBe(75_000);
    expect(rateIntervalMs(1_000, '1m')).toBe(240_000);
    expect(rateIntervalScopedVars(60_000, '15s').__rate_interval?.value).toBe('1m15s');
  });

  test('promDuration keeps every unit', () => {
    expect(promDuration(75_000)).toBe('1m15s');
    expect(promDuration(3_600_000 + 1_000)).toBe('1h1s');
    expect(promDuration(1_500)).toBe('1500ms');
    expect(promDuration(0)).toBe('0s');
  });
});
