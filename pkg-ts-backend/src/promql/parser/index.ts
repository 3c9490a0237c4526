// The PromQL parser's public face: parse, check, print.
import type { Matcher } from '../../model/matcher';
import type { Expr } from './ast';
import { checkExpr } from './check';
import { Parser, ParseOptions } from './parser';

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

/** Parses and type-checks a PromQL expression; throws ParseError with Prometheus's message. */
export function parseExpr(input: string, opts: ParseOptions = {}): Expr {
  const p = new Parser(input, opts);
  const e = p.run(() => p.parseExpression());
  checkExpr(e, input);
  return e;
}

/** Parses a series selector (`up`, `{job="x"}`) into its matchers, as the API's `match[]` needs. */
export function parseMetricSelector(input: string): Matcher[] {
  const p = new Parser(input);
  return p.run(() => p.parseSelectorOnly()).matchers;
}
