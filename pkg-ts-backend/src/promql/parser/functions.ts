// The PromQL function table: every function of Prometheus 3 with its argument and return types.
// The parser checks calls against it; the engine looks implementations up by the same names.
import type { FunctionSignature, ValueType } from './ast';

type SignatureSpec = [argTypes: ValueType[], returnType: ValueType, variadic?: number, experimental?: boolean];

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const vectorToVector: SignatureSpec = [[V], V];
const matrixToVector: SignatureSpec = [[M], V];
// Date functions default to `vector(time())` when called without an argument.
const optionalVectorToVector: SignatureSpec = [[V], V, 1];
const experimentalMatrixToVector: SignatureSpec = [[M], V, 0, true];
const experimentalNullaryScalar: SignatureSpec = [[], S, 0, true];

const SPECS: Record<string, SignatureSpec> = {
  abs: vectorToVector,
  absent: vectorToVector,
  absent_over_time: matrixToVector,
  acos: vectorToVector,
  acosh: vectorToVector,
  asin: vectorToVector,
  asinh: vectorToVector,
  atan: vectorToVector,
  atanh: vectorToVector,
  avg_over_time: matrixToVector,
  ceil: vectorToVector,
  changes: matrixToVector,
  clamp: [[V, S, S], V],
  clamp_max: [[V, S], V],
  clamp_min: [[V, S], V],
  cos: vectorToVector,
  cosh: vectorToVector,
  count_over_time: matrixToVector,
  days_in_month: optionalVectorToVector,
  day_of_month: optionalVectorToVector,
  day_of_week: optionalVectorToVector,
  day_of_year: optionalVectorToVector,
  deg: vectorToVector,
  delta: matrixToVector,
  deriv: matrixToVector,
  double_exponential_smoothing: [[M, S, S], V, 0, true],
  end: experimentalNullaryScalar,
  exp: vectorToVector,
  first_over_time: matrixToVector,
  floor: vectorToVector,
  histogram_avg: vectorToVector,
  histogram_count: vectorToVector,
  histogram_fraction: [[S, S, V], V],
  histogram_quantile: [[S, V], V],
  // histogram_quantiles(v, "label", q1, ..., q10): the first quantile is required, nine more optional.
  histogram_quantiles: [[V, STR, S, S], V, 9, true],
  histogram_stddev: vectorToVector,
  histogram_stdvar: vectorToVector,
  histogram_sum: vectorToVector,
  hour: optionalVectorToVector,
  idelta: matrixToVector,
  increase: matrixToVector,
  info: [[V, V], V, 1, true],
  irate: matrixToVector,
  label_join: [[V, STR, STR, STR], V, -1],
  label_replace: [[V, STR, STR, STR, STR], V],
  last_over_time: matrixToVector,
  ln: vectorToVector,
  log10: vectorToVector,
  log2: vectorToVector,
  mad_over_time: experimentalMatrixToVector,
  max_over_time: matrixToVector,
  min_over_time: matrixToVector,
  max_of: [[S, S], S, 0, true],
  min_of: [[S, S], S, 0, true],
  minute: optionalVectorToVector,
  month: optionalVectorToVector,
  pi: [[], S],
  predict_linear: [[M, S], V],
  present_over_time: matrixToVector,
  quantile_over_time: [[S, M], V],
  rad: vectorToVector,
  range: experimentalNullaryScalar,
  rate: matrixToVector,
  resets: matrixToVector,
  round: [[V, S], V, 1],
  scalar: [[V], S],
  sgn: vectorToVector,
  sin: vectorToVector,
  sinh: vectorToVector,
  sort: vectorToVector,
  sort_by_label: [[V, STR], V, -1, true],
  sort_by_label_desc: [[V, STR], V, -1, true],
  sort_desc: vectorToVector,
  sqrt: vectorToVector,
  start: experimentalNullaryScalar,
  start_timestamp: [[V], V, 0, true],
  stddev_over_time: matrixToVector,
  stdvar_over_time: matrixToVector,
  step: experimentalNullaryScalar,
  sum_over_time: matrixToVector,
  tan: vectorToVector,
  tanh: vectorToVector,
  time: [[], S],
  timestamp: vectorToVector,
  ts_of_first_over_time: experimentalMatrixToVector,
  ts_of_last_over_time: experimentalMatrixToVector,
  ts_of_max_over_time: experimentalMatrixToVector,
  ts_of_min_over_time: experimentalMatrixToVector,
  vector: [[S], V],
  year: optionalVectorToVector,
};

function buildTable(): Record<string, FunctionSignature> {
  // No prototype: names typed by users (`constructor(...)`) must not find Object's properties.
  const table = Object.create(null) as Record<string, FunctionSignature>;
  for (const [name, [argTypes, returnType, variadic = 0, experimental = false]] of Object.entries(SPECS)) {
    table[name] = Object.freeze({
      name,
      argTypes: Object.freeze([...argTypes]) as ValueType[],
      variadic,
      returnType,
      experimental,
    });
  }
  return table;
}

/** Every PromQL function by name. Experimental ones need `enableExperimentalFunctions` in the parser. */
export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = Object.freeze(buildTable());

/** Aggregations Prometheus keeps behind the experimental-functions flag. */
export const EXPERIMENTAL_AGGREGATIONS: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);
