// Recursive-descent PromQL parser. Operator precedence and associativity follow Prometheus's yacc
// grammar; syntax errors read like its messages. Errors Prometheus records without stopping
// (unknown functions, misplaced modifiers, ...) are collected and the first one is reported.
import { Matcher, MatchType } from '../../model/matcher';
import { METRIC_NAME } from '../../model/labels';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  MatrixSelector,
  NumberLiteral,
  PositionRange,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast';
import type { DurationExpr, DurationOperator } from './durationExpr';
import { FUNCTIONS, EXPERIMENTAL_AGGREGATIONS } from './functions';
import { Lexer, Token, TokenKind } from './lexer';
import {
  formatGoFixed,
  MAX_DURATION_MS,
  parseDurationLiteral,
  parseNumberLiteral,
  roundHalfAwayFromZero,
} from './numbers';
import { ParseError } from './parseError';
import { goQuote, goQuoteTruncated, isValidUtf8String, unquotePromQLString } from './quote';

export interface ParseOptions {
  /** Allows the functions and aggregations Prometheus puts behind `promql-experimental-functions`. */
  enableExperimentalFunctions?: boolean;
  /** `anchored` and `smoothed` range selectors (`promql-extended-range-selectors`). */
  enableExtendedRangeSelectors?: boolean;
  /** `fill(v)`, `fill_left(v)`, `fill_right(v)` on binary operators (`promql-binop-fill-modifiers`). */
  enableBinopFillModifiers?: boolean;
}

/** Thrown to stop parsing at a syntax error; carries the error to report. */
class SyntaxStop {
  constructor(readonly error: ParseError) {}
}

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
const POW_PRECEDENCE = 6;
const MAX_NESTING_DEPTH = 500;

/** Operators of duration expressions (the arithmetic ones, same precedence as elsewhere). */
const DURATION_PRECEDENCE: Readonly<Record<string, number>> = { '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6 };
/** Prometheus 3's experimental `fill(v)`, `fill_left(v)`, `fill_right(v)` binary-operator modifiers. */
const FILL_MODIFIERS: ReadonlySet<string> = new Set(['fill', 'fill_left', 'fill_right']);
const DURATION_FUNCTIONS: ReadonlySet<string> = new Set(['step', 'range', 'min', 'max', 'min_of', 'max_of']);

/** A folded duration expression: its value in seconds and where it was written. */
interface DurationValue {
  seconds: number;
  /** Set when the value needs the query's step or range: `seconds` is then meaningless. */
  dynamic?: DurationExpr;
  /**
   * The exact milliseconds when the value is a duration literal or a sum of them: going through
   * float seconds would turn `1001ms` into 1000.9999… and truncate it to 1000.
   */
  exactMs?: number;
  range: PositionRange;
}
/** 2^63 as a float64: Go's float64(math.MaxInt64), the bound of an `@` timestamp. */
const INT64_LIMIT = 2 ** 63;

/** Token kinds Prometheus treats as metric names when they start a selector. */
const METRIC_NAME_KEYWORDS: ReadonlySet<string> = new Set([
  'by',
  'without',
  'offset',
  'and',
  'or',
  'unless',
  'start',
  'end',
]);
/** Keywords that may be used as label names in grouping clauses. */
const LABEL_KEYWORD_KINDS: ReadonlySet<TokenKind> = new Set(['KEYWORD', 'AGGREGATOR', 'PREPROCESSOR']);
const LABEL_OPERATOR_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus's description of a token in "unexpected ..." messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'EOF':
      return 'end of input';
    case 'IDENTIFIER':
      return `identifier ${goQuote(t.text)}`;
    case 'METRIC_IDENTIFIER':
      return `metric identifier ${goQuote(t.text)}`;
    case 'NUMBER':
      return `number ${quoteItem(t.text)}`;
    case 'DURATION':
      return `duration ${quoteItem(t.text)}`;
    case 'STRING':
      return `string ${quoteItem(t.text)}`;
    case 'OPERATOR':
      return `<op:${t.text}>`;
    case 'AGGREGATOR':
      return `<aggr:${t.text}>`;
    case 'KEYWORD':
      return `<${t.text}>`;
    default:
      return quoteItem(t.text);
  }
}

function quoteItem(text: string): string {
  return Array.from(text).length > 10 ? `${goQuoteTruncated(text, 10)}...` : goQuote(text);
}

