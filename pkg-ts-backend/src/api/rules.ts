// /rules, /alerts and /alertmanagers: views of the rule manager and the notifier.
import { createHash } from 'node:crypto';
import { labelsToRecord } from '../model/labels';
import type { Matcher } from '../model/matcher';
import { formatFloatExponent, formatRFC3339 } from './encode';
import type { ApiRequest, ApiResult } from './handler';
import { goQuote, invalidParam, matcherSetsParam } from './params';
import type { ActiveAlert, AlertingRuleView, AlertState, RuleGroupView, RuleView } from './types';

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

export function alertJSON(a: ActiveAlert) {
  return {
    labels: labelsToRecord(a.labels),
    annotations: labelsToRecord(a.annotations),
    state: a.state,
    activeAt: formatRFC3339(a.activeAt),
    keepFiringSince: a.keepFiringSince > 0 ? formatRFC3339(a.keepFiringSince) : undefined,
    value: formatFloatExponent(a.value),
  };
}

function ruleState(rule: AlertingRuleView): AlertState {
  if (rule.alerts.some((a) => a.state === 'firing')) return 'firing';
  if (rule.alerts.some((a) => a.state === 'pending')) return 'pending';
  return 'inactive';
}

function ruleJSON(rule: RuleView, excludeAlerts: boolean) {
  const common = {
    health: rule.health,
    lastError: rule.lastError === '' ? undefined : rule.lastError,
    evaluationTime: rule.evaluationTimeSeconds,
    lastEvaluation: formatRFC3339(rule.lastEvaluation),
    type: rule.type,
  };
  if (rule.type === 'recording') {
    return { name: rule.name, query: rule.query, labels: rule.labels.length ? labelsToRecord(rule.labels) : undefined, ...common };
  }
  return {
    state: ruleState(rule),
    name: rule.name,
    query: rule.query,
    duration: rule.durationMs / 1000,
    keepFiringFor: rule.keepFiringForMs / 1000,
    labels: labelsToRecord(rule.labels),
    annotations: labelsToRecord(rule.annotations),
    alerts: excludeAlerts ? undefined : rule.alerts.map(alertJSON),
    ...common,
  };
}

/** The opaque pagination token of a group: stable across calls while the group exists. */
function groupToken(g: RuleGroupView): string {
  return createHash('sha1').update(`${g.file};${g.name}`).digest('hex');
}

function matchesAnySet(sets: Matcher[][], rule: RuleView): boolean {
  if (sets.length === 0) return true;
  const rec = labelsToRecord(rule.labels);
  return sets.some((ms) => ms.every((m) => m.matches(rec[m.name] ?? '')));
}

interface RuleFilters {
  returnAlerting: boolean;
  returnRecording: boolean;
  ruleNames: Set<string>;
  groupNames: Set<string>;
  files: Set<string>;
  matcherSets: Matcher[][];
  excludeAlerts: boolean;
}

function ruleFilters(r: ApiRequest): RuleFilters {
  const typ = (r.url.searchParams.get('type') ?? '').toLowerCase();
  if (typ !== '' && typ !== 'alert' && typ !== 'record') throw invalidParam('type', new Error(`not supported value ${goQuote(typ)}`));
  let excludeAlerts = false;
  const ex = r.form.get('exclude_alerts');
  if (ex !== '') {
    try {
      excludeAlerts = parseGoBool(ex);
    } catch (err) {
      throw invalidParam('exclude_alerts', err);
    }
  }
  return {
    returnAlerting: typ === '' || typ === 'alert',
    returnRecording: typ === '' || typ === 'record',
    ruleNames: new Set(r.form.all('rule_name[]')),
    groupNames: new Set(r.form.all('rule_group[]')),
    files: new Set(r.form.all('file[]')),
    matcherSets: matcherSetsParam(r.deps.parser, r.form.all('match[]')),
    excludeAlerts,
  };
}

function groupLimit(r: ApiRequest): number {
  const s = r.form.get('group_limit');
  if (s === '') return 0;
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!(n > 0)) throw invalidParam('group_limit', new Error('group_limit needs to be greater than 0'));
  return n;
}

export function rules(r: ApiRequest): ApiResult {
  const f = ruleFilters(r);
  const limit = groupLimit(r);
  const nextToken = r.form.get('group_next_token');
  if (nextToken !== '' && limit === 0) throw invalidParam('group_next_token', new Error('group_limit needs to be present in order to paginate over the groups'));
  const ruleFiltered = f.ruleNames.size > 0 || f.matcherSets.length > 0 || !f.returnAlerting || !f.returnRecording;
  let groups = (r.deps.rules?.groups() ?? []).filter((g) => (f.groupNames.size === 0 || f.groupNames.has(g.name)) && (f.files.size === 0 || f.files.has(g.file)));
  if (nextToken !== '') {
    const at = groups.findIndex((g) => groupToken(g) === nextToken);
    if (at < 0) throw invalidParam('group_next_token', new Error('no matching group found for the given group_next_token'));
    groups = groups.slice(at);
  }
  const out: unknown[] = [];
  let groupNextToken: string | undefined;
  for (const g of groups) {
    const selected = g.rules.filter(
      (rule) =>
        (rule.type === 'alerting' ? f.returnAlerting : f.returnRecording) &&
        (f.ruleNames.size === 0 || f.ruleNames.has(rule.name)) &&
        matchesAnySet(f.matcherSets, rule)
    );
    if (ruleFiltered && selected.length === 0) continue;
    if (limit > 0 && out.length === limit) {
      groupNextToken = groupToken(g);
      break;
    }
    out.push({
      name: g.name,
      file: g.file,
      rules: selected.map((rule) => ruleJSON(rule, f.excludeAlerts)),
      interval: g.intervalMs / 1000,
      limit: g.limit,
      evaluationTime: g.evaluationTimeSeconds,
      lastEvaluation: formatRFC3339(g.lastEvaluation),
    });
  }
  return { data: { groups: out, groupNextToken } };
}

export function alerts(r: ApiRequest): ApiResult {
  const out: unknown[] = [];
  for (const g of r.deps.rules?.groups() ?? []) {
    for (const rule of g.rules) if (rule.type === 'alerting') for (const a of rule.alerts) out.push(alertJSON(a));
  }
  return { data: { alerts: out } };
}

export function alertmanagers(r: ApiRequest): ApiResult {
  const am = r.deps.alertmanagers;
  return {
    data: {
      activeAlertmanagers: (am?.active() ?? []).map((url) => ({ url })),
      droppedAlertmanagers: (am?.dropped() ?? []).map((url) => ({ url })),
    },
  };
}
