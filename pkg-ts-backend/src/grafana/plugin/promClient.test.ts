import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusApiClient, UpstreamError } from './promClient';
import type { DataSourceConfig } from './settings';

describe('PrometheusApiClient', () => {
  let server: Server;
  let url: string;
  let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => handle(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const config = (extra: Partial<DataSourceConfig> = {}): DataSourceConfig => ({
    url,
    headers: { 'X-Test': 'yes' },
    timeoutMs: 2000,
    httpMethod: 'POST',
    ...extra,
  });

  it('posts query parameters as a form under the URL path, with the configured headers and timeout', async () => {
    let seen: { url?: string; body: string; header?: string } = { body: '' };
    handle = (req, body, res) => {
      seen = { url: req.url, body, header: req.headers['x-test'] as string };
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    };
    await new PrometheusApiClient(config({ queryTimeout: '30s' })).rangeQuery('up', 1000, 61_000, 15_000);
    expect(seen.url).toBe('/prefix/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({
      query: 'up',
      start: '1',
      end: '61',
      step: '15',
      timeout: '30s',
    });
    expect(seen.header).toBe('yes');
  });

  it('puts parameters in the URL for GET', async () => {
    let seen = '';
    handle = (req, _body, res) => {
      seen = req.url ?? '';
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }));
    };
    await new PrometheusApiClient(config({ httpMethod: 'GET' })).instantQuery('1+1', 1500);
    expect(seen).toBe('/prefix/api/v1/query?query=1%2B1&time=1.5');
  });

  it('gives up after the timeout with a 504', async () => {
    handle = () => undefined;
    const error = await new PrometheusApiClient(config({ timeoutMs: 200 }))
      .instantQuery('up', 0)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'timeout', status: 504 });
  });

  it('refuses answers beyond the size limit', async () => {
    handle = (_req, _body, res) => {
      res.write('x'.repeat(100));
      res.end('y'.repeat(100));
    };
    const error = await new PrometheusApiClient(config())
      .raw('GET', 'api/v1/labels', new URLSearchParams(), 150)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'too-large', status: 502 });
  });

  it('turns Prometheus API errors into their errorType and message with the HTTP status', async () => {
    handle = (_req, _body, res) => {
      res.writeHead(422, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'execution', error: 'query timed out' }));
    };
    const error = await new PrometheusApiClient(config()).instantQuery('up', 0).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'api', status: 422, message: 'execution: query timed out' });
  });
});
