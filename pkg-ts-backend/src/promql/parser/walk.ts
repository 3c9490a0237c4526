// Generic traversal of the AST, iterative so that very deep trees cannot overflow the stack.
import type { Expr, VectorSelector } from './ast';

/** The direct sub-expressions of `e`, in source order. */
export function childExprs(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param !== null ? [e.param, e.expr] : [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [e.expr];
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
  }
}

/**
 * Visits `e` and its descendants depth-first, parents before children, passing each node's
 * depth (the root is 1). Returning false from `visit` skips that node's children.
 */
export function walkExpr(e: Expr, visit: (node: Expr, depth: number) => boolean | void): void {
  const stack: Array<[Expr, number]> = [[e, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (visit(node, depth) === false) continue;
    const kids = childExprs(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1]);
  }
}

/** Every vector selector in the expression, including those inside range selectors, in source order. */
export function vectorSelectors(e: Expr): VectorSelector[] {
  const out: VectorSelector[] = [];
  walkExpr(e, (node) => {
    if (node.type === 'VectorSelector') out.push(node);
  });
  return out;
}
