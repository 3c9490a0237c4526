// The JSON shapes of /api/v1/rules and /api/v1/alerts, built from live groups and rules.
import { Labels, labelsToRecord } from '../model/labels';
import { Alert, AlertingRule, AlertState } from './alerting';
import type { Group } from './group';
import type { RuleHealth } from './rule';
import { formatFloatE } from './template/gofmt';

export interface AlertStatus {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

export interface AlertingRuleStatus {
  state: AlertState;
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertStatus[];
  health: RuleHealth;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

export interface RecordingRuleStatus {
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: RuleHealth;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording';
}

export type RuleStatus = AlertingRuleStatus | RecordingRuleStatus;

export interface RuleGroupStatus {
  name: string;
  file: string;
  rules: RuleStatus[];
  /** Seconds. */
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

/** Go's zero time.Time in JSON, used for never-evaluated rules. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function formatApiTime(ms: number): string {
  return ms === 0 ? GO_ZERO_TIME : new Date(ms).toISOString();
}

function rec(ls: Labels): Record<string, string> {
  return labelsToRecord(ls);
}

export function alertStatus(a: Alert): AlertStatus {
  const out: AlertStatus = { labels: rec(a.labels), annotations: rec(a.annotations), state: a.state, activeAt: formatApiTime(a.activeAt), value: formatFloatE(a.value, -1) };
  if (a.keepFiringSince !== 0) out.keepFiringSince = formatApiTime(a.keepFiringSince);
  return out;
}

export function groupStatus(g: Group): RuleGroupStatus {
  const rules: RuleStatus[] = g.rules.map((r): RuleStatus => {
    const lastError = r.lastError ? { lastError: r.lastError } : {};
    const evaluationTime = r.evaluationTimeMs / 1000;
    const lastEvaluation = formatApiTime(r.lastEvaluation);
    if (r instanceof AlertingRule) {
      return {
        state: r.state(),
        name: r.name,
        query: r.query,
        duration: r.forMs / 1000,
        keepFiringFor: r.keepFiringForMs / 1000,
        labels: rec(r.labels),
        annotations: rec(r.annotations),
        alerts: r.activeAlerts().map(alertStatus),
        health: r.health,
        ...lastError,
        evaluationTime,
        lastEvaluation,
        type: 'alerting',
      };
    }
    return {
      name: r.name,
      query: r.query,
      ...(r.labels.length ? { labels: rec(r.labels) } : {}),
      health: r.health,
      ...lastError,
      evaluationTime,
      lastEvaluation,
      type: 'recording',
    };
  });
  return {
    name: g.name,
    file: g.file,
    rules,
    interval: g.intervalMs / 1000,
    limit: g.limit,
    evaluationTime: g.evaluationTimeMs / 1000,
    lastEvaluation: formatApiTime(g.lastEvaluation),
  };
}
