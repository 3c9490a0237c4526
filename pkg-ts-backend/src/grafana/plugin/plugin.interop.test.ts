// The plugin as Grafana uses it, against a real Prometheus (Debian's /usr/bin/prometheus):
// the built locator started exactly as Grafana starts it (only Grafana's environment, no
// PATH, first stdout line = go-plugin handshake), a gRPC client in Grafana's place, frames
// decoded with apache-arrow itself, and the upstream killed and brought back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchFileReader, Type, type Field as ArrowField } from 'apache-arrow';
import { nopLogger } from '../../util/log';
import { startGrafanaPluginService, type GrafanaPluginService } from './service';
import { dataQuery, pluginContext, PluginClient } from './testdata/pluginClient';
import {
  buildLocators,
  freePort,
  grafanaEnv,
  locatorPath,
  ScrapingServer,
  startLocator,
  stopLocator,
  waitFor,
  type Locator,
} from './testdata/processes';

jest.setTimeout(60_000);

function readFrame(bytes: Uint8Array) {
  expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).toBe('ARROW1');
  const reader = RecordBatchFileReader.from(bytes);
  reader.open();
  const schema = reader.schema;
  return { schema, batches: [...reader] };
}

function expectSeriesField(time: ArrowField, value: ArrowField) {
  expect(time.name).toBe('Time');
  expect(time.typeId).toBe(Type.Timestamp);
  expect(String(time.type)).toBe('Timestamp<NANOSECOND>');
  expect(time.nullable).toBe(false);
  expect(time.metadata.get('tstype')).toBe('time');
  expect(value.name).toBe('Value');
  expect(String(value.type)).toBe('Float64');
  expect(value.metadata.get('tstype')).toBe('number');
  const labels = JSON.parse(value.metadata.get('labels')!) as Record<string, string>;
  expect(labels).toMatchObject({ __name__: 'up', job: 'prometheus' });
}

