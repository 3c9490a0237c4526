import { formatG } from '../annotations';
import { formatFloatPlain } from '../eval/aggregate';
import { bucketFraction, bucketQuantile, parseBound } from './histogram';
import { expandTemplate, naturalLess } from './labelFunctions';
import { quantile } from './stats';

const NONE: ReadonlyMap<string, number> = new Map();

describe('label_replace templates (Go Regexp.Expand)', () => {
  const groups = ['a-1', 'a', '1'];
  it('expands numbered groups, braces and $$', () => {
    expect(expandTemplate('${1}_$2', groups, NONE)).toBe('a_1');
    // `_` belongs to the name: `$1_` refers to the missing group "1_".
    expect(expandTemplate('$1_$2', groups, NONE)).toBe('1');
    expect(expandTemplate('${1}x', groups, NONE)).toBe('ax');
    expect(expandTemplate('cost: $$5', groups, NONE)).toBe('cost: $5');
  });
  it('takes the longest name, so $1x is the (missing) group "1x"', () => {
    expect(expandTemplate('$1x', groups, NONE)).toBe('');
    expect(expandTemplate('$9', groups, NONE)).toBe('');
    expect(expandTemplate('a$', groups, NONE)).toBe('a$');
  });
  it('expands named groups by their index', () => {
    expect(
      expandTemplate(
        '${host}-$port',
        groups,
        new Map([
          ['host', 1],
          ['port', 2],
        ])
      )
    ).toBe('a-1');
  });
});

describe('natural order of sort_by_label', () => {
  it('compares digit runs by value', () => {
    expect(naturalLess('host2', 'host10')).toBe(true);
    expect(naturalLess('host10', 'host2')).toBe(false);
    expect(naturalLess('a', 'b')).toBe(true);
    expect(naturalLess('a', 'a1')).toBe(true);
  });
});

describe('classic histogram buckets', () => {
  const b = (pairs: [number, number][]) => pairs.map(([upperBound, count]) => ({ upperBound, count }));
  it('interpolates the quantile inside the bucket', () => {
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 10],
          [2, 20],
          [Infinity, 20],
        ])
      ).value
    ).toBe(1);
    expect(
      bucketQuantile(
        0.75,
        b([
          [1, 10],
          [2, 20],
          [Infinity, 20],
        ])
      ).value
    ).toBe(1.5);
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 10],
          [2, 20],
        ])
      ).value
    ).toBeNaN();
  });
  it('fixes non-monotonic counts and says so', () => {
    const r = bucketQuantile(
      0.5,
      b([
        [1, 10],
        [2, 8],
        [Infinity, 20],
      ])
    );
    expect(r.forcedMonotonic).toBe(true);
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 10],
          [2, 10 + 1e-14],
          [Infinity, 20],
        ])
      ).forcedMonotonic
    ).toBe(false);
  });
  it('computes fractions between bounds', () => {
    expect(
      bucketFraction(
        0,
        1.5,
        b([
          [1, 1],
          [2, 3],
          [3, 6],
          [Infinity, 100],
        ])
      )
    ).toBeCloseTo(0.02, 12);
    expect(
      bucketFraction(
        2,
        1,
        b([
          [1, 1],
          [Infinity, 2],
        ])
      )
    ).toBe(0);
  });
  it('parses le like Go ParseFloat', () => {
    expect(parseBound('+Inf')).toBe(Infinity);
    expect(parseBound('0.25')).toBe(0.25);
    expect(parseBound('1e3')).toBe(1000);
    expect(parseBound('Hello World')).toBeNaN();
    expect(parseBound('')).toBeNaN();
  });
});

describe('number formatting', () => {
  it('count_values labels never use exponents', () => {
    expect(formatFloatPlain(1e21)).toBe('1000000000000000000000');
    expect(formatFloatPlain(1.5e-7)).toBe('0.00000015');
    expect(formatFloatPlain(-Infinity)).toBe('-Inf');
    expect(formatFloatPlain(42)).toBe('42');
  });
  it('annotations print floats like Go %g', () => {
    expect(formatG(1.1)).toBe('1.1');
    expect(formatG(1e6)).toBe('1e+06');
    expect(formatG(123456)).toBe('123456');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(NaN)).toBe('NaN');
  });
  it('quantile interpolates between ranks with NaN sorted first', () => {
    expect(quantile(0.5, [3, 1, 2])).toBe(2);
    expect(quantile(0.25, [1, 2, 3, 4, 5])).toBe(2);
    expect(quantile(2, [1])).toBe(Infinity);
  });
});
