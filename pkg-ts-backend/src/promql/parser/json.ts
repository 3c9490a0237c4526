// The JSON tree Prometheus 3's `/api/v1/parse_query` returns for an expression.
import type { Matcher } from '../../model/matcher';
import type { Expr } from './ast';

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
function formatPlainFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead + frac;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits.padEnd(exp + 1, '0');
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function matchersToJSON(ms: readonly Matcher[]): unknown[] {
  return ms.map((m) => ({ type: m.type, name: m.name, value: m.value }));
}

export function astToJSON(e: Expr): unknown {
  switch (e.type) {
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astToJSON(e.expr),
        param: e.param === null ? null : astToJSON(e.param),
        grouping: [...e.grouping],
        without: e.without,
      };
    case 'BinaryExpr': {
      const m = e.vectorMatching;
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astToJSON(e.lhs),
        rhs: astToJSON(e.rhs),
        matching:
          m === null
            ? null
            : {
                card: m.card,
                labels: [...m.matchingLabels],
                on: m.on,
                include: [...m.include],
                fillValues: { lhs: m.fillValues?.lhs ?? null, rhs: m.fillValues?.rhs ?? null },
              },
        bool: e.returnBool,
      };
    }
    case 'Call':
      return {
        type: 'call',
        func: {
          name: e.func.name,
          argTypes: [...e.func.argTypes],
          variadic: e.func.variadic,
          returnType: e.func.returnType,
        },
        args: e.args.map(astToJSON),
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        type: 'matrixSelector',
        name: vs.name,
        range: e.range,
        offset: vs.offset,
        matchers: matchersToJSON(vs.matchers),
        timestamp: vs.timestamp,
        startOrEnd: vs.startOrEnd,
        anchored: vs.anchored ?? false,
        smoothed: vs.smoothed ?? false,
      };
    }
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: astToJSON(e.expr),
        range: e.range,
        offset: e.offset,
        step: e.step,
        timestamp: e.timestamp,
        startOrEnd: e.startOrEnd,
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatPlainFloat(e.val) };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astToJSON(e.expr) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.val };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astToJSON(e.expr) };
    case 'VectorSelector':
      return {
        type: 'vectorSelector',
        name: e.name,
        offset: e.offset,
        matchers: matchersToJSON(e.matchers),
        timestamp: e.timestamp,
        startOrEnd: e.startOrEnd,
        anchored: e.anchored ?? false,
        smoothed: e.smoothed ?? false,
      };
  }
}
