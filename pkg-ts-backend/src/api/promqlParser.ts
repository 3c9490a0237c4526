// The API's view of flint's PromQL parser.
import { astToJSON, parseExpr, parseMetricSelector, ParseOptions, prettifyExpr } from '../promql/parser';
import type { PromqlParser } from './types';

/** A parser that accepts the language features the server has enabled (format_query, parse_query, exemplars). */
export function createPromqlParser(opts: ParseOptions): PromqlParser {
  return {
    parseExpr: (q) => parseExpr(q, opts),
    parseMetricSelector,
    prettifyExpr: (e) => prettifyExpr(e),
    astToJSON,
  };
}

/** The parser with no experimental feature enabled. */
export const promqlParser: PromqlParser = createPromqlParser({});
