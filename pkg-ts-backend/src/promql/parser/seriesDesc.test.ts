import { isStaleNaN } from '../../model/value';
import { ParseError, parseSeriesDesc, SeriesDescValue } from './index';

function values(vs: SeriesDescValue[]): (number | string)[] {
  return vs.map((v) => (v.omitted ? '_' : isStaleNaN(v.value) ? 'stale' : v.value));
}

describe('parseSeriesDesc', () => {
  test('labels in every spelling', () => {
    expect(parseSeriesDesc('a{b="c"} 1').labels).toEqual([
      { name: '__name__', value: 'a' },
      { name: 'b', value: 'c' },
    ]);
    expect(parseSeriesDesc(`{__name__="x", l='v', m=\`w\`,} 1`).labels.map((l) => l.name)).toEqual([
      '__name__',
      'l',
      'm',
    ]);
    expect(parseSeriesDesc('{} 1 2').labels).toEqual([]);
    expect(parseSeriesDesc('{"my.metric", "a.b"="c"} 1').labels).toEqual([
      { name: '__name__', value: 'my.metric' },
      { name: 'a.b', value: 'c' },
    ]);
    expect(parseSeriesDesc('job:rate5m 1').labels).toEqual([{ name: '__name__', value: 'job:rate5m' }]);
    expect(parseSeriesDesc('sum{x="y"} 1').labels[0]).toEqual({ name: '__name__', value: 'sum' });
    expect(parseSeriesDesc('metric').values).toEqual([]);
  });

  test('the expanding notation', () => {
    const d = parseSeriesDesc('a{b="c"} 1+1x3 _ stale _x2 -Inf -2+4x3 5x2 1-1x2 +3 NaN 1e3');
    const v = values(d.values);
    expect(v.slice(0, 14)).toEqual([1, 2, 3, 4, '_', 'stale', '_', '_', -Infinity, -2, 2, 6, 10, 5]);
    expect(v.slice(14, 17)).toEqual([5, 5, 1]);
    expect(v.slice(17, 20)).toEqual([0, -1, 3]);
    expect(Number.isNaN(v[20])).toBe(true);
    expect(v[21]).toBe(1000);
  });

  test('repeated addition accumulates rounding like Prometheus', () => {
    const v = values(parseSeriesDesc('a 0+0.1x10').values);
    let acc = 0;
    const expected: number[] = [];
    for (let i = 0; i <= 10; i++) {
      expected.push(acc);
      acc += 0.1;
    }
    expect(v).toEqual(expected);
    expect(v[10]).not.toBe(1);
  });

  test('the stale marker keeps its bits', () => {
    const [stale] = parseSeriesDesc('a stale').values;
    expect(!stale.omitted && isStaleNaN(stale.value)).toBe(true);
  });

  test('native histograms are refused by name', () => {
    expect(() => parseSeriesDesc('h {{schema:0 sum:5 count:4 buckets:[1 2 1]}}')).toThrow(/native histogram/);
    expect(() => parseSeriesDesc('h 1 {{schema:0}}x3')).toThrow(ParseError);
    expect(() => parseSeriesDesc('h{a="b"} {{}}')).toThrow(/native histogram/);
  });

  test('bad lines', () => {
    expect(() => parseSeriesDesc('a 1+1')).toThrow(ParseError);
    expect(() => parseSeriesDesc('a foo')).toThrow(ParseError);
    expect(() => parseSeriesDesc('a{b=c} 1')).toThrow('unexpected identifier "c" in label set, expected string');
    expect(() => parseSeriesDesc('{b="c" 1')).toThrow(ParseError);
    expect(() => parseSeriesDesc('a 1x')).toThrow(ParseError);
  });
});
