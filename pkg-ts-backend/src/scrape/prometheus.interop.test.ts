// flint and Debian's Prometheus 2.42 scrape the same targets — the real node exporter and an app
// instrumented with prom-client (served in the text format and in OpenMetrics), plus two
// hand-written expositions with the format corners prom-client never produces — and what each
// stored is compared through both HTTP APIs (instant queries, /api/v1/targets/metadata).
//
// Known 2.42 → 3.x differences, mapped here on purpose (flint follows 3.x):
// - `le` of histogram buckets and `quantile` of summaries: 2.42 stores the value as exposed,
//   3.x (and flint) as a normalised float (`le="1"` → `le="1.0"`, `quantile="0"` → `"0.0"`).
//   `to3x()` rewrites 2.42's label sets that way, using the family types from 2.42's metadata.
// - `_created`: 2.42 stores OpenMetrics `<family>_created` lines as series; 3.x does the same
//   unless created-timestamp ingestion is switched on, and flint does not skip them either. The
//   hand-written OpenMetrics target below exposes one, so both sides must hold it.
// - 3.x adds no synthetic series by default beyond 2.42's five (`scrape_timeout_seconds` and
//   friends need `extra-scrape-metrics`), so the synthetic series must match one to one.
// Values that move between two scrapes (node exporter counters, scrape durations) are compared
// by label set only.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Counter, Gauge, Histogram, Registry, RegistryContentType, Summary } from 'prom-client';
import {
  FLINT_BIN,
  freePort,
  instantQuery,
  Peer,
  PROMETHEUS_BIN,
  startPeer,
  VectorSample,
  waitFor,
} from '../testutil/peers';

const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';
const JOBS = ['node', 'app_text', 'app_openmetrics', 'handwritten', 'handwritten_text'] as const;

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown' | string;

function promClientRegistry(contentType: RegistryContentType): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  const requests = new Counter({
    name: 'app_requests',
    help: 'Requests served.',
    labelNames: ['code', 'path'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'app_latency_seconds',
    help: 'Request latency.',
    buckets: [0.005, 0.1, 1, 2.5, 10],
    registers: [registry],
  });
  const sizes = new Summary({
    name: 'app_response_size_bytes',
    help: 'Response sizes.',
    percentiles: [0, 0.5, 0.9, 1],
    registers: [registry],
  });
  const inflight = new Gauge({
    name: 'app_inflight_requests',
    help: 'Requests in flight.',
    labelNames: ['pool'],
    registers: [registry],
  });
  requests.inc({ code: '200', path: '/' }, 1234);
  requests.inc({ code: '500', path: '/a "quoted" \\ path' }, 7);
  for (const v of [0.001, 0.05, 0.05, 0.7, 3, 120]) latency.observe(v);
  for (const v of [100, 250.5, 1e6]) sizes.observe(v);
  inflight.set({ pool: 'a' }, -2.5);
  inflight.set({ pool: 'b' }, 1e-7);
  return registry;
}

// OpenMetrics features prom-client does not produce: `_created`, exemplars, a unit, escapes in
// help text, special float values.
const HANDWRITTEN = `# TYPE hw_events counter
# HELP hw_events Events with a \\\\ backslash and a \\n newline in the help.
hw_events_total{kind="x"} 17 # {trace_id="abc"} 1.0
hw_events_created{kind="x"} 1.6e+09
# TYPE hw_temperature_celsius gauge
# UNIT hw_temperature_celsius celsius
hw_temperature_celsius{room="a"} +Inf
hw_temperature_celsius{room="b"} -Inf
hw_temperature_celsius{room="c\\nd"} 21.25
# TYPE hw_wait_seconds histogram
hw_wait_seconds_bucket{le="0.50"} 1
hw_wait_seconds_bucket{le="1e1"} 2
hw_wait_seconds_bucket{le="+Inf"} 3
hw_wait_seconds_sum 12.5
hw_wait_seconds_count 3
hw_wait_seconds_created 1.6e+09
# EOF
`;

// Text-format corners: escapes, blanks, an empty label value (dropped), a trailing comma, an
// untyped family, special and extreme floats, an explicit timestamp (honoured by both).
const handwrittenText = () => `# HELP hwt_info Info with "quotes", a \\\\ backslash and a \\n newline.
# TYPE hwt_info gauge
hwt_info{a="x\\\\y",b="line\\nbreak",c="quote\\"d",empty=""} 1
hwt_info{a="trailing",} 2
hwt_info { a = "spaced" }   3
hwt_nan NaN
hwt_negzero -0
hwt_exp 1E3
hwt_inf +inf
hwt_ninf -Inf
hwt_big 1.5e+300
hwt_tiny 5e-324
hwt_int 9007199254740993
hwt_stamped 42 ${Date.now() - 500}
# TYPE hwt_untyped untyped
hwt_untyped{le="1"} 7
`;

