// Scrapes Debian's prometheus-node-exporter through the whole scrape path and checks that what was
// stored matches what the exporter exposed.
import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { parseConfig } from '../config/load';
import { formatLabels, labelsFromRecord } from '../model/labels';
import { Appendable, Appender } from '../storage/interface';
import { parseExposition } from '../textparse';
import { createLogger } from '../util/log';
import { ScrapeManager } from './manager';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

class RecordingStorage implements Appendable {
  samples: Array<{ series: string; t: number; v: number }> = [];
  appender(): Appender {
    const staged: Array<{ series: string; t: number; v: number }> = [];
    return {
      append: (_ref, labels, t, v) => {
        staged.push({ series: formatLabels(labels), t, v });
        return 1;
      },
      commit: async () => {
        this.samples.push(...staged);
      },
      rollback: () => {
        staged.length = 0;
      },
    };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString(),
          })
        );
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let exporter: ChildProcess | undefined;
let address = '';

beforeAll(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  exporter = spawn(NODE_EXPORTER, [`--web.listen-address=${address}`], { stdio: 'ignore' });
  const until = Date.now() + 15000;
  for (;;) {
    try {
      if ((await get(`http://${address}/metrics`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('node exporter did not start');
    await sleep(100);
  }
}, 20000);

afterAll(() => {
  exporter?.kill('SIGTERM');
});

test('scrapes node exporter successfully and stores what it exposes', async () => {
  const storage = new RecordingStorage();
  const mgr = new ScrapeManager(storage, { logger: createLogger({ level: 'error', write: () => undefined }) });
  mgr.applyConfig(
    parseConfig('scrape_configs:\n  - job_name: node\n    scrape_interval: 1s\n    scrape_timeout: 1s\n', 'interop.yml')
  );
  mgr.onTargetGroups(
    new Map([['node', [{ source: 'static/0', targets: [labelsFromRecord({ __address__: address })], labels: [] }]]])
  );
  const up = `up{instance="${address}", job="node"}`;
  const until = Date.now() + 20000;
  while (storage.samples.filter((s) => s.series === up).length < 2 && Date.now() < until) await sleep(100);
  await mgr.stop();

  const ups = storage.samples.filter((s) => s.series === up);
  expect(ups.length).toBeGreaterThanOrEqual(2);
  expect(ups.map((s) => s.v)).toEqual(ups.map(() => 1));

  // Same series set as a direct parse of the exporter's output (values move between reads).
  const direct = await get(`http://${address}/metrics`);
  const parsed = parseExposition(direct.body, direct.contentType);
  const firstScrapeT = ups[0].t;
  const stored = new Set(storage.samples.filter((s) => s.t === firstScrapeT).map((s) => s.series));
  const scraped =
    storage.samples.find(
      (s) => s.series === `scrape_samples_scraped{instance="${address}", job="node"}` && s.t === firstScrapeT
    )?.v ?? 0;
  expect(scraped).toBeGreaterThan(100);
  const stableNames = ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_exporter_build_info'];
  for (let i = 0; i < parsed.length; i++) {
    const name = parsed.labels[i].find((l) => l.name === '__name__')?.value ?? '';
    if (!stableNames.includes(name)) continue;
    const withTarget = labelsFromRecord({
      ...Object.fromEntries(parsed.labels[i].map((l) => [l.name, l.value])),
      instance: address,
      job: 'node',
    });
    expect(stored.has(formatLabels(withTarget))).toBe(true);
  }
  const memTotal = storage.samples.find(
    (s) => s.series === `node_memory_MemTotal_bytes{instance="${address}", job="node"}`
  );
  expect(memTotal?.v).toBe(
    parsed.values[parsed.labels.findIndex((ls) => ls.some((l) => l.value === 'node_memory_MemTotal_bytes'))]
  );
}, 40000);
