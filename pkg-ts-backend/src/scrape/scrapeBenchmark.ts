// Scrape-path benchmark: `node dist/scrape/scrapeBenchmark.js [--series N] [--scrapes K] [--tsdb]`.
// Serves a synthetic exposition from 127.0.0.1 and runs full scrapes (HTTP, parse, cache,
// relabel, limits, append into a counting appender, or with --tsdb into a TSDB in a temporary
// directory: head, chunks and WAL included), reporting CPU seconds per million samples.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../config/load';
import { labelsFromRecord } from '../model/labels';
import type { Appendable, Appender } from '../storage/interface';
import { syntheticExposition } from '../textparse/parseBenchmark';
import { TSDB } from '../tsdb/db';
import { createLogger } from '../util/log';
import { acceptHeader, ScrapeClient } from './client';
import { ScrapeLoop } from './loop';
import { populateTarget } from './target';

/** Counts committed appends; without an inner storage it drops them, to measure the scrape path alone. */
class CountingAppendable implements Appendable {
  appended = 0;
  constructor(private readonly inner?: Appendable) {}
  appender(): Appender {
    let staged = 0;
    const inner = this.inner?.appender();
    return {
      append: (ref, labels, t, v) => {
        staged++;
        return inner ? inner.append(ref, labels, t, v) : ref || staged;
      },
      commit: async () => {
        await inner?.commit();
        this.appended += staged;
        staged = 0;
      },
      rollback: () => {
        inner?.rollback();
        staged = 0;
      },
    };
  }
}

export interface ScrapeBenchResult {
  samplesPerScrape: number;
  cpuSecondsPerMillionSamples: number;
  firstScrapeCpuSeconds: number;
}

export async function benchmarkScrapes(series: number, scrapes: number, tsdb = false): Promise<ScrapeBenchResult> {
  const body = Buffer.from(syntheticExposition(series).text);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const cfg = parseConfig(
    'scrape_configs:\n  - job_name: bench\n    scrape_timeout: 10s\n    scrape_interval: 15s\n    enable_compression: false\n',
    'bench.yml'
  ).scrapeConfigs[0];
  const r = populateTarget([], labelsFromRecord({ __address__: `127.0.0.1:${port}` }), cfg);
  if (r.kind !== 'target') throw new Error(`bad benchmark target: ${r.kind}`);
  const client = new ScrapeClient(
    cfg.httpClient,
    acceptHeader(cfg.scrapeProtocols, cfg.metricNameValidationScheme),
    cfg.enableCompression,
    cfg.bodySizeLimit
  );
  const dir = tsdb ? fs.mkdtempSync(path.join(os.tmpdir(), 'flint-scrape-bench-')) : '';
  const db = tsdb ? await TSDB.open(dir, { retentionTimeMs: 0 }) : undefined;
  const storage = new CountingAppendable(db);
  const loop = new ScrapeLoop(
    r.target,
    storage,
    client,
    {
      honorLabels: false,
      honorTimestamps: true,
      trackTimestampsStaleness: false,
      sampleLimit: 0,
      labelLimit: 0,
      labelNameLengthLimit: 0,
      labelValueLengthLimit: 0,
      metricRelabelConfigs: [],
      validationScheme: 'utf8',
      offsetSeed: 0n,
    },
    createLogger({ level: 'error' })
  );
  try {
    // The first scrape builds every label set; later ones hit the cache, as a steady-state target does.
    const first = process.cpuUsage();
    await loop.scrapeAndReport();
    const firstUsed = process.cpuUsage(first);
    if (loop.health !== 'up') throw new Error(`benchmark scrape failed: ${loop.lastError}`);
    for (let i = 0; i < 2; i++) await loop.scrapeAndReport();
    const before = storage.appended;
    const start = process.cpuUsage();
    for (let i = 0; i < scrapes; i++) await loop.scrapeAndReport();
    const used = process.cpuUsage(start);
    const samples = storage.appended - before;
    return {
      samplesPerScrape: samples / scrapes,
      cpuSecondsPerMillionSamples: (used.user + used.system) / 1e6 / (samples / 1e6),
      firstScrapeCpuSeconds: (firstUsed.user + firstUsed.system) / 1e6,
    };
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((res) => server.close(res));
    if (db) {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (require.main === module) {
  const series = argValue('--series', 100_000);
  const scrapes = argValue('--scrapes', 10);
  benchmarkScrapes(series, scrapes, process.argv.includes('--tsdb')).then(
    (r) => {
      process.stdout.write(`samples per scrape: ${r.samplesPerScrape}\n`);
      process.stdout.write(`first scrape (all series new): ${r.firstScrapeCpuSeconds.toFixed(3)} CPU s\n`);
      process.stdout.write(
        `steady state: ${r.cpuSecondsPerMillionSamples.toFixed(3)} CPU s per million samples (${(1 / r.cpuSecondsPerMillionSamples).toFixed(2)} M samples per CPU-second)\n`
      );
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  );
}
