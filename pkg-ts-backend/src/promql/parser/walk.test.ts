import type { Expr } from './ast';
import { childExprs, parseExpr, walkExpr } from './index';

describe('walkExpr', () => {
  test('visits parents before children in source order, with depths', () => {
    const seen: string[] = [];
    walkExpr(parseExpr('topk(3, rate(x[5m]) + on(a) -y)'), (e: Expr, depth) => {
      seen.push(`${depth}:${e.type}`);
    });
    expect(seen).toEqual([
      '1:AggregateExpr',
      '2:NumberLiteral',
      '2:BinaryExpr',
      '3:Call',
      '4:MatrixSelector',
      '5:VectorSelector',
      '3:UnaryExpr',
      '4:VectorSelector',
    ]);
  });

  test('returning false skips a subtree', () => {
    const seen: string[] = [];
    walkExpr(parseExpr('max_over_time(x[5m:1m]) + y'), (e) => {
      seen.push(e.type);
      return e.type !== 'Call';
    });
    expect(seen).toEqual(['BinaryExpr', 'Call', 'VectorSelector']);
  });

  test('childExprs of leaves is empty', () => {
    expect(childExprs(parseExpr('"s"'))).toEqual([]);
    expect(childExprs(parseExpr('foo'))).toEqual([]);
  });
});
