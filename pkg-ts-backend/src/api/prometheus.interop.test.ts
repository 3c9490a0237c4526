// Differential test against Debian's Prometheus 2.42: the same requests to both servers must give
// byte-identical answers wherever 2.42 and 3.x agree (value and timestamp encoding, envelopes,
// parameter errors and their status codes). Only constant expressions are used, so both sides
// hold no data and no storage differences can creep in.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory';
import { promqlParser } from './promqlParser';
import { baseDeps, startApiServer, TestServer } from './testing/server';

const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const q = (query: string, extra = '') => `/api/v1/query?query=${encodeURIComponent(query)}${extra}`;
const range = (query: string, params: string) => `/api/v1/query_range?query=${encodeURIComponent(query)}&${params}`;

const CASES: string[] = [
  q('1/3', '&time=1.5'),
  q('vector(1/3)', '&time=1.5'),
  q('1e-7', '&time=100'),
  q('1e21', '&time=100'),
  q('-1/0', '&time=100.25'),
  q('"x"', '&time=1.5'),
  q('-0', '&time=100'),
  q('vector(1e-7)', '&time=100'),
  q('vector(0.000001)', '&time=100'),
  q('vector(1e21)', '&time=100'),
  q('vector(123456789012345680000)', '&time=100'),
  q('-1/0', '&time=100'),
  q('0/0', '&time=100'),
  q('vector(-2.5) * 4', '&time=100'),
  q('"hello"', '&time=7'),
  q('time()', '&time=1435781451.781'),
  q('time()', '&time=1435781451.7814'),
  q('time()', '&time=2015-07-01T20:10:51.781Z'),
  q('time()', '&time=0.007'),
  q('up', '&time=100'),
  q('label_replace(vector(1), "job", "a", "", "")', '&time=100'),
  range('vector(1)', 'start=0&end=2&step=1'),
  range('time()', 'start=0.5&end=3&step=0.75'),
  range('up', 'start=0&end=10&step=1'),
  range('vector(1)', 'start=0&end=11001&step=1'),
  range('vector(1)', 'start=0&end=11000&step=1&query=x'),
  range('vector(1)', 'start=0&end=10&step=0'),
  range('vector(1)', 'start=0&end=10&step=-1'),
  range('vector(1)', 'start=10&end=0&step=1'),
  range('vector(1)', 'start=abc&end=0&step=1'),
  range('vector(1)', 'start=0&end=abc&step=1'),
  range('vector(1)', 'start=0&end=10&step=abc'),
  range('vector(1)', 'start=0&end=10&step=1e30'),
  q('vector(1)', '&timeout=abc'),
  '/api/v1/series',
  '/api/v1/series?match[]=up',
  '/api/v1/labels',
  '/api/v1/label/__name__/values',
  '/api/v1/label/job/values?match[]=up',
  '/api/v1/query_exemplars?query=up&start=0&end=10',
  '/api/v1/metadata',
  '/api/v1/targets/metadata',
  '/api/v1/alerts',
  '/api/v1/rules',
  '/api/v1/rules?type=alert',
  '/api/v1/alertmanagers',
  '/api/v1/targets?state=active',
  `/api/v1/series?match[]=${encodeURIComponent('{job=~".*"}')}`,
];
// Left out on purpose, where 3.x (flint's reference) changed 2.42's answer: admin calls without
// --web.enable-admin-api (503 unavailable vs 500), `invalid time value for` (2.42 capitalises it),
// /targets without state (3.x adds droppedTargetCounts).

(fs.existsSync(PROMETHEUS) ? describe : describe.skip)('API answers byte-identical to Prometheus 2.42', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-api-differential-'));
  let prom: ChildProcess | undefined;
  let promBase = '';
  let flint: TestServer;

  beforeAll(async () => {
    const port = await freePort();
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(configFile, 'global: {scrape_interval: 1h}\n');
    prom = spawn(PROMETHEUS, [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    promBase = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${promBase}/-/ready`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('Prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    flint = await startApiServer(baseDeps(new MemoryStorage(), { engine: new Engine(), parser: promqlParser }));
  });

  afterAll(async () => {
    prom?.kill('SIGTERM');
    await flint?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('%s', async (pathAndQuery) => {
    const method = pathAndQuery.includes('/admin/') ? 'POST' : 'GET';
    const [a, b] = await Promise.all([fetch(promBase + pathAndQuery, { method }), fetch(flint.base + pathAndQuery, { method })]);
    const [ta, tb] = await Promise.all([a.text(), b.text()]);
    expect({ status: b.status, body: tb }).toEqual({ status: a.status, body: ta });
  });
});
