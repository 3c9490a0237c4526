import { Matcher } from '../model/matcher';
import { durationParam, FormValues, limitParam, matcherSetsParam, MIN_TIME_MS, parseDurationParam, parseTime, requiredTimeParam, timeParam } from './params';
import { ApiError } from './respond';
import type { PromqlParser } from './types';

const form = (rec: Record<string, string[]>) => new FormValues(new Map(Object.entries(rec)));

describe('parseTime', () => {
  it('reads Unix seconds, rounding the fraction to milliseconds', () => {
    expect(parseTime('1')).toBe(1000);
    expect(parseTime('1.5')).toBe(1500);
    expect(parseTime('1435781451.7814')).toBe(1435781451781);
    expect(parseTime('-1.25')).toBe(-1250);
    expect(parseTime('1e3')).toBe(1_000_000);
  });

  it('reads RFC 3339 with zones and fractions', () => {
    expect(parseTime('2015-07-01T20:10:51.781Z')).toBe(Date.UTC(2015, 6, 1, 20, 10, 51, 781));
    expect(parseTime('2015-07-01T22:10:51+02:00')).toBe(Date.UTC(2015, 6, 1, 20, 10, 51));
    expect(parseTime('2015-07-01T20:10:51.123456789Z')).toBe(Date.UTC(2015, 6, 1, 20, 10, 51, 123));
  });

  it('knows the formatted MinTime', () => {
    expect(parseTime('-292273086-05-16T16:47:06Z')).toBe(MIN_TIME_MS);
  });

  it.each(['x', '', '2015-02-30T00:00:00Z', '2015-07-01 20:10:51Z', '0x10', 'Inf'])('rejects %p', (s) => {
    expect(() => parseTime(s)).toThrow(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  });
});

describe('parseDurationParam', () => {
  it('reads float seconds and Prometheus durations', () => {
    expect(parseDurationParam('15')).toBe(15_000);
    expect(parseDurationParam('0.5')).toBe(500);
    expect(parseDurationParam('-1')).toBe(-1000);
    expect(parseDurationParam('1m30s')).toBe(90_000);
    expect(parseDurationParam('0')).toBe(0);
  });

  it('rejects garbage and overflow', () => {
    expect(() => parseDurationParam('5x')).toThrow('cannot parse "5x" to a valid duration');
    expect(() => parseDurationParam('1e20')).toThrow('cannot parse "1e20" to a valid duration. It overflows int64');
  });
});

describe('parameter errors', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      return `${(err as ApiError).errorType}: ${(err as ApiError).message}`;
    }
    throw new Error('no error');
  };

  it('names the parameter', () => {
    expect(message(() => timeParam(form({ time: ['x'] }), 'time', 0))).toBe(
      `bad_data: invalid parameter "time": invalid time value for 'time': cannot parse "x" to a valid timestamp`
    );
    expect(message(() => requiredTimeParam(form({}), 'start'))).toBe('bad_data: invalid parameter "start": cannot parse "" to a valid timestamp');
    expect(message(() => durationParam(form({ step: ['1q'] }), 'step'))).toBe('bad_data: invalid parameter "step": cannot parse "1q" to a valid duration');
    expect(message(() => limitParam(form({ limit: ['-1'] })))).toBe('bad_data: invalid parameter "limit": limit must be non-negative');
    expect(message(() => limitParam(form({ limit: ['x'] })))).toBe('bad_data: invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax');
  });

  it('uses defaults for absent parameters', () => {
    expect(timeParam(form({}), 'time', 42)).toBe(42);
    expect(limitParam(form({}))).toBe(0);
  });

  it('requires a non-empty matcher in every match[]', () => {
    const parser = { parseMetricSelector: (s: string) => (s === 'up' ? [new Matcher('=', '__name__', 'up')] : [new Matcher('=~', 'job', '.*')]) } as unknown as PromqlParser;
    expect(matcherSetsParam(parser, ['up'])).toHaveLength(1);
    expect(message(() => matcherSetsParam(parser, ['up', '{job=~".*"}']))).toBe(
      'bad_data: invalid parameter "match[]": match[] must contain at least one non-empty matcher'
    );
  });
});
