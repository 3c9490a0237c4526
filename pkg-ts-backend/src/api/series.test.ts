import { labelsFromRecord } from '../model/labels';
import { ExemplarStorage } from '../storage/exemplars';
import { MemoryStorage } from '../storage/memory';
import { promqlParser } from './promqlParser';
import { appendSamples, baseDeps, getJSON, postForm, startApiServer, TestServer } from './testing/server';

describe('/api/v1/series, /labels, /label/<name>/values, /query_exemplars, /format_query, /parse_query', () => {
  let server: TestServer;

  beforeAll(async () => {
    const storage = new MemoryStorage();
    await appendSamples(storage, [
      [{ __name__: 'up', job: 'api', instance: 'a:1' }, [[1_000_000, 1]]],
      [{ __name__: 'up', job: 'db', instance: 'b:1' }, [[2_000_000, 1]]],
      [{ __name__: 'http_requests_total', job: 'api', code: '200' }, [[1_000_000, 10]]],
      [{ __name__: 'my.metric', 'a.b': 'x' }, [[1_000_000, 1]]],
    ]);
    server = await startApiServer(baseDeps(storage));
  });
  afterAll(() => server.close());

  it('series: requires match[]', async () => {
    const r = await getJSON(server.base, '/api/v1/series');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' });
  });

  it('series: unions several match[] (POST form), sorted by label set', async () => {
    const r = await postForm(server.base, '/api/v1/series', [
      ['match[]', 'up{job="db"}'],
      ['match[]', 'http_requests_total'],
      ['match[]', 'up'],
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: [
        { __name__: 'http_requests_total', code: '200', job: 'api' },
        { __name__: 'up', instance: 'a:1', job: 'api' },
        { __name__: 'up', instance: 'b:1', job: 'db' },
      ],
    });
  });

  it('series: limits the time range and the count', async () => {
    const ranged = await getJSON(server.base, '/api/v1/series?match[]=up&start=1500&end=2500');
    expect(ranged.body.data).toEqual([{ __name__: 'up', instance: 'b:1', job: 'db' }]);
    const limited = await getJSON(server.base, '/api/v1/series?match[]=up&limit=1');
    expect(limited.body.data).toHaveLength(1);
    expect(limited.body.warnings).toEqual(['results truncated due to limit']);
  });

  it('series: rejects bad selectors and all-empty matchers', async () => {
    const bad = await getJSON(server.base, '/api/v1/series?match[]=%7B');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid parameter "match\[\]": 1:1: parse error/);
    const empty = await getJSON(server.base, `/api/v1/series?match[]=${encodeURIComponent('{job=~".*"}')}`);
    expect(empty.body.error).toBe('invalid parameter "match[]": match[] must contain at least one non-empty matcher');
    const start = await getJSON(server.base, '/api/v1/series?match[]=up&start=x');
    expect(start.body.error).toBe(`invalid parameter "start": invalid time value for 'start': cannot parse "x" to a valid timestamp`);
  });

  it('labels: all names, or those of matching series', async () => {
    const all = await getJSON(server.base, '/api/v1/labels');
    expect(all.body).toEqual({ status: 'success', data: ['__name__', 'a.b', 'code', 'instance', 'job'] });
    const matched = await postForm(server.base, '/api/v1/labels', [['match[]', 'http_requests_total']]);
    expect(matched.body.data).toEqual(['__name__', 'code', 'job']);
    const none = await getJSON(server.base, '/api/v1/labels?match[]=nothing');
    expect(none.body.data).toEqual([]);
    const limited = await getJSON(server.base, '/api/v1/labels?limit=2');
    expect(limited.body).toEqual({ status: 'success', data: ['__name__', 'a.b'], warnings: ['results truncated due to limit'] });
  });

  it('label values: metric names (what Grafana and codemirror-promql ask for) and filtered values', async () => {
    const names = await getJSON(server.base, '/api/v1/label/__name__/values');
    expect(names.body).toEqual({ status: 'success', data: ['http_requests_total', 'my.metric', 'up'] });
    const jobs = await getJSON(server.base, `/api/v1/label/job/values?match[]=${encodeURIComponent('{__name__="up",instance="b:1"}')}&start=1500`);
    expect(jobs.body.data).toEqual(['db']);
    const escaped = await getJSON(server.base, '/api/v1/label/U__a_2e_b/values');
    expect(escaped.body.data).toEqual(['x']);
    const missing = await getJSON(server.base, '/api/v1/label/nope/values');
    expect(missing.body.data).toEqual([]);
  });

  it('query_exemplars: none are kept, input is still validated', async () => {
    const ok = await getJSON(server.base, '/api/v1/query_exemplars?query=up&start=0&end=100');
    expect(ok.body).toEqual({ status: 'success', data: [] });
    const bad = await getJSON(server.base, '/api/v1/query_exemplars?query=%7B');
    expect(bad.status).toBe(400);
    const order = await getJSON(server.base, '/api/v1/query_exemplars?query=up&start=10&end=5');
    expect(order.body.error).toBe('end timestamp must not be before start timestamp');
  });

  it('query_exemplars: answers from exemplar storage for the series the selectors match', async () => {
    const exemplars = new ExemplarStorage(10);
    const bucket = labelsFromRecord({ __name__: 'req_bucket', job: 'api', le: '0.5' });
    exemplars.add(bucket, { labels: labelsFromRecord({ trace_id: 'abc' }), value: 0.25, ts: 1_600_096_945_479 });
    exemplars.add(bucket, { labels: labelsFromRecord({ trace_id: 'def' }), value: 0.5, ts: 1_600_096_955_000 });
    exemplars.add(labelsFromRecord({ __name__: 'other' }), { labels: [], value: 1, ts: 1_600_096_945_000 });
    const withStore = await startApiServer(baseDeps(new MemoryStorage(), { parser: promqlParser, exemplars }));
    try {
      const q = encodeURIComponent('histogram_quantile(0.9, sum by (le) (rate(req_bucket{job="api"}[5m])))');
      const r = await getJSON(withStore.base, `/api/v1/query_exemplars?query=${q}&start=1600096940&end=1600096950`);
      expect(r.body).toEqual({
        status: 'success',
        data: [{ seriesLabels: { __name__: 'req_bucket', job: 'api', le: '0.5' }, exemplars: [{ labels: { trace_id: 'abc' }, value: '0.25', timestamp: 1600096945.479 }] }],
      });
    } finally {
      await withStore.close();
    }
  });

  it('format_query and parse_query', async () => {
    const f = await getJSON(server.base, `/api/v1/format_query?query=${encodeURIComponent('up{job="api"}')}`);
    expect(f.body).toEqual({ status: 'success', data: 'up{job="api"}' });
    const p = await postForm(server.base, '/api/v1/parse_query', [['query', 'up']]);
    expect(p.body.data).toEqual({ type: 'vectorSelector', name: 'up', matchers: [{ type: '=', name: '__name__', value: 'up' }] });
    const bad = await getJSON(server.base, '/api/v1/format_query?query=');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid parameter "query": /);
  });
});

describe('request metrics', () => {
  it('counts API requests per route and status code', async () => {
    const { httpRequestsTotal } = await import('../util/metrics');
    const server = await startApiServer(baseDeps(new MemoryStorage()));
    try {
      const before = (await httpRequestsTotal.get()).values.find((v) => v.labels.handler === '/api/v1/series' && v.labels.code === '400')?.value ?? 0;
      await getJSON(server.base, '/api/v1/series');
      const after = (await httpRequestsTotal.get()).values.find((v) => v.labels.handler === '/api/v1/series' && v.labels.code === '400')?.value ?? 0;
      expect(after - before).toBe(1);
    } finally {
      await server.close();
    }
  });
});