function serveTargets(): http.Server {
  const text = promClientRegistry(Registry.PROMETHEUS_CONTENT_TYPE);
  const openMetrics = promClientRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
  return http.createServer((req, res) => {
    if (req.url === '/handwritten') {
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(HANDWRITTEN);
      return;
    }
    if (req.url === '/handwritten_text') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(handwrittenText());
      return;
    }
    const registry = req.url === '/openmetrics' ? openMetrics : text;
    void registry.metrics().then((body) => {
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(body);
    });
  });
}

/** Prometheus 3's label value normalisation, for the plain decimal and exponent forms the targets use. */
function normaliseFloatLabel(value: string): string {
  if (value === '+Inf' || value === '-Inf' || value === 'NaN') return value;
  const s = String(Number(value));
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Rewrites a label set as 2.42 stored it into the form 3.x stores (see the header comment). */
function to3x(metric: Record<string, string>, types: Map<string, MetricType>): Record<string, string> {
  const name = metric.__name__ ?? '';
  const out = { ...metric };
  if (name.endsWith('_bucket') && 'le' in out) {
    const t = types.get(name.slice(0, -'_bucket'.length));
    if (t === 'histogram' || t === 'gaugehistogram') out.le = normaliseFloatLabel(out.le);
  }
  if ('quantile' in out && types.get(name) === 'summary') out.quantile = normaliseFloatLabel(out.quantile);
  return out;
}

function seriesKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function byKey(
  samples: VectorSample[],
  map: (m: Record<string, string>) => Record<string, string> = (m) => m
): Map<string, string> {
  return new Map(samples.map((s) => [seriesKey(map(s.metric)), s.value[1]]));
}

const sortedKeys = (m: Map<string, string>) => [...m.keys()].sort();

interface MetadataEntry {
  target: Record<string, string>;
  metric: string;
  type: string;
  help: string;
  unit: string;
}

async function targetMetadata(base: string, job: string): Promise<string[]> {
  const res = await fetch(`${base}/api/v1/targets/metadata?${new URLSearchParams({ match_target: `{job="${job}"}` })}`);
  const body = (await res.json()) as { data?: MetadataEntry[] };
  return (body.data ?? []).map((m) => JSON.stringify([m.target.instance, m.metric, m.type, m.help, m.unit])).sort();
}

async function metricTypes(base: string): Promise<Map<string, MetricType>> {
  const res = await fetch(`${base}/api/v1/metadata`);
  const body = (await res.json()) as { data: Record<string, Array<{ type: string }>> };
  return new Map(Object.entries(body.data).map(([name, entries]) => [name, entries[0].type]));
}

const ready = fs.existsSync(PROMETHEUS_BIN) && fs.existsSync(NODE_EXPORTER_BIN) && fs.existsSync(FLINT_BIN);

(ready ? describe : describe.skip)('flint and Prometheus 2.42 store the same scrapes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-scrape-interop-'));
  let app: http.Server;
  let exporter: Peer;
  let flint: Peer;
  let prom: Peer;
  let flintBase = '';
  let promBase = '';
  let promTypes = new Map<string, MetricType>();

  beforeAll(async () => {
    app = serveTargets();
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
    const appAddr = `127.0.0.1:${(app.address() as AddressInfo).port}`;
    const exporterAddr = `127.0.0.1:${await freePort()}`;
    exporter = startPeer(NODE_EXPORTER_BIN, [
      `--web.listen-address=${exporterAddr}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.loadavg',
      '--collector.filesystem',
      '--collector.netdev',
    ]);
    const flintPort = await freePort();
    const promPort = await freePort();
    flintBase = `http://127.0.0.1:${flintPort}`;
    promBase = `http://127.0.0.1:${promPort}`;
    const config = `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['${exporterAddr}']}]
  - job_name: app_text
    static_configs: [{targets: ['${appAddr}']}]
  - job_name: app_openmetrics
    metrics_path: /openmetrics
    static_configs: [{targets: ['${appAddr}']}]
  - job_name: handwritten
    metrics_path: /handwritten
    static_configs: [{targets: ['${appAddr}']}]
  - job_name: handwritten_text
    metrics_path: /handwritten_text
    static_configs: [{targets: ['${appAddr}']}]
`;
    fs.writeFileSync(path.join(dir, 'scrape.yml'), config);
    prom = startPeer(PROMETHEUS_BIN, [
      `--config.file=${path.join(dir, 'scrape.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    flint = startPeer(process.execPath, [
      FLINT_BIN,
      `--config.file=${path.join(dir, 'scrape.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'flint-data')}`,
      `--web.listen-address=127.0.0.1:${flintPort}`,
      '--log.level=warn',
    ]);
    // Both have scraped every target at least twice once scrape_series_added is 0 everywhere.
    for (const base of [flintBase, promBase]) {
      await waitFor(
        `two good scrapes of every job at ${base}`,
        async () => {
          const up = await instantQuery(base, 'up == 1');
          const added = await instantQuery(base, 'scrape_series_added == 0');
          return up.length === JOBS.length && added.length === JOBS.length ? true : undefined;
        },
        25_000
      );
    }
    promTypes = await metricTypes(promBase);
  }, 40_000);

  afterAll(async () => {
    await Promise.all([flint?.stop(), prom?.stop(), exporter?.stop()]);
    app?.closeAllConnections();
    await new Promise((r) => app?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function both(query: string): Promise<{ ours: VectorSample[]; theirs: VectorSample[] }> {
    const [ours, theirs] = await Promise.all([instantQuery(flintBase, query), instantQuery(promBase, query)]);
    return { ours, theirs };
  }

  test.each(['app_text', 'app_openmetrics', 'handwritten', 'handwritten_text'])(
    '%s: same series and values',
    async (job) => {
      const { ours, theirs } = await both(`{job="${job}", __name__!="scrape_duration_seconds"}`);
      const expected = byKey(theirs, (m) => to3x(m, promTypes));
      expect(ours.length).toBeGreaterThan(10);
      expect(byKey(ours)).toEqual(expected);
      const durations = await both(`scrape_duration_seconds{job="${job}"}`);
      expect(sortedKeys(byKey(durations.ours))).toEqual(sortedKeys(byKey(durations.theirs)));
    }
  );

  test('the mapped differences really occur (le/quantile normalisation, _created kept)', async () => {
    const { ours, theirs } = await both(
      '{__name__=~"app_latency_seconds_bucket|app_response_size_bytes|hw_wait_seconds_bucket", job=~"app_text|handwritten"}'
    );
    const label = (xs: VectorSample[], name: string) =>
      new Set(xs.map((s) => s.metric[name]).filter((v) => v !== undefined));
    expect(label(theirs, 'le')).toEqual(new Set(['0.005', '0.1', '1', '2.5', '10', '+Inf', '0.50', '1e1']));
    expect(label(ours, 'le')).toEqual(new Set(['0.005', '0.1', '1.0', '2.5', '10.0', '+Inf', '0.5']));
    expect(label(theirs, 'quantile')).toEqual(new Set(['0', '0.5', '0.9', '1']));
    expect(label(ours, 'quantile')).toEqual(new Set(['0.0', '0.5', '0.9', '1.0']));
    // Only histogram buckets and summary quantiles are normalised; an untyped `le` stays as exposed.
    const untyped = await both('hwt_untyped');
    expect(untyped.ours.map((s) => s.metric.le)).toEqual(['1']);
    expect(byKey(untyped.ours)).toEqual(byKey(untyped.theirs));
    const created = await both('{__name__=~"hw_.*_created"}');
    expect(created.ours.length).toBe(2);
    expect(byKey(created.ours)).toEqual(byKey(created.theirs));
  });

  test.each(['app_text', 'app_openmetrics', 'handwritten', 'handwritten_text'])(
    '%s: same target metadata',
    async (job) => {
      const ours = await targetMetadata(flintBase, job);
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(await targetMetadata(promBase, job));
    }
  );

  test('node exporter: same series, same values where the exposition is stable', async () => {
    const { ours, theirs } = await both('{job="node"}');
    const expected = byKey(theirs, (m) => to3x(m, promTypes));
    const got = byKey(ours);
    expect(got.size).toBeGreaterThan(100);
    expect(sortedKeys(got)).toEqual(sortedKeys(expected));
    // go_gc_duration_seconds is a summary: its quantiles are where 2.42 and 3.x differ.
    expect(
      ours
        .filter((s) => s.metric.__name__ === 'go_gc_duration_seconds')
        .map((s) => s.metric.quantile)
        .sort()
    ).toEqual(['0.0', '0.25', '0.5', '0.75', '1.0']);
    const stable =
      /^(up|scrape_samples_scraped|scrape_samples_post_metric_relabeling|scrape_series_added|node_exporter_build_info|go_info|node_memory_MemTotal_bytes|node_memory_SwapTotal_bytes|node_filesystem_size_bytes|node_filesystem_files|node_scrape_collector_success|process_max_fds|process_start_time_seconds|process_virtual_memory_max_bytes)$/;
    const stableValues = (m: Map<string, string>) =>
      new Map(
        [...m].filter(([key]) =>
          stable.test((JSON.parse(key) as [string, string][]).find(([n]) => n === '__name__')?.[1] ?? '')
        )
      );
    const ourStable = stableValues(got);
    expect(ourStable.size).toBeGreaterThan(10);
    expect(ourStable).toEqual(stableValues(expected));
    const scraped = ours.find((s) => s.metric.__name__ === 'scrape_samples_scraped');
    expect(Number(scraped?.value[1])).toBe(got.size - 5);
  });
});
