import { labelsFromRecord } from '../model/labels';
import { MemoryStorage } from '../storage/memory';
import { baseDeps, getJSON, startApiServer, TestServer } from './testing/server';
import type { ScrapeView } from './types';

const L = labelsFromRecord;

const scrape: ScrapeView = {
  activeTargets: () => [
    {
      discoveredLabels: L({ __address__: 'b:9100', job: 'node' }),
      labels: L({ instance: 'b:9100', job: 'node' }),
      scrapePool: 'node',
      scrapeUrl: 'http://b:9100/metrics',
      globalUrl: 'http://b:9100/metrics',
      lastError: 'connection refused',
      lastScrape: Date.UTC(2024, 0, 1, 0, 0, 5, 250),
      lastScrapeDuration: 0.012,
      health: 'down',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    },
    {
      discoveredLabels: L({ __address__: 'a:9090', job: 'flint' }),
      labels: L({ instance: 'a:9090', job: 'flint' }),
      scrapePool: 'flint',
      scrapeUrl: 'http://a:9090/metrics',
      globalUrl: 'http://a:9090/metrics',
      lastError: '',
      lastScrape: 0,
      lastScrapeDuration: 0,
      health: 'unknown',
      scrapeInterval: '1m',
      scrapeTimeout: '10s',
    },
  ],
  droppedTargets: () => [{ discoveredLabels: L({ __address__: 'c:1', job: 'node' }), scrapePool: 'node' }],
  targetMetadata: () => [
    { target: L({ instance: 'a:9090', job: 'flint' }), metric: 'up', type: 'gauge', help: 'Up.', unit: '' },
    { target: L({ instance: 'a:9090', job: 'flint' }), metric: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' },
    { target: L({ instance: 'b:9100', job: 'node' }), metric: 'up', type: 'gauge', help: 'Up.', unit: '' },
    { target: L({ instance: 'b:9100', job: 'node' }), metric: 'http_requests_total', type: 'counter', help: 'All requests.', unit: '' },
  ],
  pools: () => ['node', 'flint'],
};

describe('/api/v1/targets, /targets/metadata, /scrape_pools, /metadata', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startApiServer(baseDeps(new MemoryStorage(), { scrape }));
  });
  afterAll(() => server.close());

  it('lists active and dropped targets grouped by pool', async () => {
    const r = await getJSON(server.base, '/api/v1/targets');
    const data = r.body.data as { activeTargets: Array<Record<string, unknown>>; droppedTargets: unknown[]; droppedTargetCounts: unknown };
    expect(data.activeTargets.map((t) => t.scrapePool)).toEqual(['flint', 'node']);
    expect(data.activeTargets[1]).toEqual({
      discoveredLabels: { __address__: 'b:9100', job: 'node' },
      labels: { instance: 'b:9100', job: 'node' },
      scrapePool: 'node',
      scrapeUrl: 'http://b:9100/metrics',
      globalUrl: 'http://b:9100/metrics',
      lastError: 'connection refused',
      lastScrape: '2024-01-01T00:00:05.25Z',
      lastScrapeDuration: 0.012,
      health: 'down',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    });
    expect(data.activeTargets[0].lastScrape).toBe('0001-01-01T00:00:00Z');
    expect(data.droppedTargets).toEqual([{ discoveredLabels: { __address__: 'c:1', job: 'node' }, scrapePool: 'node' }]);
    expect(data.droppedTargetCounts).toEqual({ node: 1 });
  });

  it('filters by state and scrapePool', async () => {
    const active = await getJSON(server.base, '/api/v1/targets?state=active&scrapePool=node');
    const data = active.body.data as { activeTargets: unknown[]; droppedTargets: unknown[] };
    expect(data.activeTargets).toHaveLength(1);
    expect(data.droppedTargets).toEqual([]);
    const dropped = await getJSON(server.base, '/api/v1/targets?state=dropped');
    expect((dropped.body.data as { activeTargets: unknown[] }).activeTargets).toEqual([]);
  });

  it('lists scrape pools sorted', async () => {
    const r = await getJSON(server.base, '/api/v1/scrape_pools');
    expect(r.body).toEqual({ status: 'success', data: { scrapePools: ['flint', 'node'] } });
  });

  it('merges metadata across targets per metric', async () => {
    const r = await getJSON(server.base, '/api/v1/metadata');
    expect(r.body.data).toEqual({
      http_requests_total: [
        { type: 'counter', help: 'Requests.', unit: '' },
        { type: 'counter', help: 'All requests.', unit: '' },
      ],
      up: [{ type: 'gauge', help: 'Up.', unit: '' }],
    });
    const one = await getJSON(server.base, '/api/v1/metadata?metric=up');
    expect(Object.keys(one.body.data as object)).toEqual(['up']);
    const limited = await getJSON(server.base, '/api/v1/metadata?limit=1&limit_per_metric=1');
    expect(limited.body.data).toEqual({ http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] });
    const bad = await getJSON(server.base, '/api/v1/metadata?limit=x');
    expect(bad.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'limit must be a number' });
  });

  it('lists metadata per target with match_target, metric and limit', async () => {
    const r = await getJSON(server.base, `/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="node"}')}&metric=up`);
    expect(r.body.data).toEqual([{ target: { instance: 'b:9100', job: 'node' }, metric: 'up', type: 'gauge', help: 'Up.', unit: '' }]);
    const limited = await getJSON(server.base, '/api/v1/targets/metadata?limit=1');
    expect((limited.body.data as unknown[]).length).toBe(2);
    const bad = await getJSON(server.base, '/api/v1/targets/metadata?match_target=%7B');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid parameter "match_target": /);
  });
});
