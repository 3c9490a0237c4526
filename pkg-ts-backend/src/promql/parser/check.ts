// Type checks and semantic rules applied after a successful parse, with Prometheus's error texts.
// Like Prometheus, children are checked before their parent and the first error is reported.
import { METRIC_NAME } from '../../model/labels';
import { Expr, exprType, PositionRange, ValueType, VectorSelector } from './ast';
import { ParseError } from './parseError';
import { goQuote } from './quote';

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);

/** Prometheus's user-facing name of a value type. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

function isComparisonOperator(op: string): boolean {
  return COMPARISONS.has(op);
}

function isSetOperator(op: string): boolean {
  return SET_OPERATORS.has(op);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

class Checker {
  readonly errors: ParseError[] = [];
  /** Selectors allowed to match everything (the label-selector argument of info()). */
  private readonly bypassEmptyCheck = new Set<VectorSelector>();

  constructor(private readonly input: string) {}

  private fail(reason: string, range: PositionRange): void {
    this.errors.push(new ParseError(reason, { start: range.start, end: range.end }, this.input));
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const got = this.check(e);
    if (got !== want)
      this.fail(`expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`, e.pos);
  }

  /** The range of a binary operator between its operands, spaces trimmed. */
  private operatorRange(lhs: Expr, rhs: Expr): PositionRange {
    let start = lhs.pos.end;
    while (start < this.input.length && isSpace(this.input[start])) start++;
    let end = rhs.pos.start - 1;
    while (end > start && isSpace(this.input[end])) end--;
    return { start, end };
  }

  check(e: Expr): ValueType {
    const type = exprType(e);
    switch (e.type) {
      case 'AggregateExpr':
        this.expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param !== null) {
          this.expectType(e.param, e.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
        }
        break;
      case 'BinaryExpr': {
        const lt = this.check(e.lhs);
        const rt = this.check(e.rhs);
        if (e.returnBool && !isComparisonOperator(e.op)) {
          this.fail('bool modifier can only be used on comparison operators', this.operatorRange(e.lhs, e.rhs));
        }
        if (isComparisonOperator(e.op) && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
          this.fail('comparisons between scalars must use BOOL modifier', this.operatorRange(e.lhs, e.rhs));
        }
        const vm = e.vectorMatching;
        if (vm !== null) {
          if (isSetOperator(e.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
          if (vm.on) {
            for (const l of vm.matchingLabels) {
              if (vm.include.includes(l)) {
                this.fail(
                  `label ${goQuote(l)} must not occur in ON and GROUP clause at once`,
                  this.operatorRange(e.lhs, e.rhs)
                );
              }
            }
          }
        }
        if (lt !== 'scalar' && lt !== 'vector')
          this.fail('binary expression must contain only scalar and instant vector types', e.lhs.pos);
        if (rt !== 'scalar' && rt !== 'vector')
          this.fail('binary expression must contain only scalar and instant vector types', e.rhs.pos);
        if (vm?.fillValues !== undefined) {
          if (lt !== 'vector' || rt !== 'vector')
            this.fail('fill modifiers only allowed between instant vectors', e.pos);
          else if (isSetOperator(e.op)) this.fail(`fill modifiers not allowed for ${goQuote(e.op)} operation`, e.pos);
        }
        if ((lt !== 'vector' || rt !== 'vector') && vm !== null) {
          if (vm.matchingLabels.length > 0) this.fail('vector matching only allowed between instant vectors', e.pos);
          e.vectorMatching = null;
        } else if (vm !== null && isSetOperator(e.op)) {
          if (vm.card === 'one-to-many' || vm.card === 'many-to-one')
            this.fail(`no grouping allowed for ${goQuote(e.op)} operation`, e.pos);
          if (vm.card !== 'many-to-many') this.fail('set operations must always be many-to-many', e.pos);
        }
        if ((lt === 'scalar' || rt === 'scalar') && isSetOperator(e.op)) {
          this.fail(`set operator ${goQuote(e.op)} not allowed in binary scalar expression`, e.pos);
        }
        break;
      }
      case 'Call':
        this.checkCall(e);
        break;
      case 'ParenExpr':
        this.check(e.expr);
        break;
      case 'UnaryExpr': {
        const t = this.check(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`,
            e.pos
          );
        }
        break;
      }
      case 'SubqueryExpr': {
        const t = this.check(e.expr);
        if (t !== 'vector') this.fail(`subquery is only allowed on instant vector, got ${t} instead`, e.pos);
        break;
      }
      case 'MatrixSelector':
        this.check(e.vectorSelector);
        break;
      case 'VectorSelector':
        this.checkSelector(e);
        break;
      case 'NumberLiteral':
      case 'StringLiteral':
        break;
    }
    return type;
  }

  private checkCall(e: Extract<Expr, { type: 'Call' }>): void {
    const f = e.func;
    const declared = f.argTypes.length;
    if (f.variadic === 0) {
      if (declared !== e.args.length) {
        this.fail(`expected ${declared} argument(s) in call to ${goQuote(f.name)}, got ${e.args.length}`, e.pos);
      }
    } else {
      const required = declared - 1;
      if (required > e.args.length) {
        this.fail(
          `expected at least ${required} argument(s) in call to ${goQuote(f.name)}, got ${e.args.length}`,
          e.pos
        );
      } else if (f.variadic > 0 && required + f.variadic < e.args.length) {
        this.fail(
          `expected at most ${required + f.variadic} argument(s) in call to ${goQuote(f.name)}, got ${e.args.length}`,
          e.pos
        );
      }
    }
    if (f.name === 'info' && e.args.length > 1) {
      const selectorArg = e.args[1];
      const t = exprType(selectorArg);
      if (t !== 'vector') {
        this.fail(
          `expected type instant vector in call to function ${goQuote(f.name)}, got ${documentedType(t)}`,
          e.pos
        );
      }
      if (selectorArg.type === 'VectorSelector' && selectorArg.name !== '') {
        this.fail('expected label selectors only, got vector selector instead', selectorArg.pos);
      } else if (selectorArg.type === 'VectorSelector') {
        this.bypassEmptyCheck.add(selectorArg);
      } else {
        this.fail('expected label selectors only', selectorArg.pos);
      }
    }
    e.args.forEach((arg, i) => {
      if (i >= declared && f.variadic === 0) return;
      const want = f.argTypes[Math.min(i, declared - 1)];
      const got = this.check(arg);
      if (got !== want)
        this.fail(
          `expected type ${documentedType(want)} in call to function ${goQuote(f.name)}, got ${documentedType(got)}`,
          arg.pos
        );
    });
  }

  private checkSelector(e: VectorSelector): void {
    if (e.name !== '') {
      // The last matcher is the one for the name written outside the braces.
      for (const m of e.matchers.slice(0, -1)) {
        if (m.name === METRIC_NAME)
          this.fail(`metric name must not be set twice: ${goQuote(e.name)} or ${goQuote(m.value)}`, e.pos);
      }
      return;
    }
    if (this.bypassEmptyCheck.has(e)) return;
    if (!e.matchers.some((m) => !m.matchesEmpty())) {
      this.fail('vector selector must contain at least one non-empty matcher', e.pos);
    }
  }
}

/** Checks a parsed expression; throws the first semantic error. */
export function checkExpr(e: Expr, input: string): void {
  const c = new Checker(input);
  c.check(e);
  if (c.errors.length > 0) throw c.errors[0];
}
