// Rule unit tests in promtool's format (`promtool test rules`): input series in the expanding
// notation, rules evaluated every evaluation_interval from time 0, firing alerts compared at each
// alert_rule_test eval_time and PromQL results at each promql_expr_test eval_time. Failures are
// reported in promtool's words.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Node } from 'yaml';
import { YamlInputError, YamlReader } from '../config/yamlReader';
import { compareLabels, Label, Labels, labelsFromPairs, labelsKey } from '../model/labels';
import { formatDuration } from '../model/duration';
import { Engine } from '../promql/engine';
import { parseExpr, parseSeriesDesc } from '../promql/parser';
import { MemoryStorage } from '../storage/memory';
import { createLogger } from '../util/log';
import { AlertingRule } from './alerting';
import { engineQueryFunc } from './engineQuery';
import { parseRuleFile, RuleFileError, RuleGroupSpec } from './file';
import { Group } from './group';
import { RecordingRule } from './recording';
import type { Rule } from './rule';
import { formatFloatE } from './template/gofmt';

interface AlertTestCase {
  evalTimeMs: number;
  alertname: string;
  expAlerts: { labels: [string, string][]; annotations: [string, string][] }[];
}

interface PromqlTestCase {
  expr: string;
  evalTimeMs: number;
  expSamples: { labels: string; value: number }[];
}

interface TestGroup {
  intervalMs: number;
  inputSeries: { series: string; values: string }[];
  alertTests: AlertTestCase[];
  promqlTests: PromqlTestCase[];
  externalLabels: [string, string][];
  externalUrl: string;
  name: string;
}

interface UnitTestFile {
  ruleFiles: string[];
  evaluationIntervalMs: number;
  groupEvalOrder: string[];
  tests: TestGroup[];
}

const DEFAULT_INTERVAL_MS = 60_000;
const silent = createLogger({ level: 'error', write: () => undefined });

function readTestFile(text: string): UnitTestFile {
  const r = new YamlReader(text);
  const file: UnitTestFile = { ruleFiles: [], evaluationIntervalMs: 0, groupEvalOrder: [], tests: [] };
  const pairs = (node: Node | null): [string, string][] => r.stringMap(node).map(([k, v]) => [k, v]);
  r.struct(r.root(), 'main.unitTestFile', {
    rule_files: (v) => (file.ruleFiles = r.stringList(v)),
    evaluation_interval: (v) => (file.evaluationIntervalMs = r.duration(v)),
    group_eval_order: (v) => (file.groupEvalOrder = r.stringList(v)),
    tests: (v) =>
      r.list(v, '[]main.testGroup', (tnode) => {
        const tg: TestGroup = { intervalMs: 0, inputSeries: [], alertTests: [], promqlTests: [], externalLabels: [], externalUrl: '', name: '' };
        r.struct(tnode, 'main.testGroup', {
          interval: (x) => (tg.intervalMs = r.duration(x)),
          input_series: (x) =>
            r.list(x, '[]main.series', (snode) => {
              const s = { series: '', values: '' };
              r.struct(snode, 'main.series', { series: (y) => (s.series = r.string(y)), values: (y) => (s.values = r.string(y)) });
              tg.inputSeries.push(s);
            }),
          alert_rule_test: (x) =>
            r.list(x, '[]main.alertTestCase', (anode) => {
              const a: AlertTestCase = { evalTimeMs: 0, alertname: '', expAlerts: [] };
              r.struct(anode, 'main.alertTestCase', {
                eval_time: (y) => (a.evalTimeMs = r.duration(y)),
                alertname: (y) => (a.alertname = r.string(y)),
                exp_alerts: (y) =>
                  r.list(y, '[]main.alert', (enode) => {
                    const e = { labels: [] as [string, string][], annotations: [] as [string, string][] };
                    r.struct(enode, 'main.alert', { exp_labels: (z) => (e.labels = pairs(z)), exp_annotations: (z) => (e.annotations = pairs(z)) });
                    a.expAlerts.push(e);
                  }),
              });
              tg.alertTests.push(a);
            }),
          promql_expr_test: (x) =>
            r.list(x, '[]main.promqlTestCase', (pnode) => {
              const p: PromqlTestCase = { expr: '', evalTimeMs: 0, expSamples: [] };
              r.struct(pnode, 'main.promqlTestCase', {
                expr: (y) => (p.expr = r.string(y)),
                eval_time: (y) => (p.evalTimeMs = r.duration(y)),
                exp_samples: (y) =>
                  r.list(y, '[]main.sample', (snode) => {
                    const s = { labels: '', value: 0 };
                    r.struct(snode, 'main.sample', { labels: (z) => (s.labels = r.string(z)), value: (z) => (s.value = r.float(z)) });
                    p.expSamples.push(s);
                  }),
              });
              tg.promqlTests.push(p);
            }),
          external_labels: (x) => (tg.externalLabels = pairs(x)),
          external_url: (x) => (tg.externalUrl = r.string(x)),
          name: (x) => (tg.name = r.string(x)),
        });
        file.tests.push(tg);
      }),
  });
  return file;
}

