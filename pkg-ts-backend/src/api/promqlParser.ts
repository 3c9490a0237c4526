// The API's view of flint's PromQL parser.
import { astToJSON, parseExpr, parseMetricSelector, prettifyExpr } from '../promql/parser';
import type { PromqlParser } from './types';

export const promqlParser: PromqlParser = {
  parseExpr: (q) => parseExpr(q),
  parseMetricSelector,
  prettifyExpr: (e) => prettifyExpr(e),
  astToJSON,
};
