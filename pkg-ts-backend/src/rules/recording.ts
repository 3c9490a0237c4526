// Recording rules: the expression's vector, renamed to the rule's name and given its labels.
import { Labels, labelsKey, METRIC_NAME, withLabel } from '../model/labels';
import type { Expr } from '../promql/parser/ast';
import type { Sample } from '../promql/value';
import type { EvalContext, Rule, RuleHealth } from './rule';

export class RecordingRule implements Rule {
  readonly kind = 'recording';
  health: RuleHealth = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationTimeMs = 0;

  constructor(
    readonly name: string,
    private readonly expr: Expr,
    readonly query: string,
    readonly labels: Labels
  ) {}

  identity(): string {
    return `record\xff${this.name}\xff${this.query}\xff${labelsKey(this.labels)}`;
  }

  async eval(ctx: EvalContext): Promise<Sample[]> {
    const t = ctx.ts - ctx.queryOffsetMs;
    const vector = await ctx.query(this.expr, t);
    const out: Sample[] = [];
    const seen = new Set<string>();
    for (const s of vector) {
      let metric = withLabel(s.metric, METRIC_NAME, this.name);
      for (const l of this.labels) metric = withLabel(metric, l.name, l.value);
      const key = labelsKey(metric);
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ metric, t, v: s.v });
    }
    if (ctx.limit > 0 && out.length > ctx.limit) throw new Error(`exceeded limit of ${ctx.limit} with ${out.length} series`);
    return out;
  }
}
