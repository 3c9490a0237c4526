import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRuleFiles } from './checkRules';

function run(files: string[], lintFatal = false): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = checkRuleFiles(files, { lint: 'duplicate-rules', lintFatal }, { stdout: (l) => (stdout += l + '\n'), stderr: (l) => (stderr += l + '\n') });
  return { code, stdout, stderr };
}

describe('flint check rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-check-rules-'));
  const good = join(dir, 'good.yml');
  writeFileSync(good, 'groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n  - alert: A\n    expr: up == 0\n    for: 5m\n');
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'groups:\n- name: g\n  rules:\n  - record: "bad name"\n    expr: up\n');
  const dup = join(dir, 'dup.yml');
  writeFileSync(dup, 'groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n    labels: {x: y}\n  - record: a\n    expr: up\n    labels: {x: y}\n');

  test('valid files: SUCCESS with the rule count, exit 0', () => {
    expect(run([good])).toEqual({ code: 0, stdout: `Checking ${good}\n  SUCCESS: 2 rules found\n\n`, stderr: '' });
  });

  test('invalid files: FAILED and the errors on stderr, exit 1', () => {
    expect(run([good, bad])).toEqual({
      code: 1,
      stdout: `Checking ${good}\n  SUCCESS: 2 rules found\n\nChecking ${bad}\n\n`,
      stderr: `  FAILED:\n${bad}: 4:13: group "g", rule 1, "bad name": invalid recording rule name: bad name\n`,
    });
  });

  test('duplicate rules are a lint error: exit 0, or 3 with --lint-fatal', () => {
    const r = run([dup]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: a\nLabel(s):\n\tx: y\nMight cause inconsistency while recording expressions\n');
    expect(run([dup], true).code).toBe(3);
  });
});
