// Runs Prometheus's own PromQL test files through flint's engine and the TSDB head. In the
// core files and those of the implemented experimental features every case must pass except
// those that need native histograms (skipped and counted); the other files must not fail
// either, only skip what they lack.
import { join } from 'node:path';
import { runTestFile } from '.';
import { ALL_LANGUAGE_FEATURES } from '../features';
import { SKIP_HISTOGRAM_SERIES } from './runner';
import { SKIP_HISTOGRAM_VALUES } from './script';

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
  // Experimental language features, all implemented (run with every feature flag on).
  'duration_expression',
  'extended_vectors',
  'fill-modifier',
  'info',
];

const FEATURE_FILES = ['native_histograms', 'start_timestamps', 'type_and_unit'];

const file = (name: string): string => join(__dirname, 'testdata', `${name}.test`);

describe('upstream promqltest files', () => {
  it.each(CORE_FILES)(
    '%s.test passes every case without native histograms',
    async (name) => {
      const r = await runTestFile(file(name), ALL_LANGUAGE_FEATURES);
      const failures = r.cases.filter((c) => c.status === 'failed').map((c) => `${name}.test:${c.line}: ${c.message}`);
      expect(failures).toEqual([]);
      const otherSkips = r.cases.filter(
        (c) => c.status === 'skipped' && c.message !== SKIP_HISTOGRAM_SERIES && c.message !== SKIP_HISTOGRAM_VALUES
      );
      expect(otherSkips).toEqual([]);
      expect(r.passed).toBeGreaterThan(0);
    },
    60_000
  );

  it.each(FEATURE_FILES)(
    '%s.test fails no case (cases needing missing features are skipped)',
    async (name) => {
      const r = await runTestFile(file(name), ALL_LANGUAGE_FEATURES);
      expect(r.cases.filter((c) => c.status === 'failed').map((c) => `${name}.test:${c.line}: ${c.message}`)).toEqual(
        []
      );
    },
    60_000
  );

  it('gives the same results on the naive in-memory storage', async () => {
    for (const name of ['selectors', 'staleness', 'name_label_dropping', 'info', 'extended_vectors']) {
      const head = await runTestFile(file(name), ALL_LANGUAGE_FEATURES);
      const memory = await runTestFile(file(name), { ...ALL_LANGUAGE_FEATURES, storage: 'memory' });
      expect(memory.cases).toEqual(head.cases);
    }
  }, 60_000);
});
