// What recording and alerting rules share: how they are queried, their health for
// /api/v1/rules, and the samples an evaluation hands back to the group for appending.
import type { Labels } from '../model/labels';
import type { Expr } from '../promql/parser/ast';
import type { Sample } from '../promql/value';

/** Evaluates an instant query at `ts` (ms) to a vector; scalars come back as one sample without labels. */
export type QueryFunc = (expr: Expr, ts: number) => Promise<Sample[]>;

/** Runs a query given as text (what templates' `query` does); null when the rules have no engine to parse with. */
export type TextQueryFunc = (query: string, ts: number) => Promise<Sample[]>;

export type RuleHealth = 'ok' | 'err' | 'unknown';

export interface EvalContext {
  /** The evaluation timestamp (ms), before any query offset. */
  ts: number;
  /** Queries run at `ts - queryOffsetMs`, and the results are written there. */
  queryOffsetMs: number;
  /** Max series (recording) or active alerts (alerting); 0 = no limit. */
  limit: number;
  query: QueryFunc;
  textQuery?: TextQueryFunc;
}

export interface Rule {
  readonly kind: 'recording' | 'alerting';
  readonly name: string;
  readonly labels: Labels;
  /** The expression as Prometheus prints it. */
  readonly query: string;
  health: RuleHealth;
  lastError: string;
  /** When the last evaluation started (ms), 0 before the first. */
  lastEvaluation: number;
  /** How long it took (ms). */
  evaluationTimeMs: number;
  /** Evaluates the rule; the returned samples (timestamps set) are appended by the group. */
  eval(ctx: EvalContext): Promise<Sample[]>;
  /** A key equal for two rules that would compute the same thing (used to carry state across reloads). */
  identity(): string;
}
