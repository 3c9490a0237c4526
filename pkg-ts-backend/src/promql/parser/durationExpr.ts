// Duration expressions that the parser cannot fold because they use `step()` or `range()`
// (Prometheus 3): kept as a small tree on the selector or subquery and resolved once per
// query, when the query's step and time range are known. Constant parts are folded by the
// parser into `number` nodes, so these trees only hold the path to a `step()`/`range()`.

export type DurationOperator = '+' | '-' | '*' | '/' | '%' | '^';

export type DurationExpr =
  /** A folded constant, in seconds; `exactMs` when it was written as a duration (`1m`). */
  | { kind: 'number'; seconds: number; exactMs?: number }
  | { kind: 'step' }
  | { kind: 'range' }
  | { kind: 'negate'; expr: DurationExpr }
  | { kind: 'paren'; expr: DurationExpr }
  | { kind: 'binary'; op: DurationOperator; lhs: DurationExpr; rhs: DurationExpr }
  /** `min_of`/`max_of` (also spelled `min`/`max` inside durations): the name as written. */
  | { kind: 'minmax'; name: 'min' | 'max' | 'min_of' | 'max_of'; lhs: DurationExpr; rhs: DurationExpr };

/** The query parameters a duration expression can refer to, in ms. */
export interface DurationContext {
  /** The range query's step; 0 for an instant query. */
  step: number;
  /** End minus start of the query; 0 for an instant query. */
  range: number;
}

export class DurationError extends Error {}

/** The value of `d` in seconds. */
export function evalDurationExpr(d: DurationExpr, ctx: DurationContext): number {
  switch (d.kind) {
    case 'number':
      return d.seconds;
    case 'step':
      return ctx.step / 1000;
    case 'range':
      return ctx.range / 1000;
    case 'negate':
      return -evalDurationExpr(d.expr, ctx);
    case 'paren':
      return evalDurationExpr(d.expr, ctx);
    case 'minmax': {
      const a = evalDurationExpr(d.lhs, ctx);
      const b = evalDurationExpr(d.rhs, ctx);
      return d.name.startsWith('min') ? Math.min(a, b) : Math.max(a, b);
    }
    case 'binary': {
      const a = evalDurationExpr(d.lhs, ctx);
      const b = evalDurationExpr(d.rhs, ctx);
      switch (d.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0) throw new DurationError('division by zero');
          return a / b;
        case '%':
          if (b === 0) throw new DurationError('modulo by zero');
          return a % b;
        case '^':
          return Math.pow(a, b);
      }
    }
  }
}

/** The duration in ms, with Prometheus's checks (ranges and steps must be positive). */
export function durationExprMs(d: DurationExpr, ctx: DurationContext, allowNonPositive: boolean): number {
  const seconds = evalDurationExpr(d, ctx);
  if (!allowNonPositive && !(seconds > 0)) throw new DurationError('duration must be greater than 0');
  const ms = Math.trunc(seconds * 1000);
  if (!Number.isFinite(ms) || Math.abs(ms) > 2 ** 63 / 1e6) throw new DurationError('duration is out of range');
  return ms;
}
