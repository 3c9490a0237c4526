// Resolves the duration expressions that use `step()` or `range()` once per query, before
// evaluation: the rest of the engine only ever reads the plain `range`, `step` and `offset`.
import type { Expr } from '../parser/ast';
import { DurationContext, DurationError, durationExprMs } from '../parser/durationExpr';
import { walkExpr } from '../parser/walk';
import { QueryError } from '../value';

function hasDurationExprs(e: Expr): boolean {
  let found = false;
  walkExpr(e, (n) => {
    if (found) return false;
    if (n.type === 'VectorSelector') found = n.offsetExpr !== undefined;
    else if (n.type === 'MatrixSelector')
      found = n.rangeExpr !== undefined || n.vectorSelector.offsetExpr !== undefined;
    else if (n.type === 'SubqueryExpr')
      found = n.rangeExpr !== undefined || n.stepExpr !== undefined || n.offsetExpr !== undefined;
    return !found;
  });
  return found;
}

/** A copy of `e` with the duration expressions' values filled in (nodes shared where untouched). */
function resolve(e: Expr, ctx: DurationContext): Expr {
  switch (e.type) {
    case 'VectorSelector':
      return e.offsetExpr ? { ...e, offset: durationExprMs(e.offsetExpr, ctx, true) } : e;
    case 'MatrixSelector': {
      const vs = resolve(e.vectorSelector, ctx);
      const range = e.rangeExpr ? durationExprMs(e.rangeExpr, ctx, false) : e.range;
      return vs === e.vectorSelector && range === e.range
        ? e
        : { ...e, vectorSelector: vs as typeof e.vectorSelector, range };
    }
    case 'SubqueryExpr':
      return {
        ...e,
        expr: resolve(e.expr, ctx),
        range: e.rangeExpr ? durationExprMs(e.rangeExpr, ctx, false) : e.range,
        step: e.stepExpr ? durationExprMs(e.stepExpr, ctx, false) : e.step,
        offset: e.offsetExpr ? durationExprMs(e.offsetExpr, ctx, true) : e.offset,
      };
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...e, expr: resolve(e.expr, ctx) };
    case 'BinaryExpr':
      return { ...e, lhs: resolve(e.lhs, ctx), rhs: resolve(e.rhs, ctx) };
    case 'AggregateExpr':
      return { ...e, param: e.param && resolve(e.param, ctx), expr: resolve(e.expr, ctx) };
    case 'Call':
      return { ...e, args: e.args.map((a) => resolve(a, ctx)) };
    case 'NumberLiteral':
    case 'StringLiteral':
      return e;
  }
}

/**
 * `e` with every `step()`/`range()` duration evaluated for a query from `start` to `end` with
 * `step` (0 for an instant query); `e` itself when it has none. Bad values are `bad_data`.
 */
export function resolveDurationExprs(e: Expr, start: number, end: number, step: number): Expr {
  if (!hasDurationExprs(e)) return e;
  try {
    return resolve(e, { step, range: end - start });
  } catch (err) {
    if (err instanceof DurationError) throw new QueryError('bad_data', err.message);
    throw err;
  }
}
