// The sidecar design end to end with the built flint command: flint A serves the plugin
// protocol (--grafana.listen-address) and is itself a data source; flint B is a second data
// source reached through A. Grafana's part is played by the built locator (started with
// Grafana's environment only) and a gRPC client. Needs `npm run build` (npm test runs it).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchFileReader } from 'apache-arrow';
import { dataQuery, pluginContext, PluginClient } from './testdata/pluginClient';
import {
  buildLocators,
  freePort,
  grafanaEnv,
  repoRoot,
  ScrapingServer,
  startLocator,
  stopLocator,
  waitFor,
  type Locator,
} from './testdata/processes';

jest.setTimeout(60_000);

const flintCommand = [process.execPath, join(repoRoot, 'pkg-ts-backend', 'bin', 'flint.js')];

function frameSummary(bytes: Uint8Array) {
  const reader = RecordBatchFileReader.from(bytes);
  reader.open();
  const schema = reader.schema;
  const rows = [...reader].reduce((n, b) => n + b.numRows, 0);
  return {
    meta: JSON.parse(schema.metadata.get('meta') ?? '{}') as { type?: string },
    fields: schema.fields.map((f) => `${f.name}:${String(f.type)}`),
    labels: JSON.parse(schema.fields[1]?.metadata.get('labels') ?? '{}') as Record<string, string>,
    rows,
  };
}

describe('flint as the plugin backend, through the locator', () => {
  let dir: string;
  let flintA: ScrapingServer;
  let flintB: ScrapingServer;
  let grpcAddress: string;
  let locator: Locator;
  let client: PluginClient;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'pkg-ts-backend', 'dist', 'cmd', 'flint.js'))) {
      throw new Error('flint is not built: run `npm run build` first');
    }
    buildLocators();
    dir = mkdtempSync(join(tmpdir(), 'flint-sidecar-interop-'));
    grpcAddress = `127.0.0.1:${await freePort()}`;
    flintA = new ScrapingServer(flintCommand, join(dir, 'a'), await freePort(), 'flint-a', [
      `--grafana.listen-address=${grpcAddress}`,
    ]);
    flintB = new ScrapingServer(flintCommand, join(dir, 'b'), await freePort(), 'flint-b');
    await Promise.all([flintA.start(), flintB.start()]);
    locator = await startLocator(grafanaEnv(grpcAddress));
    client = new PluginClient(locator.firstLine.split('|')[3]);
  });

  afterAll(async () => {
    client?.close();
    if (locator) await stopLocator(locator);
    await Promise.all([flintA?.stop(), flintB?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dsA = () => pluginContext({ url: flintA.url, uid: 'flint-a' });
  const dsB = () => pluginContext({ url: flintB.url, uid: 'flint-b' });

  it('hands Grafana the address of flint’s plugin service', async () => {
    expect(locator.firstLine).toBe(`1|2|tcp|${grpcAddress}|grpc`);
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
  });

  it('says flint and its version on Save & test', async () => {
    const health = await client.checkHealth({ pluginContext: dsA() });
    expect(health.status).toBe('OK');
    expect(health.message).toMatch(/^Data source is working: flint \d+\.\d+\.\d+ \(Prometheus API \d+\.\d+\.\d+\)/);
  });

  it('queries flint itself and another flint, range and alerting-style instant', async () => {
    const now = Date.now();
    const range = await client.queryData({
      pluginContext: dsA(),
      headers: {},
      queries: [
        dataQuery('A', { expr: 'up', range: true }, now - 30_000, now, { intervalMS: 1000, maxDataPoints: 500 }),
      ],
    });
    expect(range.responses.A.error).toBe('');
    const [series] = range.responses.A.frames.map(frameSummary);
    expect(series.meta.type).toBe('timeseries-multi');
    expect(series.fields).toEqual(['Time:Timestamp<NANOSECOND>', 'Value:Float64']);
    expect(series.labels).toMatchObject({ __name__: 'up', job: 'flint-a' });
    expect(series.rows).toBeGreaterThan(0);

    const alert = await client.queryData({
      pluginContext: pluginContext({ url: flintB.url, uid: 'flint-b' }, false),
      headers: { FromAlert: 'true' },
      queries: [dataQuery('A', { expr: 'up', instant: true, range: false }, now - 600_000, now, { intervalMS: 1000 })],
    });
    expect(alert.responses.A.frames.map(frameSummary)).toEqual([
      {
        meta: expect.objectContaining({ type: 'numeric-multi' }),
        fields: ['Time:Timestamp<NANOSECOND>', 'Value:Float64'],
        labels: expect.objectContaining({ job: 'flint-b' }),
        rows: 1,
      },
    ]);
  });

  it('reports a stopped flint per query and in its health while the other keeps working, then recovers', async () => {
    await flintB.stop();
    const now = Date.now();
    const down = await client.queryData({
      pluginContext: dsB(),
      headers: {},
      queries: [dataQuery('A', { expr: 'up', instant: true }, now - 60_000, now)],
    });
    expect(down.responses.A).toMatchObject({ status: 502, errorSource: 'downstream' });
    expect(down.responses.A.error).toMatch(/cannot reach .*ECONNREFUSED/);
    expect((await client.checkHealth({ pluginContext: dsB() })).status).toBe('ERROR');
    expect((await client.checkHealth({ pluginContext: dsA() })).status).toBe('OK');

    await flintB.start();
    await waitFor('flint B to be healthy again', async () =>
      (await client.checkHealth({ pluginContext: dsB() })).status === 'OK' ? true : undefined
    );
  });

  it('keeps serving when Grafana unloads the plugin (Shutdown, then the locator is killed)', async () => {
    await client.shutdown({});
    await stopLocator(locator);
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
    expect((await client.checkHealth({ pluginContext: dsA() })).status).toBe('OK');
  });
});
