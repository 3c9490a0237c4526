// `flint test rules FILE...`: runs rule unit-test files in promtool's format, with promtool's
// output (`Unit Testing:  FILE`, `  SUCCESS` or `  FAILED:` and each failure) and exit code 1
// when any test fails.
import fs from 'node:fs';
import { runRuleUnitTests } from '../rules/unittest';
import { registerSubcommand } from './flint';

export interface TestRulesOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

export async function testRuleFiles(files: readonly string[], out: TestRulesOutput): Promise<number> {
  let failed = false;
  for (const file of files) {
    out.stdout(`Unit Testing:  ${file}`);
    const errors = await runRuleUnitTests(file);
    if (errors.length > 0) {
      failed = true;
      out.stderr('  FAILED:');
      for (const e of errors) {
        out.stderr(e);
        out.stdout('');
      }
    } else out.stdout('  SUCCESS');
    out.stdout('');
  }
  return failed ? 1 : 0;
}

registerSubcommand({
  path: ['test', 'rules'],
  usage: 'test rules <test-rule-file>...',
  help: 'Unit tests for rules (like promtool test rules).',
  run: async (args) => {
    if (args.length === 0) {
      process.stderr.write("flint: error: required argument 'test-rule-file' not provided, try --help\n");
      return 1;
    }
    for (const f of args) {
      if (!fs.existsSync(f)) {
        process.stderr.write(`flint: error: path '${f}' does not exist, try --help\n`);
        return 1;
      }
    }
    return testRuleFiles(args, { stdout: (l) => process.stdout.write(l + '\n'), stderr: (l) => process.stderr.write(l + '\n') });
  },
});
