import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleFile, RuleFileError } from './file';

function errorsOf(text: string, file = 'f.yml'): string[] {
  try {
    parseRuleFile(text, file);
  } catch (err) {
    if (err instanceof RuleFileError) return err.errors;
    throw err;
  }
  return [];
}

describe('parseRuleFile', () => {
  test('reads groups and rules with their settings', () => {
    const groups = parseRuleFile(
      `groups:
- name: g
  interval: 30s
  limit: 10
  query_offset: 1m
  labels: {team: a}
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
    labels: {x: "1"}
  - alert: Down
    expr: up == 0
    for: 5m
    keep_firing_for: 1m
    labels: {severity: page}
    annotations: {summary: "{{ $labels.instance }} down"}
`,
      'r.yml'
    );
    expect(groups).toHaveLength(1);
    const g = groups[0];
    expect([g.name, g.file, g.intervalMs, g.limit, g.queryOffsetMs]).toEqual(['g', 'r.yml', 30000, 10, 60000]);
    expect(g.labels).toEqual([{ name: 'team', value: 'a' }]);
    expect(g.rules.map((r) => [r.kind, r.name, r.forMs, r.keepFiringForMs])).toEqual([
      ['recording', 'job:up:sum', 0, 0],
      ['alerting', 'Down', 300000, 60000],
    ]);
    expect(g.rules[1].annotations).toEqual([{ name: 'summary', value: '{{ $labels.instance }} down' }]);
    expect(g.rules[0].expr.type).toBe('AggregateExpr');
  });

  test('unset interval and query_offset are left to the global settings', () => {
    const [g] = parseRuleFile('groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n', 'x');
    expect(g.intervalMs).toBe(0);
    expect(g.queryOffsetMs).toBeNull();
  });

  test('an empty file has no groups', () => {
    expect(parseRuleFile('', 'e.yml')).toEqual([]);
  });

  test('reports every problem as promtool check rules does', () => {
    // Expected lines are promtool's output for the same file (testdata/bad.yml).
    const text = readFileSync(join(__dirname, 'testdata', 'bad.yml'), 'utf8');
    expect(errorsOf(text, 'bad.yml')).toEqual([
      'bad.yml: 4:13: group "g", rule 1, "bad name": invalid recording rule name: bad name',
      'bad.yml: 7:11: group "g", rule 2, "A": could not parse expression: 1:5: parse error: unexpected end of input',
      'bad.yml: group "g", rule 2, "A": label "sev": template: __alert_A:1: function "foo" not defined',
      "bad.yml: 10:13: 11:12: group \"g\", rule 3, \"y\": only one of 'record' and 'alert' must be set",
      'bad.yml: group "g", rule 4, "B": invalid label name: bad-label',
      'bad.yml: group "g", rule 4, "B": invalid annotation name: b-a',
      "bad.yml: 19:13: group \"g\", rule 5, \"r\": invalid field 'for' in recording rule",
      'bad.yml: 22:3: groupname: "g" is repeated in the same file',
      "bad.yml: 0:0: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set",
      'bad.yml: 25:3: Groupname must not be empty',
    ]);
  });

  test('unknown fields are rejected as go-yaml does', () => {
    expect(errorsOf('groups:\n- name: g\n  foo: 1\n  rules: []\n')).toEqual(['f.yml: yaml: unmarshal errors:\n  line 3: field foo not found in type rulefmt.RuleGroup']);
  });

  test('bad durations and YAML syntax are reported with the line', () => {
    expect(errorsOf('groups:\n- name: g\n  interval: 5x\n')[0]).toMatch(/^f\.yml: line 3: not a valid duration string/);
    expect(errorsOf('groups: [')[0]).toMatch(/^f\.yml: yaml: line 1: /);
  });

  test('recording rules may not carry alert-only fields', () => {
    expect(errorsOf('groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    annotations: {a: b}\n    keep_firing_for: 1m\n')).toEqual([
      "f.yml: 4:13: group \"g\", rule 1, \"r\": invalid field 'annotations' in recording rule",
      "f.yml: 4:13: group \"g\", rule 1, \"r\": invalid field 'keep_firing_for' in recording rule",
    ]);
  });
});

describe('parseRuleFile with language features', () => {
  const text = 'groups:\n  - name: g\n    rules:\n      - record: x:info\n        expr: info(up)\n';
  it('rejects an experimental function unless the server enabled it', () => {
    expect(() => parseRuleFile(text, 'r.yml')).toThrow(/info.*not enabled|experimental/);
    const groups = parseRuleFile(text, 'r.yml', { enableExperimentalFunctions: true });
    expect(groups[0].rules).toHaveLength(1);
  });
});
