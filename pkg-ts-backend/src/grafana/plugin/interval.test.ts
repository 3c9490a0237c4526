import {
  alignToStep,
  calculateStepMs,
  formatGrafanaInterval,
  IntervalError,
  parseGrafanaInterval,
  roundInterval,
} from './interval';
import { interpolateVariables } from './variables';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('parseGrafanaInterval', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['2h', 2 * HOUR],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['<10s>', 10_000],
    ['30', 30_000],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGrafanaInterval(text)).toBe(ms);
  });

  it.each(['', 'abc', '1x', '1d2h', '-5s'])('refuses %p', (text) => {
    expect(() => parseGrafanaInterval(text)).toThrow(IntervalError);
  });
});

describe('roundInterval and formatGrafanaInterval', () => {
  it('rounds down to Grafana’s ladder of intervals', () => {
    expect(roundInterval(5)).toBe(1);
    expect(roundInterval(3600)).toBe(5000);
    expect(roundInterval(57_600)).toBe(60_000);
    expect(roundInterval(4 * 7 * DAY)).toBe(30 * DAY);
    expect(roundInterval(365 * DAY)).toBe(365 * DAY);
  });
  it('formats in the largest whole unit', () => {
    expect(formatGrafanaInterval(60_000)).toBe('1m');
    expect(formatGrafanaInterval(90_000)).toBe('1m');
    expect(formatGrafanaInterval(500)).toBe('500ms');
    expect(formatGrafanaInterval(2 * DAY)).toBe('2d');
    expect(formatGrafanaInterval(0)).toBe('1ms');
  });
});

describe('calculateStepMs', () => {
  const range = (ms: number) => ({ fromMs: 1_700_000_000_000 - ms, toMs: 1_700_000_000_000 });

  it('never goes below the frontend interval', () => {
    expect(calculateStepMs({ ...range(HOUR), intervalMs: 15_000, maxDataPoints: 1000 })).toBe(15_000);
  });
  it('divides the range by max data points (1500 when absent, as for alerts) and rounds', () => {
    expect(calculateStepMs({ ...range(DAY), intervalMs: 0, maxDataPoints: 0 })).toBe(60_000);
    expect(calculateStepMs({ ...range(30 * DAY), intervalMs: 1000, maxDataPoints: 100 })).toBe(6 * HOUR);
  });
  it('keeps under 11,000 points whatever was asked', () => {
    expect(calculateStepMs({ ...range(7 * DAY), intervalMs: 1000, maxDataPoints: 100_000 })).toBe(60_000);
  });
  it('takes the min step of the query, then the data source scrape interval, then 15s', () => {
    expect(calculateStepMs({ ...range(HOUR), intervalMs: 1000, maxDataPoints: 10_000, queryInterval: '30s' })).toBe(
      30_000
    );
    expect(calculateStepMs({ ...range(HOUR), intervalMs: 0, maxDataPoints: 10_000, dataSourceInterval: '1m' })).toBe(
      60_000
    );
    expect(calculateStepMs({ ...range(HOUR), intervalMs: 0, maxDataPoints: 10_000 })).toBe(15_000);
    expect(
      calculateStepMs({ ...range(HOUR), intervalMs: 2000, maxDataPoints: 10_000, queryInterval: '$__interval' })
    ).toBe(2000);
  });
  it('multiplies by the interval factor and widens $__rate_interval steps', () => {
    expect(calculateStepMs({ ...range(HOUR), intervalMs: 15_000, maxDataPoints: 1000, intervalFactor: 2 })).toBe(
      30_000
    );
    expect(
      calculateStepMs({ ...range(HOUR), intervalMs: 15_000, maxDataPoints: 1000, queryInterval: '$__rate_interval' })
    ).toBe(60_000);
  });
});

describe('alignToStep', () => {
  it('rounds down to a multiple of the step, shifted by the UTC offset', () => {
    expect(alignToStep(1_000_007_000, 15_000)).toBe(1_000_005_000);
    expect(alignToStep(DAY + 3 * HOUR, DAY, 3600)).toBe(DAY - HOUR);
  });
});

describe('interpolateVariables', () => {
  it('fills interval, range and rate interval variables in both spellings', () => {
    const expr = 'rate(x[$__rate_interval]) / $__interval_ms + ${__interval} + $__range + ${__range_s} + $__range_ms';
    expect(interpolateVariables(expr, { stepMs: 30_000, intervalMs: 30_000, rangeMs: HOUR })).toBe(
      'rate(x[1m0s]) / 30000 + 30s + 3600s + 3600 + 3600000'
    );
    expect(
      interpolateVariables('rate(x[$__rate_interval])', {
        stepMs: 60_000,
        intervalMs: 60_000,
        rangeMs: HOUR,
        dataSourceInterval: '30s',
      })
    ).toBe('rate(x[2m0s])');
  });
});
