// `flint check rules FILE...`: validates rule files the way `promtool check rules` does, with the
// same output (stdout `Checking FILE` / `  SUCCESS: N rules found`, stderr `  FAILED:` and the
// errors) and exit codes (0 valid, 1 invalid, 3 lint problems with --lint-fatal).
import fs from 'node:fs';
import { compareLabels, labelsEqual } from '../model/labels';
import { parseRuleFile, RuleFileError, RuleGroupSpec } from '../rules/file';
import { registerSubcommand } from './flint';
// flint.ts loads this module; `flint test rules` registers itself alongside.
import './testRules';

export interface CheckRulesOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

export interface CheckRulesOptions {
  /** `duplicate-rules` (default), `all` or `none`. */
  lint: string;
  lintFatal: boolean;
}

const LINT_ERROR = 'lint error';

/** promtool's duplicate-rules lint: rules with the same name and labels, across all groups of a file. */
function duplicateRulesMessage(groups: RuleGroupSpec[]): string | null {
  const rules = groups.flatMap((g) => g.rules.map((r) => ({ metric: r.name, labels: r.labels })));
  rules.sort((a, b) => (a.metric !== b.metric ? (a.metric < b.metric ? -1 : 1) : compareLabels(a.labels, b.labels)));
  const dups = rules.filter((r, i) => i > 0 && r.metric === rules[i - 1].metric && labelsEqual(r.labels, rules[i - 1].labels));
  if (dups.length === 0) return null;
  let msg = `${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    msg += `Metric: ${d.metric}\nLabel(s):\n`;
    for (const l of d.labels) msg += `\t${l.name}: ${l.value}\n`;
  }
  return `${LINT_ERROR} ${msg}Might cause inconsistency while recording expressions`;
}

/** Checks each file in turn; returns the exit code. */
export function checkRuleFiles(files: readonly string[], opts: CheckRulesOptions, out: CheckRulesOutput): number {
  let failed = false;
  let hasErrors = false;
  for (const file of files) {
    out.stdout(`Checking ${file}`);
    let errors: string[] = [];
    let lintOnly = false;
    let count = 0;
    try {
      const groups = parseRuleFile(fs.readFileSync(file, 'utf8'), file);
      count = groups.reduce((n, g) => n + g.rules.length, 0);
      const dup = opts.lint === 'none' ? null : duplicateRulesMessage(groups);
      if (dup) {
        errors = [dup];
        lintOnly = true;
      }
    } catch (err) {
      errors = err instanceof RuleFileError ? err.errors : [(err as Error).message];
    }
    if (errors.length > 0) {
      out.stderr('  FAILED:');
      for (const e of errors) out.stderr(e);
      failed = true;
      if (!lintOnly) hasErrors = true;
    } else out.stdout(`  SUCCESS: ${count} rules found`);
    out.stdout('');
  }
  if (failed && hasErrors) return 1;
  if (failed && opts.lintFatal) return 3;
  return 0;
}

registerSubcommand({
  path: ['check', 'rules'],
  usage: 'check rules <rule-files>...',
  help: 'Check if the rule files are valid or not (like promtool check rules).',
  flags: [
    { name: 'lint', kind: 'string', default: 'duplicate-rules', enum: ['all', 'duplicate-rules', 'none'], help: 'Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting' },
    { name: 'lint-fatal', kind: 'bool', help: 'Make lint errors exit with exit code 3.' },
  ],
  run: async (args, flags) => {
    const fail = (msg: string): number => {
      process.stderr.write(`flint: error: ${msg}, try --help\n`);
      return 1;
    };
    if (args.length === 0) return fail("required argument 'rule-files' not provided");
    for (const f of args) if (!fs.existsSync(f)) return fail(`path '${f}' does not exist`);
    return checkRuleFiles(args, { lint: String(flags.get('lint') ?? 'duplicate-rules'), lintFatal: flags.get('lint-fatal') === true }, {
      stdout: (line) => process.stdout.write(line + '\n'),
      stderr: (line) => process.stderr.write(line + '\n'),
    });
  },
});
