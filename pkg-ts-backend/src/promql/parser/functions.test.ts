import { FUNCTIONS } from './functions';
import { parseExpr } from './index';

describe('FUNCTIONS', () => {
  test('every entry is keyed by its own name', () => {
    for (const [name, f] of Object.entries(FUNCTIONS)) expect(f.name).toBe(name);
    expect(Object.keys(FUNCTIONS).length).toBeGreaterThanOrEqual(90);
  });

  test('experimental functions are the ones Prometheus 3.14 flags', () => {
    const experimental = Object.values(FUNCTIONS)
      .filter((f) => f.experimental)
      .map((f) => f.name)
      .sort();
    expect(experimental).toEqual([
      'double_exponential_smoothing',
      'end',
      'histogram_quantiles',
      'info',
      'mad_over_time',
      'max_of',
      'min_of',
      'range',
      'sort_by_label',
      'sort_by_label_desc',
      'start',
      'start_timestamp',
      'step',
      'ts_of_first_over_time',
      'ts_of_last_over_time',
      'ts_of_max_over_time',
      'ts_of_min_over_time',
    ]);
  });

  test('signatures drive argument checks', () => {
    expect(FUNCTIONS.rate).toMatchObject({ argTypes: ['matrix'], variadic: 0, returnType: 'vector' });
    expect(FUNCTIONS.label_join).toMatchObject({ argTypes: ['vector', 'string', 'string', 'string'], variadic: -1 });
    expect(FUNCTIONS.year).toMatchObject({ argTypes: ['vector'], variadic: 1 });
    expect(FUNCTIONS.scalar.returnType).toBe('scalar');
    expect(() =>
      parseExpr('histogram_quantiles(x, "q", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)', {
        enableExperimentalFunctions: true,
      })
    ).toThrow('expected at most 12 argument(s) in call to "histogram_quantiles", got 13');
    expect(parseExpr('sort_by_label(x, "a", "b", "c")', { enableExperimentalFunctions: true }).type).toBe('Call');
    expect(() => parseExpr('label_replace(x, "a", "b", "c", 1)')).toThrow(
      'expected type string in call to function "label_replace", got scalar'
    );
  });

  test('a table that cannot be changed by accident', () => {
    expect(Object.isFrozen(FUNCTIONS)).toBe(true);
    expect(Object.isFrozen(FUNCTIONS.rate)).toBe(true);
  });
});
