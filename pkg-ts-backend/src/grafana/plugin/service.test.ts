import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeFrameArrow } from '../frames';
import { nopLogger } from '../../util/log';
import { startGrafanaPluginService, type GrafanaPluginService } from './service';
import { dataQuery, pluginContext, PluginClient } from './testdata/pluginClient';

interface Recorded {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization?: string;
}

/** A stand-in for a Prometheus API server that records what it is asked. */
class FakeUpstream {
  readonly requests: Recorded[] = [];
  handler: (r: Recorded, res: ServerResponse) => void = (r, res) => this.answer(r, res);
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const params = new URLSearchParams(u.search);
        new URLSearchParams(body).forEach((v, k) => params.append(k, v));
        const r: Recorded = {
          method: req.method ?? '',
          path: u.pathname,
          params,
          authorization: req.headers.authorization,
        };
        this.requests.push(r);
        this.handler(r, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  answer(r: Recorded, res: ServerResponse): void {
    switch (r.path) {
      case '/api/v1/status/buildinfo':
        return this.json(res, 200, {
          status: 'success',
          data: { version: '9.9.9', revision: 'abc', goVersion: 'node20.0.0' },
        });
      case '/api/v1/query': {
        const expr = r.params.get('query');
        if (expr === 'bad(')
          return this.json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' });
        const t = Number(r.params.get('time'));
        if (expr === '1+1')
          return this.json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [t, '2'] } });
        return this.json(res, 200, {
          status: 'success',
          data: {
            resultType: 'vector',
            result: [
              { metric: { __name__: 'up', job: 'a' }, value: [t, '1'] },
              { metric: { __name__: 'up', job: 'b' }, value: [t, '0'] },
            ],
          },
        });
      }
      case '/api/v1/query_range': {
        const start = Number(r.params.get('start'));
        const step = Number(r.params.get('step'));
        return this.json(res, 200, {
          status: 'success',
          warnings: ['careful'],
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: { __name__: 'up', job: 'a' },
                values: [
                  [start, '1'],
                  [start + step, '1'],
                ],
              },
            ],
          },
        });
      }
      case '/api/v1/labels':
        return this.json(res, 200, { status: 'success', data: ['__name__', 'job'] });
      case '/api/v1/label/job/values':
        return this.json(res, 200, { status: 'success', data: ['a', 'b'] });
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('404 page not found');
    }
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Grafana plugin service', () => {
  let upstream: FakeUpstream;
  let service: GrafanaPluginService;
  let client: PluginClient;
  const now = 1_700_000_000_000;

  beforeAll(async () => {
    upstream = new FakeUpstream();
    await upstream.start();
    service = await startGrafanaPluginService({ address: '127.0.0.1:0', logger: nopLogger, version: 'test' });
    client = new PluginClient(service.address);
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await upstream.stop();
  });

  beforeEach(() => {
    upstream.handler = (r, res) => upstream.answer(r, res);
    upstream.requests.length = 0;
  });

  it('binds a real port and reports SERVING for "plugin" and ""', async () => {
    expect(service.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
    expect(await client.healthCheck({ service: '' })).toEqual({ status: 'SERVING' });
    await expect(client.healthCheck({ service: 'nope' })).rejects.toThrow(/unknown service/);
  });

  it('answers a range query with aligned times, the computed step and Arrow frames', async () => {
    const ctx = pluginContext({ url: upstream.url });
    const query = dataQuery('A', { expr: 'up', legendFormat: '{{job}}', range: true }, now - 3_600_000, now, {
      intervalMS: 15_000,
      maxDataPoints: 1000,
    });
    const { responses } = await client.queryData({ pluginContext: ctx, headers: {}, queries: [query] });
    const response = responses.A;
    expect(response.error).toBe('');
    expect(response.status).toBe(200);
    const request = upstream.requests.find((r) => r.path === '/api/v1/query_range')!;
    expect(request.method).toBe('POST');
    expect(request.params.get('step')).toBe('15');
    expect(Number(request.params.get('start')) % 15).toBe(0);
    const frames = response.frames.map((f) => decodeFrameArrow(f));
    expect(frames).toHaveLength(1);
    expect(frames[0].meta?.type).toBe('timeseries-multi');
    expect(frames[0].meta?.notices).toEqual([{ severity: 'warning', text: 'careful' }]);
    expect(frames[0].fields[1].config).toEqual({ displayNameFromDS: 'a' });
  });

  it('answers the alerting request (FromAlert, no maxDataPoints, instant) with numeric frames', async () => {
    const ctx = pluginContext({ url: upstream.url }, false);
    const query = dataQuery('A', { expr: 'up', instant: true, range: false }, now - 600_000, now, { intervalMS: 1000 });
    const { responses } = await client.queryData({
      pluginContext: ctx,
      headers: { FromAlert: 'true' },
      queries: [query],
    });
    const frames = responses.A.frames.map((f) => decodeFrameArrow(f));
    expect(frames.map((f) => [f.meta?.type, f.fields[1].labels?.job, f.fields[1].values.length])).toEqual([
      ['numeric-multi', 'a', 1],
      ['numeric-multi', 'b', 1],
    ]);
    expect(upstream.requests.map((r) => [r.path, r.params.get('time')])).toEqual([
      ['/api/v1/query', String(now / 1000)],
    ]);
    const metrics = (await client.collectMetrics({ pluginContext: null })).metrics.prometheus.toString();
    expect(metrics).toMatch(/flint_grafana_plugin_queries_total\{outcome="success",from_alert="true"\} [1-9]/);
  });

  it('runs both an instant and a range query for one model, and names table values per query', async () => {
    const ctx = pluginContext({ url: upstream.url });
    const both = dataQuery('BOTH', { expr: 'up', instant: true, range: true }, now - 60_000, now, {
      intervalMS: 15_000,
    });
    const tableA = dataQuery('TA', { expr: 'up', instant: true, format: 'table' }, now - 60_000, now);
    const tableB = dataQuery('TB', { expr: 'up', instant: true, format: 'table' }, now - 60_000, now);
    const { responses } = await client.queryData({ pluginContext: ctx, headers: {}, queries: [both, tableA, tableB] });
    const kinds = responses.BOTH.frames.map((f) => decodeFrameArrow(f).meta?.custom);
    expect(kinds).toEqual([{ resultType: 'vector' }, { resultType: 'vector' }, { resultType: 'matrix' }]);
    const table = decodeFrameArrow(responses.TB.frames[0]);
    expect(table.fields.map((f) => f.name)).toEqual(['Time', '__name__', 'job', 'Value #TB']);
    expect(table.fields[3].values).toEqual([1, 0]);
  });

  it('keeps each error in its own query response', async () => {
    const ctx = pluginContext({ url: upstream.url });
    const queries = [
      dataQuery('OK', { expr: 'up', instant: true }, now - 60_000, now),
      dataQuery('BAD', { expr: 'bad(', instant: true }, now - 60_000, now),
      { ...dataQuery('JUNK', {}, now - 60_000, now), json: Buffer.from('{not json') },
      dataQuery('EMPTY', { expr: '' }, now - 60_000, now),
    ];
    const { responses } = await client.queryData({ pluginContext: ctx, headers: {}, queries });
    expect(responses.OK.error).toBe('');
    expect(responses.BAD).toMatchObject({ error: 'bad_data: parse error', status: 400, errorSource: 'downstream' });
    expect(responses.JUNK).toMatchObject({ status: 400, errorSource: 'plugin' });
    expect(responses.JUNK.error).toMatch(/not valid JSON/);
    expect(responses.EMPTY.error).toMatch(/no expression/);
  });

  it('reports a malformed result as the upstream’s fault', async () => {
    upstream.handler = (_r, res) =>
      upstream.json(res, 200, { status: 'success', data: { resultType: 'streams', result: [] } });
    const ctx = pluginContext({ url: upstream.url, uid: 'loki' });
    const { responses } = await client.queryData({
      pluginContext: ctx,
      headers: {},
      queries: [dataQuery('A', { expr: 'up', instant: true }, now - 60_000, now)],
    });
    expect(responses.A).toMatchObject({ status: 502, errorSource: 'downstream' });
    expect(responses.A.error).toContain('unknown result type: "streams"');
  });

  it('reports an unreachable upstream per query and in the health check', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const ctx = pluginContext({ url: `http://127.0.0.1:${port}`, uid: 'gone' });
    const { responses } = await client.queryData({
      pluginContext: ctx,
      headers: {},
      queries: [dataQuery('A', { expr: 'up' }, now - 60_000, now)],
    });
    expect(responses.A).toMatchObject({ status: 502, errorSource: 'downstream' });
    expect(responses.A.error).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    const health = await client.checkHealth({ pluginContext: ctx });
    expect(health.status).toBe('ERROR');
    expect(health.message).toMatch(/cannot reach/);
  });

  it('says OK with the server name and version, and explains refused credentials and non-Prometheus URLs', async () => {
    const ok = await client.checkHealth({ pluginContext: pluginContext({ url: upstream.url }) });
    expect(ok.status).toBe('OK');
    expect(ok.message).toContain('flint 9.9.9');

    upstream.handler = (_r, res) =>
      upstream.json(res, 401, { status: 'error', errorType: 'unauthorized', error: 'no' });
    const refused = await client.checkHealth({ pluginContext: pluginContext({ url: upstream.url, uid: 'auth' }) });
    expect(refused.status).toBe('ERROR');
    expect(refused.message).toMatch(/refused the credentials \(HTTP 401\)/);

    upstream.handler = (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>Grafana</html>');
    };
    const html = await client.checkHealth({ pluginContext: pluginContext({ url: upstream.url, uid: 'html' }) });
    expect(html.status).toBe('ERROR');
    expect(html.message).toMatch(/did not answer like the Prometheus HTTP API \(HTTP 200, text\/html\)/);
  });

  it('accepts a Prometheus-compatible server without build information once a query works', async () => {
    upstream.handler = (r, res) => {
      if (r.path === '/api/v1/status/buildinfo') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('404 page not found');
      }
      upstream.answer(r, res);
    };
    const health = await client.checkHealth({ pluginContext: pluginContext({ url: upstream.url, uid: 'compat' }) });
    expect(health.status).toBe('OK');
    expect(health.message).toContain('a Prometheus-compatible server');
    expect(upstream.requests.map((r) => r.params.get('query'))).toContain('1+1');
  });

  it('sends the configured credentials and rebuilds the client when the settings change', async () => {
    const base = { url: upstream.url, uid: 'creds', basicAuthUser: 'u', secure: { basicAuthPassword: 'p' } };
    await client.checkHealth({ pluginContext: pluginContext({ ...base, lastUpdatedMS: 1 }) });
    expect(upstream.requests[0].authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    upstream.requests.length = 0;
    await client.checkHealth({
      pluginContext: pluginContext({
        ...base,
        basicAuthUser: undefined,
        secure: { bearerToken: 't' },
        lastUpdatedMS: 2,
      }),
    });
    expect(upstream.requests[0].authorization).toBe('Bearer t');
  });

  it('serves the editor resources and refuses other paths', async () => {
    const ctx = pluginContext({ url: upstream.url });
    const labels = await client.callResource({
      pluginContext: ctx,
      path: 'api/v1/labels',
      url: '/api/datasources/uid/x/resources/api/v1/labels?start=1',
    });
    expect(labels.code).toBe(200);
    expect(JSON.parse(labels.body)).toEqual({ status: 'success', data: ['__name__', 'job'] });
    expect(upstream.requests[0].params.get('start')).toBe('1');
    const values = await client.callResource({ pluginContext: ctx, path: 'api/v1/label/job/values' });
    expect(JSON.parse(values.body).data).toEqual(['a', 'b']);
    const other = await client.callResource({
      pluginContext: ctx,
      path: 'api/v1/admin/tsdb/delete_series',
      method: 'POST',
    });
    expect(other.code).toBe(404);
    expect(JSON.parse(other.body).status).toBe('error');
    const long = await client.callResource({ pluginContext: ctx, path: 'api/v1/labels' + 'x'.repeat(2000) });
    expect(long.code).toBe(414);
  });

  it('acknowledges Shutdown and keeps serving', async () => {
    await expect(client.shutdown({})).resolves.toEqual({});
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
  });
});
