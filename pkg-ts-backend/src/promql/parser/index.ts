// The PromQL parser's public face: parse, check, print.
import type { Matcher } from '../../model/matcher';
import type { Expr } from './ast';
import { checkExpr } from './check';
import { ParseError } from './parseError';
import { Parser, ParseOptions } from './parser';
import { walkExpr } from './walk';

export type { ParseOptions } from './parser';
export { ParseError } from './parseError';
export { FUNCTIONS } from './functions';
export { formatExpr, formatGoFloat, formatPromDuration } from './printer';
export { prettifyExpr } from './prettier';
export { parseSeriesDesc } from './seriesDesc';
export type { SeriesDesc, SeriesDescValue } from './seriesDesc';
export { goQuote } from './quote';
export { astToJSON } from './json';
export { documentedType } from './check';
export { childExprs, vectorSelectors, walkExpr } from './walk';

/**
 * The deepest expression tree accepted. Prometheus has no limit, but every consumer of the tree
 * (checker, printer, engine) recurses over it, so a pathological query could overflow the stack.
 */
export const MAX_EXPR_DEPTH = 1000;

function assertDepth(e: Expr, input: string): void {
  walkExpr(e, (node, depth) => {
    if (depth > MAX_EXPR_DEPTH) {
      throw new ParseError(`expression nesting too deep (more than ${MAX_EXPR_DEPTH} levels)`, node.pos, input);
    }
  });
}

/** Parses and type-checks a PromQL expression; throws ParseError with Prometheus's message. */
export function parseExpr(input: string, opts: ParseOptions = {}): Expr {
  const p = new Parser(input, opts);
  const e = p.run(() => p.parseExpression());
  assertDepth(e, input);
  checkExpr(e, input);
  return e;
}

/** Parses a series selector (`up`, `{job="x"}`) into its matchers, as the API's `match[]` needs. */
export function parseMetricSelector(input: string): Matcher[] {
  const p = new Parser(input);
  return p.run(() => p.parseSelectorOnly()).matchers;
}
