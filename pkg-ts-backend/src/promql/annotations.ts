// Annotations (warnings and infos) with Prometheus 3's texts, rendered like its HTTP API:
// `PromQL warning: <text> (<line>:<col>)`, the position being that of the sub-expression.
import type { PositionRange } from './parser/ast';
import { lineColumn } from './parser/parseError';

export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  constructor(private readonly query: string) {}

  warn(text: string, pos: PositionRange | undefined): void {
    this.warnings.add(`PromQL warning: ${text}${this.position(pos)}`);
  }

  info(text: string, pos: PositionRange | undefined): void {
    this.infos.add(`PromQL info: ${text}${this.position(pos)}`);
  }

  private position(pos: PositionRange | undefined): string {
    if (!pos || !this.query) return '';
    return ` (${lineColumn(this.query, pos.start)})`;
  }
}

/** Go's %q for the strings annotations quote (metric names, label values). */
export function quote(s: string): string {
  return JSON.stringify(s);
}

export const possibleNonCounter = (name: string): string =>
  `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${quote(name)}`;
export const badBucketLabel = (name: string, le: string): string =>
  `bucket label "le" is missing or has a malformed value of ${quote(le)} for metric name ${quote(name)}`;
export const invalidQuantile = (q: number): string => `quantile value should be between 0 and 1, got ${formatG(q)}`;
export const forcedMonotonicity = (name: string): string =>
  `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${quote(name)}`;
export const invalidRatio = (got: number, capped: number): string =>
  `ratio value should be between -1 and 1, got ${formatG(got)}, capping to ${formatG(capped)}`;

/** Go's %g for floats in messages (shortest digits, exponent when it is < -4 or >= 6). */
export function formatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}
