// Scrapes an app instrumented with prom-client, in both of its exposition formats, through the
// whole scrape path, and checks the stored series against the app's own metric values.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, RegistryContentType, Summary } from 'prom-client';
import { parseConfig } from '../config/load';
import { formatLabels, labelsFromRecord } from '../model/labels';
import { Appendable, Appender } from '../storage/interface';
import { createLogger } from '../util/log';
import { ScrapeManager } from './manager';

class RecordingStorage implements Appendable {
  samples: Array<{ series: string; t: number; v: number }> = [];
  appender(): Appender {
    const staged: Array<{ series: string; t: number; v: number }> = [];
    return {
      append: (_ref, labels, t, v) => {
        staged.push({ series: formatLabels(labels), t, v });
        return 1;
      },
      commit: async () => {
        this.samples.push(...staged);
      },
      rollback: () => {
        staged.length = 0;
      },
    };
  }
  latest(series: string): number | undefined {
    return this.samples.filter((s) => s.series === series).at(-1)?.v;
  }
}

async function appServing(openMetrics: boolean): Promise<{ address: string; server: http.Server }> {
  const registry = new Registry<RegistryContentType>();
  if (openMetrics) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const requests = new Counter({
    name: 'app_requests',
    help: 'Requests.',
    labelNames: ['code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'app_latency_seconds',
    help: 'Latency.',
    buckets: [0.1, 1],
    registers: [registry],
  });
  const sizes = new Summary({ name: 'app_size_bytes', help: 'Sizes.', percentiles: [0.5], registers: [registry] });
  const inflight = new Gauge({ name: 'app_inflight', help: 'In flight.', registers: [registry] });
  requests.inc({ code: '200' }, 3);
  latency.observe(0.05);
  latency.observe(0.5);
  sizes.observe(100);
  inflight.set(-2.5);
  const server = http.createServer((_req, res) => {
    void registry.metrics().then((body) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test.each([false, true])('prom-client app (OpenMetrics: %p)', async (openMetrics) => {
  const { address, server } = await appServing(openMetrics);
  const storage = new RecordingStorage();
  const mgr = new ScrapeManager(storage, { logger: createLogger({ level: 'error', write: () => undefined }) });
  mgr.applyConfig(
    parseConfig(
      'scrape_configs:\n  - job_name: app\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n',
      'app.yml'
    )
  );
  mgr.onTargetGroups(
    new Map([['app', [{ source: 's', targets: [labelsFromRecord({ __address__: address })], labels: [] }]]])
  );
  const tl = `instance="${address}", job="app"`;
  const until = Date.now() + 10000;
  while (storage.latest(`up{${tl}}`) === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await mgr.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));

  expect(storage.latest(`up{${tl}}`)).toBe(1);
  // prom-client adds the _total suffix only in OpenMetrics.
  expect(storage.latest(`app_requests${openMetrics ? '_total' : ''}{code="200", ${tl}}`)).toBe(3);
  expect(storage.latest(`app_latency_seconds_bucket{${tl}, le="0.1"}`)).toBe(1);
  // Prometheus 3 normalises le values: prom-client's "1" is stored as "1.0".
  expect(storage.latest(`app_latency_seconds_bucket{${tl}, le="1.0"}`)).toBe(2);
  expect(storage.latest(`app_latency_seconds_bucket{${tl}, le="+Inf"}`)).toBe(2);
  expect(storage.latest(`app_latency_seconds_count{${tl}}`)).toBe(2);
  expect(storage.latest(`app_latency_seconds_sum{${tl}}`)).toBeCloseTo(0.55);
  expect(storage.latest(`app_size_bytes{${tl}, quantile="0.5"}`)).toBe(100);
  expect(storage.latest(`app_inflight{${tl}}`)).toBe(-2.5);
});