export class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private lookahead: Token | null = null;
  /** End of the last closing token consumed (`)`, `}`, `]`, number, duration). */
  private lastClosing = 0;
  private readonly errors: ParseError[] = [];
  private depth = 0;

  constructor(
    readonly input: string,
    private readonly opts: ParseOptions = {}
  ) {
    this.lexer = new Lexer(input);
    this.tok = this.lexer.next();
  }

  // ---- token handling -------------------------------------------------------------------------

  private peek(): Token {
    if (this.lookahead === null)
      this.lookahead = this.tok.kind === 'EOF' || this.tok.kind === 'ERROR' ? this.tok : this.lexer.next();
    return this.lookahead;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind === 'ERROR') this.stop(t.text, t);
    if (t.kind !== 'EOF') {
      if (this.lookahead !== null) {
        this.tok = this.lookahead;
        this.lookahead = null;
      } else {
        this.tok = this.lexer.next();
      }
    }
    if (
      t.kind === 'RIGHT_PAREN' ||
      t.kind === 'RIGHT_BRACE' ||
      t.kind === 'RIGHT_BRACKET' ||
      t.kind === 'NUMBER' ||
      t.kind === 'DURATION'
    ) {
      this.lastClosing = t.end;
    }
    return t;
  }

  private is(kind: TokenKind, text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text.toLowerCase() === text);
  }

  /** Records an error and keeps parsing, as Prometheus does for non-syntax errors. */
  private report(reason: string, range: PositionRange): void {
    this.errors.push(new ParseError(reason, { start: range.start, end: range.end }, this.input));
  }

  private stop(reason: string, range: PositionRange): never {
    // The first recorded error wins, as in Prometheus.
    const err = this.errors[0] ?? new ParseError(reason, { start: range.start, end: range.end }, this.input);
    throw new SyntaxStop(err);
  }

  private unexpected(context = '', expected = ''): never {
    const t = this.tok;
    if (t.kind === 'ERROR') this.stop(t.text, t);
    let msg = `unexpected ${describeToken(t)}`;
    if (context) msg += ` in ${context}`;
    if (expected) msg += `, expected ${expected}`;
    this.stop(msg, t);
  }

  private expect(kind: TokenKind, context: string, expected: string): Token {
    if (this.tok.kind !== kind) this.unexpected(context, expected);
    return this.advance();
  }

  /** Runs a parse, converting the internal stop signal to a thrown ParseError. */
  run<T>(body: () => T): T {
    try {
      const result = body();
      if (this.errors.length > 0) throw this.errors[0];
      return result;
    } catch (e) {
      if (e instanceof SyntaxStop) throw e.error;
      throw e;
    }
  }

  // ---- entry points ---------------------------------------------------------------------------

  parseExpression(): Expr {
    if (this.is('EOF')) this.stop('no expression found in input', { start: 0, end: 0 });
    const e = this.parseBinary(1);
    if (!this.is('EOF')) this.unexpected();
    return e;
  }

  parseSelectorOnly(): VectorSelector {
    const e = this.parseVectorSelectorStart();
    if (!this.is('EOF')) this.unexpected();
    return e;
  }

  // ---- expressions ----------------------------------------------------------------------------

  private parseBinary(minPrecedence: number): Expr {
    // Prometheus's generated parser grows its stack without bound; ours recurses, so the depth is
    // capped well below where the JS stack (and the printer's recursion) would overflow.
    if (++this.depth > MAX_NESTING_DEPTH)
      this.stop(`expression nesting too deep (more than ${MAX_NESTING_DEPTH} levels)`, this.tok);
    try {
      return this.parseBinaryAtDepth(minPrecedence);
    } finally {
      this.depth--;
    }
  }

  private parseBinaryAtDepth(minPrecedence: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      if (this.tok.kind !== 'OPERATOR') return lhs;
      const opText = this.tok.text.toLowerCase();
      if (opText === '</' || opText === '>/') {
        this.stop(`the native histogram trim operator ${opText} is not supported`, this.tok);
      }
      const prec = BINARY_PRECEDENCE[opText];
      if (prec === undefined || prec < minPrecedence) return lhs;
      this.advance();
      const modifiers = this.parseBinaryModifiers();
      const rhs = this.parseBinary(opText === '^' ? prec : prec + 1);
      lhs = this.makeBinary(opText as BinaryOp, lhs, rhs, modifiers);
    }
  }

  private parseBinaryModifiers(): { returnBool: boolean; matching: VectorMatching } {
    const matching: VectorMatching = { card: 'one-to-one', matchingLabels: [], on: false, include: [] };
    let returnBool = false;
    if (this.is('KEYWORD', 'bool')) {
      this.advance();
      returnBool = true;
    }
    if (this.is('KEYWORD', 'on') || this.is('KEYWORD', 'ignoring')) {
      matching.on = this.advance().text.toLowerCase() === 'on';
      matching.matchingLabels = this.parseGroupingLabels();
      if (this.is('KEYWORD', 'group_left') || this.is('KEYWORD', 'group_right')) {
        matching.card = this.advance().text.toLowerCase() === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.is('LEFT_PAREN')) matching.include = this.parseGroupingLabels();
      }
    }
    while (this.isFillModifier()) {
      if (!this.opts.enableBinopFillModifiers)
        this.stop('binop fill modifiers are experimental and not enabled', this.tok);
      this.parseFillModifier(matching);
    }
    return { returnBool, matching };
  }

  private isFillModifier(): boolean {
    return this.is('IDENTIFIER') && FILL_MODIFIERS.has(this.tok.text.toLowerCase()) && this.peek().kind === 'LEFT_PAREN';
  }

  /** `fill(v)`, `fill_left(v)` or `fill_right(v)`: `v` is a number, maybe signed. */
  private parseFillModifier(matching: VectorMatching): void {
    const kind = this.advance().text.toLowerCase();
    this.expect('LEFT_PAREN', 'fill modifier', '"("');
    let sign = 1;
    if (this.is('OPERATOR', '-') || this.is('OPERATOR', '+')) sign = this.advance().text === '-' ? -1 : 1;
    if (!this.is('NUMBER')) this.unexpected('fill modifier', 'number');
    const value = sign * this.numberValue(this.advance());
    this.expect('RIGHT_PAREN', 'fill modifier', '")"');
    const fill = (matching.fillValues ??= { lhs: null, rhs: null });
    if (kind !== 'fill_right') fill.lhs = value;
    if (kind !== 'fill_left') fill.rhs = value;
  }

  private makeBinary(
    op: BinaryOp,
    lhs: Expr,
    rhs: Expr,
    m: { returnBool: boolean; matching: VectorMatching }
  ): BinaryExpr {
    return {
      type: 'BinaryExpr',
      op,
      lhs,
      rhs,
      returnBool: m.returnBool,
      vectorMatching: m.matching,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
  }

  private parseUnary(): Expr {
    if (this.tok.kind === 'OPERATOR' && (this.tok.text === '+' || this.tok.text === '-')) {
      const opTok = this.advance();
      // Unary operators bind like `*`: only `^` (and postfix modifiers) bind tighter.
      const operand = this.parseBinary(POW_PRECEDENCE);
      if (operand.type === 'NumberLiteral') {
        return {
          type: 'NumberLiteral',
          val: opTok.text === '-' ? -operand.val : operand.val,
          pos: { start: opTok.start, end: operand.pos.end },
        };
      }
      return {
        type: 'UnaryExpr',
        op: opTok.text as '+' | '-',
        expr: operand,
        pos: { start: opTok.start, end: operand.pos.end },
      };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'NUMBER':
      case 'DURATION':
        return this.parseNumberOrDurationLiteral();
      case 'STRING': {
        this.advance();
        return { type: 'StringLiteral', val: this.unquote(t), pos: { start: t.start, end: t.end } };
      }
      case 'LEFT_PAREN': {
        this.advance();
        const inner = this.parseBinary(1);
        const close = this.expect('RIGHT_PAREN', '', '');
        return { type: 'ParenExpr', expr: inner, pos: { start: t.start, end: close.end } };
      }
      case 'LEFT_BRACE':
        return this.parseVectorSelectorStart();
      case 'IDENTIFIER':
        if (this.peek().kind === 'LEFT_PAREN') return this.parseCall();
        return this.parseVectorSelectorStart();
      case 'PREPROCESSOR':
        if (this.peek().kind === 'LEFT_PAREN') return this.parseCall();
        return this.parseVectorSelectorStart();
      case 'AGGREGATOR': {
        const next = this.peek();
        if (
          next.kind === 'LEFT_PAREN' ||
          (next.kind === 'KEYWORD' && ['by', 'without'].includes(next.text.toLowerCase()))
        ) {
          return this.parseAggregate();
        }
        return this.parseVectorSelectorStart();
      }
      case 'METRIC_IDENTIFIER':
        return this.parseVectorSelectorStart();
      case 'KEYWORD':
      case 'OPERATOR':
        if (METRIC_NAME_KEYWORDS.has(t.text.toLowerCase())) return this.parseVectorSelectorStart();
        return this.unexpected();
      default:
        return this.unexpected();
    }
  }

  private parseNumberOrDurationLiteral(): NumberLiteral {
    const t = this.advance();
    return { type: 'NumberLiteral', val: this.numberValue(t), pos: { start: t.start, end: t.end } };
  }

  /** The value of a NUMBER token, or of a DURATION token in seconds. */
  private numberValue(t: Token): number {
    if (t.kind === 'DURATION') {
      try {
        return parseDurationLiteral(t.text) / 1000;
      } catch (e) {
        this.report((e as Error).message, t);
        return 0;
      }
    }
    try {
      return parseNumberLiteral(t.text);
    } catch (e) {
      this.report(`error parsing number: ${(e as Error).message}`, t);
      return 0;
    }
  }

  private unquote(t: Token): string {
    try {
      return unquotePromQLString(t.text);
    } catch (e) {
      this.report(`error unquoting string ${goQuote(t.text)}: ${(e as Error).message}`, t);
      return '';
    }
  }

  // ---- postfix modifiers: [range], [range:step], offset, @ --------------------------------------

  private parsePostfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.is('LEFT_BRACKET')) e = this.parseRangeOrSubquery(e);
      else if (this.is('KEYWORD', 'offset')) e = this.parseOffset(e);
      else if (this.is('OPERATOR', '@')) e = this.parseAt(e);
      else if (this.is('IDENTIFIER', 'anchored') || this.is('IDENTIFIER', 'smoothed')) e = this.parseExtendedRange(e);
      else return e;
    }
  }

  /** `anchored` (range selectors) or `smoothed` (range and instant selectors). */
  private parseExtendedRange(e: Expr): Expr {
    const modifier = this.tok.text.toLowerCase();
    if (!this.opts.enableExtendedRangeSelectors) this.stop(`${modifier} modifier is experimental and not enabled`, e.pos);
    this.advance();
    const vs = e.type === 'MatrixSelector' ? e.vectorSelector : e.type === 'VectorSelector' && modifier === 'smoothed' ? e : null;
    if (vs === null) {
      const what = modifier === 'anchored' ? 'a range vector selector' : 'an instant vector selector or range vector selector';
      this.report(`${modifier} modifier must be preceded by ${what}`, e.pos);
      return e;
    }
    if (vs.anchored || vs.smoothed) {
      this.report('anchored or smoothed may not be set multiple times', e.pos);
      return e;
    }
    if (modifier === 'anchored') vs.anchored = true;
    else vs.smoothed = true;
    e.pos = { start: e.pos.start, end: this.lastClosing > e.pos.end ? this.lastClosing : e.pos.end };
    return e;
  }

  // Durations are written as literals or, in Prometheus 3, as arithmetic on them (`[5m+30s]`,
  // `offset (2 * 1h)`). Constant expressions are folded here into milliseconds; those using
  // `step()` or `range()` are kept as a DurationExpr tree, resolved when the query runs.

  /** Milliseconds of a constant duration value (seconds), reporting Prometheus's range errors at `v.range`. */
  private toDurationMs(v: DurationValue, allowNegative: boolean): number {
    if (v.dynamic !== undefined) return 0;
    const ms = v.exactMs ?? Math.trunc(v.seconds * 1000);
    if (!(Math.abs(ms) <= MAX_DURATION_MS)) {
      this.report('duration out of range', v.range);
      return 0;
    }
    if (!allowNegative && !(v.seconds > 0)) this.report('duration must be greater than 0', v.range);
    return ms;
  }

  private parseDurationExpr(minPrecedence: number, context: string): DurationValue {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.stop(`expression nesting too deep (more than ${MAX_NESTING_DEPTH} levels)`, this.tok);
    }
    try {
      let lhs = this.parseDurationUnary(context);
      for (;;) {
        const t = this.tok;
        const prec = t.kind === 'OPERATOR' ? DURATION_PRECEDENCE[t.text] : undefined;
        if (prec === undefined || prec < minPrecedence) return lhs;
        this.advance();
        const rhs = this.parseDurationExpr(t.text === '^' ? prec : prec + 1, context);
        const range = { start: lhs.range.start, end: rhs.range.end };
        if (lhs.dynamic !== undefined || rhs.dynamic !== undefined) {
          if (rhs.dynamic === undefined && rhs.seconds === 0 && (t.text === '/' || t.text === '%'))
            this.report(t.text === '/' ? 'division by zero' : 'modulo by zero', t);
          const op = t.text as DurationOperator;
          lhs = { seconds: 0, dynamic: { kind: 'binary', op, lhs: durationNode(lhs), rhs: durationNode(rhs) }, range };
          continue;
        }
        const exact =
          lhs.exactMs !== undefined && rhs.exactMs !== undefined && (t.text === '+' || t.text === '-')
            ? t.text === '+'
              ? lhs.exactMs + rhs.exactMs
              : lhs.exactMs - rhs.exactMs
            : undefined;
        lhs = { seconds: this.applyDurationOperator(t, lhs.seconds, rhs.seconds), exactMs: exact, range };
      }
    } finally {
      this.depth--;
    }
  }

  /** Division and modulo by zero are reported at the operator, as Prometheus does. */
  private applyDurationOperator(opTok: Token, a: number, b: number): number {
    const op = opTok.text;
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) this.report('division by zero', opTok);
        return a / b;
      case '%':
        if (b === 0) this.report('modulo by zero', opTok);
        return a % b;
      default:
        return Math.pow(a, b);
    }
  }

  private parseDurationUnary(context: string): DurationValue {
    if (this.tok.kind === 'OPERATOR' && (this.tok.text === '-' || this.tok.text === '+')) {
      const op = this.advance();
      // As for numbers, a sign binds tighter than `*` but looser than `^`.
      const v = this.parseDurationExpr(POW_PRECEDENCE, context);
      return negateDuration(v, op.text === '-', op.start);
    }
    return this.parseDurationPrimary(context);
  }

  private isDurationFunction(): boolean {
    return (
      DURATION_FUNCTIONS.has(this.tok.text.toLowerCase()) &&
      this.tok.kind !== 'STRING' &&
      this.peek().kind === 'LEFT_PAREN'
    );
  }

  private parseDurationPrimary(context: string): DurationValue {
    const t = this.tok;
    if (t.kind === 'NUMBER' || t.kind === 'DURATION') {
      this.advance();
      const seconds = this.numberValue(t);
      let exactMs: number | undefined;
      if (t.kind === 'DURATION') {
        try {
          exactMs = parseDurationLiteral(t.text);
        } catch {
          // numberValue has reported it.
        }
      }
      return { seconds, exactMs, range: { start: t.start, end: t.end } };
    }
    if (t.kind === 'LEFT_PAREN') {
      this.advance();
      const inner = this.parseDurationExpr(1, context);
      const close = this.expect('RIGHT_PAREN', context, '")"');
      const range = { start: t.start, end: close.end };
      if (inner.dynamic !== undefined) return { seconds: 0, dynamic: { kind: 'paren', expr: inner.dynamic }, range };
      return { seconds: inner.seconds, exactMs: inner.exactMs, range };
    }
    if (this.isDurationFunction()) {
      const name = t.text.toLowerCase();
      if (name === 'step' || name === 'range') {
        if (!this.opts.enableExperimentalFunctions) this.report(`function ${goQuote(name)} is not enabled`, t);
        this.advance();
        this.advance();
        const close = this.expect('RIGHT_PAREN', context, '")"');
        return { seconds: 0, dynamic: { kind: name }, range: { start: t.start, end: close.end } };
      }
      this.advance();
      this.advance();
      const a = this.parseDurationExpr(1, context);
      this.expect('COMMA', context, '","');
      const b = this.parseDurationExpr(1, context);
      const close = this.expect('RIGHT_PAREN', context, '")"');
      const range = { start: t.start, end: close.end };
      if (a.dynamic !== undefined || b.dynamic !== undefined) {
        const fn = name as 'min' | 'max' | 'min_of' | 'max_of';
        return { seconds: 0, dynamic: { kind: 'minmax', name: fn, lhs: durationNode(a), rhs: durationNode(b) }, range };
      }
      return { seconds: name.startsWith('min') ? Math.min(a.seconds, b.seconds) : Math.max(a.seconds, b.seconds), range };
    }
    return this.unexpected(context, 'number, duration, step(), or range()');
  }

  private parseRangeOrSubquery(e: Expr): Expr {
    const open = this.advance();
    const rangeValue = this.parseDurationExpr(1, 'subquery or range selector');
    const range = this.toDurationMs(rangeValue, false);
    if (this.is('RIGHT_BRACKET')) {
      const close = this.advance();
      if (e.type !== 'VectorSelector') {
        this.report('ranges only allowed for vector selectors', { start: open.start, end: close.end });
      } else if (e.offset !== 0 || e.offsetExpr !== undefined) {
        this.report('no offset modifiers allowed before range', { start: open.start, end: close.end });
      } else if (e.timestamp !== null || e.startOrEnd !== null) {
        this.report('no @ modifiers allowed before range', { start: open.start, end: close.end });
      } else if (e.smoothed) {
        this.report('no smoothed modifier allowed before range', { start: open.start, end: close.end });
      }
      const vs: VectorSelector = e.type === 'VectorSelector' ? e : emptySelector(e.pos);
      const m: MatrixSelector = {
        type: 'MatrixSelector',
        vectorSelector: vs,
        range,
        pos: { start: e.pos.start, end: this.lastClosing },
      };
      if (rangeValue.dynamic !== undefined) m.rangeExpr = rangeValue.dynamic;
      return m;
    }
    if (!this.is('COLON')) this.unexpected('subquery or range', '":" or "]"');
    this.advance();
    let step = 0;
    let stepExpr: DurationExpr | undefined;
    if (!this.is('RIGHT_BRACKET')) {
      const stepValue = this.parseDurationExpr(1, 'subquery selector');
      step = this.toDurationMs(stepValue, false);
      stepExpr = stepValue.dynamic;
      if (!this.is('RIGHT_BRACKET')) this.unexpected('subquery selector', '"]"');
    }
    const close = this.advance();
    const sq: SubqueryExpr = {
      type: 'SubqueryExpr',
      expr: e,
      range,
      step,
      offset: 0,
      timestamp: null,
      startOrEnd: null,
      pos: { start: e.pos.start, end: close.end },
    };
    if (rangeValue.dynamic !== undefined) sq.rangeExpr = rangeValue.dynamic;
    if (stepExpr !== undefined) sq.stepExpr = stepExpr;
    return sq;
  }

  /** `offset` takes a literal, a parenthesised duration expression or min()/max(), maybe signed. */
  private parseOffsetDuration(): DurationValue {
    const start = this.tok.start;
    let negative = false;
    let signed = false;
    if (this.is('OPERATOR', '-') || this.is('OPERATOR', '+')) {
      negative = this.advance().text === '-';
      signed = true;
    }
    if (!(this.is('NUMBER') || this.is('DURATION') || this.is('LEFT_PAREN') || this.isDurationFunction()))
      return this.unexpected('offset', 'number, duration, step(), or range()');
    const v = this.parseDurationPrimary('offset');
    return signed ? negateDuration(v, negative, start) : v;
  }

  private parseOffset(e: Expr): Expr {
    this.advance();
    const offsetValue = this.parseOffsetDuration();
    const offset = this.toDurationMs(offsetValue, true);
    const target = this.modifierTarget(
      e,
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'
    );
    if (target === null) return e;
    if (target.offset !== 0 || target.offsetExpr !== undefined) {
      this.report('offset may not be set multiple times', e.pos);
      return e;
    }
    target.offset = offset;
    if (offsetValue.dynamic !== undefined) target.offsetExpr = offsetValue.dynamic;
    e.pos = { start: e.pos.start, end: this.lastClosing };
    return e;
  }

  private parseAt(e: Expr): Expr {
    this.advance();
    let startOrEnd: AtModifier | null = null;
    let timestamp: number | null = null;
    if (this.is('PREPROCESSOR')) {
      startOrEnd = this.advance().text.toLowerCase() as AtModifier;
      this.expect('LEFT_PAREN', '@', 'timestamp');
      this.expect('RIGHT_PAREN', '@', 'timestamp');
    } else {
      let sign = 1;
      if (this.is('OPERATOR', '-') || this.is('OPERATOR', '+')) {
        if (this.advance().text === '-') sign = -1;
      }
      if (!this.is('NUMBER') && !this.is('DURATION')) this.unexpected('@', 'timestamp');
      const seconds = sign * this.numberValue(this.advance());
      if (!Number.isFinite(seconds) || seconds >= INT64_LIMIT || seconds <= -INT64_LIMIT) {
        this.report(`timestamp out of bounds for @ modifier: ${formatGoFixed(seconds)}`, e.pos);
      }
      timestamp = roundHalfAwayFromZero(seconds * 1000);
    }
    const target = this.modifierTarget(
      e,
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery'
    );
    if (target === null) return e;
    if (target.timestamp !== null || target.startOrEnd !== null) {
      this.report('@ <timestamp> may not be set multiple times', e.pos);
      return e;
    }
    target.timestamp = timestamp;
    target.startOrEnd = startOrEnd;
    e.pos = { start: e.pos.start, end: this.lastClosing };
    return e;
  }

  /** The node that holds offset and @ for `e`, or null (with an error recorded). */
  private modifierTarget(e: Expr, message: string): VectorSelector | SubqueryExpr | null {
    if (e.type === 'VectorSelector' || e.type === 'SubqueryExpr') return e;
    if (e.type === 'MatrixSelector') return e.vectorSelector;
    this.report(message, e.pos);
    return null;
  }

  // ---- vector selectors -----------------------------------------------------------------------

  private parseVectorSelectorStart(): VectorSelector {
    const first = this.tok;
    let name = '';
    let start = first.start;
    let end = first.end;
    let matchers: Matcher[] = [];
    if (first.kind !== 'LEFT_BRACE') {
      const isName =
        first.kind === 'IDENTIFIER' ||
        first.kind === 'METRIC_IDENTIFIER' ||
        first.kind === 'AGGREGATOR' ||
        first.kind === 'PREPROCESSOR' ||
        ((first.kind === 'KEYWORD' || first.kind === 'OPERATOR') && METRIC_NAME_KEYWORDS.has(first.text.toLowerCase()));
      if (!isName) this.unexpected();
      name = this.advance().text;
    }
    if (this.is('LEFT_BRACE')) {
      const braces = this.parseLabelMatchers();
      matchers = braces.matchers;
      if (first.kind === 'LEFT_BRACE') start = braces.start;
      end = braces.end;
    }
    if (name !== '') matchers.push(new Matcher('=', METRIC_NAME, name));
    return {
      type: 'VectorSelector',
      name,
      matchers,
      offset: 0,
      timestamp: null,
      startOrEnd: null,
      pos: { start, end },
    };
  }

  private parseLabelMatchers(): { matchers: Matcher[]; start: number; end: number } {
    const open = this.advance();
    const matchers: Matcher[] = [];
    if (this.is('RIGHT_BRACE')) return { matchers, start: open.start, end: this.advance().end };
    for (;;) {
      const m = this.parseLabelMatcher();
      if (m !== null) matchers.push(m);
      if (this.is('COMMA')) {
        this.advance();
        if (this.is('RIGHT_BRACE')) break;
        continue;
      }
      if (this.is('RIGHT_BRACE')) break;
      this.unexpected('label matching', '"," or "}"');
    }
    return { matchers, start: open.start, end: this.advance().end };
  }

  private parseLabelMatcher(): Matcher | null {
    const nameTok = this.tok;
    if (nameTok.kind !== 'IDENTIFIER' && nameTok.kind !== 'STRING')
      this.unexpected('label matching', 'identifier or "}"');
    this.advance();
    const name = nameTok.kind === 'STRING' ? this.unquote(nameTok) : nameTok.text;
    if (nameTok.kind === 'STRING' && (this.is('COMMA') || this.is('RIGHT_BRACE'))) {
      // A lone quoted string is the metric name (`{"my.metric"}`).
      return this.newMatcher('=', METRIC_NAME, name, nameTok);
    }
    if (!this.is('EQL') && !(this.tok.kind === 'OPERATOR' && ['!=', '=~', '!~'].includes(this.tok.text))) {
      this.unexpected('label matching', 'label matching operator');
    }
    const op = this.advance().text as MatchType;
    if (!this.is('STRING')) this.unexpected('label matching', 'string');
    const valueTok = this.advance();
    return this.newMatcher(op, name, this.unquote(valueTok), { start: nameTok.start, end: valueTok.end });
  }

  private newMatcher(op: MatchType, name: string, value: string, range: PositionRange): Matcher | null {
    try {
      return new Matcher(op, name, value);
    } catch (e) {
      this.report((e as Error).message, range);
      return null;
    }
  }

  // ---- grouping -------------------------------------------------------------------------------

  private parseGroupingLabels(): string[] {
    if (!this.is('LEFT_PAREN')) this.unexpected('grouping opts', '"("');
    this.advance();
    const labels: string[] = [];
    if (this.is('RIGHT_PAREN')) {
      this.advance();
      return labels;
    }
    for (;;) {
      labels.push(this.parseGroupingLabel());
      if (this.is('COMMA')) {
        this.advance();
        if (this.is('RIGHT_PAREN')) break;
        continue;
      }
      if (this.is('RIGHT_PAREN')) break;
      this.unexpected('grouping opts', '"," or ")"');
    }
    this.advance();
    return labels;
  }

  private parseGroupingLabel(): string {
    const t = this.tok;
    if (t.kind === 'STRING') {
      this.advance();
      const name = this.unquote(t);
      if (!isValidUtf8String(name)) this.report(`invalid label name ${goQuote(name)}`, t);
      return name;
    }
    const isWord =
      t.kind === 'IDENTIFIER' ||
      LABEL_KEYWORD_KINDS.has(t.kind) ||
      (t.kind === 'OPERATOR' && LABEL_OPERATOR_WORDS.has(t.text.toLowerCase()));
    if (!isWord || !LEGACY_LABEL.test(t.text)) this.unexpected('grouping opts', 'label');
    return this.advance().text;
  }

  // ---- calls and aggregations -----------------------------------------------------------------

  private parseCallArgs(): Expr[] {
    this.expect('LEFT_PAREN', '', '');
    const args: Expr[] = [];
    if (this.is('RIGHT_PAREN')) {
      this.advance();
      return args;
    }
    for (;;) {
      args.push(this.parseBinary(1));
      if (this.is('COMMA')) {
        const comma = this.advance();
        if (this.is('RIGHT_PAREN')) {
          this.report('trailing commas not allowed in function call args', comma);
          break;
        }
        continue;
      }
      if (this.is('RIGHT_PAREN')) break;
      this.unexpected();
    }
    this.advance();
    return args;
  }

  private parseCall(): Expr {
    const nameTok = this.advance();
    const name = nameTok.text;
    const func = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (func === undefined) {
      this.report(`unknown function with name ${goQuote(name)}`, nameTok);
    } else if (func.experimental && !this.opts.enableExperimentalFunctions) {
      this.report(`function ${goQuote(name)} is not enabled`, nameTok);
    }
    const args = this.parseCallArgs();
    const call: Call = {
      type: 'Call',
      func: func ?? { name, argTypes: [], variadic: 0, returnType: 'vector' },
      args,
      pos: { start: nameTok.start, end: this.lastClosing },
    };
    return call;
  }

  private parseAggregate(): Expr {
    const opTok = this.advance();
    const op = opTok.text.toLowerCase() as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let modifierSeen = false;
    const parseModifier = (): void => {
      without = this.advance().text.toLowerCase() === 'without';
      grouping = this.parseGroupingLabels();
      modifierSeen = true;
    };
    if (this.is('KEYWORD', 'by') || this.is('KEYWORD', 'without')) parseModifier();
    if (!this.is('LEFT_PAREN')) this.unexpected('aggregation');
    const args = this.parseCallArgs();
    if (!modifierSeen && (this.is('KEYWORD', 'by') || this.is('KEYWORD', 'without'))) parseModifier();
    const pos = { start: opTok.start, end: this.lastClosing };
    const agg: AggregateExpr = {
      type: 'AggregateExpr',
      op,
      expr: emptySelector(pos),
      param: null,
      grouping,
      without,
      pos,
    };
    if (args.length === 0) {
      this.report('no arguments for aggregate expression provided', pos);
      return agg;
    }
    const withParam = ['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio'].includes(op);
    if (withParam && EXPERIMENTAL_AGGREGATIONS.has(op) && !this.opts.enableExperimentalFunctions) {
      this.report(
        `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        pos
      );
      return agg;
    }
    const wanted = withParam ? 2 : 1;
    if (withParam) agg.param = args[0];
    if (args.length !== wanted) {
      this.report(
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
        pos
      );
      return agg;
    }
    agg.expr = args[wanted - 1];
    return agg;
  }
}

/** Placeholder operand for nodes that already carry a recorded error (never returned to callers). */
function emptySelector(pos: PositionRange): VectorSelector {
  return { type: 'VectorSelector', name: '', matchers: [], offset: 0, timestamp: null, startOrEnd: null, pos };
}

/** A duration value as a tree node: constants become `number` leaves. */
function durationNode(v: DurationValue): DurationExpr {
  return v.dynamic ?? { kind: 'number', seconds: v.seconds, exactMs: v.exactMs };
}

/** `-v` (or `+v` when `negative` is false), starting at `start`. */
function negateDuration(v: DurationValue, negative: boolean, start: number): DurationValue {
  const range = { start, end: v.range.end };
  if (v.dynamic !== undefined) return { seconds: 0, dynamic: negative ? { kind: 'negate', expr: v.dynamic } : v.dynamic, range };
  if (!negative) return { seconds: v.seconds, exactMs: v.exactMs, range };
  return { seconds: -v.seconds, exactMs: v.exactMs === undefined ? undefined : -v.exactMs, range };
}
