// codemirror-promql (the PromQL editor of Prometheus's UI and of flint's) must complete against
// flint unchanged: its own HTTP client is pointed at the API here, by POST and by GET.
import { HTTPPrometheusClient } from '@prometheus-io/codemirror-promql/dist/cjs/client/prometheus.js';
import { Matcher } from '@prometheus-io/codemirror-promql/dist/cjs/types/matcher.js';
import { EqlSingle } from '@prometheus-io/lezer-promql';
import { labelsFromRecord } from '../model/labels';
import { MemoryStorage } from '../storage/memory';
import { promqlParser } from './promqlParser';
import { appendSamples, baseDeps, startApiServer, TestServer } from './testing/server';
import type { ScrapeView } from './types';

describe('codemirror-promql HTTPPrometheusClient against flint', () => {
  let server: TestServer;
  const now = Date.now();

  beforeAll(async () => {
    const storage = new MemoryStorage();
    await appendSamples(storage, [
      [{ __name__: 'up', job: 'api', instance: 'a:1' }, [[now - 10_000, 1]]],
      [{ __name__: 'up', job: 'db', instance: 'b:1' }, [[now - 10_000, 1]]],
      [{ __name__: 'http_requests_total', job: 'api', code: '500' }, [[now - 10_000, 3]]],
    ]);
    const scrape: ScrapeView = {
      activeTargets: () => [],
      droppedTargets: () => [],
      pools: () => [],
      targetMetadata: () => [{ target: labelsFromRecord({ job: 'api' }), metric: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' }],
    };
    server = await startApiServer(baseDeps(storage, { parser: promqlParser, scrape }));
  });
  afterAll(() => server.close());

  it.each(['POST', 'GET'] as const)('completes names, labels, values and metadata by %s', async (httpMethod) => {
    const client = new HTTPPrometheusClient({ url: server.base, httpMethod, lookbackInterval: 3_600_000 });
    expect(await client.labelNames()).toEqual(['__name__', 'code', 'instance', 'job']);
    expect(await client.labelNames('up')).toEqual(['__name__', 'instance', 'job']);
    expect(await client.labelValues('__name__')).toEqual(['http_requests_total', 'up']);
    expect(await client.labelValues('code', 'http_requests_total')).toEqual(['500']);
    expect(await client.labelValues('instance', 'up', [new Matcher(EqlSingle, 'job', 'api')])).toEqual(['a:1']);
    expect(await client.metricMetadata()).toEqual({ http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] });
    expect(await client.series('up')).toEqual([
      { __name__: 'up', instance: 'a:1', job: 'api' },
      { __name__: 'up', instance: 'b:1', job: 'db' },
    ]);
    expect(await client.flags()).toMatchObject({ 'query.lookback-delta': '5m' });
  });
});
