// Prometheus's `Pretty()`: a node that fits in 100 characters prints on one line; a longer one
// splits, putting its children on their own lines indented by two spaces per level.
import type { Expr } from './ast';
import { aggregationHead, binaryModifiers, formatExpr, subquerySuffix } from './printer';

const MAX_CHARACTERS_PER_LINE = 100;

function indent(level: number): string {
  return '  '.repeat(level);
}

function needsSplit(e: Expr): boolean {
  return Buffer.byteLength(formatExpr(e), 'utf8') > MAX_CHARACTERS_PER_LINE;
}

function pretty(e: Expr, level: number): string {
  const prefix = indent(level);
  switch (e.type) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return prefix + formatExpr(e);
      const param = e.param !== null ? `${pretty(e.param, level + 1)},\n` : '';
      return `${prefix}${aggregationHead(e)}(\n${param}${pretty(e.expr, level + 1)}\n${prefix})`;
    }
    case 'BinaryExpr':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      return `${pretty(e.lhs, level + 1)}\n${prefix}${e.op}${binaryModifiers(e)}\n${pretty(e.rhs, level + 1)}`;
    case 'Call':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      return `${prefix}${e.func.name}(\n${e.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${prefix})`;
    case 'ParenExpr':
      if (!needsSplit(e)) return prefix + formatExpr(e);
      return `${prefix}(\n${pretty(e.expr, level + 1)}\n${prefix})`;
    case 'SubqueryExpr':
      // Prometheus does not indent a subquery that fits on its line; kept for identical output.
      if (!needsSplit(e)) return formatExpr(e);
      return pretty(e.expr, level) + subquerySuffix(e);
    case 'UnaryExpr':
      return `${prefix}${e.op}${pretty(e.expr, level).trim()}`;
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return prefix + formatExpr(e);
  }
}

/** The prettified query text, as `/api/v1/format_query` and `promtool` print it. */
export function prettifyExpr(e: Expr): string {
  return pretty(e, 0);
}
