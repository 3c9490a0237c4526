import { formatExpr, formatGoFloat, formatPromDuration, parseExpr } from './index';
import { astToJSON } from './json';

function canonical(q: string): string {
  return formatExpr(parseExpr(q, { enableExperimentalFunctions: true }));
}

describe('formatExpr', () => {
  test.each([
    ['sum by(job)(rate(x[5m]))', 'sum by (job) (rate(x[5m]))'],
    ['sum(rate(x[5m])) without(a,b)', 'sum without (a, b) (rate(x[5m]))'],
    ['sum without() (x)', 'sum without () (x)'],
    ['sum by() (x)', 'sum(x)'],
    ['foo{b="1",a="2"}', 'foo{a="2",b="1"}'],
    ['{__name__="foo"}', '{__name__="foo"}'],
    ['{__name__=~"foo.*"}', '{__name__=~"foo.*"}'],
    ['{"my.metric", "a.b"="c"}', '{"a.b"="c",__name__="my.metric"}'],
    ['x[90d]', 'x[90d]'],
    ['x[1w]', 'x[1w]'],
    ['x[8d]', 'x[8d]'],
    ['x[1.5]', 'x[1s500ms]'],
    ['x offset -1h30m', 'x offset -1h30m'],
    ['x @ 100 offset 5m', 'x @ 100.000 offset 5m'],
    ['x offset 5m @ end()', 'x @ end() offset 5m'],
    ['rate(x[5m] offset 1m @ start())', 'rate(x[5m] @ start() offset 1m)'],
    ['x[5m:]', 'x[5m:]'],
    ['(x)[5m:30s] offset 1m', '(x)[5m:30s] offset 1m'],
    ['a + on(b) group_left(c) d', 'a + on (b) group_left (c) d'],
    ['a > bool ignoring(b) c', 'a > bool ignoring (b) c'],
    ['a and on() b', 'a and on () b'],
    ['1e6 + 123456 + 0.0001 + 1e-5', '1e+06 + 123456 + 0.0001 + 1e-05'],
    ['-Inf + NaN', '-Inf + NaN'],
    ['Inf ^ 2 + Inf', 'Inf ^ 2 + +Inf'],
    ['"a\\nb\\x00" ', '"a\\nb\\x00"'],
    ["'it\\'s'", '"it\'s"'],
    ['`raw\\n`', '"raw\\\\n"'],
    ['count_values("v", x)', 'count_values("v", x)'],
    ['sum by ("a.b") (x)', 'sum by ("a.b") (x)'],
  ])('%s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });
});

describe('number and duration text', () => {
  test('floats print like Go %v', () => {
    expect(formatGoFloat(1)).toBe('1');
    expect(formatGoFloat(-0.5)).toBe('-0.5');
    expect(formatGoFloat(999999)).toBe('999999');
    expect(formatGoFloat(1234567)).toBe('1.234567e+06');
    expect(formatGoFloat(1e100)).toBe('1e+100');
    expect(formatGoFloat(Infinity)).toBe('+Inf');
  });

  test('durations print like model.Duration', () => {
    expect(formatPromDuration(0)).toBe('0s');
    expect(formatPromDuration(90 * 60 * 1000)).toBe('1h30m');
    expect(formatPromDuration(365 * 24 * 3600 * 1000)).toBe('1y');
    expect(formatPromDuration(1500)).toBe('1s500ms');
  });
});

describe('astToJSON', () => {
  test('binary matching carries fill values', () => {
    expect(astToJSON(parseExpr('a + on(b) c'))).toMatchObject({
      matching: { card: 'one-to-one', labels: ['b'], on: true, include: [], fillValues: { lhs: null, rhs: null } },
    });
  });

  test('matches the parse_query shape', () => {
    expect(astToJSON(parseExpr('sum by (job) (rate(foo{a="b"}[5m] offset 1m)) > bool 1e-7'))).toEqual({
      type: 'binaryExpr',
      op: '>',
      bool: true,
      matching: null,
      lhs: {
        type: 'aggregation',
        op: 'sum',
        grouping: ['job'],
        without: false,
        param: null,
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [
            {
              type: 'matrixSelector',
              name: 'foo',
              range: 300000,
              offset: 60000,
              timestamp: null,
              startOrEnd: null,
              anchored: false,
              smoothed: false,
              matchers: [
                { type: '=', name: 'a', value: 'b' },
                { type: '=', name: '__name__', value: 'foo' },
              ],
            },
          ],
        },
      },
      rhs: { type: 'numberLiteral', val: '0.0000001' },
    });
  });
});
