import { parseExpr } from '../parser';
import { generateData } from './data';
import { DEFAULT_SEED, generateQueries } from './queries';

describe('differential generators', () => {
  it('generates at least 300 distinct queries that flint parses, the same for the same seed', () => {
    const queries = generateQueries(7, 330);
    expect(queries).toHaveLength(330);
    expect(new Set(queries).size).toBe(330);
    expect(generateQueries(7, 330)).toEqual(queries);
    expect(generateQueries(8, 330)).not.toEqual(queries);
    for (const q of queries) expect(() => parseExpr(q, { enableExperimentalFunctions: true })).not.toThrow();
  });

  it('covers the operators, functions, aggregations and modifiers the brief asks for', () => {
    const text = generateQueries(DEFAULT_SEED, 330).join('\n');
    for (const needle of [
      'rate(',
      'irate(',
      'increase(',
      'delta(',
      'idelta(',
      'deriv(',
      'predict_linear(',
      'quantile_over_time(',
      'changes(',
      'resets(',
      'histogram_quantile(',
      'label_replace(',
      'label_join(',
      'clamp_min(',
      'sqrt(',
      'sort_desc(',
      'timestamp(',
      'scalar(',
      'absent(',
      'hour(',
      'topk',
      'bottomk',
      'count_values',
      'stdvar',
      ' bool ',
      ' unless ',
      ' and ',
      ' or ',
      'group_left',
      'ignoring (',
      'on (',
      '=~',
      '!~',
      '!=',
      ' offset ',
      ':]',
      '@ start()',
    ]) {
      expect(text).toContain(needle);
    }
  });

  it('keeps every sample off whole seconds and series sorted in time', () => {
    const data = generateData(3, { firstSampleMs: 1_000_250, intervalMs: 15_000, points: 40 });
    for (const s of data) {
      for (let i = 0; i < s.samples.length; i++) {
        expect(s.samples[i].timestamp % 1000).toBe(250);
        if (i > 0) expect(s.samples[i].timestamp).toBeGreaterThan(s.samples[i - 1].timestamp);
      }
    }
    const values = data.flatMap((s) => s.samples.map((x) => x.value));
    expect(values.some((v) => v < 0)).toBe(true);
    expect(values.some((v) => v === 0)).toBe(true);
    expect(values.some((v) => !Number.isInteger(v))).toBe(true);
  });
});
