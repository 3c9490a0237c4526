import { labelsFromRecord } from '../../model/labels';
import { MemoryStorage } from '../../storage/memory';
import { Engine, queryTimeRange } from '../engine';
import { formatExpr, parseExpr, prettifyExpr } from '../parser';
import { stripPositions } from '../parser/testUtil';
import { extendedPoints, extendedRate, interpolate } from './extendedRange';

const opts = { enableExtendedRangeSelectors: true };

describe('anchored and smoothed: syntax', () => {
  test.each([
    ['rate(x[5m] anchored)', 'rate(x[5m] anchored)'],
    ['rate(x[5m] smoothed offset 1m)', 'rate(x[5m] smoothed offset 1m)'],
    ['increase(x[5m] @ 100 anchored)', 'increase(x[5m] anchored @ 100.000)'],
    ['x smoothed', 'x smoothed'],
    ['x offset -100 smoothed', 'x smoothed offset -1m40s'],
    ['x @ 100 smoothed + 0', 'x @ 100.000 smoothed + 0'],
  ])('%s prints as %s and round-trips', (q, printed) => {
    const e = parseExpr(q, opts);
    expect(formatExpr(e)).toBe(printed);
    expect(stripPositions(parseExpr(printed, opts))).toEqual(stripPositions(e));
    expect(stripPositions(parseExpr(prettifyExpr(e), opts))).toEqual(stripPositions(e));
  });

  test.each([
    ['x anchored', 'anchored modifier must be preceded by a range vector selector'],
    ['(x) smoothed', 'smoothed modifier must be preceded by an instant vector selector or range vector selector'],
    ['x[5m] anchored smoothed', 'anchored or smoothed may not be set multiple times'],
    ['x smoothed [5m]', 'no smoothed modifier allowed before range'],
    ['x[5m:1m] anchored', 'anchored modifier must be preceded by a range vector selector'],
  ])('%s is rejected', (q, msg) => {
    expect(() => parseExpr(q, opts)).toThrow(msg);
  });

  test('a selector named anchored is still a selector', () => {
    expect(formatExpr(parseExpr('anchored + smoothed', opts))).toBe('anchored + smoothed');
  });

  test('the query reads a lookback before anchored windows and after smoothed ones', () => {
    const lookback = 300_000;
    expect(queryTimeRange(parseExpr('rate(x[1m] anchored)', opts), 600_000, 600_000, lookback, 60_000)).toEqual([
      240_000, 600_000,
    ]);
    expect(queryTimeRange(parseExpr('rate(x[1m] smoothed)', opts), 600_000, 600_000, lookback, 60_000)).toEqual([
      240_000, 900_000,
    ]);
  });
});

describe('anchored and smoothed: arithmetic', () => {
  const ts = Float64Array.from([0, 10_000, 20_000, 30_000]);
  const vs = Float64Array.from([10, 20, 5, 15]);

  test('interpolation treats a drop in a counter as a restart from zero', () => {
    expect(interpolate(0, 10, 10_000, 20, 5_000, true)).toBe(15);
    expect(interpolate(10_000, 20, 20_000, 5, 15_000, true)).toBe(2.5);
    expect(interpolate(10_000, 20, 20_000, 5, 15_000, false)).toBe(12.5);
  });

  test('anchored increase is the difference of the ends plus the resets in between', () => {
    const w = { ts, vs, lo: 0, hi: 4, rangeStart: 5_000, rangeEnd: 30_000 };
    // Anchor 10 (t=0) to 15 (t=30s) with a reset after 20: 15 - 10 + 20.
    expect(extendedRate(w, false, true)).toBe(25);
    expect(extendedRate(w, false, false)).toBe(5);
    expect(extendedPoints(w, false)).toEqual({ ts: [5_000, 10_000, 20_000, 30_000], vs: [10, 20, 5, 15] });
  });

  test('smoothed increase interpolates both ends', () => {
    const w = { ts, vs, lo: 0, hi: 4, rangeStart: 5_000, rangeEnd: 25_000 };
    // Left 15 (between 10 and 20), right 10 (between 5 and 15), one reset from 20.
    expect(extendedRate(w, true, true)).toBe(15);
    // As points, interpolated without counter semantics: 12.5 between 20 and 5.
    expect(extendedPoints(w, true)).toEqual({ ts: [5_000, 10_000, 20_000, 25_000], vs: [15, 20, 5, 10] });
  });

  test('a window with data only before or only after it has no value', () => {
    expect(extendedRate({ ts, vs, lo: 0, hi: 4, rangeStart: 40_000, rangeEnd: 50_000 }, false, true)).toBeNull();
    expect(extendedRate({ ts, vs, lo: 1, hi: 4, rangeStart: -10_000, rangeEnd: 5_000 }, true, true)).toBeNull();
    expect(extendedPoints({ ts, vs, lo: 0, hi: 0, rangeStart: 0, rangeEnd: 1 }, false)).toBeNull();
  });
});

describe('anchored and smoothed: evaluation', () => {
  const engine = new Engine(opts);

  async function storage(): Promise<MemoryStorage> {
    const st = new MemoryStorage();
    const app = st.appender();
    const ls = labelsFromRecord({ __name__: 'm' });
    for (const [t, v] of [
      [0, 0],
      [60_000, 6],
    ])
      app.append(0, ls, t, v);
    await app.commit();
    return st;
  }

  test('a smoothed instant selector interpolates, carries the last value on, and needs an earlier sample', async () => {
    const st = await storage();
    const at = async (t: number): Promise<number[]> => {
      const r = await engine.instantQuery(st, 'm smoothed', t);
      return r.value.type === 'vector' ? r.value.samples.map((s) => s.v) : [];
    };
    expect(await at(20_000)).toEqual([2]);
    expect(await at(90_000)).toEqual([6]);
    expect(await at(-1_000)).toEqual([]);
  });

  test('functions that cannot use the modifiers are errors', async () => {
    const st = await storage();
    await expect(engine.instantQuery(st, 'sum_over_time(m[1m] anchored)', 0)).rejects.toThrow(
      'anchored modifier can only be used with: changes, delta, increase, rate, resets - not with sum_over_time'
    );
    await expect(engine.instantQuery(st, 'changes(m[1m] smoothed)', 0)).rejects.toThrow(
      'smoothed modifier can only be used with: delta, increase, rate - not with changes'
    );
  });

  test('a bare anchored or smoothed range selector returns the points with its ends', async () => {
    const st = await storage();
    const points = async (q: string, t: number): Promise<unknown> => {
      const r = await engine.instantQuery(st, q, t);
      if (r.value.type !== 'matrix') throw new Error(r.value.type);
      return r.value.series.map((s) => [Array.from(s.ts), Array.from(s.vs)]);
    };
    expect(await points('m[1m] anchored', 60_000)).toEqual([
      [
        [0, 60_000],
        [0, 6],
      ],
    ]);
    expect(await points('m[30s] smoothed', 45_000)).toEqual([
      [
        [15_000, 45_000],
        [1.5, 4.5],
      ],
    ]);
  });

  test('the modifiers need the feature flag', async () => {
    await expect(new Engine().instantQuery(await storage(), 'm smoothed', 0)).rejects.toThrow(
      'smoothed modifier is experimental and not enabled'
    );
  });
});