function toLabels(pairs: [string, string][]): Labels {
  return labelsFromPairs(pairs.map(([name, value]): Label => ({ name, value })));
}

/** Go's labels.Labels String(): every label, `__name__` included, in braces. */
function labelsString(ls: Labels): string {
  return `{${ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(', ')}}`;
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l, i) => (i > 0 ? indent + l : l))
    .join('\n');
}

interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

function alertsString(list: LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const one = (a: LabelsAndAnnotations): string => `Labels:${labelsString(a.labels)}\nAnnotations:${labelsString(a.annotations)}`;
  return '[\n' + list.map((a, i) => `${i}:` + indentLines('\n' + one(a), '  ')).join(',\n') + '\n]';
}

function sortAlerts(list: LabelsAndAnnotations[]): LabelsAndAnnotations[] {
  return list.sort((a, b) => compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations));
}

function sampleString(labels: Labels, value: number): string {
  return `${labelsString(labels)} ${formatFloatE(value, -1, true)}`;
}

function buildRules(specs: RuleGroupSpec[], externalLabels: Labels, externalUrl: string): { name: string; rules: Rule[] }[] {
  return specs.map((g) => ({
    name: g.name,
    rules: g.rules.map((r): Rule => {
      let labels = g.labels;
      for (const l of r.labels) labels = labelsFromPairs([...labels, l]);
      if (r.kind === 'recording') return new RecordingRule(r.name, r.expr, r.exprText, labels);
      return new AlertingRule({
        name: r.name,
        expr: r.expr,
        query: r.exprText,
        forMs: r.forMs,
        keepFiringForMs: r.keepFiringForMs,
        labels,
        annotations: r.annotations,
        externalLabels,
        externalUrl,
        restored: true,
      });
    }),
  }));
}

