// `flint promql format EXPR`: prints the query the way Prometheus prettifies it (as
// `promtool promql format` does), or the parse error on stderr with exit code 1.
import { parseExpr, prettifyExpr } from '../promql/parser';
import { registerSubcommand } from './flint';

export interface FormatOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Formats one query; returns the exit code. */
export function formatQuery(query: string, enableExperimentalFunctions: boolean, out: FormatOutput): number {
  try {
    out.stdout(prettifyExpr(parseExpr(query, { enableExperimentalFunctions })));
    return 0;
  } catch (err) {
    out.stderr((err as Error).message);
    return 1;
  }
}

registerSubcommand({
  path: ['promql', 'format'],
  usage: 'promql format <query>',
  help: 'Format a PromQL query (like promtool promql format). Put -- before a query that starts with "-".',
  flags: [
    {
      name: 'enable-feature',
      kind: 'list',
      help: 'Comma separated feature names to enable. Valid option: promql-experimental-functions.',
    },
  ],
  run: async (args, flags) => {
    if (args.length !== 1) {
      process.stderr.write("flint: error: expected exactly one argument 'query', try --help\n");
      return 2;
    }
    const features = (flags.get('enable-feature') as string[] | undefined) ?? [];
    const experimental = features.flatMap((f) => f.split(',')).includes('promql-experimental-functions');
    return formatQuery(args[0], experimental, {
      stdout: (line) => process.stdout.write(line + '\n'),
      stderr: (line) => process.stderr.write(line + '\n'),
    });
  },
});
