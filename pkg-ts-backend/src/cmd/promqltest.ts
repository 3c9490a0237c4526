// `flint promqltest FILE...`: runs Prometheus's PromQL `.test` scripts against flint's engine.
import { ALL_LANGUAGE_FEATURES, languageFeatures } from '../promql/features';
import { runTestFile } from '../promql/promqltest';
import { registerSubcommand } from './flint';

registerSubcommand({
  path: ['promqltest'],
  usage: 'promqltest [<flags>] <file>...',
  help: 'Run PromQL test scripts (Prometheus promqltest format).',
  flags: [
    {
      name: 'enable-feature',
      kind: 'list',
      help: 'With --strict-features, enable a feature: promql-experimental-functions, promql-extended-range-selectors, promql-binop-fill-modifiers (promql-duration-expr is always on).',
    },
    {
      name: 'strict-features',
      kind: 'bool',
      help: "Enable only the features given with --enable-feature. By default every experimental PromQL feature is on, as in Prometheus's own test runner.",
    },
    { name: 'verbose', kind: 'bool', help: 'Also list skipped cases with the reason.' },
  ],
  async run(args, flags) {
    if (args.length === 0) {
      process.stderr.write("flint: error: required argument 'file' not provided\n");
      return 2;
    }
    const features = (flags.get('enable-feature') as string[]).flatMap((f) => f.split(','));
    // Prometheus runs its test files with the experimental language on; so does flint by default.
    const enabled = flags.get('strict-features') ? languageFeatures(features) : ALL_LANGUAGE_FEATURES;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const file of args) {
      const r = await runTestFile(file, enabled);
      for (const c of r.cases) {
        if (c.status === 'failed') process.stdout.write(`${file}:${c.line}: ${c.message ?? 'failed'}\n`);
        else if (c.status === 'skipped' && flags.get('verbose'))
          process.stdout.write(`${file}:${c.line}: skipped: ${c.message ?? ''}\n`);
      }
      passed += r.passed;
      failed += r.failed;
      skipped += r.skipped;
    }
    process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    return failed > 0 ? 1 : 0;
  },
});
