// Differential test against Debian's promtool (Prometheus 2.42): the same rule unit-test files
// through `promtool test rules` and `flint test rules` must print the same results.
// (Prometheus 2 includes a sample exactly one lookback delta old, Prometheus 3 does not: the
// test data stays clear of that boundary.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkRuleFiles } from '../cmd/checkRules';
import { testRuleFiles } from '../cmd/testRules';

const PROMTOOL = '/usr/bin/promtool';

describe('flint test rules agrees with promtool test rules', () => {
  test.each(['ut.yml', 'ut-pass.yml', 'semantics.yml', 'templates.yml'])('%s', async (name) => {
    const cwd = join(__dirname, 'testdata');
    const ref = spawnSync(PROMTOOL, ['test', 'rules', name], { cwd, encoding: 'utf8', timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    const code = await testRuleFiles([join(cwd, name)], { stdout: (l) => (stdout += l + '\n'), stderr: (l) => (stderr += l + '\n') });
    expect(stderr).toBe(ref.stderr);
    expect(stdout.replace(join(cwd, name), name)).toBe(ref.stdout);
    expect(code).toBe(ref.status);
  });
});

describe('flint check rules agrees with promtool check rules', () => {
  test.each([['good.yml'], ['bad.yml'], ['good.yml', 'bad.yml', 'semantics-rules.yml']])('%s', (...names) => {
    const cwd = join(__dirname, 'testdata');
    const ref = spawnSync(PROMTOOL, ['check', 'rules', ...names], { cwd, encoding: 'utf8', timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    const cwdBefore = process.cwd();
    process.chdir(cwd);
    let code: number;
    try {
      code = checkRuleFiles(names, { lint: 'duplicate-rules', lintFatal: false }, { stdout: (l) => (stdout += l + '\n'), stderr: (l) => (stderr += l + '\n') });
    } finally {
      process.chdir(cwdBefore);
    }
    expect(stderr).toBe(ref.stderr);
    expect(stdout).toBe(ref.stdout);
    expect(code).toBe(ref.status);
  });
});
