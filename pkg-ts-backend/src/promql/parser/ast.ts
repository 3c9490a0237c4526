// The PromQL abstract syntax tree, shared by the parser, the printer and the engine.
// Times and durations are integer milliseconds.
import type { Matcher } from '../../model/matcher';
import type { DurationExpr } from './durationExpr';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Character offsets into the query text, end exclusive. */
export interface PositionRange {
  start: number;
  end: number;
}

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';

/** `@ start()` / `@ end()`: resolved to the query's start or end when the query runs. */
export type AtModifier = 'start' | 'end';

export interface NumberLiteral {
  type: 'NumberLiteral';
  val: number;
  pos: PositionRange;
}

export interface StringLiteral {
  type: 'StringLiteral';
  val: string;
  pos: PositionRange;
}

export interface VectorSelector {
  type: 'VectorSelector';
  /** The metric name when written (also present as a `__name__` matcher). */
  name: string;
  matchers: Matcher[];
  /** `offset` in ms (negative allowed); 0 when absent. */
  offset: number;
  /** `@ <ts>` in ms, or null. */
  timestamp: number | null;
  startOrEnd: AtModifier | null;
  /** An offset that uses `step()`/`range()`; `offset` is set from it when the query runs. */
  offsetExpr?: DurationExpr;
  /** `anchored` / `smoothed` (Prometheus 3's experimental extended range selectors). */
  anchored?: boolean;
  smoothed?: boolean;
  pos: PositionRange;
}

export interface MatrixSelector {
  type: 'MatrixSelector';
  vectorSelector: VectorSelector;
  /** The range in ms. */
  range: number;
  /** A range that uses `step()`/`range()`; `range` is set from it when the query runs. */
  rangeExpr?: DurationExpr;
  pos: PositionRange;
}

export interface SubqueryExpr {
  type: 'SubqueryExpr';
  expr: Expr;
  range: number;
  /** 0 when omitted: the engine then uses the default evaluation interval. */
  step: number;
  offset: number;
  timestamp: number | null;
  startOrEnd: AtModifier | null;
  /** Range, step or offset written with `step()`/`range()`; resolved when the query runs. */
  rangeExpr?: DurationExpr;
  stepExpr?: DurationExpr;
  offsetExpr?: DurationExpr;
  pos: PositionRange;
}

export interface ParenExpr {
  type: 'ParenExpr';
  expr: Expr;
  pos: PositionRange;
}

export interface UnaryExpr {
  type: 'UnaryExpr';
  op: '+' | '-';
  expr: Expr;
  pos: PositionRange;
}

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: VectorMatchCardinality;
  /** Labels from on(...) or ignoring(...). */
  matchingLabels: string[];
  /** true for on(...), false for ignoring(...) or neither. */
  on: boolean;
  /** Labels from group_left(...)/group_right(...). */
  include: string[];
  /**
   * `fill(v)`, `fill_left(v)`, `fill_right(v)` (experimental): the value an unmatched series on
   * the other side is paired with; null where no fill applies.
   */
  fillValues?: { lhs: number | null; rhs: number | null };
}

export interface BinaryExpr {
  type: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** The `bool` modifier on a comparison. */
  returnBool: boolean;
  /** Set when both sides are vectors. */
  vectorMatching: VectorMatching | null;
  pos: PositionRange;
}

export interface AggregateExpr {
  type: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  param: Expr | null;
  grouping: string[];
  without: boolean;
  pos: PositionRange;
}

export interface Call {
  type: 'Call';
  func: FunctionSignature;
  args: Expr[];
  pos: PositionRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call;

export interface FunctionSignature {
  name: string;
  argTypes: ValueType[];
  /** 0: exactly argTypes.length args; n > 0: the last n arg types are optional; -1: the last one repeats. */
  variadic: number;
  returnType: ValueType;
  experimental?: boolean;
}

/** The type an expression evaluates to. */
export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return exprType(e.expr);
    case 'BinaryExpr':
      return exprType(e.lhs) === 'scalar' && exprType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'AggregateExpr':
      return 'vector';
    case 'Call':
      return e.func.returnType;
  }
}
