// /rules, /alerts and /alertmanagers. The rule manager renders groups in the API's JSON shape;
// this module filters and paginates them as Prometheus does.
import { createHash } from 'node:crypto';
import type { Matcher } from '../model/matcher';
import type { ApiRequest, ApiResult } from './handler';
import { goQuote, invalidParam, matcherSetsParam } from './params';
import { ApiError } from './respond';
import type { RuleGroupStatus, RuleStatus } from './types';

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/** The opaque pagination token of a group: stable while the group exists. */
function groupToken(g: RuleGroupStatus): string {
  return createHash('sha1').update(`${g.file};${g.name}`).digest('hex');
}

function matchesAnySet(sets: Matcher[][], rule: RuleStatus): boolean {
  if (sets.length === 0) return true;
  const labels = rule.labels ?? {};
  return sets.some((ms) => ms.every((m) => m.matches(labels[m.name] ?? '')));
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
  const typ = r.form.get('type').toLowerCase();
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

function selectRules(g: RuleGroupStatus, f: RuleFilters): RuleStatus[] {
  const out: RuleStatus[] = [];
  for (const rule of g.rules) {
    if (!(rule.type === 'alerting' ? f.returnAlerting : f.returnRecording)) continue;
    if (f.ruleNames.size > 0 && !f.ruleNames.has(rule.name)) continue;
    if (!matchesAnySet(f.matcherSets, rule)) continue;
    // Prometheus leaves the list out (null) rather than sending an empty one.
    out.push(rule.type === 'alerting' && f.excludeAlerts ? ({ ...rule, alerts: null } as unknown as RuleStatus) : rule);
  }
  return out;
}

export function rules(r: ApiRequest): ApiResult {
  const f = ruleFilters(r);
  const limit = groupLimit(r);
  const nextToken = r.form.get('group_next_token');
  if (nextToken !== '' && limit === 0) throw new ApiError('bad_data', 'group_limit needs to be present in order to paginate over the groups');
  const out: RuleGroupStatus[] = [];
  let groupNextToken: string | undefined;
  let foundToken = nextToken === '';
  for (const g of r.deps.rules?.groups() ?? []) {
    if (!foundToken) {
      if (groupToken(g) !== nextToken) continue;
      foundToken = true;
    }
    if (f.groupNames.size > 0 && !f.groupNames.has(g.name)) continue;
    if (f.files.size > 0 && !f.files.has(g.file)) continue;
    const selected = selectRules(g, f);
    // A group whose rules were all filtered out is not listed.
    if (selected.length === 0) continue;
    if (limit > 0 && out.length === limit) {
      groupNextToken = groupToken(g);
      break;
    }
    out.push({ ...g, rules: selected });
  }
  if (!foundToken) throw new ApiError('bad_data', `invalid group_next_token '${nextToken}'. were rule groups changed?`);
  return { data: { groups: out, groupNextToken } };
}

export function alerts(r: ApiRequest): ApiResult {
  return { data: { alerts: r.deps.rules?.alerts() ?? [] } };
}

export function alertmanagers(r: ApiRequest): ApiResult {
  const am = r.deps.alertmanagers?.alertmanagers() ?? { active: [], dropped: [] };
  return {
    data: {
      activeAlertmanagers: am.active.map((url) => ({ url })),
      droppedAlertmanagers: am.dropped.map((url) => ({ url })),
    },
  };
}
