// Runs Prometheus's own PromQL test files (the core set) through flint's engine. Cases that
// need native histograms are skipped and counted; everything else must pass.
import { join } from 'node:path';
import { runTestFile } from '.';

const CORE_FILES = [
  'aggregators',
  'collision',
  'functions',
  'histograms',
  'literals',
  'name_label_dropping',
  'operators',
  'selectors',
  'staleness',
  'trig_functions',
  'limit',
];

describe('upstream promqltest files', () => {
  it.each(CORE_FILES)(
    '%s.test passes every case it can run',
    async (name) => {
      const r = await runTestFile(join(__dirname, 'testdata', `${name}.test`), { enableExperimentalFunctions: true });
      const failures = r.cases.filter((c) => c.status === 'failed').map((c) => `${name}.test:${c.line}: ${c.message}`);
      expect(failures).toEqual([]);
      expect(r.passed).toBeGreaterThan(0);
    },
    60_000
  );
});