describe('the Flint backend plugin, as Grafana runs it, against Prometheus', () => {
  let dir: string;
  let prometheus: ScrapingServer;
  let service: GrafanaPluginService;
  let locator: Locator;
  let client: PluginClient;

  beforeAll(async () => {
    buildLocators();
    dir = mkdtempSync(join(tmpdir(), 'flint-plugin-interop-'));
    prometheus = new ScrapingServer(['/usr/bin/prometheus'], dir, await freePort(), 'prometheus');
    await prometheus.start();
    service = await startGrafanaPluginService({ address: '127.0.0.1:0', logger: nopLogger, version: 'interop' });
    locator = await startLocator(grafanaEnv(service.address));
    const [core, app, network, address, protocol] = locator.firstLine.split('|');
    expect([core, app, network, protocol]).toEqual(['1', '2', 'tcp', 'grpc']);
    client = new PluginClient(address);
  });

  afterAll(async () => {
    client?.close();
    if (locator) await stopLocator(locator);
    await service?.stop();
    await prometheus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ctx = () => pluginContext({ url: prometheus.url, uid: 'prom' });

  it('prints exactly the go-plugin handshake as its first line, pointing at the service', () => {
    expect(locator.firstLine).toBe(`1|2|tcp|${service.address}|grpc`);
    expect(locator.child.exitCode).toBeNull();
  });

  it('passes the gRPC health check go-plugin makes', async () => {
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
  });

  it('reports the data source healthy with the server version', async () => {
    const health = await client.checkHealth({ pluginContext: ctx() });
    expect(health.status).toBe('OK');
    expect(health.message).toMatch(/^Data source is working: Prometheus 2\.\d+/);
  });

  it('answers a dashboard range query with time series frames in Arrow file format', async () => {
    const now = Date.now();
    const query = dataQuery(
      'A',
      { expr: 'up', legendFormat: '{{job}}', range: true, instant: false },
      now - 60_000,
      now,
      {
        intervalMS: 1000,
        maxDataPoints: 600,
      }
    );
    const { responses } = await client.queryData({ pluginContext: ctx(), headers: {}, queries: [query] });
    expect(responses.A.error).toBe('');
    expect(responses.A.frames).toHaveLength(1);
    const { schema, batches } = readFrame(responses.A.frames[0]);
    expect([...schema.metadata.keys()].sort()).toEqual(['meta', 'name', 'refId']);
    expect(schema.metadata.get('refId')).toBe('A');
    expect(schema.metadata.get('name')).toBe('prometheus');
    const meta = JSON.parse(schema.metadata.get('meta')!);
    expect(meta).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1], custom: { resultType: 'matrix' } });
    expect(meta.executedQueryString).toBe('Expr: up\nStep: 1s');
    const [time, value] = schema.fields;
    expectSeriesField(time, value);
    expect([...time.metadata.keys()].sort()).toEqual(['config', 'tstype']);
    expect(JSON.parse(time.metadata.get('config')!)).toEqual({ interval: 1000 });
    expect(JSON.parse(value.metadata.get('config')!)).toEqual({ displayNameFromDS: 'prometheus' });
    const times = batches[0].getChildAt(0)!.data[0].values as BigInt64Array;
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) {
      expect(t % 1_000_000_000n).toBe(0n);
      expect(t).toBeGreaterThanOrEqual(BigInt(now - 61_000) * 1_000_000n);
    }
    expect(batches[0].getChildAt(1)!.toArray()).toContain(1);
  });

  it('answers the alerting request (FromAlert, instant, no maxDataPoints, no user) with numeric frames', async () => {
    const now = Date.now();
    const query = dataQuery(
      'A',
      { expr: 'up', instant: true, range: false, datasource: { type: 'flintlabs-flint-datasource', uid: 'prom' } },
      now - 600_000,
      now,
      {
        intervalMS: 1000,
      }
    );
    const { responses } = await client.queryData({
      pluginContext: pluginContext({ url: prometheus.url, uid: 'prom' }, false),
      headers: { FromAlert: 'true' },
      queries: [query],
    });
    expect(responses.A.error).toBe('');
    expect(responses.A.frames).toHaveLength(1);
    const { schema, batches } = readFrame(responses.A.frames[0]);
    expect(JSON.parse(schema.metadata.get('meta')!)).toMatchObject({
      type: 'numeric-multi',
      custom: { resultType: 'vector' },
    });
    expectSeriesField(schema.fields[0], schema.fields[1]);
    expect(batches[0].numRows).toBe(1);
    expect(batches[0].getChildAt(1)!.get(0)).toBe(1);
  });

  it('keeps serving after Shutdown and after Grafana kills the locator', async () => {
    await client.shutdown({});
    await stopLocator(locator);
    expect(await client.healthCheck({ service: 'plugin' })).toEqual({ status: 'SERVING' });
  });

  it('refuses to run without the magic cookie, writing nothing to stdout', () => {
    const run = spawnSync(locatorPath, [], { env: {}, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/grafana_plugin_type=datasource is not set/);
  });

  it('gives per-query errors and an unhealthy check while Prometheus is down, and recovers by itself', async () => {
    await prometheus.stop();
    const now = Date.now();
    const queries = [
      dataQuery('A', { expr: 'up', instant: true }, now - 60_000, now),
      dataQuery('B', { expr: 'up' }, now - 60_000, now),
    ];
    const down = await client.queryData({ pluginContext: ctx(), headers: {}, queries });
    for (const refId of ['A', 'B']) {
      expect(down.responses[refId]).toMatchObject({ status: 502, errorSource: 'downstream', frames: [] });
      expect(down.responses[refId].error).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    }
    const health = await client.checkHealth({ pluginContext: ctx() });
    expect(health.status).toBe('ERROR');
    expect(health.message).toMatch(/cannot reach/);

    await prometheus.start();
    const recovered = await waitFor('health to recover', async () => {
      const h = await client.checkHealth({ pluginContext: ctx() });
      return h.status === 'OK' ? h : undefined;
    });
    expect(recovered.message).toMatch(/Prometheus/);
    const up = await client.queryData({
      pluginContext: ctx(),
      headers: {},
      queries: [dataQuery('A', { expr: 'up', instant: true }, now, Date.now())],
    });
    expect(up.responses.A.error).toBe('');
    expect(up.responses.A.frames.length).toBeGreaterThan(0);
  });
});