async function runTestGroup(tg: TestGroup, specs: RuleGroupSpec[], evalIntervalMs: number, groupOrder: string[]): Promise<string[]> {
  const errors: string[] = [];
  const storage = new MemoryStorage();
  const engine = new Engine({ defaultEvalIntervalMs: evalIntervalMs });
  const query = engineQueryFunc(engine, storage);
  const interval = tg.intervalMs || evalIntervalMs;

  const app = storage.appender();
  for (const s of tg.inputSeries) {
    const desc = parseSeriesDesc(`${s.series} ${s.values}`);
    desc.values.forEach((v, i) => {
      if (!v.omitted) app.append(0, desc.labels, i * interval, v.value);
    });
  }
  await app.commit();

  const externalLabels = toLabels(tg.externalLabels);
  const ordered = buildRules(specs, externalLabels, tg.externalUrl);
  if (groupOrder.length > 0) ordered.sort((a, b) => groupOrder.indexOf(a.name) - groupOrder.indexOf(b.name));
  let clock = 0;
  const groups = ordered.map(
    (g) =>
      new Group({
        name: g.name,
        file: '',
        intervalMs: evalIntervalMs,
        limit: 0,
        queryOffsetMs: 0,
        rules: g.rules,
        appendable: storage,
        queryable: storage,
        query,
        textQuery: (q, ts) => query(parseExpr(q), ts),
        logger: silent,
        resendDelayMs: 60_000,
        outageToleranceMs: 3_600_000,
        gracePeriodMs: 600_000,
        shouldRestore: false,
        now: () => clock,
      })
  );

  const maxt = Math.max(0, ...tg.alertTests.map((a) => a.evalTimeMs), ...tg.promqlTests.map((p) => p.evalTimeMs));
  const alertTimes = [...new Set(tg.alertTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
  let curr = 0;
  for (let ts = 0; ts <= maxt; ts += evalIntervalMs) {
    clock = ts;
    const evalErrors: string[] = [];
    for (const g of groups) {
      await g.evaluate(ts);
      for (const r of g.rules) if (r.health === 'err') evalErrors.push(`    rule: ${r.name}, time: ${formatDuration(ts)}, err: ${r.lastError}`);
    }
    if (evalErrors.length > 0) return [...errors, ...evalErrors];
    while (curr < alertTimes.length && ts <= alertTimes[curr] && alertTimes[curr] < ts + evalIntervalMs) {
      const t = alertTimes[curr];
      for (const tc of tg.alertTests.filter((a) => a.evalTimeMs === t)) {
        const got: LabelsAndAnnotations[] = [];
        for (const g of groups) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRule) || r.name !== tc.alertname) continue;
            for (const a of r.activeAlerts()) if (a.state === 'firing') got.push({ labels: a.labels, annotations: a.annotations });
          }
        }
        const exp = tc.expAlerts.map((e) => ({ labels: toLabels([...e.labels.filter(([k]) => k !== 'alertname'), ['alertname', tc.alertname]]), annotations: toLabels(e.annotations) }));
        sortAlerts(got);
        sortAlerts(exp);
        const same = got.length === exp.length && got.every((g, i) => labelsKey(g.labels) === labelsKey(exp[i].labels) && labelsKey(g.annotations) === labelsKey(exp[i].annotations));
        if (!same) {
          const name = tg.name ? `    name: ${tg.name},\n` : '';
          errors.push(
            `${name}    alertname: ${tc.alertname}, time: ${formatDuration(t)}, \n        exp:${indentLines(alertsString(exp), '            ')}, \n        got:${indentLines(alertsString(got), '            ')}`
          );
        }
      }
      curr++;
    }
  }

  for (const tc of tg.promqlTests) {
    const at = formatDuration(tc.evalTimeMs);
    let got;
    try {
      got = await query(parseExpr(tc.expr), tc.evalTimeMs);
    } catch (err) {
      errors.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${at}, err: ${(err as Error).message}`);
      continue;
    }
    const exp: { labels: Labels; value: number }[] = [];
    let bad = false;
    for (const s of tc.expSamples) {
      try {
        exp.push({ labels: parseSeriesDesc(s.labels).labels, value: s.value });
      } catch (err) {
        errors.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${at}, err: labels ${JSON.stringify(s.labels)}: ${(err as Error).message}`);
        bad = true;
        break;
      }
    }
    if (bad) continue;
    const gotSamples = got.map((s) => ({ labels: s.metric, value: s.v })).sort((a, b) => compareLabels(a.labels, b.labels));
    exp.sort((a, b) => compareLabels(a.labels, b.labels));
    const same = exp.length === gotSamples.length && exp.every((e, i) => labelsKey(e.labels) === labelsKey(gotSamples[i].labels) && (Object.is(e.value, gotSamples[i].value) || e.value === gotSamples[i].value));
    if (!same) {
      const list = (xs: { labels: Labels; value: number }[]): string => (xs.length === 0 ? 'nil' : xs.map((x) => sampleString(x.labels, x.value)).join(', '));
      errors.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${at},\n        exp: ${list(exp)}\n        got: ${list(gotSamples)}`);
    }
  }
  return errors;
}

/** Runs one unit-test file; returns the failures (empty when every test passed). */
export async function runRuleUnitTests(path: string): Promise<string[]> {
  let file: UnitTestFile;
  try {
    file = readTestFile(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof YamlInputError) return [err.message];
    return [(err as Error).message];
  }
  const evalInterval = file.evaluationIntervalMs || DEFAULT_INTERVAL_MS;
  const specs: RuleGroupSpec[] = [];
  for (const rf of file.ruleFiles) {
    const resolved = isAbsolute(rf) ? rf : join(dirname(path), rf);
    try {
      specs.push(...parseRuleFile(readFileSync(resolved, 'utf8'), resolved));
    } catch (err) {
      return err instanceof RuleFileError ? err.errors : [(err as Error).message];
    }
  }
  const errors: string[] = [];
  for (const tg of file.tests) errors.push(...(await runTestGroup(tg, specs, evalInterval, file.groupEvalOrder)));
  return errors;
}
