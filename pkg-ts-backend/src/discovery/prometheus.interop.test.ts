// Runs the real Prometheus (Debian's 2.42) and flint's discovery on the same file_sd and http_sd
// sources, and compares the labels each discovers per target (`discoveredLabels` in
// /api/v1/targets), leaving out the ones the scrape layer adds (job, __scheme__, ...).
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config/load';
import { SDConfig } from '../config/types';
import { DiscoveryManager } from './manager';
import { TargetGroup } from './targetGroup';
import { recordingLogger, waitFor } from './testUtil';

const PROMETHEUS = '/usr/bin/prometheus';
const SCRAPE_LAYER_LABELS = new Set(['job', '__scheme__', '__metrics_path__', '__scrape_interval__', '__scrape_timeout__']);

type LabelMap = Record<string, string>;

function normalise(sets: LabelMap[]): string[] {
  return sets
    .map((s) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(s)
            .filter(([k]) => !SCRAPE_LAYER_LABELS.has(k))
            .sort(([a], [b]) => (a < b ? -1 : 1))
        )
      )
    )
    .sort();
}

function flintTargets(groups: TargetGroup[]): LabelMap[] {
  return groups.flatMap((g) => g.targets.map((t) => Object.fromEntries([...g.labels, ...t].map((l) => [l.name, l.value]))));
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

(fs.existsSync(PROMETHEUS) ? describe : describe.skip)('discovered labels match Prometheus', () => {
  let dir: string;
  let sdServer: http.Server;
  let prom: ChildProcess | undefined;
  let manager: DiscoveryManager | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-sd-interop-'));
    sdServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify([{ targets: ['127.0.0.1:1', '127.0.0.1:2'], labels: { team: 'http', __meta_extra: 'x' } }]));
    });
    await new Promise<void>((r) => sdServer.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    manager?.stop();
    prom?.kill('SIGTERM');
    await new Promise<void>((r) => sdServer.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('file_sd (JSON and YAML) and http_sd', async () => {
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ targets: ['127.0.0.1:3'], labels: { rack: 'r1' } }, { targets: ['127.0.0.1:4'] }]));
    fs.writeFileSync(path.join(dir, 'b.yml'), '- targets: ["127.0.0.1:5"]\n  labels:\n    kind: yaml\n');
    const sdUrl = `http://127.0.0.1:${(sdServer.address() as AddressInfo).port}/sd`;
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      configFile,
      `global: {scrape_interval: 1h, scrape_timeout: 1s}
scrape_configs:
  - job_name: files
    file_sd_configs: [{files: ['${dir}/*.json', '${dir}/*.yml']}]
  - job_name: http
    http_sd_configs: [{url: '${sdUrl}'}]
`
    );
    const port = await freePort();
    prom = spawn(PROMETHEUS, [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });

    const cfg = parseConfig(fs.readFileSync(configFile, 'utf8'), configFile);
    manager = new DiscoveryManager(recordingLogger(), { updateIntervalMs: 10 });
    let ours = new Map<string, TargetGroup[]>();
    manager.onUpdate((g) => (ours = g));
    manager.applyConfig(new Map<string, SDConfig[]>(cfg.scrapeConfigs.map((s) => [s.jobName, s.serviceDiscovery])));

    let theirs: { scrapePool: string; discoveredLabels: LabelMap }[] = [];
    await waitFor(() => flintTargets(ours.get('files') ?? []).length === 3 && flintTargets(ours.get('http') ?? []).length === 2, 10_000);
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/targets`);
        theirs = ((await res.json()) as { data: { activeTargets: typeof theirs } }).data.activeTargets;
        if (theirs.length === 5) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const pool of ['files', 'http']) {
      expect(normalise(flintTargets(ours.get(pool) ?? []))).toEqual(normalise(theirs.filter((t) => t.scrapePool === pool).map((t) => t.discoveredLabels)));
    }
  }, 40_000);
});
