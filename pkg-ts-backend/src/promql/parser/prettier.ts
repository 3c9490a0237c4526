// Prometheus's `Pretty()`: a node that fits in 100 characters prints on one line; a longer one
// splits, putting its children on their own lines indented by two spaces per level.
import type { Expr } from './ast';
import { aggregationHead, binaryModifiers, formatExpr, subquerySuffix } from './printer';

function indent(level: number): string {
  return '  '.repeat(level);
}

/** Prints `e` at indentation `level`, splitting nodes whose one-line form exceeds `width` bytes. */
function pretty(e: Expr, level: number, width: number): string {
  const needsSplit = (n: Expr): boolean => Buffer.byteLength(formatExpr(n), 'utf8') > width;
  const prefix = indent(level);
  switch (e.type) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return prefix + formatExpr(e);
      const param = e.param !== null ? `${pretty(e.param, level + 1, width)},\n` : '';
      return `${prefix}${aggregationHead(e)}(\n${param}${pretty(e.expr, level + 1, width)}\n${prefix})`;
    }
    case 'BinaryExpr':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      {
        // As in formatExpr: `+Inf` on the left of `^` would be read back as a unary plus.
        const lhs = pretty(e.lhs, level + 1, width);
        const safeLhs =
          e.op === '^' && e.lhs.type === 'NumberLiteral' && e.lhs.val === Infinity ? lhs.replace('+Inf', 'Inf') : lhs;
        return `${safeLhs}\n${prefix}${e.op}${binaryModifiers(e)}\n${pretty(e.rhs, level + 1, width)}`;
      }
    case 'Call':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      return `${prefix}${e.func.name}(\n${e.args.map((a) => pretty(a, level + 1, width)).join(',\n')}\n${prefix})`;
    case 'ParenExpr':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      return `${prefix}(\n${pretty(e.expr, level + 1, width)}\n${prefix})`;
    case 'SubqueryExpr':
      // Prometheus does not indent a subquery that fits on its line; kept for identical output.
      if (!needsSplit(e)) return formatExpr(e);
      return pretty(e.expr, level, width) + subquerySuffix(e);
    case 'UnaryExpr':
      return `${prefix}${e.op}${pretty(e.expr, level, width).trim()}`;
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return prefix + formatExpr(e);
  }
}

/** The prettified query text, as `/api/v1/format_query` prints it (lines up to 100 bytes). */
export function prettifyExpr(e: Expr, maxLineLength = 100): string {
  return pretty(e, 0, maxLineLength);
}
