// Scrape-path benchmark: `node dist/scrape/scrapeBenchmark.js [--series N] [--scrapes K] [--tsdb] [--targets T]`.
// Serves a synthetic exposition from 127.0.0.1 and runs full scrapes (HTTP, parse, cache,
// relabel, limits, append into a counting appender, or with --tsdb into a TSDB in a temporary
// directory: head, chunks and WAL included), reporting CPU seconds per million samples.
// With --targets T, the N series come from T targets of bench/generator.mjs (a separate process,
// the side-by-side bench's layout, values moving between rounds) scraped concurrently each round.
import { ChildProcess, spawn } from 'node:child_process';
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

/** bench/generator.mjs flags of the side-by-side bench (bench/queries.mjs GENERATOR_LAYOUT). */
const GENERATOR_LAYOUT = ['--families', '6', '--hist-frac', '0.17', '--counter-frac', '0.6', '--buckets', '4'];
const GENERATOR = path.resolve(__dirname, '..', '..', '..', 'bench', 'generator.mjs');
/** The generator serves the same body for renders closer than this (ms); rounds wait longer. */
const GENERATOR_CACHE_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Targets to scrape: T generator instances, or one in-process server with a fixed synthetic body. */
async function startTargets(series: number, targets: number): Promise<{ ports: number[]; stop(): Promise<void> }> {
  if (targets === 0) {
    const body = Buffer.from(syntheticExposition(series).text);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      ports: [(server.address() as AddressInfo).port],
      stop: async () => {
        server.closeAllConnections();
        await new Promise((res) => server.close(res));
      },
    };
  }
  const ports: number[] = [];
  for (let i = 0; i < targets; i++) ports.push(await freePort());
  const args = ['--ports', ports.join(','), '--series', String(Math.round(series / targets)), '--seed', '42'];
  args.push('--cache-ms', String(GENERATOR_CACHE_MS), ...GENERATOR_LAYOUT);
  const gen: ChildProcess = spawn(process.execPath, [GENERATOR, ...args], { stdio: 'ignore' });
  for (const port of ports) {
    for (let tries = 0; ; tries++) {
      // Any answer means the instance listens.
      const up = await new Promise<boolean>((res) =>
        http
          .get(`http://127.0.0.1:${port}/stats`, (r) => {
            r.resume();
            res(true);
          })
          .on('error', () => res(false))
      );
      if (up) break;
      if (tries > 200) throw new Error('generator targets did not start');
      await sleep(50);
    }
  }
  return {
    ports,
    stop: async () => {
      gen.kill();
      await new Promise((r) => (gen.exitCode === null ? gen.once('exit', r) : r(undefined)));
    },
  };
}

export async function benchmarkScrapes(
  series: number,
  scrapes: number,
  tsdb = false,
  targets = 0
): Promise<ScrapeBenchResult> {
  const served = await startTargets(series, targets);
  const cfg = parseConfig(
    `scrape_configs:\n  - job_name: bench\n    scrape_timeout: 30s\n    scrape_interval: 30s\n    enable_compression: ${targets > 0}\n`,
    'bench.yml'
  ).scrapeConfigs[0];
  const client = new ScrapeClient(
    cfg.httpClient,
    acceptHeader(cfg.scrapeProtocols, cfg.metricNameValidationScheme),
    cfg.enableCompression,
    cfg.bodySizeLimit
  );
  const dir = tsdb ? fs.mkdtempSync(path.join(os.tmpdir(), 'flint-scrape-bench-')) : '';
  const db = tsdb ? await TSDB.open(dir, { retentionTimeMs: 0 }) : undefined;
  const storage = new CountingAppendable(db);
  const loops = served.ports.map((port) => {
    const r = populateTarget([], labelsFromRecord({ __address__: `127.0.0.1:${port}` }), cfg);
    if (r.kind !== 'target') throw new Error(`bad benchmark target: ${r.kind}`);
    return new ScrapeLoop(
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
  });
  // One round scrapes every target at once; CPU is counted only while a round runs.
  const round = async (): Promise<number> => {
    if (targets > 0) await sleep(GENERATOR_CACHE_MS + 100);
    const start = process.cpuUsage();
    await Promise.all(loops.map((l) => l.scrapeAndReport()));
    const used = process.cpuUsage(start);
    for (const l of loops) if (l.health !== 'up') throw new Error(`benchmark scrape failed: ${l.lastError}`);
    return (used.user + used.system) / 1e6;
  };
  try {
    // The first scrape builds every label set; later ones hit the cache, as a steady-state target does.
    const firstScrapeCpuSeconds = await round();
    for (let i = 0; i < 2; i++) await round();
    const before = storage.appended;
    let cpuSeconds = 0;
    for (let i = 0; i < scrapes; i++) cpuSeconds += await round();
    const samples = storage.appended - before;
    return {
      samplesPerScrape: samples / scrapes,
      cpuSecondsPerMillionSamples: cpuSeconds / (samples / 1e6),
      firstScrapeCpuSeconds,
    };
  } finally {
    client.close();
    await served.stop();
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
  benchmarkScrapes(series, scrapes, process.argv.includes('--tsdb'), argValue('--targets', 0)).then(
    (r) => {
      process.stdout.write(`samples per round: ${r.samplesPerScrape}\n`);
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
