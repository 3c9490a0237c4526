import { MemoryStorage } from '../storage/memory';
import { promqlParser } from './promqlParser';
import { appendSamples, baseDeps, getJSON, startApiServer, TestServer } from './testing/server';

describe('the API with the real PromQL parser', () => {
  let server: TestServer;
  beforeAll(async () => {
    const storage = new MemoryStorage();
    await appendSamples(storage, [[{ __name__: 'up', job: 'api' }, [[1000, 1]]]]);
    server = await startApiServer(baseDeps(storage, { parser: promqlParser }));
  });
  afterAll(() => server.close());

  it('formats and parses queries', async () => {
    const f = await getJSON(server.base, `/api/v1/format_query?query=${encodeURIComponent('sum(rate(http_requests_total{job="api"}[5m]))by(code)')}`);
    expect(f.body).toEqual({ status: 'success', data: 'sum by (code) (rate(http_requests_total{job="api"}[5m]))' });
    const p = await getJSON(server.base, `/api/v1/parse_query?query=${encodeURIComponent('up')}`);
    expect(p.body.data).toMatchObject({ type: 'vectorSelector', name: 'up' });
  });

  it('reports parser errors under the parameter name', async () => {
    const r = await getJSON(server.base, `/api/v1/format_query?query=${encodeURIComponent('sum(')}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
    const s = await getJSON(server.base, `/api/v1/series?match[]=${encodeURIComponent('rate(up[5m])')}`);
    expect(s.status).toBe(400);
    expect(s.body.error).toMatch(/^invalid parameter "match\[\]": 1:\d+: parse error: /);
  });

  it('accepts the selectors Grafana and codemirror-promql send', async () => {
    const r = await getJSON(server.base, `/api/v1/series?match[]=${encodeURIComponent('{__name__="up",job=~"a.*"}')}&start=0&end=10`);
    expect(r.body.data).toEqual([{ __name__: 'up', job: 'api' }]);
    const l = await getJSON(server.base, `/api/v1/label/job/values?match[]=${encodeURIComponent('up')}`);
    expect(l.body.data).toEqual(['api']);
  });
});
