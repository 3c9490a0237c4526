import { parseConfig } from '../config/load';
import { labelsFromRecord, labelsToRecord } from '../model/labels';
import { populateTarget, scrapeOffsetMs } from './target';

function scrapeConfig(extra = '') {
  return parseConfig(
    `scrape_configs:\n  - job_name: node\n    scrape_interval: 15s\n    params:\n      module: [a, b]\n${extra}`,
    'test.yml'
  ).scrapeConfigs[0];
}

describe('populateTarget', () => {
  test('applies Prometheus defaults and derives instance and URL', () => {
    const r = populateTarget(
      labelsFromRecord({ env: 'prod' }),
      labelsFromRecord({ __address__: 'host:9100', __meta_x: 'y' }),
      scrapeConfig()
    );
    if (r.kind !== 'target') throw new Error(r.kind);
    expect(labelsToRecord(r.target.labels)).toEqual({ env: 'prod', instance: 'host:9100', job: 'node' });
    expect(labelsToRecord(r.target.discoveredLabels)).toMatchObject({
      __address__: 'host:9100',
      __meta_x: 'y',
      __scheme__: 'http',
      __metrics_path__: '/metrics',
      __scrape_interval__: '15s',
      __scrape_timeout__: '10s',
      __param_module: 'a',
      job: 'node',
    });
    expect(r.target.url).toBe('http://host:9100/metrics?module=a&module=b');
    expect(r.target.intervalMs).toBe(15000);
  });

  test('relabeling can set scheme, path, params, interval and drop targets', () => {
    const cfg = scrapeConfig(
      [
        '    relabel_configs:',
        '      - {target_label: __scheme__, replacement: https}',
        '      - {target_label: __metrics_path__, replacement: /probe}',
        '      - {target_label: __param_module, replacement: z}',
        '      - {target_label: __scrape_interval__, replacement: 30s}',
        '      - {target_label: instance, replacement: named}',
        '      - {source_labels: [__address__], regex: "drop.*", action: drop}',
        '',
      ].join('\n')
    );
    const r = populateTarget([], labelsFromRecord({ __address__: 'h:1' }), cfg);
    if (r.kind !== 'target') throw new Error(r.kind);
    expect(r.target.url).toBe('https://h:1/probe?module=z&module=b');
    expect(r.target.intervalMs).toBe(30000);
    expect(labelsToRecord(r.target.labels).instance).toBe('named');
    expect(populateTarget([], labelsFromRecord({ __address__: 'drop-me:1' }), cfg).kind).toBe('dropped');
  });

  test('rejects bad targets with Prometheus messages', () => {
    const cfg = scrapeConfig('    relabel_configs:\n      - {target_label: __scrape_timeout__, replacement: 1m}\n');
    expect(populateTarget([], labelsFromRecord({ __address__: 'h:1' }), cfg)).toMatchObject({
      kind: 'error',
      error: 'scrape timeout cannot be greater than scrape interval ("1m" > "15s")',
    });
    expect(populateTarget([], labelsFromRecord({ __address__: 'h:1/x' }), scrapeConfig())).toMatchObject({
      kind: 'error',
      error: '"h:1/x" is not a valid hostname',
    });
    expect(populateTarget([], [], scrapeConfig())).toMatchObject({ kind: 'error', error: 'no address' });
  });
});

describe('scrapeOffsetMs', () => {
  test('is stable for a target and lands on the same phase of the interval', () => {
    const a = scrapeOffsetMs('target-a', 15000, 1_000_000);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(15000);
    // Scheduled instants of one target are congruent modulo the interval, whenever asked.
    expect((1_000_000 + a) % 15000).toBe((1_007_777 + scrapeOffsetMs('target-a', 15000, 1_007_777)) % 15000);
    const phases = new Set(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => (1_000_000 + scrapeOffsetMs(k, 15000, 1_000_000)) % 15000)
    );
    expect(phases.size).toBeGreaterThan(1);
  });
});
