// Prometheus 2.42 scrapes flint's /federate (plain, and over TLS with basic auth per a
// --web.config.file) and must end up with the same series, values and timestamps.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { labelsFromRecord } from '../model/labels';
import { STALE_NAN } from '../model/value';
import { MemoryStorage } from '../storage/memory';
import { createSecuredServer } from '../web/auth';
import { Router } from '../web/router';
import { promqlParser } from './promqlParser';
import { registerApi } from './register';
import { appendSamples, baseDeps } from './testing/server';

const PROMETHEUS = '/usr/bin/prometheus';
const TESTDATA = path.join(__dirname, '..', 'web', 'testdata');

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface PromVectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(port: number, query: string, time?: number): Promise<PromVectorSample[]> {
  const params = new URLSearchParams({ query, ...(time !== undefined ? { time: String(time / 1000) } : {}) });
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?${params}`);
  const body = (await res.json()) as { data?: { result: PromVectorSample[] } };
  return body.data?.result ?? [];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // Prometheus may not listen yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

(fs.existsSync(PROMETHEUS) ? describe : describe.skip)('Prometheus 2.42 federates from flint', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-federate-interop-'));
  const servers: http.Server[] = [];
  let prom: ChildProcess | undefined;
  let promPort = 0;
  const t0 = Date.now() - 5_000;

  beforeAll(async () => {
    const storage = new MemoryStorage();
    await appendSamples(storage, [
      [{ __name__: 'http_requests_total', job: 'api', code: '200', path: '/a "quoted"\\path' }, [[t0, 1234567]]],
      [{ __name__: 'http_requests_total', job: 'api', code: '500' }, [[t0, 0.00001]]],
      [{ __name__: 'temperature', job: 'sensors', instance: 'room-1' }, [[t0, -3.25]]],
      [{ __name__: 'gone', job: 'api' }, [[t0 - 1000, 1], [t0, STALE_NAN]]],
    ]);
    const router = new Router();
    registerApi(router, baseDeps(storage, { parser: promqlParser, externalLabels: () => labelsFromRecord({ region: 'eu' }) }));
    const handler: http.RequestListener = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const m = router.match(req.method ?? 'GET', url.pathname);
      if (!m.handler) {
        res.writeHead(404);
        res.end();
        return;
      }
      void m.handler(req, res, m.params, url);
    };
    const plain = http.createServer(handler);
    const webConfig = path.join(dir, 'web.yml');
    fs.writeFileSync(
      webConfig,
      `tls_server_config:\n  cert_file: ${path.join(TESTDATA, 'server.crt')}\n  key_file: ${path.join(TESTDATA, 'server.key')}\nbasic_auth_users:\n  prom: '${bcrypt.hashSync('federation', 4)}'\n`
    );
    const secured = createSecuredServer(webConfig, handler) as http.Server;
    servers.push(plain, secured);
    const plainPort = await listen(plain);
    const securedPort = await listen(secured);

    promPort = await freePort();
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      configFile,
      `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: {'match[]': ['{job=~".+"}']}
    static_configs: [{targets: ['127.0.0.1:${plainPort}']}]
  - job_name: federate-secured
    honor_labels: true
    metrics_path: /federate
    scheme: https
    params: {'match[]': ['temperature']}
    basic_auth: {username: prom, password: federation}
    tls_config: {ca_file: ${path.join(TESTDATA, 'ca.crt')}, server_name: localhost}
    static_configs: [{targets: ['127.0.0.1:${securedPort}']}]
  - job_name: federate-wrong-password
    metrics_path: /federate
    scheme: https
    params: {'match[]': ['temperature']}
    basic_auth: {username: prom, password: guess}
    tls_config: {ca_file: ${path.join(TESTDATA, 'ca.crt')}, server_name: localhost}
    static_configs: [{targets: ['127.0.0.1:${securedPort}']}]
`
    );
    prom = spawn(PROMETHEUS, [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    prom?.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise<void>((r) => (s.close(() => r()), s.closeAllConnections()))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ingests every federated series with its value, timestamp and external labels', async () => {
    const up = await waitFor('the federation scrapes', async () => {
      const r = await promQuery(promPort, 'up');
      return r.length === 3 ? r : undefined;
    });
    const health = Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]));
    expect(health).toEqual({ federate: '1', 'federate-secured': '1', 'federate-wrong-password': '0' });

    const requests = await promQuery(promPort, 'http_requests_total', t0);
    expect(requests.map((s) => [s.metric, s.value[1]]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      [{ __name__: 'http_requests_total', code: '200', job: 'api', path: '/a "quoted"\\path', region: 'eu' }, '1234567'],
      [{ __name__: 'http_requests_total', code: '500', job: 'api', region: 'eu' }, '0.00001'],
    ]);
    // `instance=""` is sent so honor_labels keeps the target's instance out; an empty value means absent.
    // The federated samples keep flint's timestamps.
    expect(requests.every((s) => s.value[0] === t0 / 1000)).toBe(true);
    // The stale series is not federated.
    expect(await promQuery(promPort, 'gone', t0)).toEqual([]);

    // Both jobs deliver the same series (honor_labels), the secured one exactly one sample.
    const temperature = await promQuery(promPort, 'temperature', t0);
    expect(temperature.map((s) => [s.metric, s.value[1]])).toEqual([[{ __name__: 'temperature', instance: 'room-1', job: 'sensors', region: 'eu' }, '-3.25']]);
    const securedSamples = await promQuery(promPort, 'scrape_samples_scraped{job="federate-secured"}');
    expect(securedSamples.map((s) => s.value[1])).toEqual(['1']);
  });
});
