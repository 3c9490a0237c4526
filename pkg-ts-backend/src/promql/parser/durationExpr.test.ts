import { formatExpr, parseExpr, prettifyExpr } from './index';
import type { MatrixSelector, SubqueryExpr, VectorSelector } from './ast';
import { durationExprMs, evalDurationExpr } from './durationExpr';
import { stripPositions } from './testUtil';

const parse = (q: string) => parseExpr(q, { enableExperimentalFunctions: true });

describe('duration expressions with step() and range()', () => {
  test.each([
    ['x[step()]', 'x[step()]'],
    ['x[STEP() + 1ms]', 'x[step() + 1ms]'],
    ['x[(step())+1]', 'x[(step()) + 1]'],
    ['x[1+(step()-5)*2]', 'x[1 + (step() - 5) * 2]'],
    ['x[max_of(min_of(step()+1,1h),1ms)]', 'x[max_of(min_of(step() + 1, 1h), 1ms)]'],
    ['x offset -step()', 'x offset -step()'],
    ['x offset (-step()*2)', 'x offset (-step() * 2)'],
    ['x[5m] offset range()', 'x[5m] offset range()'],
    ['x[(-2)^step()]', 'x[(-2) ^ step()]'],
    ['x[5m:step()] offset min(range(), 8s)', 'x[5m:step()] offset min(range(), 8s)'],
    ['rate(x[range()])', 'rate(x[range()])'],
    // Constant parts are still folded.
    ['x[step() + 2 * 30s]', 'x[step() + 60]'],
    ['x[step() + 30s + 30s]', 'x[step() + 30s + 30s]'],
  ])('%s prints as %s and round-trips', (q, printed) => {
    const e = parse(q);
    expect(formatExpr(e)).toBe(printed);
    expect(stripPositions(parse(printed))).toEqual(stripPositions(e));
    expect(stripPositions(parse(prettifyExpr(e)))).toEqual(stripPositions(e));
  });

  test('offset binds only its primary: the rest is arithmetic on the selector', () => {
    const e = parse('x offset step() * 2');
    expect(e.type).toBe('BinaryExpr');
  });

  test('the values depend on the step and the range of the query', () => {
    const ms = parse('x[1 + (step() - 5) * 2]') as MatrixSelector;
    expect(ms.rangeExpr && durationExprMs(ms.rangeExpr, { step: 10_000, range: 0 }, false)).toBe(11_000);
    const sq = parse('x[range() + 0s:step()] offset -min_of(step(), 1s)') as SubqueryExpr;
    const ctx = { step: 5_000, range: 60_000 };
    expect(sq.rangeExpr && durationExprMs(sq.rangeExpr, ctx, false)).toBe(60_000);
    expect(sq.stepExpr && durationExprMs(sq.stepExpr, ctx, false)).toBe(5_000);
    expect(sq.offsetExpr && evalDurationExpr(sq.offsetExpr, ctx)).toBe(-1);
  });

  test('non-positive ranges and division by zero are errors when resolved', () => {
    const ms = parse('x[step()]') as MatrixSelector;
    expect(() => durationExprMs(ms.rangeExpr!, { step: 0, range: 0 }, false)).toThrow(
      'duration must be greater than 0'
    );
    const vs = parse('x offset (1m / (step() - step()))') as VectorSelector;
    expect(() => durationExprMs(vs.offsetExpr!, { step: 1000, range: 0 }, true)).toThrow('division by zero');
  });

  test('a constant zero divisor is reported when parsing', () => {
    expect(() => parse('x[step() / 0]')).toThrow('division by zero');
  });

  test('step() and range() need the experimental functions', () => {
    expect(() => parseExpr('x[range()]')).toThrow('function "range" is not enabled');
    expect(() => parseExpr('x offset step()')).toThrow('function "step" is not enabled');
  });

  test('an offset written twice is rejected, with a duration expression too', () => {
    expect(() => parse('x offset step() offset 1m')).toThrow('offset may not be set multiple times');
  });
});
