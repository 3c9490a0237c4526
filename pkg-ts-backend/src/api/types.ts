// The narrow views the HTTP API needs of the rest of flint. Each subsystem (engine, parser,
// TSDB, scrape, rules) implements its view; tests implement them with small fakes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Expr } from '../promql/parser/ast';
import type { QueryResult } from '../promql/value';
import type { AlertStatus, RuleGroupStatus } from '../rules/status';
import type { DroppedTargetInfo as DroppedTarget, TargetInfo as ActiveTarget } from '../scrape/pool';
import type { ExemplarStorage } from '../storage/exemplars';
import type { Queryable } from '../storage/interface';
import type { Logger } from '../util/log';

export interface EngineQueryOptions {
  /** Overrides the server's lookback delta for this query (the `lookback_delta` parameter). */
  lookbackDeltaMs?: number;
  /** Aborted when the client goes away or the `timeout` parameter expires (see abortReason). */
  signal?: AbortSignal;
}

/** Evaluates PromQL; throws QueryError (promql/value.ts) with bad_data for parse errors. */
export interface QueryEngine {
  instantQuery(q: Queryable, query: string, ts: number, opts?: EngineQueryOptions): Promise<QueryResult>;
  rangeQuery(
    q: Queryable,
    query: string,
    start: number,
    end: number,
    step: number,
    opts?: EngineQueryOptions
  ): Promise<QueryResult>;
}

/** The parts of the PromQL parser the API uses directly; each throws on invalid input. */
export interface PromqlParser {
  parseExpr(query: string): Expr;
  parseMetricSelector(selector: string): Matcher[];
  prettifyExpr(expr: Expr): string;
  /** The `parse_query` JSON form of an expression. */
  astToJSON(expr: Expr): unknown;
}

export interface HeadStats {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number;
  minTime: number;
  maxTime: number;
}

export interface NameCount {
  name: string;
  value: number;
}

/** The data of /api/v1/status/tsdb. */
export interface TsdbStatus {
  headStats: HeadStats;
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

export interface WalReplayStatus {
  min: number;
  max: number;
  current: number;
}

/** What the TSDB offers beyond Queryable: statistics and the admin operations. */
export interface TsdbAdmin {
  status(limit: number): TsdbStatus;
  walReplayStatus(): WalReplayStatus;
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): Promise<void>;
  cleanTombstones(): Promise<void>;
  snapshot(dir: string, withHead: boolean): Promise<void>;
}

// The scrape manager's own target shapes are what the API serves.
export type { TargetHealth } from '../scrape/target';
export type { TargetInfo as ActiveTarget, DroppedTargetInfo as DroppedTarget } from '../scrape/pool';

export interface MetricMetadata {
  metric: string;
  type: string;
  help: string;
  unit: string;
}

export interface TargetMetadata extends MetricMetadata {
  /** The target's labels (identifies the target). */
  target: Labels;
}

export interface ScrapeView {
  activeTargets(): ActiveTarget[];
  droppedTargets(): DroppedTarget[];
  /** Metadata per active target, one entry per target and metric. */
  targetMetadata(): TargetMetadata[];
  /** Names of the configured scrape pools. */
  pools(): string[];
}

// The rule manager builds the JSON shapes of /api/v1/rules and /api/v1/alerts; the API filters them.
export type {
  AlertStatus,
  AlertingRuleStatus,
  RecordingRuleStatus,
  RuleStatus,
  RuleGroupStatus,
} from '../rules/status';

export interface RulesView {
  /** Groups sorted by file, then name. */
  groups(): RuleGroupStatus[];
  /** Every pending or firing alert. */
  alerts(): AlertStatus[];
}

/** The notifier's Alertmanager URLs (the notifier implements this as is). */
export interface AlertmanagersView {
  alertmanagers(): { active: string[]; dropped: string[] };
}

/** Process facts for /api/v1/status/runtimeinfo that only the server knows. */
export interface RuntimeState {
  reloadConfigSuccess: boolean;
  /** ms since epoch of the last successful config load. */
  lastConfigTime: number;
  corruptionCount: number;
}

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

export interface ApiDeps {
  engine: QueryEngine;
  parser: PromqlParser;
  queryable: Queryable;
  /** Absent until the TSDB is open: status/tsdb, walreplay and admin calls then answer 503. */
  tsdb?: TsdbAdmin;
  scrape?: ScrapeView;
  /** Present when exemplar storage is enabled; /query_exemplars answers from it. */
  exemplars?: Pick<ExemplarStorage, 'select'>;
  rules?: RulesView;
  alertmanagers?: AlertmanagersView;
  /** The loaded configuration file's text. */
  configYaml(): string;
  /** The external labels of the loaded configuration (for /federate). */
  externalLabels(): Labels;
  flags: Record<string, string>;
  runtime(): RuntimeState;
  buildInfo: BuildInfo;
  enableAdminApi: boolean;
  lookbackDeltaMs: number;
  /** The TSDB directory; snapshots go to `<storagePath>/snapshots/<name>`. */
  storagePath: string;
  retentionTimeMs: number;
  retentionSizeBytes: number;
  /** ms since epoch when the process started. */
  startTime: number;
  /** False while the server starts up: API calls then answer 503 like Prometheus's readiness wrapper. */
  ready?(): boolean;
  /** Serves /metrics (the process's own metrics), when the metrics registry is wired. */
  metricsHandler?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  /** Where internal errors are logged. */
  logger?: Logger;
  /** The clock; tests pin it. */
  now?(): number;
}
