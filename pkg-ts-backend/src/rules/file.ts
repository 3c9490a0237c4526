// Rule files in Prometheus's YAML format, validated as strictly as `promtool check rules`:
// unknown fields, duplicate or empty group names, bad metric/label/annotation names, fields that
// do not belong to the rule kind, unparseable expressions and label/annotation templates.
// Every problem is reported (not just the first), each naming the file, group, rule and position.
import type { Node } from 'yaml';
import { YamlInputError, YamlReader } from '../config/yamlReader';
import { isValidLegacyLabelName, isValidLegacyMetricName, Label, Labels, labelsFromPairs } from '../model/labels';
import type { Expr } from '../promql/parser/ast';
import { parseExpr, ParseOptions } from '../promql/parser';
import { checkAlertTemplate } from './template';

export interface RuleSpec {
  kind: 'recording' | 'alerting';
  /** The `record` or `alert` name. */
  name: string;
  exprText: string;
  expr: Expr;
  forMs: number;
  keepFiringForMs: number;
  /** Label templates for alerts, fixed labels for recording rules (sorted, as written otherwise). */
  labels: Labels;
  annotations: Labels;
}

export interface RuleGroupSpec {
  name: string;
  file: string;
  /** 0 when unset: the global evaluation interval applies. */
  intervalMs: number;
  /** Max alerts or series per evaluation; 0 = no limit. */
  limit: number;
  /** null when unset: the global rule_query_offset applies. */
  queryOffsetMs: number | null;
  labels: Labels;
  rules: RuleSpec[];
}

/** All the problems of one rule file, each already prefixed with the file name. */
export class RuleFileError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

interface Position {
  line: number;
  col: number;
}

function positionOf(text: string, node: Node | null | undefined): Position | null {
  const start = node?.range?.[0];
  if (start === undefined) return null;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < start; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: start - lineStart + 1 };
}

interface RawRule {
  record: string;
  recordNode: Node | null;
  alert: string;
  alertNode: Node | null;
  expr: string;
  exprNode: Node | null;
  forMs: number;
  keepFiringForMs: number;
  labels: [string, string][];
  annotations: [string, string][];
}

function readRule(r: YamlReader, node: Node | null): RawRule {
  const rule: RawRule = { record: '', recordNode: null, alert: '', alertNode: null, expr: '', exprNode: null, forMs: 0, keepFiringForMs: 0, labels: [], annotations: [] };
  r.struct(node, 'rulefmt.RuleNode', {
    record: (v) => ((rule.record = r.string(v)), (rule.recordNode = v)),
    alert: (v) => ((rule.alert = r.string(v)), (rule.alertNode = v)),
    expr: (v) => ((rule.expr = r.string(v)), (rule.exprNode = v)),
    for: (v) => (rule.forMs = r.duration(v)),
    keep_firing_for: (v) => (rule.keepFiringForMs = r.duration(v)),
    labels: (v) => (rule.labels = r.stringMap(v).map(([k, val]) => [k, val])),
    annotations: (v) => (rule.annotations = r.stringMap(v).map(([k, val]) => [k, val])),
  });
  return rule;
}

function toLabels(pairs: [string, string][]): Labels {
  return labelsFromPairs(pairs.map(([name, value]): Label => ({ name, value })));
}

/** Parses and validates a rule file; throws RuleFileError listing every problem. */
export function parseRuleFile(text: string, filename: string, parseOptions: ParseOptions = {}): RuleGroupSpec[] {
  const errors: string[] = [];
  const groups: RuleGroupSpec[] = [];
  try {
    const r = new YamlReader(text);
    const root = r.root();
    const rawGroups: { node: Node | null; name: string; intervalMs: number; limit: number; queryOffsetMs: number | null; labels: [string, string][]; rules: RawRule[] }[] = [];
    r.struct(root, 'rulefmt.RuleGroups', {
      groups: (v) =>
        r.list(v, '[]rulefmt.RuleGroup', (gnode) => {
          const g = { node: gnode, name: '', intervalMs: 0, limit: 0, queryOffsetMs: null as number | null, labels: [] as [string, string][], rules: [] as RawRule[] };
          r.struct(gnode, 'rulefmt.RuleGroup', {
            name: (x) => (g.name = r.string(x)),
            interval: (x) => (g.intervalMs = r.duration(x)),
            query_offset: (x) => (g.queryOffsetMs = r.duration(x)),
            limit: (x) => (g.limit = r.int(x)),
            labels: (x) => (g.labels = r.stringMap(x).map(([k, val]) => [k, val])),
            rules: (x) => r.list(x, '[]rulefmt.RuleNode', (rn) => g.rules.push(readRule(r, rn))),
          });
          rawGroups.push(g);
        }),
    });
    const seen = new Set<string>();
    for (const g of rawGroups) {
      const at = (node: Node | null): string => {
        const p = positionOf(text, node);
        return p ? `${p.line}:${p.col}: ` : '';
      };
      if (g.name === '') errors.push(`${at(g.node)}Groupname must not be empty`);
      else if (seen.has(g.name)) errors.push(`${at(g.node)}groupname: ${JSON.stringify(g.name)} is repeated in the same file`);
      seen.add(g.name);
      for (const [k] of g.labels) if (!isValidLegacyLabelName(k)) errors.push(`group ${JSON.stringify(g.name)}: invalid label name: ${k}`);
      const rules: RuleSpec[] = [];
      g.rules.forEach((raw, i) => {
        const spec = validateRule(text, g.name, i + 1, raw, errors, parseOptions);
        if (spec) rules.push(spec);
      });
      groups.push({ name: g.name, file: filename, intervalMs: g.intervalMs, limit: g.limit, queryOffsetMs: g.queryOffsetMs, labels: toLabels(g.labels), rules });
    }
  } catch (err) {
    if (!(err instanceof YamlInputError)) throw err;
    errors.push(err.message);
  }
  if (errors.length > 0) throw new RuleFileError(errors.map((e) => `${filename}: ${e}`));
  return groups;
}

function validateRule(
  text: string,
  group: string,
  index: number,
  raw: RawRule,
  errors: string[],
  parseOptions: ParseOptions
): RuleSpec | null {
  const ruleName = raw.alert !== '' ? raw.alert : raw.record;
  const before = errors.length;
  const fail = (nodes: (Node | null)[], msg: string): void => {
    const where = nodes.map((n) => positionOf(text, n) ?? { line: 0, col: 0 }).map((p) => `${p.line}:${p.col}: `);
    errors.push(`${where.join('')}group ${JSON.stringify(group)}, rule ${index}, ${JSON.stringify(ruleName)}: ${msg}`);
  };
  const failNoPos = (msg: string): void => {
    errors.push(`group ${JSON.stringify(group)}, rule ${index}, ${JSON.stringify(ruleName)}: ${msg}`);
  };
  if (raw.record !== '' && raw.alert !== '') fail([raw.recordNode, raw.alertNode], "only one of 'record' and 'alert' must be set");
  if (raw.record === '' && raw.alert === '') fail([null], "one of 'record' or 'alert' must be set");
  let expr: Expr | null = null;
  if (raw.expr === '') fail([raw.exprNode], "field 'expr' must be set in rule");
  else {
    try {
      expr = parseExpr(raw.expr, parseOptions);
    } catch (err) {
      fail([raw.exprNode], `could not parse expression: ${(err as Error).message}`);
    }
  }
  if (raw.record !== '') {
    if (raw.annotations.length > 0) fail([raw.recordNode], "invalid field 'annotations' in recording rule");
    if (raw.forMs !== 0) fail([raw.recordNode], "invalid field 'for' in recording rule");
    if (raw.keepFiringForMs !== 0) fail([raw.recordNode], "invalid field 'keep_firing_for' in recording rule");
    if (!isValidLegacyMetricName(raw.record)) fail([raw.recordNode], `invalid recording rule name: ${raw.record}`);
  }
  for (const [k] of [...raw.labels].sort()) {
    if (!isValidLegacyLabelName(k) || k === '__name__') failNoPos(`invalid label name: ${k}`);
  }
  for (const [k] of [...raw.annotations].sort()) {
    if (!isValidLegacyLabelName(k)) failNoPos(`invalid annotation name: ${k}`);
  }
  if (raw.alert !== '') {
    for (const [k, v] of [...raw.labels].sort()) {
      const err = checkAlertTemplate(raw.alert, v);
      if (err) failNoPos(`label ${JSON.stringify(k)}: ${err}`);
    }
    for (const [k, v] of [...raw.annotations].sort()) {
      const err = checkAlertTemplate(raw.alert, v);
      if (err) failNoPos(`annotation ${JSON.stringify(k)}: ${err}`);
    }
  }
  if (errors.length > before || expr === null) return null;
  return {
    kind: raw.alert !== '' ? 'alerting' : 'recording',
    name: ruleName,
    exprText: raw.expr,
    expr,
    forMs: raw.forMs,
    keepFiringForMs: raw.keepFiringForMs,
    labels: toLabels(raw.labels),
    annotations: toLabels(raw.annotations),
  };
}
